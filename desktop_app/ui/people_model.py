"""The search results list: a table model over services.people.PersonSummary rows, fetching more as it scrolls."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt

from desktop_app.services.errors import InputError
from PySide6.QtGui import QBrush, QColor

from desktop_app.ui.labels import SEXES, STATUS_TEXT, date_text
from desktop_app.ui.table_model import RowsModel

COLUMNS = ("姓名", "身份证号", "状态")
PAGE = 50  # people fetched at a time: a surname alone matches thousands in a county (issue 7)


class PeopleModel(RowsModel):
    COLUMNS = COLUMNS

    def __init__(self, parent=None, glance=None):
        super().__init__(parent)
        self._more = None  # more(offset, limit) -> the next people, while the last page came back full
        self._glance = glance   # glance(person_id) -> months unpaid (None: cannot be decided), asked for shown rows
        self._unpaid: dict[int, int | None] = {}

    def set_rows(self, rows, more=None) -> None:
        """The first page of a search; `more(offset, limit)` fetches the next ones when the list scrolls there."""
        self.beginResetModel()
        self.rows = list(rows)
        self._unpaid = {}
        self._more = more if more is not None and len(self.rows) >= PAGE else None
        self.endResetModel()

    @property
    def complete(self) -> bool:
        """Every match is in the list (nothing more to fetch)."""
        return self._more is None

    def canFetchMore(self, parent=QModelIndex()) -> bool:
        return not parent.isValid() and self._more is not None

    def fetchMore(self, parent=QModelIndex()) -> None:
        if parent.isValid() or self._more is None:
            return
        more = self._more
        try:
            rows = more(len(self.rows), PAGE)
        except InputError:  # the window was locked meanwhile: stop fetching, keep what is listed (the lock says why)
            self._more = None
            return
        if len(rows) < PAGE:
            self._more = None
        if rows:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(rows) - 1)
            self.rows.extend(rows)
            self.endInsertRows()

    def person_at(self, row: int):
        return self.rows[row]

    def _owes(self, person) -> bool:
        if self._glance is None or person.status != "active":
            return False
        if person.id not in self._unpaid:   # asked only for the rows painted (a page of a county's surname)
            self._unpaid[person.id] = self._glance(person.id)
        return bool(self._unpaid[person.id])

    def _status(self, person) -> str:
        if person.status != "active":
            return STATUS_TEXT.get(person.status, person.status)
        if self._owes(person):
            return f"欠费{self._unpaid[person.id]}个月"
        return "正常" if self._glance is not None and self._unpaid.get(person.id) == 0 else ""

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        person = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 2:
                return self._status(person)
            return person.name if index.column() == 0 else person.id_number
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 2:
            return QBrush(QColor("#b3261e")) if self._owes(person) else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return (
                f"{person.name}，{SEXES.get(person.sex, person.sex)}，出生 {date_text(person.birth_date)}\n"
                f"身份证号 {person.id_number}"
            )
        return None
