"""转移接续: gap of 3 and 4 months, 90 and 91+ days, back pay, waiting and recognised months."""
import pytest

from rules_helpers import ask, refused


def transfer(j, date, last, first, pay_gap=True, scheme="employee", months=60, **kw):
    prev = {"scheme": scheme, "last_paid_month": last, "contribution_months": months}
    if "continuous_years" in kw:
        prev["continuous_years"] = kw.pop("continuous_years")
    return ask("transfer", j, date, previous=prev, first_month_here=first, pay_gap=pay_gap, **kw)


@pytest.mark.parametrize("j,waiting", [("huainan", 6), ("xinyang", 3), ("jiangsu", 3)])
def test_gap_of_four_months_waits(j, waiting):
    d = transfer(j, "2024-08-05", "2024-03", "2024-08")
    assert (d["gap_months"], d["continuous"], d["waiting_months"]) == (4, False, waiting)
    assert d["back_pay_months"] == [] and d["retroactive_months"] == []
    assert d["recognized_months"] == 60


@pytest.mark.parametrize("j", ["huainan", "xinyang", "jiangsu"])
def test_gap_of_three_months_paid_back_is_continuous_and_retroactive(j):
    d = transfer(j, "2024-07-05", "2024-03", "2024-07")
    assert d["continuous"] and d["waiting_months"] == 0 and d["benefit_start"] == "2024-07"
    assert d["retroactive_months"] == ["2024-04", "2024-05", "2024-06"]
    assert d["recognized_months"] == 63
    assert d["back_pay_amount"] is not None


def test_gap_not_paid_back_is_not_continuous():
    d = transfer("xinyang", "2024-07-05", "2024-03", "2024-07", pay_gap=False)
    assert not d["continuous"] and d["waiting_months"] == 3 and d["benefit_start"] == "2024-10"


def test_no_gap_is_continuous_without_paying_anything():
    d = transfer("huainan", "2024-04-05", "2024-03", "2024-04", pay_gap=False)
    assert d["gap_months"] == 0 and d["continuous"] and d["benefit_start"] == "2024-04"


@pytest.mark.parametrize("last,first,days,continuous", [
    ("2025-01", "2025-05", 89, True),    # Feb–Apr 2025
    ("2025-04", "2025-07", 61, True),
    ("2025-05", "2025-09", 92, False),   # Jun–Aug
    ("2025-09", "2026-01", 92, False),   # Oct–Dec
    ("2025-06", "2025-10", 92, False),
])
def test_jilin_counts_days(last, first, days, continuous):
    d = transfer("jilin", "2026-02-01", last, first)
    assert d["gap_days"] == days and d["continuous"] is continuous


def test_jilin_ninety_days_inclusive_and_91_over():
    d = transfer("jilin", "2026-02-01", "2025-08", "2025-12")            # Sep–Nov: 91 days
    assert d["gap_days"] == 91 and not d["continuous"]
    d = transfer("jilin", "2026-02-01", "2025-08", "2025-12", parameters={"arrears_limit_days": 91})
    assert d["continuous"]
    d = transfer("jilin", "2026-02-01", "2025-10", "2026-02")            # Nov–Jan: 92 days
    assert d["gap_days"] == 92 and not d["continuous"]


def test_resident_scheme_switch_in_jiangsu_after_two_years():
    d = transfer("jiangsu", "2024-07-05", "2024-04", "2024-07", scheme="resident", continuous_years=2, pay_gap=False)
    assert d["continuous"] and d["back_pay_months"] == [] and d["recognized_months"] == 0
    d = transfer("jiangsu", "2024-07-05", "2024-04", "2024-07", scheme="resident", continuous_years=1)
    assert not d["continuous"]


def test_resident_scheme_needs_continuous_years():
    e = refused("transfer", "jilin", "2025-07-05", previous={"scheme": "resident", "last_paid_month": "2025-04",
                                                            "contribution_months": 24},
                first_month_here="2025-07", pay_gap=True)
    assert e.field == "previous.continuous_years"


def test_first_month_here_must_follow_the_last_paid_month():
    e = refused("transfer", "xinyang", "2024-07-05", previous={"scheme": "employee", "last_paid_month": "2024-07",
                                                              "contribution_months": 24},
                first_month_here="2024-07", pay_gap=True)
    assert e.field == "first_month_here"
