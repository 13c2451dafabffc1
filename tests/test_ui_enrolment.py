"""参保登记 through the widgets: type, click, read the labels; nothing written after a failure."""

from datetime import date

from ui_fixtures import (LI, TODAY, ZHANG, click, enrol, fill_enrolment, people_count, type_into, ui_session,  # noqa: F401
                         window, wrong_check_digit)


def test_enrol_happy_path_shows_contribution_and_benefit_start(qtbot, window, ui_session):
    tab = window.enrolment_tab
    fill_enrolment(qtbot, tab, ZHANG, "张伟", date(2025, 6, 1))
    assert tab.ui.birth_sex_label.text() == "1985-03-15　男"
    click(qtbot, tab.ui.check_button)
    assert tab.ui.decision_label.text() == "符合参保条件"
    assert tab.ui.monthly_amount_label.text() != "—"
    assert people_count(ui_session) == 0  # checking writes nothing

    click(qtbot, tab.ui.save_button)
    assert people_count(ui_session) == 1
    result = tab.ui.result_label.text()
    assert "已保存参保登记" in result and "2025年9月" in result  # 信阳: 3 months' waiting period
    assert tab.ui.waiting_label.text() == "3 个月"
    assert "信医保办〔2023〕46号" in tab.ui.citations_label.text()
    # the window now shows the new person, and the notice is offered
    assert window.person_id == tab.enrolment.person_id
    assert "张伟" in window.ui.person_label.text()
    assert tab.ui.notice_button.isEnabled()
    dialog = tab.print_notice()
    assert dialog is not None and dialog.page_count() == 2  # the notice with its 回执, then the 计算依据
    assert dialog.pdf.startswith(b"%PDF")
    dialog.close()


def test_wrong_check_digit_is_shown_at_the_field_and_nothing_is_saved(qtbot, window, ui_session):
    tab = window.enrolment_tab
    fill_enrolment(qtbot, tab, wrong_check_digit(ZHANG), "张伟")
    assert "校验" in tab.ui.id_number_error.text()  # checked as typed
    click(qtbot, tab.ui.save_button)
    assert "校验" in tab.ui.id_number_error.text()
    assert tab.ui.id_number_error.isVisible()
    assert people_count(ui_session) == 0


def test_impossible_birth_date_is_refused_at_the_field(qtbot, window, ui_session):
    from ui_fixtures import id_number

    tab = window.enrolment_tab
    fill_enrolment(qtbot, tab, id_number("41150219850230003"), "张伟")  # 30 February
    assert "日期" in tab.ui.id_number_error.text() or "出生" in tab.ui.id_number_error.text()
    assert tab.ui.birth_sex_label.text() == "（由身份证号自动识别）"
    click(qtbot, tab.ui.save_button)
    assert people_count(ui_session) == 0


def test_missing_local_tie_is_shown_at_the_places(qtbot, window, ui_session):
    tab = window.enrolment_tab
    fill_enrolment(qtbot, tab, ZHANG, "张伟", places=())
    click(qtbot, tab.ui.save_button)
    assert tab.ui.places_error.text()
    assert people_count(ui_session) == 0


def test_duplicate_id_opens_the_person_on_file(qtbot, window, ui_session):
    person_id = enrol(qtbot, window, ZHANG, "张伟")
    window.new_person()
    tab = window.enrolment_tab
    assert window.person_id is None
    fill_enrolment(qtbot, tab, ZHANG, "张伟")
    assert "已登记" in tab.ui.existing_label.text()  # seen while typing
    click(qtbot, tab.ui.save_button)
    assert window.person_id == person_id
    assert people_count(ui_session) == 1
    assert "未重复登记" in tab.ui.result_label.text()


def test_same_id_with_another_name_is_flagged_and_nothing_written(qtbot, window, ui_session):
    enrol(qtbot, window, ZHANG, "张伟")
    window.new_person()
    tab = window.enrolment_tab
    fill_enrolment(qtbot, tab, ZHANG, "张卫")
    click(qtbot, tab.ui.save_button)
    assert "张伟" in tab.ui.name_error.text() and "不一致" in tab.ui.name_error.text()
    assert people_count(ui_session) == 1
    assert window.person_id is None


def test_enter_in_the_fields_checks_eligibility(qtbot, window):
    from PySide6.QtCore import Qt

    tab = window.enrolment_tab
    fill_enrolment(qtbot, tab, LI, "李娜")
    qtbot.keyClick(tab.ui.address_edit, Qt.Key.Key_Return)
    assert tab.ui.decision_label.text() == "符合参保条件"


def test_mode_choice_is_offered_where_the_jurisdiction_has_two(window):
    combo = window.enrolment_tab.ui.mode_combo
    assert combo.count() == 2 and not combo.isHidden()          # 信阳市: 统账结合 / 单建统筹
    assert window.enrolment_tab.ui.base_ratio_spin.isHidden()   # only 江苏 chooses a base ratio


def test_selected_person_is_shown_read_only(qtbot, window):
    person_id = enrol(qtbot, window, ZHANG, "张伟", TODAY.replace(day=1))
    window.new_person()
    window.set_person(person_id)
    tab = window.enrolment_tab
    assert tab.ui.name_edit.text() == "张伟" and tab.ui.name_edit.isReadOnly()
    assert not tab.ui.save_button.isEnabled()


def test_jiangsu_office_offers_the_base_ratio_and_one_mode(qtbot, window, ui_session):
    from desktop_app.services.demo_parameters import enter_demo_parameters
    from desktop_app.services.settings import set_office

    from ui_fixtures import id_number

    set_office(ui_session, "jiangsu", "南京市医保服务窗口")
    enter_demo_parameters(ui_session, "jiangsu", TODAY)
    window.enrolment_tab.office_changed()
    window.refresh_status()
    tab = window.enrolment_tab
    assert not tab.ui.base_ratio_spin.isHidden() and tab.ui.mode_combo.isHidden()
    assert "江苏省" in window.office_status.text()
    fill_enrolment(qtbot, tab, id_number("32010219850315003"), "赵敏")
    tab.ui.base_ratio_spin.setValue(60)
    click(qtbot, tab.ui.check_button)
    at_60 = tab.ui.monthly_base_label.text()
    tab.ui.base_ratio_spin.setValue(100)
    assert tab.ui.monthly_base_label.text() == "—"      # the figure on screen followed the form
    click(qtbot, tab.ui.check_button)
    at_100 = tab.ui.monthly_base_label.text()
    assert at_60 != "—" and at_100 != "—" and at_60 != at_100


def test_the_base_band_offered_is_the_rule_modules(qtbot, qapp, ui_session, monkeypatch):
    """The spin box offers the band the rule module holds (issue 16: no 60–300 of the window's own)."""
    import dataclasses
    from decimal import Decimal

    from desktop_app.rules.registry import PARAMS
    from desktop_app.ui.main_window import MainWindow

    monkeypatch.setitem(PARAMS, "base_ratio", dataclasses.replace(PARAMS["base_ratio"], low=Decimal("0.5"),
                                                                  high=Decimal("2")))
    w = MainWindow(ui_session, clock=lambda: TODAY)
    qtbot.addWidget(w)
    spin = w.enrolment_tab.ui.base_ratio_spin
    assert (spin.minimum(), spin.maximum(), spin.value()) == (50, 200, 50)


def test_tab_key_walks_the_form_in_reading_order(qtbot, window):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    tab = window.enrolment_tab
    tab.ui.id_number_edit.setFocus()
    seen = []
    for _ in range(8):
        seen.append(QApplication.focusWidget().objectName())
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert seen == ["id_number_edit", "name_edit", "phone_edit", "address_edit", "category_combo",
                    "hukou_check", "residence_check", "residence_permit_check"]


def test_ineligible_person_sees_the_reasons_and_nothing_is_saved(qtbot, window, ui_session):
    tab = window.enrolment_tab
    fill_enrolment(qtbot, tab, ZHANG, "张伟")
    click(qtbot, tab.ui.employer_insured_check)
    click(qtbot, tab.ui.check_button)
    assert tab.ui.decision_label.text() == "不符合参保条件"
    assert tab.ui.reasons_label.text().startswith("原因：")
    assert "信医保办〔2023〕46号" in tab.ui.citations_label.text()
    click(qtbot, tab.ui.save_button)
    assert "不符合参保条件" in tab.ui.employer_insured_error.text()
    assert people_count(ui_session) == 0
