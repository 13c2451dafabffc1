"""退休资格: the statutory age table for all three categories up to their caps, minimums per document."""
import datetime as dt

import pytest

from desktop_app.rules.retirement_age import retirement_age_months, retirement_month
from rules_helpers import ask, refused


@pytest.mark.parametrize("birth,sex,original,months", [
    ("1964-12-31", "M", 55, 720), ("1965-01-01", "M", 55, 721), ("1965-04-30", "M", 55, 721),
    ("1965-05-01", "M", 55, 722), ("1966-01-20", "M", 55, 724), ("1976-08-01", "M", 55, 755),
    ("1976-09-01", "M", 55, 756), ("1990-01-01", "M", 55, 756),
    ("1969-12-31", "F", 55, 660), ("1970-01-01", "F", 55, 661), ("1970-05-01", "F", 55, 662),
    ("1981-08-01", "F", 55, 695), ("1981-09-01", "F", 55, 696), ("1995-01-01", "F", 55, 696),
    ("1974-12-31", "F", 50, 600), ("1975-01-01", "F", 50, 601), ("1975-02-28", "F", 50, 601),
    ("1975-03-01", "F", 50, 602), ("1984-10-01", "F", 50, 659), ("1984-11-01", "F", 50, 660),
    ("2000-01-01", "F", 50, 660),
])
def test_statutory_age_table(birth, sex, original, months):
    assert retirement_age_months(dt.date.fromisoformat(birth), sex, original) == months


def test_retirement_month_is_birth_month_plus_age():
    assert str(retirement_month(dt.date(1966, 1, 20), "M")) == "2026-05"


def record(total, actual=None, province=None, local=None, pooling=0, arrears=False):
    actual = total if actual is None else actual
    province = actual if province is None else province
    local = province if local is None else local
    return {"total_months": total, "actual_months": actual, "in_province_months": province,
            "local_months": local, "pooling_only_months": pooling, "in_arrears": arrears}


MAN_1966 = {"sex": "M", "birth_date": "1966-01-20"}


@pytest.mark.parametrize("date,reached", [("2026-04-30", False), ("2026-05-01", True)])
def test_age_reached_this_month_or_next(date, reached):
    d = ask("retirement", "xinyang", date, mode="with_account", person=MAN_1966, record=record(360))
    assert d["age_reached"] is reached
    assert d["qualified"] is reached
    assert d["retiree_benefits_from"] == ("2026-06" if reached else None)


@pytest.mark.parametrize("total,short", [(359, 1), (360, 0)])
def test_xinyang_with_account_man_needs_30_years(total, short):
    d = ask("retirement", "xinyang", "2026-06-01", mode="with_account", person=MAN_1966, record=record(total))
    assert d["shortfall_months"]["total"] == short
    assert d["qualified"] is (short == 0)


def test_xinyang_pooling_only_woman_needs_20_years_and_10_local_actual():
    woman = {"sex": "F", "birth_date": "1966-03-01"}
    d = ask("retirement", "xinyang", "2026-06-01", mode="pooling_only", person=woman,
            record=record(240, actual=240, province=240, local=119))
    assert d["shortfall_months"] == {"total": 0, "actual": 1, "in_province": 0}
    assert d["lump_sum"]["months"] == 1 and d["lump_sum"]["monthly_standard"] == "300.00"


def test_xinyang_arrears_block_qualification():
    d = ask("retirement", "xinyang", "2026-06-01", mode="with_account", person=MAN_1966, record=record(360, arrears=True))
    assert not d["qualified"] and "in_arrears" in d["reasons"]


def test_lump_sum_covers_the_larger_shortfall():
    d = ask("retirement", "jilin", "2026-06-01", mode="with_account", person=MAN_1966,
            record=record(300, actual=300, province=150, local=150))
    assert d["shortfall_months"] == {"total": 60, "actual": 0, "in_province": 30}
    assert d["lump_sum"]["months"] == 60
    assert d["options"] == ["lump_sum", "continue_paying"]


@pytest.mark.parametrize("local,options", [(23, ["lump_sum", "resident_scheme"]), (24, ["lump_sum", "continue_paying"])])
def test_jilin_two_years_in_province_decide_the_options(local, options):
    d = ask("retirement", "jilin", "2026-06-01", mode="with_account", person=MAN_1966,
            record=record(300, province=local, local=local))
    assert d["options"] == options


def test_jilin_mode_difference_for_pooling_years_at_retirement():
    d = ask("retirement", "jilin", "2026-06-01", mode="with_account", person=MAN_1966, record=record(360, pooling=120))
    # with account 6375 × 0.09 = 573.75; pooling 6375 × 0.057 = 363.375 -> 363.38; difference 210.37 × 120
    assert {k: d["mode_difference"][k] for k in ("months", "difference_monthly", "amount")} == \
        {"months": 120, "difference_monthly": "210.37", "amount": "25244.40"}
    # 二（五）: paying the difference is a precondition of with-account retirement, not a side figure (issue 11 point 7)
    assert not d["qualified"] and "mode_difference_unpaid" in d["reasons"] and d["mode_difference"]["required"]
    assert d["total_due"] == "25244.40" and "lump_sum" in d["options"] and d["retiree_benefits_from"] is None
    assert any("须先一次性补缴单建统筹与统账结合模式的缴费差额" in n for n in d["notes"])
    paid = ask("retirement", "jilin", "2026-06-01", mode="with_account", person=MAN_1966,
               record={**record(360, pooling=120), "mode_difference_paid": True})
    assert paid["qualified"] and paid["retiree_benefits_from"] == "2026-07"
    pooling = ask("retirement", "jilin", "2026-06-01", mode="pooling_only", person=MAN_1966, record=record(360, pooling=120))
    assert pooling["qualified"] and pooling["mode_difference"] is None


def test_jiangsu_hukou_outside_needs_the_years_in_jiangsu():
    d = ask("retirement", "jiangsu", "2026-06-01", mode="with_account",
            person={**MAN_1966, "hukou_in_province": False}, record=record(360, province=300))
    assert d["shortfall_months"]["in_province"] == 60 and not d["qualified"]
    d = ask("retirement", "jiangsu", "2026-06-01", mode="with_account", person=MAN_1966, record=record(360, province=300))
    assert d["qualified"]


def test_huainan_required_years_are_the_citys():
    e = refused("retirement", "huainan", "2026-06-01", mode="with_account", person=MAN_1966, record=record(360),
                parameters={"required_years_male": None})
    assert (e.code, e.field) == ("missing_parameter", "parameters.required_years_male")


def test_no_lump_sum_before_the_age_is_reached():
    d = ask("retirement", "xinyang", "2026-03-01", mode="with_account", person=MAN_1966, record=record(300))
    assert d["lump_sum"] is None and d["options"] == ["continue_paying"]


def test_actual_months_cannot_exceed_total():
    e = refused("retirement", "xinyang", "2026-06-01", mode="with_account", person=MAN_1966, record=record(100, actual=200))
    assert e.field == "record.actual_months"
