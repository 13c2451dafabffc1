"""Contribution standards per document, on both sides of each in-force date, and the ID checks."""
import pytest

from desktop_app.rules import JURISDICTIONS, decide, parse_id_number
from desktop_app.rules.errors import RuleError
from rules_helpers import ask, refused


def test_huainan_sixty_percent_of_average_wage_at_the_city_rate():
    d = ask("contribution", "huainan", "2024-03-01", mode="with_account")
    assert (d["monthly_base"], d["monthly_amount"], d["personal_account_monthly"]) == ("4000.00", "320.00", None)


def test_huainan_rate_is_left_to_the_city():
    e = refused("contribution", "huainan", "2024-03-01", parameters={"flexible_rate": None})
    assert (e.code, e.field) == ("missing_parameter", "parameters.flexible_rate")


def test_average_wage_is_never_guessed():
    for j in JURISDICTIONS:
        e = refused("contribution", j, "2026-01-05", parameters={"avg_wage_annual": None})
        assert (e.code, e.field) == ("missing_parameter", "parameters.avg_wage_annual")


@pytest.mark.parametrize("ratio,base,amount", [(0.6, "6000.00", "540.00"), (3.0, "30000.00", "2700.00")])
def test_jiangsu_chosen_ratio_from_60_to_300_percent(ratio, base, amount):
    d = ask("contribution", "jiangsu", "2023-04-01", mode="with_account", parameters={"base_ratio": ratio})
    assert (d["monthly_base"], d["monthly_amount"]) == (base, amount)


@pytest.mark.parametrize("ratio", [0.59, 3.01])
def test_jiangsu_ratio_outside_the_band_is_refused(ratio):
    e = refused("contribution", "jiangsu", "2023-04-01", parameters={"base_ratio": ratio})
    assert (e.code, e.field) == ("invalid_input", "parameters.base_ratio")


def test_jilin_with_account_rate_sums_employer_maternity_and_individual():
    d = ask("contribution", "jilin", "2025-06-10", mode="with_account")
    assert (d["monthly_base"], d["rate"], d["monthly_amount"]) == ("6375.00", "0.09", "573.75")


@pytest.mark.parametrize("mode,amount,account", [("with_account", "420.00", "120.00"), ("pooling_only", "300.00", "0.00")])
def test_xinyang_two_tiers(mode, amount, account):
    d = ask("contribution", "xinyang", "2024-05-15", mode=mode)
    assert (d["monthly_amount"], d["personal_account_monthly"]) == (amount, account)


@pytest.mark.parametrize("j,before,first_day", [("huainan", "2022-06-30", "2022-07-01"),
                                                ("jiangsu", "2021-12-31", "2022-01-01"),
                                                ("jilin", "2025-03-31", "2025-04-01"),
                                                ("xinyang", "2023-09-30", "2023-10-01")])
def test_every_document_on_both_sides_of_its_date(j, before, first_day):
    assert refused("contribution", j, before, mode="with_account").code == "no_policy_in_force"
    assert ask("contribution", j, first_day, mode="with_account")["monthly_amount"]


def test_a_month_before_the_document_is_refused_even_when_asked_later():
    e = refused("contribution", "xinyang", "2024-01-05", mode="with_account", month="2023-09")
    assert e.code == "no_policy_in_force"


def test_pooling_only_is_not_applicable_where_there_is_one_mode():
    one_mode = [j for j, rules in JURISDICTIONS.items() if rules.modes == ("with_account",)]
    assert one_mode == ["huainan", "jiangsu"]
    for j in one_mode:
        assert refused("contribution", j, "2024-04-01", mode="pooling_only").code == "not_applicable"


def test_unknown_jurisdiction():
    with pytest.raises(RuleError) as e:
        decide({"question": "contribution", "jurisdiction": "hefei", "date": "2024-01-01"})
    assert e.value.code == "unknown_jurisdiction"


def test_rate_of_70_is_refused_with_a_hint():
    e = refused("contribution", "huainan", "2024-03-01", parameters={"flexible_rate": 70})
    assert e.code == "invalid_input" and "0.07" in e.message


def test_half_up_rounding_at_the_end():
    d = ask("contribution", "jilin", "2025-06-10", mode="pooling_only")
    assert d["monthly_amount"] == "363.38"   # 6375 × 0.057 = 363.375


# GB 11643 identity numbers
@pytest.mark.parametrize("text,birth,sex", [
    ("411502199001011237", "1990-01-01", "M"), ("11010519491231002x", "1949-12-31", "F"),
    ("110105491231002", "1949-12-31", "F"),
])
def test_id_numbers(text, birth, sex):
    idn = parse_id_number(text)
    assert (idn.birth_date.isoformat(), idn.sex) == (birth, sex)
    assert len(idn.number) == 18 and idn.number == idn.number.upper()


@pytest.mark.parametrize("text,words", [("340402198503150036", "校验位"), ("41150219900230123X", "出生日期"),
                                        ("4115021990010112", "18位"), ("00150219900101123X", "地区码"),
                                        ("41150219900101A237", "格式")])
def test_bad_id_numbers_are_named(text, words):
    with pytest.raises(RuleError) as e:
        parse_id_number(text)
    assert e.value.field == "person.id_number" and words in e.value.message


def eligibility(j, id_number="411502199001011237", places=("residence",), employer=False, date="2024-03-01"):
    return ask("eligibility", j, date, person={"id_number": id_number, "employer_insured": employer,
                                              "category": "platform", "places": list(places)})


def test_eligibility_reasons():
    assert eligibility("xinyang")["eligible"]
    assert eligibility("xinyang", employer=True)["reasons"] == ["employer_insured"]
    assert eligibility("xinyang", places=())["reasons"] == ["no_local_tie"]
    # 江苏 accepts city hukou, a residence permit or an HKMT residence permit
    assert eligibility("jiangsu", places=("employment",))["reasons"] == ["no_local_tie"]
    assert eligibility("jiangsu", places=("hkmt_residence_permit",))["eligible"]


@pytest.mark.parametrize("date,eligible", [("2024-02-28", False), ("2024-03-01", True)])
def test_sixteenth_birthday(date, eligible):
    d = eligibility("huainan", id_number="340402200803010018", date=date)
    assert d["eligible"] is eligible
    assert ("under_working_age" in d["reasons"]) is not eligible
