"""Through the widgets: the 回执 marked as returned in the notices dialog, the 告知书信息 group of the settings,
the shipped value waiting for the office's confirmation, and the arrears notice with its comparison."""

import re
from datetime import date

import pytest
from PySide6.QtCore import QDate

from desktop_app.services.notices import notices_for_person
from desktop_app.services.settings import get_office_contact
from desktop_app.store import audit
from notice_samples.poppler import poppler
from ui_fixtures import TODAY, click, enrol, type_into, ui_session, window  # noqa: F401


@pytest.fixture
def issued(qtbot, window):
    """A person enrolled through the tab, and the waiting-period notice printed from it."""
    person_id = enrol(qtbot, window)
    dialog = window.enrolment_tab.print_notice()
    assert dialog is not None
    dialog.close()
    return person_id


def test_the_clerk_marks_the_receipt_as_returned(qtbot, window, ui_session, issued):
    dialog = window.show_notices()
    qtbot.addWidget(dialog)
    view = dialog.ui.notices_view
    assert dialog.model.item(0, 5).text() == "未交回"
    assert not dialog.ui.receipt_button.isEnabled()
    view.selectRow(0)
    assert dialog.ui.receipt_button.isEnabled()
    dialog.ui.returned_on_edit.setDate(QDate(2025, 6, 17))   # after today: refused at the field
    click(qtbot, dialog.ui.receipt_button)
    assert "不能晚于今天" in dialog.ui.returned_on_error.text()
    assert notices_for_person(ui_session, issued)[0]["receipt_returned_on"] is None
    dialog.ui.returned_on_edit.setDate(QDate(2025, 6, 16))
    click(qtbot, dialog.ui.receipt_button)
    assert dialog.model.item(0, 5).text() == "已交回（2025-06-16）"
    assert not dialog.ui.receipt_button.isEnabled()   # once
    assert notices_for_person(ui_session, issued)[0]["receipt_returned_on"] == "2025-06-16"
    assert audit.entries(ui_session.db, 1)[0]["action"] == "notice.receipt"


@pytest.fixture
def settings(qtbot, ui_session):
    from desktop_app.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(ui_session, lambda: TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_the_administrator_enters_what_the_notices_print_about_the_office(qtbot, settings, ui_session):
    ui = settings.ui
    assert ui.office_address_edit.text() == "浉河区新华西路18号政务服务中心三楼"   # from the fixture's office
    ui.office_phone_edit.clear()
    type_into(qtbot, ui.office_phone_edit, "电话号码")
    click(qtbot, ui.notice_info_save_button)
    assert "咨询电话只能含数字" in ui.office_phone_error.text()
    ui.office_phone_edit.clear()
    type_into(qtbot, ui.office_phone_edit, "0376-6888888")
    ui.office_channels_edit.setPlainText("办税服务厅\n“豫税通”APP\n")
    ui.office_court_edit.clear()
    click(qtbot, ui.notice_info_save_button)
    contact = get_office_contact(ui_session)
    assert (contact.phone, contact.channels, contact.court) == ("0376-6888888", ["办税服务厅", "“豫税通”APP"], "")
    assert "尚未填写：受理行政诉讼的人民法院" in ui.notice_info_label.text()


def test_the_settings_name_the_value_waiting_for_confirmation_until_it_is_entered(qtbot, settings):
    ui = settings.ui
    assert "补缴滞纳金日费率" in ui.notice_info_label.text() and "0.0005" in ui.notice_info_label.text()
    combo = ui.parameter_combo
    combo.setCurrentIndex(combo.findData("late_fee_daily_rate"))
    ui.valid_from_edit.setDate(QDate(2023, 10, 1))
    type_into(qtbot, ui.value_edit, "0.0005")
    type_into(qtbot, ui.source_edit, "本局确认：社会保险法第八十六条")
    click(qtbot, ui.add_parameter_button)
    assert "补缴滞纳金日费率" not in ui.notice_info_label.text()


def test_the_arrears_notice_prints_the_screens_comparison(qtbot, window, ui_session):
    from desktop_app.services.payments import record_months

    person_id = enrol(qtbot, window, first_month=date(2025, 1, 1))
    for m in (1, 2, 3):
        record_months(ui_session, person_id, [date(2025, m, 1)], date(2025, m, 10), f"R{m}", TODAY)
    tab = window.payments_tab
    window.ui.tab_widget.setCurrentWidget(tab)
    tab.set_person(person_id)
    tab.quote_arrears()
    dialog = tab.print_lump_sum_notice()
    assert dialog is not None
    text = re.sub(r"\s+", "", poppler("pdftotext", dialog.pdf, "-raw", "-f", "1", "-l", "1"))
    dialog.close()
    assert "今天缴纳与下月缴纳的对比" in text and "2025年6月16日" in text and "2025年7月1日" in text
    assert "一次性补缴通知书（示例）" in text   # the fixture's average wage is a demo value
