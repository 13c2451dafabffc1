"""benefit_timeline per clause, on both sides of each limit (months 3 and 4, 90 and 91 days)."""
import pytest

from rules_helpers import benefits, on_time, refused, states, timeline


def pay(month, on):
    return {"month": month, "paid_on": on}


# 淮医保发〔2022〕28号 二（三）: 6-month first waiting; unpaid -> stop the next month.
def test_huainan_first_waiting_is_six_months():
    d = timeline("huainan", "2024-09-30", "2024-01", on_time("2024-01", "2024-09"))
    assert d["benefit_start"] == "2024-07"
    assert d["waiting_periods"] == [{"from": "2024-01", "to": "2024-06", "reason": "first_enrolment"}]
    assert states(d, "2024-01", "2024-07") == ["waiting"] * 6 + ["active"]


def test_huainan_unpaid_month_stops_benefits_the_next_month():
    pays = on_time("2023-01", "2023-12")
    d = timeline("huainan", "2024-02-15", "2023-01", pays)
    # 2024-01 unpaid: it still has benefits, 2024-02 does not.
    assert benefits(d, "2023-12", "2024-02") == [True, True, False]
    assert d["by_month"]["2024-02"]["state"] == "suspended"


def test_huainan_back_paid_within_three_months_benefits_from_the_month_of_payment_not_before():
    pays = on_time("2023-01", "2023-12") + [pay(m, "2024-03-05") for m in ("2024-01", "2024-02", "2024-03")]
    d = timeline("huainan", "2024-03-31", "2023-01", pays)
    assert benefits(d, "2024-01", "2024-03") == [True, False, True]
    assert d["waiting_periods"] == [{"from": "2023-01", "to": "2023-06", "reason": "first_enrolment"}]


def test_huainan_gap_of_exactly_three_months_paid_back_keeps_continuity():
    pays = on_time("2023-01", "2023-12") + [pay(m, "2024-04-05") for m in ("2024-01", "2024-02", "2024-03", "2024-04")]
    d = timeline("huainan", "2024-05-31", "2023-01", pays + on_time("2024-05", "2024-05"))
    assert len(d["waiting_periods"]) == 1
    assert benefits(d, "2024-04", "2024-05") == [True, True]


def test_huainan_gap_of_four_months_means_a_new_six_month_waiting_period():
    pays = on_time("2023-01", "2023-12") + on_time("2024-05", "2024-12")
    d = timeline("huainan", "2024-12-31", "2023-01", pays)
    assert d["waiting_periods"][-1] == {"from": "2024-05", "to": "2024-10", "reason": "lapse"}
    assert states(d, "2024-01", "2024-04") == ["active", "suspended", "suspended", "lapsed"]
    assert benefits(d, "2024-10", "2024-11") == [False, True]


def test_huainan_four_months_paid_back_late_is_still_a_lapse():
    pays = on_time("2023-01", "2023-12") + [pay(m, "2024-05-06") for m in ("2024-01", "2024-02", "2024-03", "2024-04",
                                                                           "2024-05")]
    d = timeline("huainan", "2024-06-30", "2023-01", pays)
    assert d["waiting_periods"][-1]["reason"] == "lapse"
    assert d["by_month"]["2024-05"]["state"] == "waiting"


def test_arrears_still_open_within_the_window_are_suspended_not_lapsed():
    d = timeline("huainan", "2024-03-20", "2023-01", on_time("2023-01", "2023-12"))
    assert states(d, "2024-01", "2024-03") == ["active", "suspended", "suspended"]
    assert len(d["waiting_periods"]) == 1


# 苏医保发〔2021〕61号 二: waiting ≤3 months (a city parameter); stop from the second natural month;
# resuming within 3 months restores benefits for costs after resumption; over 3 months, a new waiting period.
def test_jiangsu_waiting_period_is_the_city_parameter():
    d = timeline("jiangsu", "2023-06-30", "2023-01", on_time("2023-01", "2023-06"))
    assert d["benefit_start"] == "2023-04"


def test_jiangsu_waiting_period_missing_is_named():
    e = refused("benefit_timeline", "jiangsu", "2023-06-30", first_month="2023-01", payments=on_time("2023-01", "2023-06"),
                parameters={"waiting_months_first": None})
    assert (e.code, e.field) == ("missing_parameter", "parameters.waiting_months_first")


def test_jiangsu_resuming_without_paying_back_restores_benefits_from_resumption():
    pays = on_time("2023-01", "2023-10") + on_time("2024-01", "2024-03")
    d = timeline("jiangsu", "2024-03-31", "2023-01", pays)
    assert benefits(d, "2023-11", "2024-01") == [True, False, True]
    assert len(d["waiting_periods"]) == 1


def test_jiangsu_four_months_without_payment_then_paying_waits_again():
    pays = on_time("2023-01", "2023-10") + on_time("2024-03", "2024-06")
    d = timeline("jiangsu", "2024-06-30", "2023-01", pays)
    assert d["waiting_periods"][-1] == {"from": "2024-03", "to": "2024-04", "reason": "lapse"}
    assert benefits(d, "2024-04", "2024-05") == [False, True]


# 信医保办〔2023〕46号 第七条, 第九条: stop from the 3rd month of arrears; ≤3 months paid back: retroactive.
def test_xinyang_stops_from_the_third_month_of_arrears():
    d = timeline("xinyang", "2024-04-30", "2023-10", on_time("2023-10", "2024-01"))
    assert benefits(d, "2024-01", "2024-04") == [True, True, True, False]


def test_xinyang_three_months_of_arrears_paid_back_are_retroactive():
    pays = on_time("2023-10", "2024-01") + [pay(m, "2024-05-08") for m in ("2024-02", "2024-03", "2024-04", "2024-05")]
    d = timeline("xinyang", "2024-05-31", "2023-10", pays)
    assert benefits(d, "2024-02", "2024-05") == [True, True, True, True]
    assert [b["month"] for b in d["back_payments"]] == ["2024-02", "2024-03", "2024-04"]
    assert d["late_fee_daily_rate"] == "0.0005"


def test_xinyang_four_months_of_arrears_mean_suspension_and_a_new_three_month_wait():
    pays = on_time("2023-10", "2024-01") + [pay(m, "2024-06-08") for m in ("2024-02", "2024-03", "2024-04", "2024-05",
                                                                          "2024-06")]
    d = timeline("xinyang", "2024-09-30", "2023-10", pays + on_time("2024-07", "2024-09"))
    assert d["waiting_periods"][-1] == {"from": "2024-06", "to": "2024-08", "reason": "lapse"}
    assert states(d, "2024-02", "2024-05") == ["active", "active", "suspended", "lapsed"]
    assert benefits(d, "2024-08", "2024-09") == [False, True]


def test_waiting_exempt_starts_benefits_in_the_first_month():
    d = timeline("xinyang", "2024-01-31", "2023-11", on_time("2023-11", "2024-01"), waiting_exempt=True)
    assert d["benefit_start"] == "2023-11"
    assert d["waiting_periods"] == []


# 吉林 三（九) read for arrears: 90 days.
def test_jilin_waiting_is_a_parameter_with_no_default():
    e = refused("benefit_timeline", "jilin", "2025-09-30", first_month="2025-04", payments=on_time("2025-04", "2025-09"),
                parameters={"waiting_months_first": None})
    assert (e.code, e.field) == ("missing_parameter", "parameters.waiting_months_first")


def test_jilin_89_days_of_arrears_paid_back_is_continuous_but_92_is_not():
    base = on_time("2025-04", "2025-12") + on_time("2026-01", "2026-01")
    ok = base + [pay(m, "2026-05-06") for m in ("2026-02", "2026-03", "2026-04", "2026-05")]   # Feb–Apr: 89 days
    d = timeline("jilin", "2026-05-31", "2025-04", ok)
    assert len(d["waiting_periods"]) == 1
    assert benefits(d, "2026-02", "2026-05") == [True, True, True, True]
    late = on_time("2025-04", "2025-04") + [pay(m, "2025-08-06") for m in ("2025-05", "2025-06", "2025-07", "2025-08")]
    d = timeline("jilin", "2025-08-31", "2025-04", late)                                       # May–Jul: 92 days
    assert d["waiting_periods"][-1]["reason"] == "lapse"


def test_payment_after_the_business_date_is_refused():
    e = refused("benefit_timeline", "xinyang", "2024-01-31", first_month="2023-11",
                payments=on_time("2023-11", "2024-01") + [pay("2024-02", "2024-02-02")])
    assert e.code == "invalid_input" and e.field == "payments[3].paid_on"


def test_first_month_must_be_paid():
    e = refused("benefit_timeline", "xinyang", "2024-01-31", first_month="2023-10", payments=on_time("2023-11", "2024-01"))
    assert e.field in ("first_month", "payments[0].month")


@pytest.mark.parametrize("date,code", [("2023-09-30", "no_policy_in_force"), ("2023-10-01", None)])
def test_xinyang_in_force_on_both_sides(date, code):
    if code:
        assert refused("benefit_timeline", "xinyang", date, first_month="2023-09",
                       payments=on_time("2023-09", "2023-09")).code == code
    else:
        d = timeline("xinyang", date, "2023-10", on_time("2023-10", "2023-10", day=1))
        assert d["months"][0]["state"] == "waiting"
