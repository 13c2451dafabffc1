"""The notices issued to a person, each reprinted from its archived PDF (byte for byte), and the 回执 that came back."""

from __future__ import annotations

from datetime import date

from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QDialog, QHeaderView, QVBoxLayout

from desktop_app.services.errors import InputError
from desktop_app.services.notices import notices_for_person, record_receipt, reprint_notice
from desktop_app.ui.field_errors import FieldErrors
from desktop_app.ui.forms import load_form
from desktop_app.ui.notice_dialog import NoticeDialog
from desktop_app.ui.tab_base import NOTICE_TITLES, compact_rows, from_qdate, to_qdate

COLUMNS = ["编号", "告知书", "出具日期", "经办人", "更正的原编号", "回执"]


def receipt_text(notice: dict) -> str:
    returned = notice.get("receipt_returned_on")
    return f"已交回（{returned}）" if returned else "未交回"


class NoticesDialog(QDialog):
    def __init__(self, session, person_id: int, person_text: str = "", parent=None, clock=date.today):
        super().__init__(parent)
        self.setWindowTitle("已出具的告知书")
        QVBoxLayout(self).setContentsMargins(4, 4, 4, 4)
        self.ui = load_form("notices_dialog.ui", self)
        self.session = session
        self.person_id = person_id
        self.clock = clock
        self.errors = FieldErrors(self.ui)
        self.preview: NoticeDialog | None = None
        self.ui.person_label.setText(person_text)
        self.model = QStandardItemModel(0, len(COLUMNS), self)
        self.model.setHorizontalHeaderLabels(COLUMNS)
        self.ui.notices_view.setModel(self.model)
        compact_rows(self.ui.notices_view)
        self.ui.notices_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.ui.returned_on_edit.setDate(to_qdate(clock()))
        self._load()
        if not self.model.rowCount():
            self.ui.person_label.setText(person_text + "　尚未出具告知书。")
        self.ui.notices_view.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.ui.notices_view.doubleClicked.connect(lambda *_: self.reprint())
        self.ui.reprint_button.clicked.connect(self.reprint)
        self.ui.receipt_button.clicked.connect(self.mark_receipt)
        self.ui.close_button.clicked.connect(self.accept)
        self.resize(860, 420)

    def _load(self) -> None:
        self.model.removeRows(0, self.model.rowCount())
        self.notices = notices_for_person(self.session, self.person_id)
        for notice in self.notices:
            self.model.appendRow([QStandardItem(notice["serial"]),
                                  QStandardItem(NOTICE_TITLES.get(notice["kind"], notice["kind"])),
                                  QStandardItem(str(notice["issued_on"])), QStandardItem(notice["operator"] or ""),
                                  QStandardItem(notice.get("replaces") or ""), QStandardItem(receipt_text(notice))])

    def _selected(self) -> int | None:
        rows = self.ui.notices_view.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def _selection_changed(self) -> None:
        row = self._selected()
        self.ui.reprint_button.setEnabled(row is not None)
        self.ui.receipt_button.setEnabled(row is not None and not self.notices[row].get("receipt_returned_on"))

    def mark_receipt(self) -> bool:
        """The selected notice's signed 回执 came back on the date shown: recorded in the archive."""
        row = self._selected()
        if row is None:
            return False
        self.errors.clear()
        serial = self.model.item(row, 0).text()
        try:
            record_receipt(self.session, serial, from_qdate(self.ui.returned_on_edit.date()), self.clock())
        except InputError as error:
            self.errors.show(error)
            return False
        self._load()
        self.ui.notices_view.selectRow(row)
        return True

    def reprint(self) -> NoticeDialog | None:
        row = self._selected()
        if row is None:
            return None
        self.errors.clear()
        serial = self.model.item(row, 0).text()
        title = self.model.item(row, 1).text()
        try:
            pdf = reprint_notice(self.session, serial)
        except InputError as error:
            self.errors.show(error)
            return None
        from desktop_app.notices.issue import notice_citations

        self.preview = NoticeDialog(pdf, f"{title}（重新打印）", serial, f"{title}-{serial}.pdf", self,
                                    notice_citations(self.session, serial))
        self.preview.open()
        return self.preview
