"""信息变更: change one of a person's details or terms, dated, with its reason; the history below."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QDialog, QHeaderView, QVBoxLayout

from desktop_app.rules import JURISDICTIONS
from desktop_app.services.errors import InputError
from desktop_app.services.people import get_person
from desktop_app.services.person_changes import FIELDS, MONTHLY_TERMS, change_person, history
from desktop_app.ui.field_errors import FieldErrors
from desktop_app.ui.forms import load_form
from desktop_app.ui.labels import CATEGORIES, CYCLES, base_band_percent, date_text, month_text
from desktop_app.ui.tab_base import compact_rows, from_qdate, show_flag, to_qdate

TEXT, CHOICE, RATIO = 0, 1, 2


def _shown(field: str, value) -> str:
    """A stored value as the clerk reads it."""
    if value in (None, ""):
        return "（空）"
    if field == "category":
        return CATEGORIES.get(value, value)
    if field == "payment_cycle":
        return CYCLES.get(value, value)
    if field == "base_ratio":
        return f"{Decimal(str(value)) * 100:.0f}%"
    return str(value)


class PersonChangeDialog(QDialog):
    changed = Signal(int)  # person id

    def __init__(self, session, person_id: int, clock: Callable[[], date] = date.today, parent=None):
        super().__init__(parent)
        self.setWindowTitle("信息变更")
        QVBoxLayout(self).setContentsMargins(4, 4, 4, 4)
        self.ui = load_form("person_change_dialog.ui", self)
        self.session, self.person_id, self.clock = session, person_id, clock
        self.errors = FieldErrors(self.ui)
        self.history_model = QStandardItemModel(0, 7, self)
        self.history_model.setHorizontalHeaderLabels(["项目", "生效", "原登记", "变更为", "原因", "登记日期", "经办人"])
        self.ui.history_view.setModel(self.history_model)
        compact_rows(self.ui.history_view)
        self.ui.history_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.person = get_person(session, person_id)
        j = JURISDICTIONS[self.person.jurisdiction]
        for field, title in FIELDS.items():
            # a term the jurisdiction does not have is not offered (the rule module's capabilities)
            if field == "payment_cycle" and len(j.payment_cycles) < 2:
                continue
            if field == "base_ratio" and not j.person_chooses_base:
                continue
            self.ui.field_combo.addItem(title, field)
        self.ui.field_combo.currentIndexChanged.connect(self._field_changed)
        self.ui.save_button.clicked.connect(self.save)
        self.ui.close_button.clicked.connect(self.accept)
        self._field_changed()
        self._load_history()
        self.resize(720, 520)

    def field(self) -> str:
        return self.ui.field_combo.currentData()

    def _field_changed(self, *_) -> None:
        self.errors.clear()
        self.ui.result_label.setText("")
        field, person = self.field(), get_person(self.session, self.person_id)
        self.person = person
        ui = self.ui
        self.ui.person_label.setText(f"{person.name}　{person.id_number[:6]}…{person.id_number[-4:]}　"
                                     f"{month_text(person.first_month)}起参保")
        current = getattr(person, field)
        ui.current_label.setText(_shown(field, current))
        combo = ui.choice_combo
        combo.clear()
        if field in ("phone", "address"):
            ui.value_stack.setCurrentIndex(TEXT)
            ui.text_edit.setText(current or "")
            ui.text_edit.setMaxLength(20 if field == "phone" else 100)
        elif field == "base_ratio":
            ui.value_stack.setCurrentIndex(RATIO)
            ui.ratio_spin.setRange(*base_band_percent())
            ui.ratio_spin.setValue(int(current * 100) if current is not None else ui.ratio_spin.minimum())
        else:
            ui.value_stack.setCurrentIndex(CHOICE)
            choices = CATEGORIES if field == "category" else {
                c: CYCLES[c] for c in JURISDICTIONS[person.jurisdiction].payment_cycles}
            for code, text in choices.items():
                combo.addItem(text, code)
            combo.setCurrentIndex(max(0, combo.findData(current)))
        today = self.clock()
        if field in MONTHLY_TERMS:
            # a term applies from a month on: the next month by default, this month at the earliest
            ui.valid_from_caption.setText("自该月起生效(&F)：")
            ui.valid_from_edit.setDisplayFormat("yyyy-MM")
            start = date(today.year + today.month // 12, today.month % 12 + 1, 1)
        else:
            ui.valid_from_caption.setText("变更日期(&F)：")
            ui.valid_from_edit.setDisplayFormat("yyyy-MM-dd")
            start = today
        ui.valid_from_edit.setDate(to_qdate(start))

    def value(self):
        ui, field = self.ui, self.field()
        if field in ("phone", "address"):
            return ui.text_edit.text()
        if field == "base_ratio":
            return Decimal(ui.ratio_spin.value()) / 100
        return ui.choice_combo.currentData()

    def save(self) -> None:
        self.errors.clear()
        field = self.field()
        try:
            change = change_person(self.session, self.person_id, field, self.value(),
                                   from_qdate(self.ui.valid_from_edit.date()), self.ui.reason_edit.text(), self.clock())
        except InputError as error:
            self.errors.show(error)
            return
        when = month_text(change.valid_from) if field in MONTHLY_TERMS else date_text(change.valid_from)
        show_flag(self.ui.result_label, f"已变更{FIELDS[field]}：{_shown(field, change.before)} → "
                                        f"{_shown(field, change.after)}（自{when}起）。", True)
        self.ui.reason_edit.clear()
        self._load_history()
        self.ui.current_label.setText(_shown(field, change.after))
        self.changed.emit(self.person_id)

    def _load_history(self) -> None:
        self.history_model.removeRows(0, self.history_model.rowCount())
        for c in reversed(history(self.session, self.person_id)):
            when = month_text(c.valid_from) if c.field in MONTHLY_TERMS else date_text(c.valid_from)
            self.history_model.appendRow([QStandardItem(text) for text in (
                FIELDS.get(c.field, c.field), when, _shown(c.field, c.before), _shown(c.field, c.after), c.reason,
                date_text(c.decided_on), c.operator)])
