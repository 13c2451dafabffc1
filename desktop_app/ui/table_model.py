"""What the read-only table models share: a list of row objects shown under a row of column names."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt


class RowsModel(QAbstractTableModel):
    """Subclasses set COLUMNS (and KEY for row_of) and answer data() for self.rows."""

    COLUMNS: tuple[str, ...] = ()
    KEY = "id"   # the attribute row_of matches

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list = []

    def set_rows(self, rows) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_of(self, key) -> int:
        """The position of the first row whose KEY attribute equals key, -1 when there is none."""
        for row, item in enumerate(self.rows):
            if getattr(item, self.KEY) == key:
                return row
        return -1

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None
