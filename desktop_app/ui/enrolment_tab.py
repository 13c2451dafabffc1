"""参保登记 tab: the registration form wired to services.enrolment (check, preview, enrol, notice)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QLineEdit

from desktop_app.rules import JURISDICTIONS
from desktop_app.services.enrolment import EnrolmentForm, check_id_number, enrol, preview_enrolment
from desktop_app.services.errors import InputError
from desktop_app.services.people import get_person, search_people
from desktop_app.services.settings import get_office
from desktop_app.ui.citation_links import link_citations, set_citations
from desktop_app.ui.labels import (CATEGORIES, CYCLES, MODES, SEXES, base_band_percent, date_text, large_expense_text,
                                   money_text, month_text, notes_text)
from desktop_app.ui.tab_base import CounterTab, month_of, show_flag, to_qdate

PLACE_CHECKS = ("hukou", "residence", "residence_permit", "employment", "hkmt_residence_permit")
ID_CHARS = set("0123456789Xx")


class EnrolmentTab(CounterTab):
    FORM = "enrolment_tab.ui"
    person_opened = Signal(int)  # an existing or newly enrolled person to show

    def __init__(self, session, clock=date.today, parent=None):
        super().__init__(session, clock, parent)
        ui = self.ui
        for code, text in CATEGORIES.items():
            ui.category_combo.addItem(text, code)
        ui.category_combo.setCurrentIndex(ui.category_combo.findData("freelancer"))
        ui.open_existing_button.hide()
        link_citations(ui.citations_label)
        self.existing_id: int | None = None
        self.enrolment = None       # the last services.enrolment.Enrolment saved here
        self.preview = None         # the last EnrolmentPreview shown

        ui.id_number_edit.textChanged.connect(self._on_id_text)
        for edit in (ui.id_number_edit, ui.name_edit, ui.phone_edit, ui.address_edit):
            edit.returnPressed.connect(self._on_return)
        ui.check_button.clicked.connect(self.check)
        ui.save_button.clicked.connect(self.save)
        ui.clear_button.clicked.connect(self.clear)
        ui.open_existing_button.clicked.connect(self._open_existing)
        ui.notice_button.clicked.connect(self.print_notice)
        self.save_shortcuts(self.save)
        # a decision on screen must match the form: any change clears it
        for edit in (ui.id_number_edit, ui.name_edit, ui.phone_edit, ui.address_edit):
            edit.textChanged.connect(self._stale)
        for check in self.ui.findChildren(QCheckBox):
            check.toggled.connect(self._stale)
        for combo in (ui.category_combo, ui.mode_combo, ui.payment_cycle_combo):
            combo.currentIndexChanged.connect(self._stale)
        ui.base_ratio_spin.setRange(*base_band_percent())
        ui.base_ratio_spin.valueChanged.connect(self._stale)
        ui.first_month_edit.dateChanged.connect(self._stale)
        self.office_changed()
        self.clear()

    # -- office-dependent parts of the form ---------------------------------------------------------------
    def office_changed(self) -> None:
        """Show the mode and cycle choices only where the jurisdiction has two, and the base band only where the
        person chooses one (the rule module's capabilities of the jurisdiction)."""
        key = get_office(self.session).jurisdiction
        jurisdiction = JURISDICTIONS.get(key or "")
        modes = jurisdiction.modes if jurisdiction else ("with_account",)
        combo = self.ui.mode_combo
        combo.clear()
        for mode in modes:
            combo.addItem(MODES.get(mode, mode), mode)
        for widget in (self.ui.mode_caption, combo, self.ui.mode_error):
            widget.setVisible(len(modes) > 1)
        cycles = jurisdiction.payment_cycles if jurisdiction else ("monthly",)
        combo = self.ui.payment_cycle_combo
        combo.clear()
        for cycle in cycles:
            combo.addItem(CYCLES.get(cycle, cycle), cycle)
        for widget in (self.ui.payment_cycle_caption, combo, self.ui.payment_cycle_error):
            widget.setVisible(len(cycles) > 1)
        self.chooses_base = bool(jurisdiction and jurisdiction.person_chooses_base)
        for widget in (self.ui.base_ratio_caption, self.ui.base_ratio_spin, self.ui.base_ratio_error):
            widget.setVisible(self.chooses_base)
        title = f"资格审核与缴费测算（{jurisdiction.name}，{jurisdiction.document}）" if jurisdiction else \
            "资格审核与缴费测算（尚未设置统筹地区：请管理员在“设置”中选择）"
        self.ui.decision_group.setTitle(title)

    # -- the ID number, checked as typed -----------------------------------------------------------------
    def _on_id_text(self, text: str) -> None:
        self.errors.set("id_number", "")
        self.ui.birth_sex_label.setText("（由身份证号自动识别）")
        self._show_existing(None)
        text = text.strip()
        complete = len(text) == 18
        if not text or (not complete and set(text) <= ID_CHARS):
            return  # still typing
        try:
            info = check_id_number(text)
        except InputError as error:
            self.errors.show(error)
            return
        self.ui.birth_sex_label.setText(f"{date_text(info.birth_date)}　{SEXES[info.sex]}")
        hits = [p for p in search_people(self.session, info.number) if p.id_number == info.number]
        self._show_existing(hits[0] if hits else None)

    def _show_existing(self, person) -> None:
        self.existing_id = None if person is None else person.id
        self.ui.open_existing_button.setVisible(person is not None)
        self.ui.existing_label.setVisible(person is not None)
        if person is None:
            self.ui.existing_label.setText("")
            return
        self.ui.existing_label.setText(f"此身份证号已登记：{person.name}（{month_text(person.enrolled_month)}起参保）")
        self.ui.existing_label.setStyleSheet("color: #8a5300;")

    def _open_existing(self) -> None:
        if self.existing_id is not None:
            self.person_opened.emit(self.existing_id)

    def prefill_id_number(self, text: str) -> bool:
        """Start a new registration with this ID (from the search box); False when it is not a valid ID."""
        try:
            info = check_id_number(text.strip())
        except InputError:
            return False
        self.clear()
        self.ui.id_number_edit.setText(info.number)
        self.ui.name_edit.setFocus()
        return True

    # -- reading and showing ------------------------------------------------------------------------------
    def read_form(self) -> EnrolmentForm:
        ui = self.ui
        places = [code for code in PLACE_CHECKS if self.ui.findChild(QCheckBox, f"{code}_check").isChecked()]
        base_ratio = Decimal(ui.base_ratio_spin.value()) / 100 if self.chooses_base else None
        return EnrolmentForm(
            id_number=ui.id_number_edit.text().strip(),
            name=ui.name_edit.text().strip(),
            phone=ui.phone_edit.text().strip(),
            address=ui.address_edit.text().strip(),
            category=ui.category_combo.currentData(),
            places=places,
            employer_insured=ui.employer_insured_check.isChecked(),
            mode=ui.mode_combo.currentData() or "with_account",
            base_ratio=base_ratio,
            first_month=month_of(ui.first_month_edit),
            payment_cycle=ui.payment_cycle_combo.currentData() or "monthly",
        )

    def _on_return(self) -> None:
        """Enter: from the ID field go on to the name (a card reader ends with Enter); elsewhere check."""
        if self.sender() is self.ui.id_number_edit and not self.ui.name_edit.text():
            self.ui.name_edit.setFocus()
            return
        self.check()

    def _show_preview(self, preview) -> None:
        ui = self.ui
        self.preview = preview
        if preview.eligible:
            show_flag(ui.decision_label, "符合参保条件", True)
            ui.reasons_label.setText("")
        else:
            show_flag(ui.decision_label, "不符合参保条件", False)
            ui.reasons_label.setText("原因：" + "；".join(preview.reasons))
        ui.monthly_base_label.setText(money_text(preview.monthly_base))
        ui.monthly_amount_label.setText(money_text(preview.monthly_amount))
        ui.personal_account_label.setText(
            money_text(preview.personal_account_monthly) if preview.personal_account_monthly is not None
            else "文件未规定（—）")
        waiting = preview.waiting_months
        ui.waiting_label.setText("—" if waiting is None else ("不设等待期" if waiting == 0 else f"{waiting} 个月"))
        ui.benefit_start_label.setText(month_text(preview.benefit_start))
        ui.large_expense_label.setText(large_expense_text(preview.large_expense_annual) if preview.eligible else "—")
        set_citations(ui.citations_label, preview.citations)
        ui.notes_label.setText(notes_text(preview.notes))

    def _stale(self, *_) -> None:
        if self.preview is not None and self.enrolment is None:
            self.preview = None
            self._clear_preview()

    def _clear_preview(self) -> None:
        ui = self.ui
        ui.decision_label.setText("填写人员信息后按回车或“审核测算”。")
        ui.decision_label.setStyleSheet("")
        for label in (ui.reasons_label, ui.citations_label, ui.result_label, ui.notes_label):
            label.setText("")
        for label in (ui.monthly_base_label, ui.monthly_amount_label, ui.personal_account_label,
                      ui.waiting_label, ui.benefit_start_label, ui.large_expense_label):
            label.setText("—")

    # -- actions ----------------------------------------------------------------------------------------
    def check(self) -> None:
        """审核测算: the decision without saving."""
        self.errors.clear()
        try:
            preview = preview_enrolment(self.session, self.read_form(), self.clock())
        except InputError as error:
            self._clear_preview()
            self.fail(error)
            return
        self._show_preview(preview)
        if preview.eligible:
            self.ui.save_button.setFocus()

    def save(self) -> None:
        """保存登记: one transaction in the service; a duplicate opens the person on file instead."""
        self.errors.clear()
        self.ui.result_label.setText("")
        try:
            result = enrol(self.session, self.read_form(), self.clock())
        except InputError as error:
            self.fail(error)
            return
        if result.name_mismatch:
            self.errors.set("name", f"此身份证号已登记的姓名为“{result.existing_name}”，与所填姓名不一致，"
                                    "请核对证件；未保存。")
            show_flag(self.ui.result_label, "身份证号与姓名不一致，未保存。", False)
            self.ui.name_edit.setFocus()
            return
        if not result.created:
            self.person_opened.emit(result.person_id)  # shows the person on file (and resets this form)
            show_flag(self.ui.result_label, f"此身份证号已登记（{result.existing_name}），已打开该人员，未重复登记。",
                      False)
            return
        self.enrolment = result
        self._show_preview(result.preview)
        preview = result.preview
        show_flag(self.ui.result_label,
                  f"已保存参保登记。每月应缴 {money_text(preview.monthly_amount)}，"
                  f"按月缴费时自 {month_text(preview.benefit_start)} 起享受待遇。"
                  + ("请打印待遇享受等待期告知书交参保人。" if preview.waiting_months else ""), True)
        self.ui.notice_button.setEnabled(bool(preview.waiting_months))
        self.ui.save_button.setEnabled(False)
        self.records_changed.emit(result.person_id)
        self.person_opened.emit(result.person_id)
        if preview.waiting_months:
            self.ui.notice_button.setFocus()  # Enter prints the waiting-period notice

    def print_notice(self):
        """待遇享受等待期告知书 for the person just enrolled (the benefit timeline decided at enrolment)."""
        if self.enrolment is None or self.person_id != self.enrolment.person_id:
            return None
        decisions = self.enrolment.preview.decisions
        return self.issue_and_show("waiting_period", decisions["benefit_timeline"],
                                   related={"contribution": decisions.get("contribution")})

    def clear(self) -> None:
        ui = self.ui
        for edit in (ui.id_number_edit, ui.name_edit, ui.phone_edit, ui.address_edit):
            edit.clear()
        for check in self.ui.findChildren(QCheckBox):
            check.setChecked(False)
        ui.category_combo.setCurrentIndex(ui.category_combo.findData("freelancer"))
        ui.mode_combo.setCurrentIndex(0)
        ui.payment_cycle_combo.setCurrentIndex(0)
        ui.base_ratio_spin.setValue(ui.base_ratio_spin.minimum())
        today = self.clock()
        ui.first_month_edit.setDate(to_qdate(date(today.year, today.month, 1)))
        self.errors.clear()
        self._clear_preview()
        self.enrolment = None
        self.preview = None
        ui.notice_button.setEnabled(False)
        ui.save_button.setEnabled(True)
        self._set_read_only(False)

    def _set_read_only(self, read_only: bool) -> None:
        for edit in self.ui.findChildren(QLineEdit):
            edit.setReadOnly(read_only)
        for widget in (self.ui.category_combo, self.ui.mode_combo, self.ui.payment_cycle_combo, self.ui.base_ratio_spin,
                       self.ui.first_month_edit, self.ui.places_box, self.ui.employer_insured_check,
                       self.ui.check_button):
            widget.setEnabled(not read_only)

    # -- the selected person ------------------------------------------------------------------------------
    def set_person(self, person_id: int | None) -> None:
        """A selected person shows their registration read-only; none selected gives an empty form."""
        previous = self.person_id
        self.person_id = person_id
        just_enrolled = self.enrolment is not None and self.enrolment.person_id == person_id
        if person_id is None:
            if previous is not None:
                self.clear()
            return
        if just_enrolled:
            return  # keep the result of the save on screen, with its notice button
        self.clear()
        person = get_person(self.session, person_id)
        ui = self.ui
        ui.id_number_edit.blockSignals(True)
        ui.id_number_edit.setText(person.id_number)
        ui.id_number_edit.blockSignals(False)
        ui.birth_sex_label.setText(f"{date_text(person.birth_date)}　{SEXES.get(person.sex, person.sex)}")
        ui.name_edit.setText(person.name)
        ui.phone_edit.setText(person.phone or "")
        ui.address_edit.setText(person.address or "")
        ui.category_combo.setCurrentIndex(max(0, ui.category_combo.findData(person.category)))
        for code in PLACE_CHECKS:
            self.ui.findChild(QCheckBox, f"{code}_check").setChecked(code in (person.places or []))
        ui.employer_insured_check.setChecked(bool(person.employer_insured))
        index = ui.mode_combo.findData(person.mode)
        if index >= 0:
            ui.mode_combo.setCurrentIndex(index)
        if person.base_ratio is not None:
            ui.base_ratio_spin.setValue(int(person.base_ratio * 100))
        index = ui.payment_cycle_combo.findData(person.payment_cycle)
        if index >= 0:
            ui.payment_cycle_combo.setCurrentIndex(index)
        ui.first_month_edit.setDate(to_qdate(person.first_month))
        ui.decision_label.setText(f"已登记人员（{month_text(person.first_month)}起参保，"
                                  f"登记人 {person.operator}）。新人员请按“新参保登记”。")
        ui.save_button.setEnabled(False)
        self._set_read_only(True)
