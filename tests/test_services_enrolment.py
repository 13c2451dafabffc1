"""参保登记 through the service: checks before writing, real rule decisions, duplicates, audit."""

from datetime import date
from decimal import Decimal

import pytest

from desktop_app.services.enrolment import EnrolmentForm, check_id_number, enrol, preview_enrolment
from desktop_app.services.errors import InputError
from desktop_app.services.people import get_person, search_people
from desktop_app.store import audit
from tests.conftest import TODAY, make_id

WANG = "411502199001011237"  # shared/rules-cases/examples/eligibility-xinyang-platform-worker.json


def form(**changes) -> EnrolmentForm:
    values = dict(id_number=WANG, name="王建国", phone="13800000000", address="信阳市浉河区民权路1号",
                  category="platform", places=["residence"], employer_insured=False, mode="with_account",
                  base_ratio=None, first_month=date(2025, 6, 1))
    values.update(changes)
    return EnrolmentForm(**values)


def counts(session) -> dict:
    return {t: session.db[t].count for t in ("people", "decisions", "ledger", "audit")}


def test_the_id_number_gives_birth_date_and_sex():
    info = check_id_number(" 411502199001011237 ")
    assert (info.number, info.birth_date, info.sex) == (WANG, date(1990, 1, 1), "M")


def test_a_fifteen_digit_id_is_upgraded():
    assert check_id_number("411502900101123").number == WANG


@pytest.mark.parametrize("text, words", [
    ("411502199001011238", "校验位"),
    ("411502199002301234", "出生日期"),
    ("41150219900101123", "18位"),
    ("", "请填写"),
])
def test_a_bad_id_number_is_refused_at_its_field(text, words):
    with pytest.raises(InputError) as e:
        check_id_number(text)
    assert e.value.field == "id_number" and words in e.value.message


def test_preview_shows_the_monthly_contribution_and_when_benefits_start(session):
    p = preview_enrolment(session, form(), TODAY)
    assert p.eligible and p.reasons == []
    # 信阳: base = the 2025 demo average wage 75000 / 12; 7% with account, 2% to the personal account
    assert (p.monthly_base, p.monthly_amount, p.personal_account_monthly) == (
        Decimal("6250.00"), Decimal("437.50"), Decimal("125.00"))
    assert p.waiting_months == 3 and p.benefit_start == date(2025, 9, 1)
    assert any("信医保办〔2023〕46号" in c for c in p.citations)
    assert set(p.decisions) == {"eligibility", "contribution", "benefit_timeline"}
    assert session.db["people"].count == 0


def test_enrolment_saves_the_person_and_the_decisions_behind_it(session):
    before = counts(session)
    result = enrol(session, form(), TODAY)
    assert result.created and not result.name_mismatch
    person = get_person(session, result.person_id)
    assert (person.name, person.sex, person.birth_date, person.jurisdiction) == ("王建国", "M", date(1990, 1, 1),
                                                                                 "xinyang")
    assert person.first_month == date(2025, 6, 1) and person.operator == "测试员"
    after = counts(session)
    assert after["people"] == before["people"] + 1 and after["decisions"] == before["decisions"] + 3
    stored = {r["question"]: r for r in session.db.query("SELECT * FROM decisions WHERE person_id = ?",
                                                         [result.person_id])}
    assert '"citations"' in stored["contribution"]["decision"] and '"parameters_used"' in stored["contribution"]["decision"]
    assert '"case"' in stored["eligibility"]["inputs"]
    assert audit.verify(session.db).ok
    actions = [r["action"] for r in audit.entries(session.db, 4)]
    assert "person.create" in actions


def test_an_id_already_on_file_returns_that_person_and_writes_nothing(session):
    first = enrol(session, form(), TODAY)
    before = counts(session)
    again = enrol(session, form(phone="", category="other"), TODAY)
    assert (again.person_id, again.created, again.name_mismatch) == (first.person_id, False, False)
    assert counts(session) == before


def test_the_same_id_with_another_name_is_flagged_and_nothing_is_written(session):
    enrol(session, form(), TODAY)
    before = counts(session)
    result = enrol(session, form(name="王建军"), TODAY)
    assert result.name_mismatch and not result.created and result.existing_name == "王建国"
    assert counts(session) == before


@pytest.mark.parametrize("changes, field", [
    (dict(id_number="411502199001011238"), "id_number"),
    (dict(name=""), "name"),
    (dict(name="王"), "name"),
    (dict(phone="12345"), "phone"),
    (dict(places=[]), "places"),
    (dict(category="robot"), "category"),
    (dict(first_month=date(2025, 6, 15)), "first_month"),
    (dict(first_month=date(2023, 9, 1)), "first_month"),   # before 信医保办〔2023〕46号 took effect
    (dict(first_month=date(2025, 9, 1)), "first_month"),
    (dict(employer_insured=True), "employer_insured"),
    (dict(id_number=make_id("19580101", seq=11)), "id_number"),  # over retirement age
])
def test_bad_input_is_refused_at_its_field_and_nothing_is_written(session, changes, field):
    before = counts(session)
    with pytest.raises(InputError) as e:
        enrol(session, form(**changes), TODAY)
    assert e.value.field == field
    assert any("\u4e00" <= c <= "\u9fff" for c in e.value.message)  # a Chinese sentence
    assert counts(session) == before


def test_a_missing_parameter_names_the_parameter(session):
    from desktop_app.services.settings import set_office

    set_office(session, "jilin", "长春市医疗保障局")
    person = form(id_number=make_id("19900101", "220102", 11), places=["hukou"])
    with pytest.raises(InputError) as e:
        preview_enrolment(session, person, TODAY)
    # 吉林 五: which month the new standard starts is the office's to enter first (issue 11)
    assert e.value.field == "parameters.new_standard_from" and "开始执行的月份" in e.value.message
    from desktop_app.services.parameters import set_parameter
    set_parameter(session, "new_standard_from", date(2025, 4, 1), "2025-07", "吉林省2025年平均工资公布通知", TODAY)
    with pytest.raises(InputError) as e:   # June is before it: the earlier rules apply, not this document's
        preview_enrolment(session, person, TODAY)
    assert e.value.field == "first_month" and "仍适用调整前的规定" in e.value.message
    with pytest.raises(InputError) as e:
        preview_enrolment(session, form(id_number=make_id("19900101", "220102", 11), places=["hukou"],
                                        first_month=date(2025, 7, 1)), TODAY)
    assert e.value.field == "parameters.avg_wage_annual" and "平均工资" in e.value.message


def test_jiangsu_needs_the_chosen_base_ratio(session):
    from desktop_app.services.demo_parameters import enter_demo_parameters
    from desktop_app.services.settings import set_office

    set_office(session, "jiangsu", "南京市医疗保障局")
    enter_demo_parameters(session, "jiangsu", TODAY)
    nanjing = dict(id_number=make_id("19900101", "320102", 11), places=["hukou"])
    with pytest.raises(InputError) as e:
        preview_enrolment(session, form(**nanjing), TODAY)
    assert e.value.field == "base_ratio"
    with pytest.raises(InputError) as e:
        preview_enrolment(session, form(**nanjing, base_ratio=Decimal("3.5")), TODAY)
    assert e.value.field == "base_ratio"
    p = preview_enrolment(session, form(**nanjing, base_ratio=Decimal("1")), TODAY)
    assert p.monthly_base == Decimal("10166.67")  # 122000 / 12 at 100%


def test_what_the_documents_decide_is_the_rule_modules_refusal_at_the_field(session):
    """Issue 16: the service does not repeat the rule module's checks (modes, the date a document took effect,
    payment cycles): it asks, and shows the rule module's own refusal at the form's field."""
    from desktop_app.rules import RuleError, decide
    from desktop_app.services.demo_parameters import enter_demo_parameters
    from desktop_app.services.settings import set_office

    def rule_says(case) -> str:
        with pytest.raises(RuleError) as refusal:
            decide(dict(case, jurisdiction=session.office.jurisdiction, date=TODAY.isoformat()))
        return refusal.value.message

    before = date(2023, 9, 1)   # 信医保办〔2023〕46号 took effect on 2023-10-01
    for changes, field, case in [
        (dict(first_month=before), "first_month",
         {"question": "contribution", "mode": "with_account", "month": "2023-09"}),
        (dict(payment_cycle="weekly"), "payment_cycle",
         {"question": "benefit_timeline", "first_month": "2025-06", "payment_cycle": "weekly", "payments": []}),
    ]:
        with pytest.raises(InputError) as e:
            enrol(session, form(**changes), TODAY)
        assert (e.value.field, e.value.message) == (field, rule_says(case))
    set_office(session, "huainan", "淮南市医疗保障局")
    enter_demo_parameters(session, "huainan", TODAY)
    huainan = dict(id_number=make_id("19900101", "340403", 11), places=["hukou"])
    with pytest.raises(InputError) as e:
        enrol(session, form(**huainan, mode="pooling_only"), TODAY)
    assert (e.value.field, e.value.message) == (
        "mode", rule_says({"question": "contribution", "mode": "pooling_only", "month": "2025-06"}))


def test_the_base_band_is_the_rule_modules(session, monkeypatch):
    """The band a 江苏 person chooses from (60%–300%) is held once, by the rule module: the refusal says the band in
    force there, whatever it is."""
    import dataclasses

    from desktop_app.rules.registry import PARAMS
    from desktop_app.services.demo_parameters import enter_demo_parameters
    from desktop_app.services.settings import set_office

    set_office(session, "jiangsu", "南京市医疗保障局")
    enter_demo_parameters(session, "jiangsu", TODAY)
    nanjing = dict(id_number=make_id("19900101", "320102", 11), places=["hukou"])
    monkeypatch.setitem(PARAMS, "base_ratio", dataclasses.replace(PARAMS["base_ratio"], low=Decimal("0.5"),
                                                                  high=Decimal("2")))
    for ratio in (None, Decimal("2.5")):
        with pytest.raises(InputError) as e:
            preview_enrolment(session, form(**nanjing, base_ratio=ratio), TODAY)
        assert e.value.field == "base_ratio" and "50%" in e.value.message and "200%" in e.value.message
    assert preview_enrolment(session, form(**nanjing, base_ratio=Decimal("0.5")), TODAY).monthly_base \
        == Decimal("5083.33")   # 122000 / 12 at 50%


def test_people_are_found_by_id_prefix_full_id_or_part_of_the_name(session, enrolled):
    a = enrolled(name="王建国")
    b = enrolled(name="李秀英")
    assert [p.id for p in search_people(session, "秀")] == [b]
    number = get_person(session, a).id_number
    assert [p.id for p in search_people(session, number)] == [a]
    assert {p.id for p in search_people(session, number[:6])} == {a, b}
    assert search_people(session, "   ") == []
    assert search_people(session, "%") == []
