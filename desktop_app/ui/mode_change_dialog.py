"""参保方式变更: the other mode from next month, the difference to pay where the document asks it, its notice."""

from __future__ import annotations

from datetime import date
from typing import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QVBoxLayout

from desktop_app.services.errors import InputError
from desktop_app.services.mode_change import MODE_NAMES, change_mode, describe, quote_mode_change
from desktop_app.services.people import get_person
from desktop_app.ui.field_errors import FieldErrors
from desktop_app.ui.forms import load_form
from desktop_app.ui.tab_base import from_qdate, show_flag, to_qdate


class ModeChangeDialog(QDialog):
    changed = Signal(int)

    def __init__(self, session, person_id: int, clock: Callable[[], date] = date.today, issue=None, parent=None):
        super().__init__(parent)
        self.setWindowTitle("参保方式变更")
        QVBoxLayout(self).setContentsMargins(4, 4, 4, 4)
        self.ui = load_form("mode_change_dialog.ui", self)
        self.session, self.person_id, self.clock = session, person_id, clock
        self.issue = issue          # issue_and_show(kind, decision) of the window's tab, for the notice
        self.errors = FieldErrors(self.ui)
        self.quote = None
        person = get_person(session, person_id)
        self.new_mode = "with_account" if person.mode == "pooling_only" else "pooling_only"
        self.ui.person_label.setText(f"{person.name}：现为{MODE_NAMES.get(person.mode, person.mode)}，"
                                     f"申请变更为{MODE_NAMES[self.new_mode]}。")
        self.ui.paid_on_edit.setDate(to_qdate(clock()))
        self.ui.save_button.clicked.connect(self.save)
        self.ui.notice_button.clicked.connect(self.print_notice)
        self.ui.close_button.clicked.connect(self.accept)
        self._quote()
        self.resize(560, 320)

    def _quote(self) -> None:
        try:
            self.quote = quote_mode_change(self.session, self.person_id, self.new_mode, self.clock())
        except InputError as error:
            self.errors.show(error)
            self.ui.save_button.setEnabled(False)
            return
        self.ui.quote_label.setText(describe(self.quote))
        needs_payment = self.quote.decision is not None
        for widget in (self.ui.paid_on_caption, self.ui.paid_on_edit, self.ui.receipt_no_caption,
                       self.ui.receipt_no_edit):
            widget.setVisible(needs_payment)
        self.ui.notice_button.setEnabled(needs_payment)

    def save(self) -> None:
        self.errors.clear()
        try:
            change_mode(self.session, self.person_id, self.new_mode, from_qdate(self.ui.paid_on_edit.date()),
                        self.ui.receipt_no_edit.text(), self.ui.reason_edit.text(), self.clock())
        except InputError as error:
            self.errors.show(error)
            return
        show_flag(self.ui.result_label, f"已变更为{MODE_NAMES[self.new_mode]}（{describe(self.quote)}）", True)
        self.ui.save_button.setEnabled(False)
        self.changed.emit(self.person_id)

    def print_notice(self):
        """The notice of the difference to pay (the rule module's mode_change decision)."""
        if self.quote is None or self.quote.decision is None or self.issue is None:
            return None
        return self.issue("mode_change", self.quote.decision)
