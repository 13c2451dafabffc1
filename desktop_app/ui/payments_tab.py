"""缴费记录 tab: the ledger model, recording payments, the back-payment quote, the tax-bureau import."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QHeaderView, QInputDialog, QMessageBox

from desktop_app.services.errors import InputError
from desktop_app.services.payments import PastLimit, ledger, quote_back_payment, record_payment, void_payment
from desktop_app.services.rules_glue import add_months, months_between
from desktop_app.ui.import_dialog import ImportDialog
from desktop_app.ui.citation_links import link_citations, set_citations
from desktop_app.ui.labels import (CYCLES, STATE_COLOURS, STATES, STATUS_TEXT, date_text, large_expense_text,
                                   money_text, month_ranges_text, month_text, months_list_text,
                                   notes_text)
from desktop_app.ui.ledger_model import LedgerModel
from desktop_app.ui.tab_base import CounterTab, compact_rows, from_qdate, month_of, show_flag, to_qdate

LEGEND_STATES = ("waiting", "active", "suspended", "lapsed", "transferred", "before_policy", "stopped")
# The widest text each ledger column shows: widths are set once from these, not measured over every row of
# every person (ResizeToContents asked the model for each cell of 120 months on each selection — issue 7).
LEDGER_SAMPLES = ("2026年12月", "2026-12-31", "9,999.99", "999.99", "SW2026120…", "视同缴费", "转入前缴费")


def fit_columns(view, samples) -> None:
    """Column widths from the font for the header and a sample of the widest text; the clerk can still drag
    them; single-line cells (no word wrap) paint quicker."""
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideMiddle)   # a long receipt number: its tooltip has it whole
    metrics, model = view.fontMetrics(), view.model()
    for column, sample in enumerate(samples):
        title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
        text_width = max(metrics.horizontalAdvance(title), metrics.horizontalAdvance(sample))
        header.resizeSection(column, text_width + 14)


def deadline_text(quote) -> str:
    """By when the arrears must be paid, and what a lapse already means: the first thing the clerk reads."""
    parts = []
    if quote.arrears_months:
        span = months_list_text(quote.arrears_months)
        parts.append(f"须于{date_text(quote.pay_by)}前补缴{span}（含滞纳金），逾期即中断超期，"
                     "补缴后不能恢复中断期间待遇，重新缴费须设待遇享受等待期。" if quote.pay_by else f"欠缴{span}。")
    if quote.lapsed_months:
        parts.append(f"{months_list_text(quote.lapsed_months)}已超过补缴期限，中断按超期处理。")
    waits = [w for w in quote.waiting_if_paid if w.get("reason") == "lapse"]
    if waits:
        w = waits[-1]
        parts.append(f"今天缴费的，须设待遇享受等待期{month_text(w['from'])}至{month_text(w['to'])}，"
                     f"自{month_text(quote.benefit_start_if_today)}起享受待遇。")
    if not parts:
        parts.append("没有欠费月份。" if not quote.months else "本期应缴费用请按时缴纳。")
    return "".join(parts)


class PaymentsTab(CounterTab):
    FORM = "payments_tab.ui"

    def __init__(self, session, clock=date.today, parent=None):
        super().__init__(session, clock, parent)
        ui = self.ui
        self.model = LedgerModel(self)
        ui.ledger_view.setModel(self.model)
        compact_rows(ui.ledger_view)
        compact_rows(ui.compare_view)
        fit_columns(ui.ledger_view, LEDGER_SAMPLES)
        # every column shows without scrolling sideways, on a 1024-pixel screen too (the panel beside gives way)
        header = ui.ledger_view.horizontalHeader()
        ui.ledger_view.setMinimumWidth(sum(header.sectionSize(c) for c in range(header.count()))
                                       + ui.ledger_view.verticalScrollBar().sizeHint().width() + 4)
        self.compare_model = QStandardItemModel(0, 3, self)
        self.compare_model.setHorizontalHeaderLabels(["缴纳时间", "应缴合计", "待遇起始"])
        ui.compare_view.setModel(self.compare_model)
        ui.compare_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        ui.compare_view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.arrears_model = QStandardItemModel(0, 4, self)
        self.arrears_model.setHorizontalHeaderLabels(["月份", "应缴", "滞纳金", "说明"])
        ui.arrears_view.setModel(self.arrears_model)
        compact_rows(ui.arrears_view)
        ui.arrears_view.setTextElideMode(Qt.TextElideMode.ElideRight)   # the tooltip has the whole note
        arrears_header = ui.arrears_view.horizontalHeader()
        arrears_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        arrears_header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        # wrapping labels in a crowded column: at least one whole line each (the arrears list scrolls instead)
        for label in (ui.quote_months_label, ui.retroactive_label):
            label.setMinimumHeight(label.fontMetrics().height())
        self.confirm_box = None
        self.current_ledger = None
        self.quote = None
        self.import_dialog: ImportDialog | None = None
        link_citations(ui.ledger_citations_label)
        link_citations(ui.quote_citations_label)

        ui.ledger_view.selectionModel().selectionChanged.connect(self._on_selection)
        ui.record_button.clicked.connect(self.record)
        ui.receipt_no_edit.returnPressed.connect(self.record)
        ui.quote_button.clicked.connect(self.quote_arrears)
        ui.use_quote_button.clicked.connect(self._use_quote)
        ui.lump_sum_notice_button.clicked.connect(self.print_lump_sum_notice)
        ui.waiting_notice_button.clicked.connect(self.print_waiting_notice)
        ui.import_button.clicked.connect(self.import_file)
        ui.void_button.clicked.connect(self.ask_void)
        self.void_dialog: QInputDialog | None = None
        self.set_person(None)

    # -- loading -----------------------------------------------------------------------------------------
    def set_person(self, person_id: int | None) -> None:
        self.person_id = person_id
        self.errors.clear()
        self._clear_quote()
        self.ui.record_result_label.setText("")
        enabled = person_id is not None
        for widget in (self.ui.record_group, self.ui.quote_group):
            widget.setEnabled(enabled)
        today = self.clock()
        self.ui.paid_on_edit.setDate(to_qdate(today))
        self.ui.receipt_no_edit.clear()
        if person_id is None:
            self.current_ledger = None
            self.model.set_ledger(None)
            self._show_legend()
            self.ui.summary_label.setText("请先在上方查找并选择人员。")
            self.ui.notes_label.hide()
            self.ui.ledger_citations_label.setText("")
            self.ui.waiting_notice_button.setEnabled(False)
            return
        self.reload()

    def reload(self) -> None:
        today = self.clock()
        try:
            self.current_ledger = ledger(self.session, self.person_id, today)
        except InputError as error:
            self.current_ledger = None
            self.model.set_ledger(None)
            self.ui.summary_label.setText(f"无法计算待遇状态：{error.message}")
            self.ui.ledger_citations_label.setText("")
            return
        self.model.set_ledger(self.current_ledger)
        self._show_legend()
        self._show_summary()
        self._next_months()
        self._scroll_to_latest()
        if self.current_ledger.unpaid_months:
            self.quote_arrears()   # unpaid months: say at once what can still be paid back, and by when

    def _show_legend(self) -> None:
        """The colours of the states this person's months show (all of them would not fit a narrow screen)."""
        book = self.current_ledger
        shown = {m.state for m in list(book.prior) + list(book.months)} if book else set()
        self.ui.legend_label.setText("待遇状态：" + "　".join(
            f'<span style="background-color:{STATE_COLOURS[s]}">&nbsp;{STATES[s]}&nbsp;</span>'
            for s in LEGEND_STATES if s in shown) if shown else "")

    def _scroll_to_latest(self) -> None:
        """The recent months are what the clerk looks at: show the end of the ledger."""
        self.ui.ledger_view.scrollToBottom()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self._scroll_to_latest)  # a hidden view cannot scroll: do it once laid out

    def _next_months(self) -> None:
        """Offer the first unpaid month (else the month after the last one paid) as the next payment."""
        today = self.clock()
        unpaid = self.current_ledger.unpaid_months
        paid = [m.month for m in self.current_ledger.months if m.paid]
        if unpaid:
            first = unpaid[0]
        elif paid:
            first = add_months(max(paid), 1)
        else:
            first = date(today.year, today.month, 1)
        self.ui.pay_from_edit.setDate(to_qdate(first))
        self.ui.pay_to_edit.setDate(to_qdate(first))

    def _show_summary(self) -> None:
        current = self.current_ledger
        paid = sum(1 for m in current.months if m.paid)
        start = month_text(current.benefit_start)
        if current.benefit_start is not None and current.benefit_start_expected:
            start += "（等待期满后，须按月足额缴费）"
        parts = [f"在本地已缴 {paid} 个月，未缴 {len(current.unpaid_months)} 个月", f"待遇起始：{start}"]
        if current.status != "active":
            parts.insert(0, f"参保状态：{STATUS_TEXT.get(current.status, current.status)}")
        for period in current.waiting_periods:
            parts.append(f"等待期 {month_text(period['from'])}至{month_text(period['to'])}")
        this_month = next((m for m in current.months if m.month == date(self.clock().year, self.clock().month, 1)),
                          None)
        if this_month is not None:
            parts.append(f"本月状态：{STATES.get(this_month.state, this_month.state)}")
        if current.payment_cycle != "monthly":
            parts.append(f"缴费周期：{CYCLES.get(current.payment_cycle, current.payment_cycle)}")
        if current.standard is not None:
            parts.append(f"本月缴费标准 {money_text(current.standard['monthly_amount'])}；大额医疗费用补助："
                         + large_expense_text(current.standard.get("large_expense_annual")))
        elif current.standard_error:
            parts.append(f"本月缴费标准无法计算：{current.standard_error}")
        self.ui.summary_label.setText("；".join(parts) + "。")
        self.ui.notes_label.setText(notes_text(current.notes))
        self.ui.notes_label.setVisible(bool(current.notes))
        set_citations(self.ui.ledger_citations_label, current.citations, "待遇状态依据：")
        self.ui.waiting_notice_button.setEnabled(bool(current.waiting_periods and current.decision))

    def _selected_months(self) -> list:
        rows = sorted({index.row() for index in self.ui.ledger_view.selectionModel().selectedRows()})
        return [self.model.month_at(r) for r in rows]

    def _on_selection(self, *_):
        rows = sorted({index.row() for index in self.ui.ledger_view.selectionModel().selectedRows()})
        selected = [self.model.month_at(r) for r in rows]
        self.ui.void_button.setEnabled(len(selected) == 1 and selected[0].paid)
        if not rows:
            return
        months = [self.model.month_at(r).month for r in rows]
        self.ui.pay_from_edit.setDate(to_qdate(months[0]))
        self.ui.pay_to_edit.setDate(to_qdate(months[-1]))

    # -- recording a payment ------------------------------------------------------------------------------
    def record(self, confirmed: bool = False) -> None:
        """登记缴费; months past the back-payment limit are recorded only after the clerk confirms what that
        changes (the service says it)."""
        if not self.need_person():
            return
        self.errors.clear()
        self.ui.record_result_label.setText("")
        first, last = month_of(self.ui.pay_from_edit), month_of(self.ui.pay_to_edit)
        if last < first:
            self.errors.set("months", "截止月份不能早于起始月份")
            return
        months = months_between(first, last)
        try:
            result = record_payment(self.session, self.person_id, months, from_qdate(self.ui.paid_on_edit.date()),
                                    self.ui.receipt_no_edit.text(), self.clock(), confirm_past_limit=confirmed)
        except PastLimit as question:
            self._confirm_past_limit(question)
            return
        except InputError as error:
            self.fail(error)
            return
        paid = [m for m in result.months if m.month in months]
        total = sum((m.amount or 0) for m in paid if m.amount is not None)
        fees = sum((m.late_fee or 0) for m in paid)
        text = f"已登记 {len(months)} 个月，合计 {money_text(total)}"
        self._show_written(result, text + (f"，另收滞纳金 {money_text(fees)}。" if fees else "。"))
        self.ui.receipt_no_edit.clear()
        self._next_months()
        self._clear_quote()
        if result.unpaid_months:
            self.quote_arrears()
        self.records_changed.emit(self.person_id)

    def _confirm_past_limit(self, question: PastLimit) -> QMessageBox:
        """Ask before recording months past the limit; 登记 records them, 取消 leaves everything as it was."""
        box = QMessageBox(QMessageBox.Icon.Question, "超过补缴期限", question.message + "\n\n仍要登记这些月份吗？",
                          QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("past_limit_box")
        record = box.addButton("登记(&Y)", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("取消(&N)", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(record)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(lambda button: self.record(confirmed=True) if button is record else None)
        box.open()
        self.confirm_box = box
        return box

    def _show_written(self, result, message: str) -> None:
        """The ledger as the service returned it after a write, and what was done."""
        self.current_ledger = result
        self.model.set_ledger(result)
        self._show_legend()
        self._show_summary()
        show_flag(self.ui.record_result_label, message, True)

    # -- voiding a month entered in error -----------------------------------------------------------------
    def ask_void(self) -> QInputDialog | None:
        """作废: the reason is asked for; the service keeps the row and the reason."""
        selected = self._selected_months()
        if len(selected) != 1 or not selected[0].paid or not self.need_person():
            return None
        month = selected[0].month
        dialog = QInputDialog(self)
        dialog.setWindowTitle("作废缴费记录")
        dialog.setLabelText(f"作废 {month_text(month)} 的缴费记录（{selected[0].receipt_no or '无票据号'}）。\n"
                            "请写明原因（不少于4个字）：")
        dialog.textValueSelected.connect(lambda reason: self.void(month, reason))
        dialog.open()
        self.void_dialog = dialog
        return dialog

    def void(self, month: date, reason: str) -> None:
        self.errors.clear()
        try:
            result = void_payment(self.session, self.person_id, month, reason, self.clock())
        except InputError as error:
            self.fail(error)
            return
        self._show_written(result, f"已作废 {month_text(month)} 的缴费记录，可重新登记。")
        self._clear_quote()
        self.records_changed.emit(self.person_id)

    # -- the back-payment quote ---------------------------------------------------------------------------
    def _clear_quote(self) -> None:
        self.quote = None
        for label in (self.ui.quote_months_label, self.ui.quote_amount_label, self.ui.late_fee_label,
                      self.ui.retroactive_label):
            label.setText("—")
        self.ui.deadline_label.setText("")
        self.ui.deadline_label.setStyleSheet("")
        self.ui.quote_citations_label.setText("")
        self.compare_model.removeRows(0, self.compare_model.rowCount())
        self.arrears_model.removeRows(0, self.arrears_model.rowCount())
        self.ui.use_quote_button.setEnabled(False)
        self.ui.lump_sum_notice_button.setEnabled(False)

    def quote_arrears(self) -> None:
        """What is owed month by month, until when it can be paid back and with which late fee, what is past the
        limit, and what paying today or next month means."""
        if not self.need_person():
            return
        self.errors.clear()
        self._clear_quote()
        try:
            quote = quote_back_payment(self.session, self.person_id, self.clock())
        except InputError as error:
            self.ui.deadline_label.setText(error.message)
            return
        self.quote = quote
        ui = self.ui
        for month in quote.lapsed_months:
            self._add_arrears_row(month_text(month), "—", "—", "已超过补缴期限")
        for line in quote.lines:
            note = {"arrears": f"可补缴，至{date_text(quote.pay_by)}" if quote.pay_by else "可补缴",
                    "due": f"本期应缴，{date_text(line['due_on'])}前", "advance": "预缴",
                    "lapsed": "已超过补缴期限"}.get(line["kind"], "")
            fee = money_text(line["late_fee"]) if line["late_days"] else "—"
            self._add_arrears_row(month_text(line["month"]), money_text(line["monthly_standard"]), fee, note)
        ui.deadline_label.setText(deadline_text(quote))
        ui.deadline_label.setStyleSheet("font-weight: bold; color: #8a1c12;" if quote.arrears_months or
                                        quote.lapsed_months else "font-weight: bold;")
        # runs of months keep the line short in a crowded column; the tooltip lists every month
        ui.quote_months_label.setText(f"{month_ranges_text(quote.months)}（共 {len(quote.months)} 个月）"
                                      if quote.months else "无应缴月份")
        ui.quote_months_label.setToolTip(months_list_text(quote.months, limit=120) if quote.months else "")
        ui.quote_amount_label.setText(money_text(quote.amount))
        ui.late_fee_label.setText(money_text(quote.late_fee) if quote.late_fee else "无")
        retro = quote.retroactive_months or []
        ui.retroactive_label.setText(
            ("是：" + months_list_text(retro)) if quote.retroactive and retro else ("是" if quote.retroactive else "否"))
        today = self.clock()
        later = quote.total_if_next_month
        next_month = add_months(today, 1)
        self._add_compare_row(f"今天（{today.month}月{today.day}日）", money_text(quote.total),
                              month_text(quote.benefit_start_if_today))
        self._add_compare_row(f"下月（{next_month.month}月）", money_text(later) if later is not None else "—",
                              month_text(quote.benefit_start_if_next_month))
        set_citations(ui.quote_citations_label, quote.citations)
        ui.use_quote_button.setEnabled(bool(quote.months))
        # the 一次性补缴通知书 is for arrears: a person who owes only this month gets none (the quote says so)
        ui.lump_sum_notice_button.setEnabled(bool(quote.arrears_months))
        ui.lump_sum_notice_button.setToolTip("" if quote.arrears_months else "没有可补缴的欠费月份，无需出具补缴通知书")

    def _add_arrears_row(self, *texts: str) -> None:
        items = [QStandardItem(text) for text in texts]
        items[-1].setToolTip(texts[-1])
        self.arrears_model.appendRow(items)

    def _add_compare_row(self, *texts: str) -> None:
        self.compare_model.appendRow([QStandardItem(text) for text in texts])

    def _use_quote(self) -> None:
        if self.quote and self.quote.months:
            self.ui.pay_from_edit.setDate(to_qdate(min(self.quote.months)))
            self.ui.pay_to_edit.setDate(to_qdate(max(self.quote.months)))
            self.ui.paid_on_edit.setDate(to_qdate(self.clock()))
            self.ui.receipt_no_edit.setFocus()

    # -- notices and import -------------------------------------------------------------------------------
    def print_lump_sum_notice(self):
        if self.quote is None:
            return None
        # the notice prints the screen's comparison: paying today and paying next month
        return self.issue_and_show("lump_sum", self.quote.decision,
                                   related={"next_month": self.quote.decision_next_month})

    def print_waiting_notice(self):
        if self.current_ledger is None or self.current_ledger.decision is None:
            return None
        return self.issue_and_show("waiting_period", self.current_ledger.decision)

    def import_file(self) -> None:
        self.import_dialog = ImportDialog(self.session, self.clock, self)
        self.import_dialog.imported.connect(self._after_import)
        self.import_dialog.choose_file()

    def _after_import(self, _count: int) -> None:
        if self.person_id is not None:
            self.reload()
            self.records_changed.emit(self.person_id)
