"""The notices issued to a person, each reprinted from its archived PDF (byte for byte)."""

from __future__ import annotations

from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QDialog, QHeaderView, QVBoxLayout

from desktop_app.services.errors import InputError
from desktop_app.services.notices import notices_for_person, reprint_notice
from desktop_app.ui.field_errors import FieldErrors
from desktop_app.ui.forms import load_form
from desktop_app.ui.notice_dialog import NoticeDialog
from desktop_app.ui.tab_base import NOTICE_TITLES, compact_rows


class NoticesDialog(QDialog):
    def __init__(self, session, person_id: int, person_text: str = "", parent=None):
        super().__init__(parent)
        self.setWindowTitle("已出具的告知书")
        QVBoxLayout(self).setContentsMargins(4, 4, 4, 4)
        self.ui = load_form("notices_dialog.ui", self)
        self.session = session
        self.errors = FieldErrors(self.ui)
        self.preview: NoticeDialog | None = None
        self.ui.person_label.setText(person_text)
        self.model = QStandardItemModel(0, 5, self)
        self.model.setHorizontalHeaderLabels(["编号", "告知书", "出具日期", "经办人", "更正的原编号"])
        self.ui.notices_view.setModel(self.model)
        compact_rows(self.ui.notices_view)
        self.ui.notices_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for notice in notices_for_person(session, person_id):
            self.model.appendRow([QStandardItem(notice["serial"]),
                                  QStandardItem(NOTICE_TITLES.get(notice["kind"], notice["kind"])),
                                  QStandardItem(str(notice["issued_on"])), QStandardItem(notice["operator"] or ""),
                                  QStandardItem(notice.get("replaces") or "")])
        if not self.model.rowCount():
            self.ui.person_label.setText(person_text + "　尚未出具告知书。")
        self.ui.notices_view.selectionModel().selectionChanged.connect(
            lambda *_: self.ui.reprint_button.setEnabled(bool(self.ui.notices_view.selectionModel().selectedRows())))
        self.ui.notices_view.doubleClicked.connect(lambda *_: self.reprint())
        self.ui.reprint_button.clicked.connect(self.reprint)
        self.ui.close_button.clicked.connect(self.accept)
        self.resize(760, 420)

    def reprint(self) -> NoticeDialog | None:
        rows = self.ui.notices_view.selectionModel().selectedRows()
        if not rows:
            return None
        self.errors.clear()
        serial = self.model.item(rows[0].row(), 0).text()
        title = self.model.item(rows[0].row(), 1).text()
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
