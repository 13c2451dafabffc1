"""mode_change, resident_switch, back_payment, subsidy and maternity."""
import pytest

from rules_helpers import ask, on_time, refused


def test_xinyang_mode_change_any_time():
    d = ask("mode_change", "xinyang", "2024-11-05", pooling_only_months=36)
    assert (d["difference_monthly"], d["amount"], d["account_from"]) == ("120.00", "4320.00", "2024-12")


def test_jilin_mode_change_only_at_retirement():
    assert refused("mode_change", "jilin", "2025-08-05", pooling_only_months=12).code == "not_applicable"
    d = ask("mode_change", "jilin", "2025-08-05", pooling_only_months=12, at_retirement=True)
    # 573.75 − 363.38 (each standard rounded first) = 210.37 a month; × 12 = 2,524.44 (issue 11 point 8)
    assert (d["standard_with_account"], d["standard_pooling_only"]) == ("573.75", "363.38")
    assert (d["difference_monthly"], d["amount"]) == ("210.37", "2524.44")


@pytest.mark.parametrize("j", ["huainan", "jiangsu"])
def test_mode_change_where_there_is_one_mode(j):
    assert refused("mode_change", j, "2024-11-05", pooling_only_months=12).code == "not_applicable"


def test_jiangsu_top_up_uses_the_resident_standard_the_city_sets():
    e = refused("resident_switch", "jiangsu", "2024-02-01", method="top_up", resident_years=8, student_years=3)
    assert (e.code, e.field) == ("missing_parameter", "parameters.resident_annual_standard")
    d = ask("resident_switch", "jiangsu", "2024-02-01", method="top_up", resident_years=8, student_years=3,
            parameters={"resident_annual_standard": 1000})
    # 12 × 540.00 = 6480 a year; (6480 − 1000) × 5 = 27400
    assert (d["counted_years"], d["amount"]) == (5, "27400.00")
    d = ask("resident_switch", "jiangsu", "2024-02-01", method="top_up", resident_years=2, student_years=0,
            flexible_annual_standard="500", parameters={"resident_annual_standard": 1000})
    assert d["amount"] == "0.00"


def test_resident_switch_elsewhere_is_not_applicable():
    assert refused("resident_switch", "jilin", "2025-05-01", method="convert", resident_years=3,
                   student_years=0).code == "not_applicable"


def test_student_years_cannot_exceed_resident_years():
    assert refused("resident_switch", "jiangsu", "2024-02-01", method="convert", resident_years=2,
                   student_years=3).field == "student_years"


def test_back_payment_quote_xinyang_with_late_fee_and_retroactive():
    d = ask("back_payment", "xinyang", "2024-06-12", first_month="2023-10", mode="with_account",
            payments=on_time("2023-10", "2024-03"))
    assert d["arrears_months"] == ["2024-04", "2024-05"] and d["months_to_pay"] == ["2024-04", "2024-05", "2024-06"]
    assert d["amount"] == "1260.00"
    # 420 × 0.0005 × (43 days for April + 12 days for May) = 11.55
    assert d["late_fee"] == "11.55" and d["total"] == "1271.55"
    assert d["retroactive"] is False or d["retroactive_months"] == []
    assert d["benefit_start_if_paid"] == "2024-06"


def test_back_payment_today_or_next_month_huainan():
    pays = on_time("2023-01", "2024-03")
    today = ask("back_payment", "huainan", "2024-06-20", first_month="2023-01", payments=pays)
    july = ask("back_payment", "huainan", "2024-06-20", first_month="2023-01", payments=pays, pay_on="2024-07-01")
    august = ask("back_payment", "huainan", "2024-06-20", first_month="2023-01", payments=pays, pay_on="2024-08-01")
    assert today["benefit_start_if_paid"] == "2024-06" and today["late_fee"] == "0.00"
    # July is the last month an interruption that began in April can be paid back (3 months)
    assert july["arrears_months"] == ["2024-04", "2024-05", "2024-06"] and july["benefit_start_if_paid"] == "2024-07"
    # August is past it: the arrears can no longer be paid back and a new 6-month wait starts
    assert august["arrears_months"] == [] and august["benefit_start_if_paid"] == "2025-02"


def test_jilin_subsidy_is_at_most_two_thirds():
    d = ask("subsidy", "jilin", "2025-06-01", group="graduate", paid_amount="1000")
    assert d["max_subsidy"] == "666.66"   # a ceiling ("不超过2/3") rounds down (issue 11 point 8)
    assert ask("subsidy", "jilin", "2025-06-01", group="graduate", paid_amount="100")["max_subsidy"] == "66.66"
    assert refused("subsidy", "xinyang", "2025-06-01", group="graduate", paid_amount="1000").code == "not_applicable"


def test_jilin_maternity():
    d = ask("maternity", "jilin", "2025-06-01")
    assert d["maternity_allowance"] is False and d["hospital_delivery_deductible"] == "0.00"
