"""Every form field fuzzed (hypothesis) through the services: a result, or an InputError with a Chinese message
naming a field, and then nothing written. Enrolment, payment, transfer, corrections, parameters, settings, login."""

import json
import re
from datetime import date

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from desktop_app.services import auth
from desktop_app.services.enrolment import EnrolmentForm, check_id_number, enrol
from desktop_app.services.errors import InputError
from desktop_app.services.parameters import set_parameter
from desktop_app.services.payments import record_payment, void_payment
from desktop_app.services.retirement import add_correction
from desktop_app.services.session import open_session
from desktop_app.services.settings import set_office, set_setting
from desktop_app.services.transfer import TransferForm, save_transfer
from desktop_app.store import audit
from desktop_app.store.dialect import is_server
from tests.conftest import FIXED_NOW, TODAY, make_id

CHINESE = re.compile(r"[\u4e00-\u9fff]")
FUZZ = settings(max_examples=200, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
TABLES = ("people", "ledger", "ledger_voids", "decisions", "corrections", "parameters", "settings", "operators", "audit")

texts = st.none() | st.text(max_size=40) | st.sampled_from(
    ["", " ", "\x00", "４１１５０２１９９００１０１１２３Ｘ", "41150219900101123x", "411502900101123", "王" * 31, "A·B",
     "张三\n", "'; DROP TABLE people; --", "13800000000", "010-12345678", "１３８００００００００", "\u202e李四", "😀"])
odd_dates = st.one_of(st.none(), st.dates(date(1900, 1, 1), date(2100, 12, 31)),
                      st.sampled_from(["2025-06-01", 20250601, 3.5, [], "明天"]))
months = st.dates(date(2023, 1, 1), date(2026, 12, 1)).map(lambda d: d.replace(day=1))


def counts(session) -> tuple:
    return tuple(session.db[t].count for t in TABLES)


def refused_cleanly(session, action) -> object:
    """Run a counter action: either it works, or it says why in Chinese and has written nothing. The caller checks
    what a success wrote (every test below does: accepting garbage is a failure too)."""
    before = counts(session)
    try:
        return action()
    except InputError as error:
        assert isinstance(error.message, str) and CHINESE.search(error.message), repr(error)
        assert error.field is None or isinstance(error.field, str)
        assert counts(session) == before, error
        return error


def month_of(value) -> str:
    return f"{value.year:04d}-{value.month:02d}"


# A good form for each test, run first (hypothesis.example): it must be accepted, so the checks of what a success
# wrote always run at least once.
GOOD = {
    "enrolment": dict(id_number="411502199001011237", name="王建国", phone="13800000000", address="信阳市浉河区",
                      category="freelancer", places=["hukou"], employer_insured=False, mode="with_account",
                      base_ratio=None, first_month=date(2025, 6, 1)),
    "payment": dict(pay=[date(2025, 4, 1)], paid_on=date(2025, 4, 10), receipt="R0004"),
    "void": dict(month=date(2025, 2, 1), reason="票据号录错，作废重录"),
    "transfer": dict(region="河南省郑州市", scheme="employee", last=date(2024, 12, 1), count=60, years=None,
                     first_here=date(2025, 3, 1), pay_gap=True, in_province=True, receipt="B2025001"),
    "correction": dict(kind="deemed", count=12, reason="档案记载视同缴费年限"),
    "parameter": dict(name="avg_wage_annual", valid_from=date(2025, 1, 1), value="72000", source="豫统计〔2025〕1号"),
    "settings": dict(key="idle_lock_minutes", value=30, jurisdiction="xinyang", office="信阳市医疗保障局"),
}


def accepted(result, inputs: dict, good: str) -> bool:
    """Whether the action worked; the good form must."""
    if inputs == GOOD[good]:
        assert not isinstance(result, InputError), result
    return not isinstance(result, InputError)


@pytest.fixture
def paid_person(session, enrolled):
    return enrolled(first_month=date(2025, 1, 1), paid_through=date(2025, 3, 1))


@FUZZ
@given(id_number=texts, name=texts, phone=texts, address=texts,
       category=st.sampled_from(["freelancer", "platform", "boss", "", None]),
       places=st.lists(st.sampled_from(["hukou", "residence", "moon", ""]), max_size=3) | st.sampled_from([None, "hukou"]),
       employer_insured=st.booleans(), mode=st.sampled_from(["with_account", "pooling_only", "x", ""]),
       base_ratio=st.one_of(st.none(), st.decimals(allow_nan=True), texts), first_month=odd_dates)
@example(**GOOD["enrolment"])
def test_enrolment_form(session, id_number, name, phone, address, category, places, employer_insured, mode,
                        base_ratio, first_month):
    form = EnrolmentForm(id_number, name, phone, address, category, places, employer_insured, mode, base_ratio,
                         first_month)
    result = refused_cleanly(session, lambda: enrol(session, form, TODAY))
    if not accepted(result, dict(id_number=id_number, name=name, phone=phone, address=address, category=category,
                                 places=places, employer_insured=employer_insured, mode=mode,
                                 base_ratio=base_ratio, first_month=first_month), "enrolment") or not result.created:
        return
    row = session.db["people"].get(result.person_id)   # what was accepted is what the form said, cleaned
    assert row["id_number"] == check_id_number(id_number).number and row["name"] == name.strip()
    assert row["category"] == category and row["mode"] == mode and not employer_insured
    assert json.loads(row["places"]) == list(places) and set(places) <= {"hukou", "residence"}
    assert isinstance(first_month, date) and row["first_month"] == month_of(first_month)
    assert audit.verify(session.db).ok


@FUZZ
@given(valid=st.builds(lambda seq, birth: make_id(birth=birth.strftime("%Y%m%d"), seq=seq),
                       st.integers(0, 999), st.dates(date(1950, 1, 1), date(2010, 12, 31))),
       name=st.from_regex(r"[\u4e00-\u9fa5]{2,4}", fullmatch=True), first=months)
def test_enrolment_with_valid_ids_and_any_month(session, valid, name, first):
    form = EnrolmentForm(valid, name, "", "", "freelancer", ["hukou"], False, "with_account", None, first)
    result = refused_cleanly(session, lambda: enrol(session, form, TODAY))
    if not isinstance(result, InputError):
        assert result.person_id and audit.verify(session.db).ok


@FUZZ
@given(text=texts)
def test_id_number_as_typed(text):
    try:
        info = check_id_number(text)
    except InputError as error:
        assert error.field == "id_number" and CHINESE.search(error.message)
    else:
        assert len(info.number) == 18


@FUZZ
@given(pay=st.lists(st.one_of(months, months, odd_dates), max_size=4), paid_on=odd_dates, receipt=texts)
@example(**GOOD["payment"])
def test_payment_form(session, paid_person, pay, paid_on, receipt):
    result = refused_cleanly(session, lambda: record_payment(session, paid_person, pay, paid_on, receipt, TODAY))
    if not accepted(result, dict(pay=pay, paid_on=paid_on, receipt=receipt), "payment"):
        return
    rows = {r[0]: r[1:] for r in session.db.execute(
        "SELECT month, paid_on, receipt_no FROM ledger WHERE person_id = ?", [paid_person])}
    assert pay and all(isinstance(m, date) for m in pay)
    for m in pay:   # each month on file, paid that day with that receipt
        assert rows[month_of(m)] == (paid_on.isoformat(), receipt.strip()), (m, rows.get(month_of(m)))


@FUZZ
@given(month=st.one_of(months, odd_dates), reason=texts)
@example(**GOOD["void"])
def test_void_form(session, paid_person, month, reason):
    result = refused_cleanly(session, lambda: void_payment(session, paid_person, month, reason, TODAY))
    if not accepted(result, dict(month=month, reason=reason), "void"):
        return
    voided = session.db.execute("SELECT reason FROM ledger_voids WHERE person_id = ? AND month = ?",
                                [paid_person, month_of(month)]).fetchall()
    assert voided and voided[-1][0] == reason.strip() and len(reason.strip()) >= 4
    assert not session.db.execute("SELECT 1 FROM ledger WHERE person_id = ? AND month = ?",
                                  [paid_person, month_of(month)]).fetchall()


@FUZZ
@given(region=texts, scheme=st.sampled_from(["employee", "resident", "x", ""]), last=st.one_of(months, odd_dates),
       count=st.one_of(st.integers(-5, 700), st.sampled_from([None, "12", 3.0, True])),
       years=st.one_of(st.none(), st.integers(-1, 60)), first_here=st.one_of(months, odd_dates),
       pay_gap=st.booleans(), in_province=st.booleans(), receipt=texts)
@example(**GOOD["transfer"])
def test_transfer_form(session, enrolled, region, scheme, last, count, years, first_here, pay_gap, in_province,
                       receipt):
    person_id = enrolled(first_month=date(2025, 3, 1))
    form = TransferForm(region, scheme, last, count, years, first_here, pay_gap, in_province, receipt)
    result = refused_cleanly(session, lambda: save_transfer(session, person_id, form, TODAY))
    inputs = dict(region=region, scheme=scheme, last=last, count=count, years=years, first_here=first_here,
                  pay_gap=pay_gap, in_province=in_province, receipt=receipt)
    if not accepted(result, inputs, "transfer"):
        return
    saved = session.db["decisions"].get(result)
    case = json.loads(saved["inputs"])["case"]
    assert saved["question"] == "transfer" and saved["person_id"] == person_id
    assert case["previous"]["scheme"] == scheme in ("employee", "resident")
    assert case["previous"]["last_paid_month"] == month_of(last) and case["first_month_here"] == month_of(first_here)
    assert isinstance(count, int) and not isinstance(count, bool) and case["previous"]["contribution_months"] == count


@FUZZ
@given(kind=st.sampled_from(["deemed", "transferred", "void", "", None]),
       count=st.one_of(st.integers(-10, 1000), st.sampled_from([None, "12", 1.5, True])), reason=texts)
@example(**GOOD["correction"])
def test_correction_form(session, paid_person, kind, count, reason):
    result = refused_cleanly(session, lambda: add_correction(session, paid_person, kind, count, reason, TODAY))
    if not accepted(result, dict(kind=kind, count=count, reason=reason), "correction"):
        return
    row = session.db["corrections"].get(result)
    assert (row["kind"], row["months"], row["reason"]) == (kind, count, reason.strip())
    assert kind in ("deemed", "transferred") and 1 <= count <= 600 and not isinstance(count, bool)


@FUZZ
@given(name=st.sampled_from(["avg_wage_annual", "waiting_months_first", "flexible_rate", "base_ratio", "nope", ""]),
       valid_from=odd_dates,
       value=texts | st.sampled_from(["70", "0.07", "７２０００", "72,000", "1e9", "-1", "NaN", "Infinity", "0"])
       | st.decimals(allow_nan=True).map(str),
       source=texts)
@example(**GOOD["parameter"])
def test_parameter_values(session, name, valid_from, value, source):
    from desktop_app.rules import validate_parameter

    result = refused_cleanly(session, lambda: set_parameter(session, name, valid_from, value, source, TODAY))
    if not accepted(result, dict(name=name, valid_from=valid_from, value=value, source=source), "parameter"):
        return
    row = session.db.execute("SELECT name, valid_from, value, source FROM parameters ORDER BY id DESC LIMIT 1").fetchone()
    assert row[0] == name and row[1] == valid_from.isoformat() and row[3] == source.strip() and source.strip()
    assert validate_parameter(name, row[2]) == validate_parameter(name, row[2])   # a value the rule module takes


@FUZZ
@given(key=st.sampled_from(["idle_lock_minutes", "login_lock_minutes", "backup_keep", "backup_folder", "demo",
                            "office_name", "nope"]),
       value=st.one_of(st.integers(-10, 10**6), texts, st.booleans(), st.none(), st.floats()),
       jurisdiction=st.sampled_from(["xinyang", "jilin", "mars", "", None]), office=texts)
@example(**GOOD["settings"])
@example(key="demo", value="明天", jurisdiction="xinyang", office="信阳市医疗保障局")   # issue 16: was accepted
def test_settings(session, key, value, jurisdiction, office):
    from desktop_app.services.settings import get_setting

    inputs = dict(key=key, value=value, jurisdiction=jurisdiction, office=office)
    if accepted(refused_cleanly(session, lambda: set_setting(session, key, value)), inputs, "settings"):
        stored = get_setting(session, key)   # only a value the setting can mean is kept
        if key == "idle_lock_minutes":
            assert type(stored) is int and 1 <= stored <= 240
        elif key == "login_lock_minutes":
            assert type(stored) is int and 1 <= stored <= 1440
        elif key == "backup_keep":
            assert type(stored) is int and 1 <= stored <= 365
        elif key == "backup_folder":
            assert isinstance(stored, str) and stored == stored.strip()
        else:
            assert key == "demo" and type(stored) is bool, (key, value)
    if accepted(refused_cleanly(session, lambda: set_office(session, jurisdiction, office)), inputs, "settings"):
        assert session.office.jurisdiction == jurisdiction and session.office.name == office.strip() != ""
        assert office.strip().isprintable()   # printed on every notice


def test_a_nul_character_is_refused_at_its_field_and_never_reaches_the_data(session, paid_person):
    """A NUL pasted into a free-text field: the same answer on either engine (PostgreSQL's text cannot hold one),
    at the field, in Chinese, nothing written; a search for it finds no one."""
    from desktop_app.services.people import search_people
    from desktop_app.services.person_changes import change_person

    nul = "票据号录错\x00作废重录"
    g = GOOD["transfer"]
    transfer = TransferForm("河南省\x00郑州市", g["scheme"], g["last"], g["count"], g["years"], g["first_here"],
                            g["pay_gap"], g["in_province"], g["receipt"])
    attempts = {
        "reason": lambda: void_payment(session, paid_person, date(2025, 2, 1), nul, TODAY),
        "previous_region": lambda: save_transfer(session, paid_person, transfer, TODAY),
        "source": lambda: set_parameter(session, "avg_wage_annual", date(2025, 1, 1), "72000", "豫统计\x00", TODAY),
        "value": lambda: change_person(session, paid_person, "address", "信阳市\x00浉河区", TODAY, "本人申请", TODAY),
    }
    for field, action in attempts.items():
        refused = refused_cleanly(session, action)
        assert isinstance(refused, InputError) and refused.field == field and "空字符" in refused.message, field
    g = GOOD["correction"]
    refused = refused_cleanly(session, lambda: add_correction(session, paid_person, g["kind"], g["count"], nul, TODAY))
    assert isinstance(refused, InputError) and refused.field == "reason"
    assert search_people(session, "王\x00") == []


@pytest.fixture
def login_session(db_path):
    s = open_session(db_path, clock=lambda: FIXED_NOW)
    auth.ensure_first_admin(s)
    yield s
    s.close()


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(username=texts, password=texts)
def test_login_form(login_session, username, password):
    try:
        auth.login(login_session, username, password)
    except InputError as error:
        assert CHINESE.search(error.message) and error.field in ("username", "password")
    assert audit.verify(login_session.db).ok


def test_money_never_leaves_decimal(session, paid_person):
    """Every amount recorded is the rule module's figure to the fen, kept as text: "420.00", never 420.0 or 420."""
    from desktop_app.services.payments import contribution_case
    from desktop_app.services.rules_glue import ask

    person = session.db["people"].get(paid_person)
    type_of = "pg_typeof(amount)::text" if is_server(session.db) else "typeof(amount)"   # the column's own type
    rows = session.db.execute(f"SELECT month, amount, {type_of} FROM ledger WHERE person_id = ? ORDER BY month",
                              [paid_person]).fetchall()
    assert [r[0] for r in rows] == ["2025-01", "2025-02", "2025-03"]
    for month, amount, kind in rows:
        assert kind == "text" and re.fullmatch(r"\d+\.\d{2}", amount), (month, amount, kind)
        assert amount == ask(session, contribution_case(person, month, TODAY))["monthly_amount"]
