"""Demo values for what the documents leave to the city: plausible, marked 示例 everywhere, never real."""

from __future__ import annotations

from datetime import date

DEMO_SOURCE = "示例数据（非真实参数）"

# Prior-year provincial average wage (yuan a year) in force from each 1 January. Invented round figures.
_WAGES = {
    "huainan": {2022: 88000, 2023: 92000, 2024: 96000, 2025: 99000, 2026: 102000},
    "jiangsu": {2022: 108000, 2023: 114000, 2024: 118000, 2025: 122000, 2026: 126000},
    "jilin": {2022: 78000, 2023: 81000, 2024: 84000, 2025: 87000, 2026: 90000},
    "xinyang": {2022: 66000, 2023: 69000, 2024: 72000, 2025: 75000, 2026: 78000},
}
_OTHERS = {
    "huainan": {"flexible_rate": "0.08", "required_years_male": "25", "required_years_female": "20",
                "large_expense_annual": "120", "prepay_limit_months": "12"},
    "jiangsu": {"employer_medical_rate": "0.08", "individual_medical_rate": "0.02", "waiting_months_first": "3",
                "waiting_months_after_lapse": "3", "required_years_male": "30", "required_years_female": "25",
                "resident_annual_standard": "1020"},
    "jilin": {"employer_medical_rate": "0.065", "maternity_low_rate": "0.005", "individual_medical_rate": "0.02",
              "waiting_months_first": "3", "waiting_months_after_lapse": "3", "new_standard_from": "2025-04",
              "suspend_after_months": "1"},
    "xinyang": {"large_expense_annual": "150", "prepay_limit_months": "12"},
}


def demo_parameters(jurisdiction: str) -> list[tuple[str, date, str]]:
    """(name, valid_from, value) rows to enter for one jurisdiction, every one to be marked demo."""
    rows = [("avg_wage_annual", date(year, 1, 1), str(v)) for year, v in _WAGES[jurisdiction].items()]
    rows += [(name, date(2022, 1, 1), value) for name, value in _OTHERS[jurisdiction].items()]
    return rows


def enter_demo_parameters(session, jurisdiction: str, today: date) -> None:
    """Enter them through the same validated service the administrator uses."""
    from desktop_app.services.parameters import set_parameter
    from desktop_app.services.permissions import require

    require(session, "admin")
    for name, valid_from, value in demo_parameters(jurisdiction):
        set_parameter(session, name, valid_from, value, DEMO_SOURCE, today, jurisdiction=jurisdiction, demo=True)
