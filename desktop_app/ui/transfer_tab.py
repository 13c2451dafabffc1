"""转移接续 tab: the transfer certificate's figures -> the rule decision -> saved with the months it brings."""

from __future__ import annotations

from datetime import date

from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QDialog, QHeaderView, QVBoxLayout

from desktop_app.services.errors import InputError
from desktop_app.services.people import get_person
from desktop_app.services.rules_glue import add_months
from desktop_app.services.transfer import (PROVINCES, TransferForm, decide_transfer, save_transfer, transfer_out,
                                           transfers_for_person)
from desktop_app.ui.citation_links import link_citations, set_citations
from desktop_app.ui.labels import SCHEMES, money_text, month_text, months_list_text, notes_text, yes_no
from desktop_app.rules import JURISDICTIONS
from desktop_app.ui.field_errors import FieldErrors
from desktop_app.ui.forms import load_form
from desktop_app.ui.tab_base import DecisionTab, compact_rows, month_of, show_flag, to_qdate

PROVINCE_PROMPT = "（请选择）"


def fill_provinces(combo) -> None:
    combo.addItem(PROVINCE_PROMPT, "")
    for province in PROVINCES:
        combo.addItem(province, province)


class TransferTab(DecisionTab):
    FORM = "transfer_tab.ui"

    def __init__(self, session, clock=date.today, parent=None):
        super().__init__(session, clock, parent)
        ui = self.ui
        for code, text in SCHEMES.items():
            ui.scheme_combo.addItem(text, code)
        fill_provinces(ui.previous_province_combo)
        ui.previous_province_combo.currentIndexChanged.connect(self._province_changed)
        self.history_model = QStandardItemModel(0, 6, self)
        self.history_model.setHorizontalHeaderLabels(["办理", "地区", "末次缴费月", "月数", "办理日期", "经办人"])
        ui.history_view.setModel(self.history_model)
        compact_rows(ui.history_view)
        ui.history_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        ui.history_view.horizontalHeader().setStretchLastSection(True)
        ui.transfer_out_button.clicked.connect(self.ask_transfer_out)
        ui.certificate_button.clicked.connect(self.print_certificate)
        self.out_dialog: TransferOutDialog | None = None
        self.out_decision: dict | None = None
        self.out_decision_id: int | None = None
        ui.pay_gap_check.toggled.connect(ui.receipt_no_edit.setEnabled)
        link_citations(ui.citations_label)
        ui.previous_region_edit.returnPressed.connect(self.decide)
        ui.receipt_no_edit.returnPressed.connect(self.decide)
        ui.decide_button.clicked.connect(self.decide)
        ui.save_button.clicked.connect(self.save)
        ui.notice_button.clicked.connect(lambda: self.print_notice("transfer"))
        ui.lump_sum_notice_button.clicked.connect(lambda: self.print_notice("lump_sum"))
        ui.waiting_notice_button.clicked.connect(lambda: self.print_notice("waiting_period"))
        self.save_shortcuts(self.save)
        # any change to the form makes the shown decision stale
        for edit in (ui.previous_region_edit, ui.receipt_no_edit):
            edit.textChanged.connect(self._stale)
        for widget in (ui.last_paid_month_edit, ui.first_month_here_edit):
            widget.dateChanged.connect(self._stale)
        for spin in (ui.contribution_months_spin, ui.continuous_years_spin):
            spin.valueChanged.connect(self._stale)
        ui.scheme_combo.currentIndexChanged.connect(self._stale)
        ui.pay_gap_check.toggled.connect(self._stale)
        ui.previous_province_combo.currentIndexChanged.connect(self._stale)
        self.set_person(None)

    def set_person(self, person_id: int | None) -> None:
        self.person_id = person_id
        ui = self.ui
        ui.transfer_group.setEnabled(person_id is not None)
        ui.previous_region_edit.clear()
        ui.receipt_no_edit.clear()
        ui.scheme_combo.setCurrentIndex(0)
        ui.contribution_months_spin.setValue(0)
        ui.continuous_years_spin.setValue(-1)
        ui.pay_gap_check.setChecked(False)
        ui.previous_province_combo.setCurrentIndex(0)
        self._load_history()
        today = self.clock()
        first_here = date(today.year, today.month, 1)
        if person_id is not None:
            first_here = get_person(self.session, person_id).first_month
        ui.first_month_here_edit.setDate(to_qdate(first_here))
        ui.last_paid_month_edit.setDate(to_qdate(add_months(first_here, -1)))
        self._clear_decision()
        ui.result_label.setText("" if person_id is not None else "请先在上方查找并选择人员（转入人员先办理参保登记）。")

    def read_form(self) -> TransferForm:
        ui = self.ui
        years = ui.continuous_years_spin.value()
        return TransferForm(
            previous_region=ui.previous_region_edit.text().strip(),
            scheme=ui.scheme_combo.currentData(),
            last_paid_month=month_of(ui.last_paid_month_edit),
            contribution_months=ui.contribution_months_spin.value(),
            continuous_years=None if years < 0 else years,
            first_month_here=month_of(ui.first_month_here_edit),
            pay_gap=ui.pay_gap_check.isChecked(),
            receipt_no=ui.receipt_no_edit.text().strip(),
            previous_province=ui.previous_province_combo.currentData() or "",
        )

    def _province_changed(self, *_) -> None:
        """本省 or 外省 follows from the province: the clerk no longer ticks it."""
        province = self.ui.previous_province_combo.currentData()
        here = JURISDICTIONS.get(self._office_key() or "")
        if not province or here is None:
            self.ui.in_province_label.setText("")
        elif province == here.province:
            self.ui.in_province_label.setText("本省：转入月数计入本省实际缴费年限")
        else:
            self.ui.in_province_label.setText("外省")

    def _office_key(self) -> str | None:
        from desktop_app.services.settings import get_office
        return get_office(self.session).jurisdiction

    def _load_history(self) -> None:
        self.history_model.removeRows(0, self.history_model.rowCount())
        self.ui.transfer_out_button.setEnabled(self.person_id is not None)
        self.ui.certificate_button.setEnabled(self.out_decision is not None)
        if self.person_id is None:
            return
        for t in transfers_for_person(self.session, self.person_id):
            direction = "转入" if t["direction"] == "in" else "转出"
            place = f"{t['province']}{t['region']}" if t["region"] and not t["region"].startswith(t["province"]) \
                else t["region"]
            self.history_model.appendRow([QStandardItem(text) for text in (
                direction, place, month_text(t["last_paid_month"]), "—" if t["months"] is None else str(t["months"]),
                t["decided_on"], t["operator"])])

    def ask_transfer_out(self):
        """办理转出: where to, then the 参保缴费凭证."""
        if not self.need_person():
            return None
        self.out_dialog = TransferOutDialog(self, self.ui.transfer_out_button.window())
        self.out_dialog.open()
        return self.out_dialog

    def do_transfer_out(self, to_region: str, to_province: str) -> dict:
        """Called by the dialog; raises InputError for it to show."""
        self.out_decision_id, self.out_decision = transfer_out(self.session, self.person_id, to_region, to_province,
                                                               self.clock())
        self._load_history()
        self.records_changed.emit(self.person_id)
        return self.out_decision

    def print_certificate(self):
        """参保缴费凭证 for the transfer out just done (archived like every notice)."""
        from desktop_app.notices.issue import issue_transfer_certificate, notice_citations

        d = self.out_decision
        if d is None:
            return None
        person = get_person(self.session, self.person_id)
        try:
            issued = issue_transfer_certificate(self.session, self.person_id, self.clock(), d["periods"],
                                                d["last_month"], mode=person.mode,
                                                transfer_to=f"{d['to_province']}{d['to_region']}",
                                                recognized_months=d["total_months"], months_here=d["months_here"])
        except InputError as error:
            self.fail(error)
            return None
        return self._preview("transfer_out", issued.pdf, issued.serial, notice_citations(self.session, issued.serial))

    def _clear_decision(self) -> None:
        self.decision = None
        self.saved_id = None
        ui = self.ui
        for label in (ui.gap_label, ui.continuous_label, ui.back_pay_months_label, ui.back_pay_amount_label,
                      ui.waiting_label, ui.benefit_start_label, ui.retroactive_label, ui.recognised_label):
            label.setText("—")
        ui.citations_label.setText("")
        ui.notes_label.setText("")
        for button in (ui.notice_button, ui.lump_sum_notice_button, ui.waiting_notice_button):
            button.setEnabled(False)
        ui.save_button.setEnabled(self.person_id is not None)

    def _stale(self, *_):
        if self.decision is not None:
            self._clear_decision()
            self.ui.result_label.setText("")

    def decide(self) -> dict | None:
        """测算: the decision for the figures as typed; nothing is written."""
        if not self.need_person():
            return None
        self.errors.clear()
        self._clear_decision()
        self.ui.result_label.setText("")
        try:
            decision = decide_transfer(self.session, self.person_id, self.read_form(), self.clock())
        except InputError as error:
            self.fail(error)
            return None
        self._show(decision)
        self.ui.save_button.setFocus()
        return decision

    def _show(self, d: dict) -> None:
        ui = self.ui
        self.decision = d
        days = d.get("gap_days")
        ui.gap_label.setText(f"{d.get('gap_months', 0)} 个月" + (f"（{days} 天）" if days is not None else ""))
        show_flag(ui.continuous_label, yes_no(d.get("continuous")), bool(d.get("continuous")))
        ui.back_pay_months_label.setText(months_list_text(d.get("back_pay_months")))
        amount = d.get("back_pay_amount")
        ui.back_pay_amount_label.setText(money_text(amount) if amount is not None else
                                         ("无需补缴" if not d.get("back_pay_months") else "按补缴时的缴费标准核定"))
        waiting = d.get("waiting_months")
        ui.waiting_label.setText("不设等待期" if not waiting else f"{waiting} 个月")
        ui.benefit_start_label.setText(month_text(d.get("benefit_start")))
        ui.retroactive_label.setText(months_list_text(d.get("retroactive_months")))
        recognised = d.get("recognized_months")
        years = d.get("recognized_years")
        ui.recognised_label.setText("—" if recognised is None else
                                    f"{recognised} 个月" + (f"（{years} 年）" if years is not None else ""))
        set_citations(ui.citations_label, d.get("citations"))
        ui.notes_label.setText(notes_text(d.get("notes")))

    def save(self) -> None:
        """保存: the decision plus the transferred and paid-back months into the ledger, one transaction."""
        if not self.need_person():
            return
        self.errors.clear()
        form = self.read_form()
        try:
            decision = decide_transfer(self.session, self.person_id, form, self.clock())
            self.saved_id = save_transfer(self.session, self.person_id, form, self.clock())
        except InputError as error:
            self.fail(error)
            return
        self._show(decision)
        brought = form.contribution_months if form.scheme == "employee" else 0
        show_flag(self.ui.result_label,
                  f"已保存转移接续决定（第 {self.saved_id} 号）：转入 {brought} 个月、"
                  f"补缴 {len(decision.get('back_pay_months') or [])} 个月已记入缴费记录。", True)
        ui = self.ui
        ui.save_button.setEnabled(False)
        ui.notice_button.setEnabled(True)
        ui.lump_sum_notice_button.setEnabled(bool(decision.get("back_pay_months")))
        ui.waiting_notice_button.setEnabled(bool(decision.get("waiting_months")))
        ui.notice_button.setFocus()
        self._load_history()
        self.records_changed.emit(self.person_id)


class TransferOutDialog(QDialog):
    """办理转出: the province and region the person moves to; the tab records it."""

    def __init__(self, tab: "TransferTab", parent=None):
        super().__init__(parent)
        self.setWindowTitle("办理转出")
        QVBoxLayout(self).setContentsMargins(4, 4, 4, 4)
        self.ui = load_form("transfer_out_dialog.ui", self)
        self.tab = tab
        self.errors = FieldErrors(self.ui)
        fill_provinces(self.ui.to_province_combo)
        person = get_person(tab.session, tab.person_id)
        self.ui.person_label.setText(f"{person.name}：转往其他统筹地区参保。办理后本地停止缴费，"
                                     "并出具参保缴费凭证交参保人带往转入地。")
        self.ui.save_button.clicked.connect(self.save)
        self.ui.close_button.clicked.connect(self.reject)
        self.resize(460, 220)

    def save(self) -> None:
        self.errors.clear()
        try:
            d = self.tab.do_transfer_out(self.ui.to_region_edit.text(), self.ui.to_province_combo.currentData() or "")
        except InputError as error:
            self.errors.show(error)
            return
        show_flag(self.ui.result_label, f"已办理转出：本地缴费{d['months_here']}个月（末次缴费{month_text(d['last_month'])}），"
                                        "请出具参保缴费凭证。", True)
        self.ui.save_button.setEnabled(False)
        self.tab.ui.certificate_button.setEnabled(True)
