"""停保 / 恢复参保 / 终止参保 of the selected person, from a month, with the reason."""

from __future__ import annotations

from datetime import date
from typing import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QVBoxLayout

from desktop_app.services.errors import InputError
from desktop_app.services.people import get_person
from desktop_app.services.person_status import ACTIONS, ALLOWED, STATUSES, change_status
from desktop_app.services.rules_glue import add_months
from desktop_app.ui.field_errors import FieldErrors
from desktop_app.ui.forms import load_form
from desktop_app.ui.labels import month_text
from desktop_app.ui.tab_base import month_of, show_flag, to_qdate

CHOICES = {"stopped": "停保（本人申请暂停参保）", "active": "恢复参保", "terminated_death": "终止参保：死亡",
           "terminated_employer": "终止参保：转入用人单位参保"}
HINTS = {"stopped": "停保期间不需缴费，也不享受待遇；停保超过可补缴的中断期限后恢复的，重新设置待遇享受等待期。",
         "active": "自恢复之月起按月缴费。",
         "terminated_death": "自死亡次月起终止；该月起的费用不再缴纳。",
         "terminated_employer": "自在用人单位参保之月起终止；以后以灵活就业身份参保的，办理恢复参保。"}


class StatusDialog(QDialog):
    changed = Signal(int)

    def __init__(self, session, person_id: int, clock: Callable[[], date] = date.today, parent=None):
        super().__init__(parent)
        self.setWindowTitle("停保 / 恢复 / 终止参保")
        QVBoxLayout(self).setContentsMargins(4, 4, 4, 4)
        self.ui = load_form("status_dialog.ui", self)
        self.session, self.person_id, self.clock = session, person_id, clock
        self.errors = FieldErrors(self.ui)
        self.ui.status_combo.currentIndexChanged.connect(self._choice_changed)
        self.ui.save_button.clicked.connect(self.save)
        self.ui.close_button.clicked.connect(self.accept)
        self._load()
        self.resize(520, 260)

    def _load(self) -> None:
        person = get_person(self.session, self.person_id)
        current = getattr(person, "status", "active") or "active"
        self.ui.person_label.setText(f"{person.name}：现为“{STATUSES.get(current, current)}”。")
        combo = self.ui.status_combo
        combo.blockSignals(True)
        combo.clear()
        for status in ALLOWED.get(current, ()):
            combo.addItem(CHOICES[status], status)
        combo.blockSignals(False)
        self.ui.save_button.setEnabled(combo.count() > 0)
        if not combo.count():
            self.ui.hint_label.setText("该参保人的参保状态不能再变更。")
        self._choice_changed()

    def _choice_changed(self, *_) -> None:
        status = self.ui.status_combo.currentData()
        self.errors.clear()
        if status is None:
            return
        today = self.clock()
        start = add_months(today, 1) if status in ("stopped", "terminated_death") else date(today.year, today.month, 1)
        self.ui.valid_from_edit.setDate(to_qdate(start))
        self.ui.hint_label.setText(HINTS[status])

    def save(self) -> None:
        self.errors.clear()
        status = self.ui.status_combo.currentData()
        try:
            change = change_status(self.session, self.person_id, status, month_of(self.ui.valid_from_edit),
                                   self.ui.reason_edit.text(), self.clock())
        except InputError as error:
            self.errors.show(error)
            return
        show_flag(self.ui.result_label, f"已办理{ACTIONS[status]}，自{month_text(change.valid_from)}起。", True)
        self.ui.reason_edit.clear()
        self.changed.emit(self.person_id)
        self._load()
