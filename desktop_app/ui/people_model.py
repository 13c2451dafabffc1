"""The search results list: a table model over services.people.PersonSummary rows."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from desktop_app.ui.labels import SEXES, date_text

COLUMNS = ("姓名", "身份证号")


class PeopleModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list = []

    def set_rows(self, rows) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def person_at(self, row: int):
        return self._rows[row]

    def row_of(self, person_id: int) -> int:
        for row, person in enumerate(self._rows):
            if person.id == person_id:
                return row
        return -1

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        person = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return person.name if index.column() == 0 else person.id_number
        if role == Qt.ItemDataRole.ToolTipRole:
            return (
                f"{person.name}，{SEXES.get(person.sex, person.sex)}，出生 {date_text(person.birth_date)}\n"
                f"身份证号 {person.id_number}"
            )
        return None
