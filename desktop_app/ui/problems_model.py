"""The import report's problem list: every problem the check found, shown a page at a time as the list scrolls."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt

from desktop_app.ui.table_model import RowsModel

PAGE = 500  # a bad file lists up to 50,000 problems (issue 7): the view gets them as it scrolls there


class ProblemsModel(RowsModel):
    """Rows are services.tax_check.RowProblem; all of them are held, PAGE more are shown per fetch."""

    COLUMNS = ("行号", "列", "问题")
    KEY = "row_no"

    def __init__(self, parent=None):
        super().__init__(parent)
        self._all: list = []

    def set_rows(self, rows) -> None:
        self.beginResetModel()
        self._all = list(rows)
        self.rows = self._all[:PAGE]
        self.endResetModel()

    @property
    def total(self) -> int:
        return len(self._all)

    def canFetchMore(self, parent=QModelIndex()) -> bool:
        return not parent.isValid() and len(self.rows) < len(self._all)

    def fetchMore(self, parent=QModelIndex()) -> None:
        if not self.canFetchMore(parent):
            return
        shown = len(self.rows)
        more = self._all[shown:shown + PAGE]
        self.beginInsertRows(QModelIndex(), shown, shown + len(more) - 1)
        self.rows.extend(more)
        self.endInsertRows()

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        problem = self.rows[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return problem.message
        column = index.column()
        if column == 0:
            return str(problem.row_no) if problem.row_no else "整个文件"
        return (problem.column or "") if column == 1 else problem.message
