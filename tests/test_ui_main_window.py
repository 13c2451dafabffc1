"""The window: search (typed, by card reader, by name), the status bar, the settings dialog, the forms."""

import re
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QWidget

from ui_fixtures import LI, TODAY, ZHANG, cell, click, enrol, type_into, ui_session, window  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]


def search(qtbot, window, text: str) -> None:
    """Type into the search box and press Enter, as a keyboard-wedge card reader does."""
    type_into(qtbot, window.ui.search_edit, text)
    qtbot.keyClick(window.ui.search_edit, Qt.Key.Key_Return)


def test_card_reader_id_and_enter_selects_the_person(qtbot, window):
    person_id = enrol(qtbot, window, ZHANG, "张伟")
    enrol(qtbot, window, LI, "李娜")
    window.new_person()
    search(qtbot, window, ZHANG)
    assert window.person_id == person_id
    assert "张伟" in window.ui.person_label.text()
    assert window.ui.search_edit.selectedText() == ZHANG  # the next swipe replaces it
    assert window.payments_tab.person_id == person_id


def test_search_by_name_part_and_by_id_prefix_lists_people(qtbot, window):
    enrol(qtbot, window, ZHANG, "张伟")
    enrol(qtbot, window, LI, "李娜")
    window.new_person()
    search(qtbot, window, "4115021")
    view = window.ui.results_view
    assert view.model().rowCount() == 2
    assert window.person_id is None                          # several hits: the clerk picks one
    qtbot.keyClick(window.ui.search_edit, Qt.Key.Key_Down)  # ↓ goes into the list, on the first hit
    assert window.person_id is not None and view.hasFocus()
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert window.person_id == view.model().person_at(1).id
    search(qtbot, window, "娜")
    assert view.model().rowCount() == 1 and cell(view, 0, 0) == "李娜"


def test_an_unknown_valid_id_goes_to_the_enrolment_form(qtbot, window):
    window.ui.tab_widget.setCurrentIndex(2)
    search(qtbot, window, ZHANG)
    assert window.ui.results_view.model().rowCount() == 0
    assert window.ui.tab_widget.currentWidget() is window.enrolment_tab
    assert window.enrolment_tab.ui.id_number_edit.text() == ZHANG
    assert window.enrolment_tab.ui.birth_sex_label.text().startswith("1985-03-15")


def test_status_bar_names_office_operator_parameters_and_file(window, ui_session):
    assert "信阳市医疗保障局浉河区经办窗口" in window.office_status.text()
    assert "信阳市" in window.office_status.text()
    assert window.operator_status.text() == "操作员：测试员"
    assert "规则版本" in window.parameters_status.text() and "示例" in window.parameters_status.text()
    assert str(ui_session.path) in window.data_status.toolTip()   # the whole path, however narrow the bar
    assert window.data_status.text().startswith("数据文件：")


def test_demo_database_is_marked_in_title_and_status(qtbot, ui_session, qapp):
    from desktop_app.ui.main_window import MainWindow

    w = MainWindow(ui_session, demo=True, clock=lambda: TODAY)
    qtbot.addWidget(w)
    assert "示例" in w.windowTitle() and "示例" in w.office_status.text()


def test_tabs_and_keyboard_shortcuts(qtbot, window):
    tabs = window.ui.tab_widget
    assert [tabs.tabText(i) for i in range(tabs.count())] == ["参保登记", "缴费记录", "转移接续", "退休资格"]
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert tabs.currentIndex() == 2
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is window.ui.search_edit


# -- settings -----------------------------------------------------------------------------------------------
@pytest.fixture
def settings(qtbot, ui_session):
    from desktop_app.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(ui_session, lambda: TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def pick_parameter(dialog, name: str) -> None:
    combo = dialog.ui.parameter_combo
    combo.setCurrentIndex(combo.findData(name))


def test_settings_refuse_a_rate_of_70_with_a_chinese_message(qtbot, settings, ui_session):
    before = settings.model.rowCount()
    pick_parameter(settings, "rate_with_account")
    type_into(qtbot, settings.ui.value_edit, "70")
    type_into(qtbot, settings.ui.source_edit, "信医保办〔2027〕1号")
    click(qtbot, settings.ui.add_parameter_button)
    message = settings.ui.value_error.text()
    # typed as a percentage (issue 13): 70 is 70 %, above the 20 % a rate can be
    assert "即70%" in message and "20%" in message and re.search(r"[\u4e00-\u9fff]", message)
    assert settings.model.rowCount() == before


def test_settings_add_a_dated_value_with_its_source(qtbot, settings, ui_session):
    before = settings.model.rowCount()
    pick_parameter(settings, "avg_wage_annual")
    settings.ui.valid_from_edit.setDate(settings.ui.valid_from_edit.date().fromString("2026-07-01", "yyyy-MM-dd"))
    type_into(qtbot, settings.ui.value_edit, "81000")
    type_into(qtbot, settings.ui.source_edit, "河南省统计局2026年公报")
    qtbot.keyClick(settings.ui.source_edit, Qt.Key.Key_Return)  # Enter confirms
    assert settings.ui.value_error.text() == ""
    assert settings.model.rowCount() == before + 1
    rows = [r for r in settings.model.rows if r.name == "avg_wage_annual" and r.value == "81000"]
    assert rows and rows[0].source == "河南省统计局2026年公报" and rows[0].valid_from == date(2026, 7, 1)


def test_settings_show_demo_values_as_demo(settings):
    model = settings.model
    demo_rows = [i for i, r in enumerate(model.rows) if r.demo]
    assert demo_rows, "the fixture entered demo average wages"
    assert "示例" in model.index(demo_rows[0], 2).data()
    shipped = [i for i, r in enumerate(model.rows) if r.origin == "shipped"]
    assert model.index(shipped[0], 5).data() == "随程序发布"


def test_settings_office_name_is_required_and_saved(qtbot, settings, ui_session):
    type_into(qtbot, settings.ui.office_name_edit, "  ")
    click(qtbot, settings.ui.office_save_button)
    assert settings.ui.office_name_error.text()
    type_into(qtbot, settings.ui.office_name_edit, "信阳市平桥区医保窗口")
    click(qtbot, settings.ui.office_save_button)
    assert ui_session.office.name == "信阳市平桥区医保窗口"


# -- the forms, the font, the translation -------------------------------------------------------------------
def test_every_form_loads_and_every_name_the_code_uses_exists(qapp):
    from desktop_app.ui.forms import load_form

    names_used = set()
    for source in (ROOT / "desktop_app" / "ui").glob("*.py"):
        names_used |= set(re.findall(r"\bui\.([a-z][a-z0-9_]*_(?:edit|button|combo|spin|check|view|label|error|"
                                     r"box|group|caption|panel|host|widget))\b", source.read_text("utf-8")))
    found = set()
    for path in sorted((ROOT / "forms").glob("*.ui")):
        host = QWidget()
        form = load_form(path.name, host)
        found |= {w.objectName() for w in form.findChildren(QWidget)}
        for tabstop in re.findall(r"<tabstop>(\w+)</tabstop>", path.read_text("utf-8")):
            assert form.findChild(QWidget, tabstop) is not None, f"{path.name}: tab stop {tabstop}"
        host.deleteLater()
    assert names_used - found == set()


def test_missing_form_raises_runtime_error(qapp):
    from desktop_app.ui.forms import load_form

    with pytest.raises(RuntimeError):
        load_form("no_such_form.ui", QWidget())


def test_bundled_font_draws_chinese_and_qt_speaks_chinese(qapp):
    from PySide6.QtWidgets import QDialogButtonBox

    from desktop_app.ui.app import setup_application

    setup_application(qapp)
    metrics = QFontMetrics(qapp.font())
    assert all(metrics.inFontUcs4(ord(ch)) for ch in "参保登记缴费记录转移接续退休资格（示例）")
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    texts = {b.text().replace("&", "") for b in box.buttons()}
    assert texts & {"确定", "取消"} or texts & {"确定(O)", "取消(C)"}, texts
    assert (ROOT / "resources" / "translations" / "qtbase_zh_CN.qm").is_file()


def test_issued_notices_are_listed_and_reprinted_byte_for_byte(qtbot, window):
    enrol(qtbot, window, ZHANG, "张伟", date(2025, 6, 1))
    first = window.enrolment_tab.print_notice()
    original = first.pdf
    first.close()
    dialog = window.show_notices()
    view = dialog.ui.notices_view
    assert view.model().rowCount() == 1 and cell(view, 0, 1) == "待遇享受等待期告知书"
    view.selectRow(0)
    reprint = dialog.reprint()
    assert reprint.pdf == original
    reprint.close()
    dialog.close()


def test_rates_are_typed_and_shown_as_percentages_and_missing_values_are_listed(qtbot, settings, ui_session):
    from desktop_app.services.settings import set_office

    # 淮南: the city's rate and required years are listed before any value exists, with their clause
    set_office(ui_session, "huainan", "淮南市医保服务窗口")
    settings.ui.jurisdiction_combo.setCurrentIndex(settings.ui.jurisdiction_combo.findData("huainan"))
    missing = {r.name: r for r in settings.model.rows if r.origin == "missing"}
    assert {"flexible_rate", "required_years_male", "avg_wage_annual"} <= set(missing)
    assert "淮医保发〔2022〕28号 二（二）" in missing["flexible_rate"].source
    row = settings.model.rows.index(missing["flexible_rate"])
    assert settings.model.index(row, 2).data() == "（待录入）"
    pick_parameter(settings, "flexible_rate")
    type_into(qtbot, settings.ui.value_edit, "7.5")
    type_into(qtbot, settings.ui.source_edit, "淮医保发〔2026〕3号")
    click(qtbot, settings.ui.add_parameter_button)
    entered = next(r for r in settings.model.rows if r.name == "flexible_rate" and r.origin == "office")
    assert entered.value == "0.075"
    assert settings.model.index(settings.model.rows.index(entered), 2).data() == "7.5%"
    assert "7.5%" in settings.ui.parameter_result_label.text()
