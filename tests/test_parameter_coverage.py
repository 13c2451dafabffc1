"""The parameter form's 生效日期 covers the months the office needs, and saving says what is still uncovered
(issue 18, point 3: 信阳's first average wage defaulted to 2027-01-01 and December 2026 still failed)."""

from datetime import date, datetime

import pytest
from PySide6.QtWidgets import QApplication

from desktop_app.rules.coverage import coverage
from desktop_app.services.rules_glue import ask
from desktop_app.services.session import open_trusted_session
from desktop_app.services.settings import set_office
from ui_fixtures import click, type_into

DECEMBER = date(2026, 12, 16)


def _wages(*years):
    return {"avg_wage_annual": [{"from": date(y, 1, 1).isoformat(), "value": "70000", "source": "x"} for y in years]}


def test_a_yearly_figure_starts_with_this_year_then_the_latest_year_still_missing():
    nothing = coverage("xinyang", "avg_wage_annual", DECEMBER)
    assert nothing.needed_from == date(2023, 10, 1)
    assert nothing.uncovered[0] == date(2023, 10, 1) and nothing.uncovered[-1] == date(2026, 12, 1)
    assert len(nothing.uncovered) == 39
    assert nothing.suggested_from == date(2026, 1, 1)
    this_year = coverage("xinyang", "avg_wage_annual", DECEMBER, _wages(2026))
    assert this_year.uncovered[-1] == date(2025, 12, 1) and this_year.suggested_from == date(2025, 1, 1)
    # the document's entry into force bounds the first year
    back = coverage("xinyang", "avg_wage_annual", DECEMBER, _wages(2024, 2025, 2026))
    assert back.suggested_from == date(2023, 10, 1)
    every = coverage("xinyang", "avg_wage_annual", DECEMBER,
                     {"avg_wage_annual": [{"from": "2023-10-01", "value": "66000", "source": "x"}]
                      + _wages(2024, 2025, 2026)["avg_wage_annual"]})
    assert every.uncovered == [] and every.suggested_from == date(2027, 1, 1)


def test_last_years_figure_does_not_count_for_this_year():
    """A month computed with last year's figure gives a wrong amount without any error: this year comes first."""
    stale = coverage("xinyang", "avg_wage_annual", date(2026, 6, 3), _wages(2025))
    assert stale.suggested_from == date(2026, 1, 1)
    assert stale.uncovered[-1] == date(2024, 12, 1)


def test_other_parameters_start_where_the_first_month_lacks_a_value():
    rate = coverage("jiangsu", "employer_medical_rate", DECEMBER)
    assert rate.suggested_from == date(2022, 1, 1) == rate.uncovered[0]
    shipped = coverage("xinyang", "late_fee_daily_rate", DECEMBER)
    assert shipped.uncovered == [] and shipped.suggested_from == date(2027, 1, 1)


@pytest.fixture
def bare_xinyang(tmp_path):
    """An office set to 信阳市 with no average wage entered yet (a new office's first day)."""
    s = open_trusted_session(tmp_path / "flexins.sqlite3", "管理员", clock=lambda: datetime(2026, 12, 16, 9, 0))
    set_office(s, "xinyang", "信阳市某县医疗保障服务中心")
    yield s
    s.close()


def test_the_first_average_wage_covers_december_and_the_form_says_what_is_left(qtbot, bare_xinyang):
    from desktop_app.ui.app import setup_application
    from desktop_app.ui.settings_dialog import SettingsDialog

    setup_application(QApplication.instance())
    case = {"question": "contribution", "jurisdiction": "xinyang", "date": "2026-12-16", "mode": "with_account",
            "month": "2026-12"}
    with pytest.raises(Exception, match="缺少参数"):
        ask(bare_xinyang, case)
    dialog = SettingsDialog(bare_xinyang, lambda: DECEMBER)
    qtbot.addWidget(dialog)
    dialog.show()
    ui = dialog.ui
    ui.parameter_combo.setCurrentIndex(ui.parameter_combo.findData("avg_wage_annual"))
    assert ui.valid_from_edit.date().toString("yyyy-MM-dd") == "2026-01-01"
    assert "尚无数值的月份：2023年10月至2026年12月" in ui.unit_label.text()
    type_into(qtbot, ui.value_edit, "78000")
    type_into(qtbot, ui.source_edit, "河南省统计局公布")
    click(qtbot, ui.add_parameter_button)
    result = ui.parameter_result_label.text()
    assert "自 2026-01-01 起用于新的决定" in result
    assert "仍缺少数值的月份：2023年10月至2025年12月" in result, result
    assert ask(bare_xinyang, case)["monthly_base"] == "6500.00"          # December 2026 is decided now
    assert ui.valid_from_edit.date().toString("yyyy-MM-dd") == "2025-01-01"   # the next year the office needs
    for year, start in ((2025, "2025-01-01"), (2024, "2024-01-01"), (2023, "2023-10-01")):
        assert ui.valid_from_edit.date().toString("yyyy-MM-dd") == start
        type_into(qtbot, ui.value_edit, str(70000 + year - 2020))
        click(qtbot, ui.add_parameter_button)
    assert "自 2023-10-01 起至本月均已有数值" in ui.parameter_result_label.text()
    assert "仍缺少" not in ui.parameter_result_label.text() and "尚无数值" not in ui.unit_label.text()
    assert ui.valid_from_edit.date().toString("yyyy-MM-dd") == "2027-01-01"
