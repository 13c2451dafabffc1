"""Issue 11 on screen: the payment cycle at enrolment, the 大额 contribution and the decisions' notes, 信息变更."""

from datetime import date

from PySide6.QtCore import QDate

from ui_fixtures import TODAY, ZHANG, click, enrol, fill_enrolment, type_into, ui_session, window  # noqa: F401


def test_a_xinyang_clerk_chooses_the_payment_cycle_and_sees_the_large_expense_line(qtbot, window, ui_session):
    tab = window.enrolment_tab
    combo = tab.ui.payment_cycle_combo
    assert not combo.isHidden() and [combo.itemText(i) for i in range(combo.count())] == ["按月缴纳", "按季度缴纳"]
    window.new_person()
    fill_enrolment(qtbot, tab, ZHANG, "张伟", date(2025, 6, 1))
    combo.setCurrentIndex(combo.findData("quarterly"))
    click(qtbot, tab.ui.check_button)
    # 信阳 第四条: the demo office entered 150 a year (示例)
    assert tab.ui.large_expense_label.text().startswith("150.00 元/年")
    click(qtbot, tab.ui.save_button)
    from desktop_app.services.people import get_person
    assert get_person(ui_session, tab.enrolment.person_id).payment_cycle == "quarterly"


def test_an_office_without_the_large_expense_figure_is_told_so(qtbot, window, ui_session):
    from desktop_app.services.demo_parameters import enter_demo_parameters
    from desktop_app.services.settings import set_office
    from ui_fixtures import id_number

    set_office(ui_session, "huainan", "淮南市医保服务窗口")
    enter_demo_parameters(ui_session, "huainan", TODAY)
    ui_session.db.execute("DELETE FROM parameters WHERE name = 'large_expense_annual'")
    window.enrolment_tab.office_changed()
    tab = window.enrolment_tab
    assert tab.ui.payment_cycle_combo.isHidden()     # 淮南: monthly only
    fill_enrolment(qtbot, tab, id_number("34040219850315003"), "赵敏", date(2025, 6, 1))
    click(qtbot, tab.ui.check_button)
    assert tab.ui.large_expense_label.text() == "本机构尚未录入年缴费标准"
    assert "淮医保发〔2022〕28号 二（二）" in tab.ui.notes_label.text() and "尚未录入" in tab.ui.notes_label.text()


def test_the_payments_tab_shows_the_cycle_and_this_months_standard(qtbot, window, ui_session):
    person_id = enrol(qtbot, window, ZHANG, "张伟", date(2025, 6, 1))
    window.set_person(person_id)
    summary = window.payments_tab.ui.summary_label.text()
    assert "本月缴费标准" in summary and "大额医疗费用补助：150.00 元/年" in summary


def test_a_cycle_change_through_the_dialog_is_saved_with_its_history(qtbot, window, ui_session):
    person_id = enrol(qtbot, window, ZHANG, "张伟", date(2025, 6, 1))
    window.set_person(person_id)
    dialog = window.change_person()
    qtbot.addWidget(dialog)
    ui = dialog.ui
    ui.field_combo.setCurrentIndex(ui.field_combo.findData("payment_cycle"))
    assert ui.current_label.text() == "按月缴纳" and ui.valid_from_edit.displayFormat() == "yyyy-MM"
    ui.choice_combo.setCurrentIndex(ui.choice_combo.findData("quarterly"))
    # a month already due is refused at the field, nothing saved
    ui.valid_from_edit.setDate(QDate(2025, 5, 1))
    type_into(qtbot, ui.reason_edit, "本人申请")
    click(qtbot, ui.save_button)
    assert "只能自本月" in ui.valid_from_error.text() and dialog.history_model.rowCount() == 0
    ui.valid_from_edit.setDate(QDate(2025, 7, 1))
    click(qtbot, ui.save_button)
    assert "已变更缴费周期：按月缴纳 → 按季度缴纳（自2025年7月起）" in ui.result_label.text()
    assert dialog.history_model.rowCount() == 1
    assert dialog.history_model.item(0, 3).text() == "按季度缴纳"
    # a term Xinyang does not have is not offered
    assert ui.field_combo.findData("base_ratio") == -1
