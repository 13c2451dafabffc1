"""缴费记录 through the widgets: record payments, read the ledger table, quote arrears, import a tax file."""

from datetime import date

from ui_fixtures import (LI, TODAY, ZHANG, cell, click, enrol, set_month, type_into, ui_session,  # noqa: F401
                         window)
from PySide6.QtCore import QDate, Qt


def ledger_rows(session) -> int:
    return session.db["ledger"].count


def pay(qtbot, tab, first: date, last: date, paid_on: date, receipt: str) -> None:
    set_month(tab.ui.pay_from_edit, first)
    set_month(tab.ui.pay_to_edit, last)
    tab.ui.paid_on_edit.setDate(QDate(paid_on.year, paid_on.month, paid_on.day))
    type_into(qtbot, tab.ui.receipt_no_edit, receipt)
    click(qtbot, tab.ui.record_button)


def open_payments(qtbot, window, first_month=date(2025, 1, 1)):
    enrol(qtbot, window, ZHANG, "张伟", first_month)
    window.ui.tab_widget.setCurrentWidget(window.payments_tab)
    return window.payments_tab


def test_record_payments_and_see_the_states_in_the_table(qtbot, window, ui_session):
    tab = open_payments(qtbot, window)
    view = tab.ui.ledger_view
    assert view.model().rowCount() == 6                      # 2025-01 .. 2025-06
    assert [cell(view, r, 1) for r in range(6)] == ["未缴"] * 6

    pay(qtbot, tab, date(2025, 1, 1), date(2025, 1, 1), date(2025, 1, 10), "R20250110")
    pay(qtbot, tab, date(2025, 2, 1), date(2025, 4, 1), date(2025, 2, 12), "R20250212")
    assert "已登记 3 个月" in tab.ui.record_result_label.text()
    assert [cell(view, r, 1) for r in range(6)] == ["2025-01-10"] + ["2025-02-12"] * 3 + ["未缴"] * 2
    assert cell(view, 0, 4) == "R20250110" and cell(view, 0, 5) == "窗口缴费" and cell(view, 0, 3) == ""
    assert cell(view, 0, 2) == f"{tab.current_ledger.months[0].amount:,.2f}"
    states = [cell(view, r, 6) for r in range(6)]
    assert states[:3] == ["等待期"] * 3                       # 信阳: 3 months' waiting period
    assert states[3] == "正常享受"
    # colour-coded: the state column's background follows the state
    waiting = view.model().index(0, 6).data(Qt.ItemDataRole.BackgroundRole).color().name()
    active = view.model().index(3, 6).data(Qt.ItemDataRole.BackgroundRole).color().name()
    assert waiting != active
    assert ledger_rows(ui_session) == 4


def test_paying_a_month_twice_is_refused_at_the_months(qtbot, window, ui_session):
    tab = open_payments(qtbot, window)
    pay(qtbot, tab, date(2025, 1, 1), date(2025, 1, 1), date(2025, 1, 10), "R1")
    pay(qtbot, tab, date(2025, 1, 1), date(2025, 2, 1), date(2025, 2, 10), "R2")
    assert "已有缴费记录" in tab.ui.months_error.text()
    assert ledger_rows(ui_session) == 1


def test_missing_receipt_number_is_shown_at_the_field(qtbot, window, ui_session):
    tab = open_payments(qtbot, window)
    pay(qtbot, tab, date(2025, 1, 1), date(2025, 1, 1), date(2025, 1, 10), "")
    assert tab.ui.receipt_no_error.text() == "请填写票据号"
    assert ledger_rows(ui_session) == 0


def test_selecting_months_in_the_table_fills_the_payment_months(qtbot, window):
    tab = open_payments(qtbot, window)
    view = tab.ui.ledger_view
    view.selectRow(1)
    view.selectionModel().select(view.model().index(3, 0),
                                 view.selectionModel().SelectionFlag.Select | view.selectionModel().SelectionFlag.Rows)
    assert tab.ui.pay_from_edit.date() == QDate(2025, 2, 1)
    assert tab.ui.pay_to_edit.date() == QDate(2025, 4, 1)


def test_back_payment_quote_compares_paying_today_and_next_month(qtbot, window, ui_session):
    tab = open_payments(qtbot, window)
    pay(qtbot, tab, date(2025, 1, 1), date(2025, 3, 1), date(2025, 1, 10), "R1")
    pay(qtbot, tab, date(2025, 4, 1), date(2025, 4, 1), date(2025, 4, 10), "R2")
    click(qtbot, tab.ui.quote_button)
    assert tab.quote is not None, tab.errors.last_message and tab.errors.last_message.text()
    assert "2025年5月" in tab.ui.quote_months_label.text()
    assert tab.ui.quote_amount_label.text().endswith("元")
    compare = tab.ui.compare_view
    assert compare.model().rowCount() == 2
    assert cell(compare, 0, 0).startswith("今天") and cell(compare, 1, 0).startswith("下月")
    assert cell(compare, 0, 2) != "—"
    assert ledger_rows(ui_session) == 4                       # a quote writes nothing
    # the quote fills the payment form, and the lump-sum notice can be printed
    click(qtbot, tab.ui.use_quote_button)
    assert tab.ui.pay_from_edit.date() == QDate(2025, 5, 1)
    dialog = tab.print_lump_sum_notice()
    assert dialog is not None and dialog.page_count() >= 1
    dialog.close()


TAX_HEADER = "身份证号,姓名,费款所属期,缴费日期,缴费金额,票据号\n"


def test_import_with_row_errors_lists_them_and_writes_nothing(qtbot, window, ui_session, tmp_path):
    from desktop_app.ui.import_dialog import ImportDialog

    tab = open_payments(qtbot, window)
    pay(qtbot, tab, date(2025, 1, 1), date(2025, 1, 1), date(2025, 1, 10), "R1")
    amount = tab.current_ledger.months[0].amount
    path = tmp_path / "税务缴费.csv"
    path.write_text(TAX_HEADER
                    + f"{ZHANG},张伟,2025-02,2025-02-10,{amount},T0002\n"      # fine
                    + f"{ZHANG},张伟,2025-01,2025-01-10,{amount},T0001\n"      # month already paid
                    + f"{LI},李娜,2025-02,2025-02-10,{amount},T0003\n"         # unknown person
                    + f"{ZHANG},张伟,2025-03,2025-13-45,{amount},T0004\n"      # bad date
                    + f"{ZHANG},张伟,2025-04,2025-04-10,1.00,T0005\n",         # amount not the standard
                    encoding="utf-8")
    dialog = ImportDialog(ui_session, lambda: TODAY, window)
    qtbot.addWidget(dialog)
    dialog.check_file(path)                     # the dry run runs off the window's thread
    qtbot.waitUntil(lambda: not dialog.busy)
    problems = dialog.ui.problems_view.model()
    rows = {int(problems.index(r, 0).data()) for r in range(problems.rowCount())}
    assert rows == {3, 4, 5, 6}
    assert not dialog.ui.import_button.isEnabled()
    assert "尚未写入" in dialog.ui.summary_label.text()
    assert ledger_rows(ui_session) == 1



def test_a_long_problem_list_is_shown_as_it_scrolls(qtbot, window, ui_session, tmp_path):
    from desktop_app.ui.import_dialog import ImportDialog
    from desktop_app.ui.problems_model import PAGE

    path = tmp_path / "税务缴费.csv"
    path.write_text(TAX_HEADER + "".join(f"{LI},李娜,2025-02,2025-02-10,100.00,T{n:05d}\n" for n in range(1200)),
                    encoding="utf-8")
    dialog = ImportDialog(ui_session, lambda: TODAY, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.check_file(path)
    qtbot.waitUntil(lambda: not dialog.busy)
    view = dialog.ui.problems_view
    model = view.model()
    assert model.total == 1200 and model.rowCount() == PAGE   # the first page only
    while model.rowCount() < 1200:
        shown = model.rowCount()
        view.scrollToBottom()
        qtbot.waitUntil(lambda shown=shown: model.rowCount() > shown)      # the view asks for the next page itself
    assert model.index(1199, 0).data() == "1201"               # the last data row is row 1201 of the file
    assert "未找到身份证号" in model.index(1199, 2).data()

def test_clean_import_writes_the_rows_and_refreshes_the_table(qtbot, window, ui_session, tmp_path):
    tab = open_payments(qtbot, window)
    pay(qtbot, tab, date(2025, 1, 1), date(2025, 1, 1), date(2025, 1, 10), "R1")
    amount = tab.current_ledger.months[0].amount
    path = tmp_path / "税务缴费.csv"
    path.write_text(TAX_HEADER + f"{ZHANG},张伟,2025-02,2025-02-10,{amount},T0002\n", encoding="utf-8-sig")
    tab.import_dialog = None
    from desktop_app.ui.import_dialog import ImportDialog

    dialog = ImportDialog(ui_session, lambda: TODAY, tab)
    dialog.imported.connect(tab._after_import)
    qtbot.addWidget(dialog)
    dialog.check_file(path)
    qtbot.waitUntil(lambda: not dialog.busy)
    assert dialog.ui.import_button.isEnabled()
    click(qtbot, dialog.ui.import_button)
    qtbot.waitUntil(lambda: not dialog.busy)
    assert "已导入 1 行" in dialog.ui.summary_label.text()
    assert ledger_rows(ui_session) == 2
    assert cell(tab.ui.ledger_view, 1, 5) == "税务导入"


def test_a_month_entered_in_error_is_voided_with_its_reason(qtbot, window, ui_session):
    tab = open_payments(qtbot, window)
    pay(qtbot, tab, date(2025, 1, 1), date(2025, 1, 1), date(2025, 1, 10), "R1")
    view = tab.ui.ledger_view
    view.selectRow(0)
    click(qtbot, tab.ui.void_button)
    dialog = tab.void_dialog
    dialog.setTextValue("误")           # too short: refused with the reason shown
    dialog.accept()
    assert cell(view, 0, 1) != "未缴"
    assert tab.errors.last_message is not None and "原因" in tab.errors.last_message.text()
    tab.errors.last_message.close()
    view.selectRow(0)
    click(qtbot, tab.ui.void_button)
    tab.void_dialog.setTextValue("票据号录错，重新登记")
    tab.void_dialog.accept()
    assert cell(view, 0, 1) == "未缴"
    assert "已作废" in tab.ui.record_result_label.text()
