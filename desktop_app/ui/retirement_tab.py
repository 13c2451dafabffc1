"""退休资格 tab: the counted record with its corrections, the rule decision, saving it, the notices."""

from __future__ import annotations

from datetime import date

from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QHeaderView

from desktop_app.services.errors import InputError
from desktop_app.services.people import get_person
from desktop_app.services.retirement import (add_correction, decide_retirement, retirement_record,
                                             save_retirement, void_correction)
from desktop_app.ui.citation_links import link_citations, set_citations
from desktop_app.ui.labels import (CORRECTION_KINDS, OPTIONS, date_text, money_text, month_text,
                                   months_list_text, notes_text, years_months_text)
from desktop_app.ui.tab_base import DecisionTab, compact_rows, show_flag

SHORTFALL_NAMES = {"total": "累计缴费", "actual": "实际缴费", "in_province": "本省实际缴费"}


class RetirementTab(DecisionTab):
    FORM = "retirement_tab.ui"

    def __init__(self, session, clock=date.today, parent=None):
        super().__init__(session, clock, parent)
        ui = self.ui
        for code, text in CORRECTION_KINDS.items():
            ui.kind_combo.addItem(text, code)
        ui.female_original_age_combo.addItem("55周岁（女职工原退休年龄）", 55)
        ui.female_original_age_combo.addItem("50周岁（原50周岁退休的女工人）", 50)
        link_citations(ui.citations_label)
        self.corrections = QStandardItemModel(0, 5, self)
        self.corrections.setHorizontalHeaderLabels(["类型", "月数", "依据", "登记日期", "经办人"])
        ui.corrections_view.setModel(self.corrections)
        compact_rows(ui.corrections_view)
        header = ui.corrections_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.record = None

        ui.corrections_view.selectionModel().selectionChanged.connect(self._on_correction_selected)
        ui.add_correction_button.clicked.connect(self.add_correction)
        ui.reason_edit.returnPressed.connect(self.add_correction)
        ui.void_correction_button.clicked.connect(self.void_selected)
        ui.decide_button.clicked.connect(self.decide)
        ui.save_button.clicked.connect(self.save)
        ui.retirement_notice_button.clicked.connect(lambda: self.print_notice("retirement"))
        ui.lump_sum_notice_button.clicked.connect(lambda: self.print_notice("retirement_lump_sum"))
        ui.hukou_in_province_check.toggled.connect(self._clear_decision)
        ui.female_original_age_combo.currentIndexChanged.connect(self._clear_decision)
        self.save_shortcuts(self.save)
        self.set_person(None)

    # -- the record --------------------------------------------------------------------------------------
    def set_person(self, person_id: int | None) -> None:
        self.person_id = person_id
        self.errors.clear()
        self.ui.reason_edit.clear()
        self.ui.result_label.setText("")
        for group in (self.ui.record_group, self.ui.decision_group):
            group.setEnabled(person_id is not None)
        self._clear_decision()
        if person_id is None:
            self.record = None
            self._show_record(None)
            self.ui.qualified_label.setText("请先在上方查找并选择人员。")
            return
        person = get_person(self.session, person_id)
        female = person.sex == "F"
        self.ui.female_original_age_caption.setVisible(female)
        self.ui.female_original_age_combo.setVisible(female)
        self.ui.hukou_in_province_check.blockSignals(True)
        self.ui.hukou_in_province_check.setChecked("hukou" in (person.places or []))
        self.ui.hukou_in_province_check.blockSignals(False)
        self.reload_when_shown()

    def reload(self) -> None:
        try:
            self.record = retirement_record(self.session, self.person_id, self.clock())
        except InputError as error:
            self.record = None
            self._show_record(None)
            self.fail(error)
            return
        self._show_record(self.record)

    def _show_record(self, record) -> None:
        ui = self.ui
        labels = (ui.total_months_label, ui.actual_months_label, ui.in_province_months_label,
                  ui.local_months_label, ui.pooling_only_months_label)
        self.corrections.removeRows(0, self.corrections.rowCount())
        if record is None:
            for label in labels:
                label.setText("—")
            ui.arrears_label.setText("—")
            return
        values = (record.total_months, record.actual_months, record.in_province_months, record.local_months,
                  record.pooling_only_months)
        for label, value in zip(labels, values):
            label.setText(years_months_text(value))
        arrears = getattr(record, "arrears_months", None) or []
        if record.in_arrears:
            show_flag(ui.arrears_label, "有欠费：" + months_list_text(arrears), False)
        else:
            show_flag(ui.arrears_label, "无", True)
        for correction in record.corrections:
            items = [QStandardItem(CORRECTION_KINDS.get(correction["kind"], correction["kind"])),
                     QStandardItem(str(correction["months"])), QStandardItem(correction["reason"]),
                     QStandardItem(date_text(correction.get("decided_on"))),
                     QStandardItem(correction.get("operator") or "")]
            items[0].setData(correction["id"])
            self.corrections.appendRow(items)
        ui.void_correction_button.setEnabled(False)

    def _on_correction_selected(self, *_):
        self.ui.void_correction_button.setEnabled(bool(self.ui.corrections_view.selectionModel().selectedRows()))

    def add_correction(self) -> None:
        if not self.need_person():
            return
        self.errors.clear()
        try:
            add_correction(self.session, self.person_id, self.ui.kind_combo.currentData(),
                           self.ui.months_spin.value(), self.ui.reason_edit.text(), self.clock())
        except InputError as error:
            self.fail(error)
            return
        self.ui.reason_edit.clear()
        self._after_change("已添加年限更正。")

    def void_selected(self) -> None:
        rows = self.ui.corrections_view.selectionModel().selectedRows()
        if not rows or not self.need_person():
            return
        self.errors.clear()
        correction_id = self.corrections.item(rows[0].row(), 0).data()
        try:
            void_correction(self.session, correction_id, self.ui.reason_edit.text(), self.clock())
        except InputError as error:
            self.fail(error)
            return
        self.ui.reason_edit.clear()
        self._after_change("已撤销所选更正。")

    def _after_change(self, message: str) -> None:
        self.reload()
        self._clear_decision()
        show_flag(self.ui.result_label, message + "请重新审核。", True)
        self.records_changed.emit(self.person_id)

    # -- the decision ------------------------------------------------------------------------------------
    def _options(self) -> dict:
        female_age = None
        if self.ui.female_original_age_combo.isVisibleTo(self):
            female_age = self.ui.female_original_age_combo.currentData()
        return {"hukou_in_province": self.ui.hukou_in_province_check.isChecked(),
                "female_original_age": female_age}

    def _clear_decision(self, *_):
        self.decision = None
        self.saved_id = None
        ui = self.ui
        for label in (ui.retirement_month_label, ui.required_label, ui.shortfall_label, ui.options_label,
                      ui.lump_sum_label, ui.mode_difference_label, ui.retiree_benefits_from_label):
            label.setText("—")
        ui.citations_label.setText("")
        ui.notes_label.setText("")
        ui.qualified_label.setText("按“审核”计算退休资格。")
        ui.qualified_label.setStyleSheet("")
        for button in (ui.save_button, ui.retirement_notice_button, ui.lump_sum_notice_button):
            button.setEnabled(False)

    def decide(self) -> dict | None:
        if not self.need_person():
            return None
        self.errors.clear()
        self.ui.result_label.setText("")
        try:
            decision = decide_retirement(self.session, self.person_id, self.clock(), **self._options())
        except InputError as error:
            self._clear_decision()
            self.fail(error)
            return None
        self._show(decision)
        self.ui.save_button.setEnabled(True)
        self.ui.save_button.setFocus()
        return decision

    def _show(self, d: dict) -> None:
        ui = self.ui
        self.decision = d
        if d.get("qualified"):
            show_flag(ui.qualified_label, "符合退休后享受职工医保待遇的条件", True)
        elif not d.get("age_reached"):
            show_flag(ui.qualified_label, "尚未达到法定退休年龄", False)
        else:
            reasons = d.get("reasons") or []
            why = [text for code, text in (("shortfall_total", "缴费年限不足"), ("shortfall_actual", "实际缴费年限不足"),
                                           ("shortfall_in_province", "本省缴费年限不足"), ("in_arrears", "有欠费"),
                                           ("mode_difference_unpaid", "单建统筹期间差额未补缴"))
                   if code in reasons]
            show_flag(ui.qualified_label, "不符合：" + ("、".join(why) or "缴费年限不足或有欠费"), False)
        age = d.get("retirement_age") or years_months_text(d.get("retirement_age_months"))
        ui.retirement_month_label.setText(f"{age}，{month_text(d.get('retirement_month'))}"
                                          + ("（已到达）" if d.get("age_reached") else "（未到达）"))
        required = d.get("required_months") or {}
        ui.required_label.setText("，".join(f"{SHORTFALL_NAMES.get(k, k)} {years_months_text(v)}"
                                           for k, v in required.items() if v) or "—")
        shortfall = {k: v for k, v in (d.get("shortfall_months") or {}).items() if v}
        ui.shortfall_label.setText("，".join(f"{SHORTFALL_NAMES.get(k, k)}差 {years_months_text(v)}"
                                            for k, v in shortfall.items()) or "无")
        ui.options_label.setText("；".join(OPTIONS.get(o, o) for o in d.get("options") or []) or "—")
        lump = d.get("lump_sum")
        ui.lump_sum_label.setText("不适用" if not lump else
                                  f"{lump.get('months')} 个月 × {money_text(lump.get('monthly_standard'))}"
                                  f" = {money_text(lump.get('amount'))}")
        diff = d.get("mode_difference")
        ui.mode_difference_label.setText("不适用" if not diff else
                                         f"{diff.get('months')} 个月 × {money_text(diff.get('difference_monthly'))}"
                                         f" = {money_text(diff.get('amount'))}"
                                         + ("（须先补缴，方可按统账结合模式退休）" if diff.get("required") else ""))
        ui.retiree_benefits_from_label.setText(month_text(d.get("retiree_benefits_from")))
        set_citations(ui.citations_label, d.get("citations"))
        ui.notes_label.setText(notes_text(d.get("notes")))
        ui.retirement_notice_button.setEnabled(False)
        ui.lump_sum_notice_button.setEnabled(False)

    def save(self) -> None:
        """保存结论 with its inputs, citations and parameter trace."""
        if not self.need_person():
            return
        self.errors.clear()
        options = self._options()
        try:
            decision = decide_retirement(self.session, self.person_id, self.clock(), **options)
            self.saved_id = save_retirement(self.session, self.person_id, self.clock(), **options)
        except InputError as error:
            self.fail(error)
            return
        self._show(decision)
        show_flag(self.ui.result_label, f"已保存退休资格审核结论（第 {self.saved_id} 号）。", True)
        self.ui.save_button.setEnabled(False)
        self.ui.retirement_notice_button.setEnabled(True)
        # 趸缴: what must be paid to retire (the lump sum, and 吉林's difference when it is a precondition)
        self.ui.lump_sum_notice_button.setEnabled(decision.get("total_due") is not None and not decision.get("qualified"))
        self.ui.retirement_notice_button.setFocus()
        self.records_changed.emit(self.person_id)
