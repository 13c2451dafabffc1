"""Where a document defers, leaves a value to the city or is silent (issue 11): each point decided by the
clause that decides it, or refused naming the value the office must enter."""
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.rules import decide
from rules_helpers import ask, on_time, refused, states, timeline

XY_DOC, HN_DOC = "信医保办〔2023〕46号", "淮医保发〔2022〕28号"


# 1. 吉林 五: base, rates and maternity cover from the month after the 2025 average wage is published.
def test_jilin_new_standard_applies_only_from_the_month_the_office_entered():
    e = refused("contribution", "jilin", "2025-06-10", parameters={"new_standard_from": "2025-08"})
    assert e.code == "no_policy_in_force" and "仍适用调整前的规定" in e.message
    e = refused("contribution", "jilin", "2025-09-10", parameters={"new_standard_from": None})
    assert (e.code, e.field) == ("missing_parameter", "parameters.new_standard_from")
    d = ask("contribution", "jilin", "2025-08-10", parameters={"new_standard_from": "2025-08"})
    assert (d["monthly_base"], d["monthly_amount"]) == ("6375.00", "573.75")
    assert any(p["name"] == "new_standard_from" and p["value"] == "2025-08" for p in d["parameters_used"])


def test_jilin_maternity_cover_follows_the_new_standard():
    assert refused("maternity", "jilin", "2025-06-01", parameters={"new_standard_from": "2025-08"}).code == \
        "no_policy_in_force"
    d = ask("maternity", "jilin", "2025-08-01", parameters={"new_standard_from": "2025-08"})
    assert d["hospital_delivery_reimbursement_rate"] == "1" and d["hospital_delivery_deductible"] == "0.00"


def test_a_month_valued_parameter_is_checked_as_a_month():
    e = refused("contribution", "jilin", "2025-09-10", parameters={"new_standard_from": "2025-13"})
    assert (e.code, e.field) == ("invalid_input", "parameters.new_standard_from")


# 2. 信阳 第七条: 可选择按月或按季度缴纳.
QUARTER_PAID_IN_MARCH = on_time("2023-10", "2023-12") + [
    {"month": m, "paid_on": "2024-03-20"} for m in ("2024-01", "2024-02", "2024-03")]


def test_a_quarter_paid_in_its_last_month_is_on_time():
    d = timeline("xinyang", "2024-04-10", "2023-10", QUARTER_PAID_IN_MARCH, payment_cycle="quarterly")
    assert states(d, "2024-01", "2024-04") == ["active"] * 4
    assert d["back_payments"] == [] and d["payment_cycle"] == "quarterly"
    assert f"{XY_DOC} 第七条" in d["citations"]
    # the same history paid monthly: January and February were paid late
    monthly = timeline("xinyang", "2024-04-10", "2023-10", QUARTER_PAID_IN_MARCH)
    assert [b["month"] for b in monthly["back_payments"]] == ["2024-01", "2024-02"]


def test_a_quarterly_payer_owes_no_late_fee_until_the_quarter_is_over():
    q = ask("back_payment", "xinyang", "2024-03-05", first_month="2023-10", payments=on_time("2023-10", "2023-12"),
            payment_cycle="quarterly", mode="with_account")
    assert q["arrears_months"] == [] and q["late_fee"] == "0.00"
    assert q["months_to_pay"] == ["2024-01", "2024-02", "2024-03"] and q["amount"] == "1260.00"


def test_an_unpaid_quarter_is_in_arrears_after_its_last_month_and_stops_benefits_two_months_later():
    d = timeline("xinyang", "2024-05-10", "2023-10", on_time("2023-10", "2023-12"), payment_cycle="quarterly")
    # Q1 fell due at the end of March; 第七条: benefits stop from the 3rd month of arrears (May)
    assert states(d, "2024-01", "2024-05") == ["active", "active", "active", "active", "suspended"]
    q = ask("back_payment", "xinyang", "2024-05-10", first_month="2023-10", payments=on_time("2023-10", "2023-12"),
            payment_cycle="quarterly", mode="with_account")
    assert q["arrears_months"] == ["2024-01", "2024-02", "2024-03"]
    # late fee from the quarter's due date (31 March): 420.00 × 0.05% × 40 days = 8.40 each month
    assert [(x["late_days"], x["late_fee"]) for x in q["lines"] if x["arrears"]] == [(40, "8.40")] * 3
    assert q["late_fee"] == "25.20" and q["pay_by"] == "2024-06-30"
    assert q["months_to_pay"][-3:] == ["2024-04", "2024-05", "2024-06"]


def test_quarterly_payment_exists_only_where_a_document_allows_it():
    e = refused("benefit_timeline", "huainan", "2024-05-10", first_month="2024-01",
                payments=on_time("2024-01", "2024-03"), payment_cycle="quarterly")
    assert (e.code, e.field) == ("not_applicable", "payment_cycle")


def test_a_changed_payment_cycle_applies_from_its_month():
    history = on_time("2023-10", "2023-12") + [{"month": m, "paid_on": "2024-06-20"}
                                               for m in ("2024-04", "2024-05", "2024-06")]
    history += on_time("2024-01", "2024-03")
    d = timeline("xinyang", "2024-07-10", "2023-10", history,
                 payment_cycles=[{"from": "2023-10", "cycle": "monthly"}, {"from": "2024-04", "cycle": "quarterly"}])
    assert d["back_payments"] == [] and d["payment_cycle"] == "quarterly"


# 3. 信阳 第四条, 淮南 二（二）: the large-expense contribution is compulsory beside the basic one.
@pytest.mark.parametrize("j,clause", [("xinyang", f"{XY_DOC} 第四条"), ("huainan", f"{HN_DOC} 二（二）")])
def test_the_large_expense_contribution_is_shown_or_said_to_be_missing(j, clause):
    d = ask("contribution", j, "2024-06-10")
    assert d["large_expense_annual"] is None and clause in d["citations"]
    assert any("尚未录入" in n and "大额" in n for n in d["notes"])
    d = ask("contribution", j, "2024-06-10", parameters={"large_expense_annual": 120})
    assert d["large_expense_annual"] == "120.00" and not any("尚未录入" in n for n in d["notes"])


def test_no_large_expense_note_where_the_document_is_silent():
    d = ask("contribution", "jiangsu", "2024-06-10")
    assert d["large_expense_annual"] is None and d["notes"] == []


# 4. The stop rule is a parameter; 吉林's draft never states it.
def test_jilin_stop_rule_is_the_offices_parameter():
    pays = on_time("2025-04", "2025-10") + on_time("2025-12", "2026-01")
    e = refused("benefit_timeline", "jilin", "2026-01-20", first_month="2025-04", payments=pays,
                parameters={"suspend_after_months": None})
    assert (e.code, e.field) == ("missing_parameter", "parameters.suspend_after_months")
    one = timeline("jilin", "2026-01-20", "2025-04", pays)
    two = timeline("jilin", "2026-01-20", "2025-04", pays, parameters={"suspend_after_months": 2})
    assert states(one, "2025-11", "2025-12") == ["active", "suspended"]
    assert states(two, "2025-11", "2025-12") == ["active", "active"]
    assert any(p["name"] == "suspend_after_months" for p in one["parameters_used"])


@pytest.mark.parametrize("j,offset", [("huainan", 1), ("jiangsu", 1), ("xinyang", 2)])
def test_the_shipped_stop_rules_come_from_their_clauses(j, offset):
    first = {"huainan": "2023-01", "jiangsu": "2023-01", "xinyang": "2023-10"}[j]
    d = timeline(j, "2024-06-20", first, on_time(first, "2024-03"))   # April and May unpaid
    stopped = [m["month"] for m in d["months"] if m["state"] == "suspended"]
    assert stopped[0] == ("2024-05" if offset == 1 else "2024-06")
    used = {p["name"]: p for p in d["parameters_used"]}
    assert used["suspend_after_months"]["value"] == str(offset)


# 5. 江苏 二: the base band is the person's choice; no band is assumed.
def test_jiangsu_contribution_needs_the_persons_base_band():
    e = refused("contribution", "jiangsu", "2024-06-10", parameters={"base_ratio": None})
    assert (e.code, e.field) == ("missing_parameter", "parameters.base_ratio")


def test_no_shipped_reference_says_more_than_its_document():
    from desktop_app.rules import JURISDICTIONS
    from desktop_app.rules.parameters import shipped
    for j in JURISDICTIONS:
        for name, values in shipped(j).items():
            for v in values:
                assert "未选择时" not in v.source and "待经办机构确认" not in v.source or name == "late_fee_daily_rate"
    assert "base_ratio" not in shipped("jiangsu")


# 6. Months before a document took effect are not decided under it.
def test_months_before_the_document_are_before_policy_and_get_no_waiting_period_from_it():
    d = timeline("huainan", "2022-10-20", "2022-03", on_time("2022-03", "2022-10"))
    assert states(d, "2022-03", "2022-06") == ["before_policy"] * 4
    assert all(not m["benefits"] for m in d["months"][:4])
    assert states(d, "2022-07", "2022-10") == ["active"] * 4 and d["waiting_periods"] == []
    assert any("施行前" in n for n in d["notes"])


def test_pricing_months_before_the_document_is_refused_with_the_reason():
    pays = on_time("2022-03", "2022-04")
    e = refused("back_payment", "huainan", "2022-07-05", first_month="2022-03", payments=pays, mode="with_account")
    assert e.code == "no_policy_in_force" and "2022年5月" in e.message and "2022年6月" in e.message


# 8. Figures that multiply out; a ceiling rounds down.
def test_the_base_is_rounded_before_it_is_multiplied():
    d = ask("contribution", "jiangsu", "2024-06-10", parameters={"avg_wage_annual": 95000, "base_ratio": "0.65",
                                                                "employer_medical_rate": 0.08})
    # 95000 / 12 × 65% = 5145.8333 -> 5145.83; × 9% = 463.1247 -> 463.12 (not 463.13 from the unrounded base)
    assert (d["monthly_base"], d["monthly_amount"]) == ("5145.83", "463.12")


@settings(max_examples=150, deadline=None)
@given(st.integers(40000, 200000), st.integers(1, 300))
def test_every_printed_lump_sum_multiplies_out(wage, months):
    d = ask("retirement", "jilin", "2026-06-01", mode="with_account", person={"sex": "M", "birth_date": "1960-01-20"},
            record={"total_months": 360 - months, "actual_months": min(180, 360 - months),
                    "in_province_months": min(180, 360 - months), "local_months": min(180, 360 - months),
                    "pooling_only_months": min(months, 100, 360 - months)},
            parameters={"avg_wage_annual": wage})
    lump, diff = d["lump_sum"], d["mode_difference"]
    assert Decimal(lump["monthly_base"]) * Decimal(lump["rate"]) - Decimal(lump["monthly_standard"]) < Decimal("0.005")
    assert Decimal(lump["monthly_standard"]) * lump["months"] == Decimal(lump["amount"])
    assert Decimal(diff["difference_monthly"]) * diff["months"] == Decimal(diff["amount"])
    assert Decimal(d["total_due"]) == Decimal(lump["amount"]) + Decimal(diff["amount"])


# 9. Citations name the clause that decided.
@pytest.mark.parametrize("j,right,wrong", [
    ("huainan", f"{HN_DOC} 二（四）", f"{HN_DOC} 二（三）"),
    ("xinyang", f"{XY_DOC} 第九条（三）", f"{XY_DOC} 第九条（一）"),
])
def test_a_transfer_over_the_limit_cites_the_transfer_clause(j, right, wrong):
    d = ask("transfer", j, "2024-09-05", previous={"scheme": "employee", "last_paid_month": "2024-03",
                                                  "contribution_months": 60}, first_month_here="2024-09", pay_gap=True)
    assert not d["continuous"] and d["waiting_months"] > 0
    assert right in d["citations"] and wrong not in d["citations"]
    assert d["missed_payment_note"]["text"] and d["missed_payment_note"]["citations"]


def test_a_qualified_xinyang_retirement_cites_article_12():
    d = ask("retirement", "xinyang", "2026-06-01", mode="with_account", person={"sex": "M", "birth_date": "1965-06-15"},
            record={"total_months": 360, "actual_months": 360, "in_province_months": 360, "local_months": 360,
                    "pooling_only_months": 0})
    assert d["qualified"] and f"{XY_DOC} 第十二条" in d["citations"]


def test_jilin_cites_no_clause_for_a_stop_rule_it_does_not_have():
    d = timeline("jilin", "2025-09-20", "2025-04", on_time("2025-04", "2025-09"))
    assert all("（九）" not in c for c in d["citations"] if "待遇" in c)
    from desktop_app.rules import JURISDICTIONS
    assert "unpaid" not in JURISDICTIONS["jilin"].clauses


# Readings the office chose are said in notes.
def test_jiangsu_lump_sum_says_which_reading_it_applied():
    d = ask("retirement", "jiangsu", "2026-06-01", mode="with_account", person={"sex": "M", "birth_date": "1960-01-20"},
            record={"total_months": 300, "actual_months": 300, "in_province_months": 300, "local_months": 300,
                    "pooling_only_months": 0})
    assert d["lump_sum"]["amount"] == "32400.00" and any("本机构选定的口径" in n for n in d["notes"])


def test_the_missed_payment_note_follows_the_offices_values():
    d = decide({"question": "benefit_timeline", "jurisdiction": "xinyang", "date": "2024-01-10",
                "first_month": "2023-10", "payments": on_time("2023-10", "2024-01"),
                "parameters": {"waiting_months_after_lapse": 5}})
    assert "设置5个月待遇享受等待期" in d["missed_payment_note"]["text"]
    assert "第3个月起停止" in d["missed_payment_note"]["text"]


# Beyond the format: 停保 / 终止 periods (issue 13), and when the current spell gives benefits.
def test_a_short_stop_keeps_continuity_and_is_not_owed():
    pays = on_time("2023-10", "2024-06") + on_time("2024-09", "2024-10")
    stops = [{"from": "2024-07", "to": "2024-08", "reason": "request"}]
    d = timeline("xinyang", "2024-10-20", "2023-10", pays, stops=stops)
    assert states(d, "2024-06", "2024-10") == ["active", "stopped", "stopped", "active", "active"]
    q = ask("back_payment", "xinyang", "2024-10-20", first_month="2023-10", payments=pays, stops=stops,
            mode="with_account")
    assert q["arrears_months"] == [] and q["late_fee"] == "0.00"


def test_paying_again_after_a_long_stop_waits_again():
    pays = on_time("2023-10", "2024-06") + on_time("2025-01", "2025-04")
    d = timeline("xinyang", "2025-04-20", "2023-10", pays,
                 stops=[{"from": "2024-07", "to": "2024-12", "reason": "request"}])
    assert states(d, "2024-12", "2025-04") == ["stopped", "waiting", "waiting", "waiting", "active"]
    assert d["waiting_periods"][-1] == {"from": "2025-01", "to": "2025-03", "reason": "lapse"}


def test_after_death_nothing_is_owed():
    q = ask("back_payment", "xinyang", "2024-10-20", first_month="2023-10", payments=on_time("2023-10", "2024-06"),
            stops=[{"from": "2024-07", "to": None, "reason": "death"}], mode="with_account")
    assert q["arrears_months"] == [] and q["months_to_pay"] == [] and q["lapsed_months"] == []


def test_a_person_in_a_waiting_period_is_told_when_benefits_start():
    d = timeline("xinyang", "2024-11-20", "2024-10", on_time("2024-10", "2024-11"))
    assert d["benefit_start"] is None and d["spell_benefit_start"] == "2025-01"


# Beyond the format: the months a person pays at the counter, each with its kind, standard and late fee.
def test_paying_chosen_months_prices_each_and_says_which_are_past_the_limit():
    pays = on_time("2023-10", "2024-06")
    q = ask("back_payment", "xinyang", "2024-12-06", first_month="2023-10", payments=pays, mode="with_account",
            months=["2024-07", "2024-11", "2024-12", "2025-01"], parameters={"prepay_limit_months": 12})
    kinds = {x["month"]: x["kind"] for x in q["lines"]}
    assert kinds == {"2024-07": "lapsed", "2024-11": "lapsed", "2024-12": "due", "2025-01": "advance"}
    assert q["months_past_limit"] == ["2024-07", "2024-11"]
    # 信阳 charges the late fee on every month paid late, past the limit too: 420 × 0.05% × 128 days (July)
    assert [x["late_fee"] for x in q["lines"]] == ["26.88", "1.26", "0.00", "0.00"]   # November: 6 days
    # paying them does not undo the lapse: a new 3-month wait from December
    assert q["waiting_periods_if_paid"][-1] == {"from": "2024-12", "to": "2025-02", "reason": "lapse"}
    assert q["prepay_until"] == "2025-12"


def test_chosen_months_are_checked():
    pays = on_time("2023-10", "2024-06")
    base = dict(first_month="2023-10", payments=pays, mode="with_account")
    e = refused("back_payment", "xinyang", "2024-06-20", months=["2024-05"], **base)
    assert (e.code, e.field) == ("invalid_input", "months") and "已有缴费记录" in e.message
    e = refused("back_payment", "xinyang", "2024-06-20", months=["2026-01"], parameters={"prepay_limit_months": 12},
                **base)
    assert "最多只能预缴12个月，即至2025年6月" in e.message
    e = refused("back_payment", "xinyang", "2024-06-20", months=["2024-09"], **base)
    assert (e.code, e.field) == ("missing_parameter", "parameters.prepay_limit_months")
