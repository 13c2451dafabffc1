"""Every form field fuzzed (hypothesis) through the services: a result, or an InputError with a Chinese message
naming a field, and then nothing written. Enrolment, payment, transfer, corrections, parameters, settings, login."""

import re
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
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
    """Run a counter action: either it works, or it says why in Chinese and has written nothing."""
    before = counts(session)
    try:
        return action()
    except InputError as error:
        assert isinstance(error.message, str) and CHINESE.search(error.message), repr(error)
        assert error.field is None or isinstance(error.field, str)
        assert counts(session) == before, error
        return error


@pytest.fixture
def paid_person(session, enrolled):
    return enrolled(first_month=date(2025, 1, 1), paid_through=date(2025, 3, 1))


@FUZZ
@given(id_number=texts, name=texts, phone=texts, address=texts,
       category=st.sampled_from(["freelancer", "platform", "boss", "", None]),
       places=st.lists(st.sampled_from(["hukou", "residence", "moon", ""]), max_size=3) | st.sampled_from([None, "hukou"]),
       employer_insured=st.booleans(), mode=st.sampled_from(["with_account", "pooling_only", "x", ""]),
       base_ratio=st.one_of(st.none(), st.decimals(allow_nan=True), texts), first_month=odd_dates)
def test_enrolment_form(session, id_number, name, phone, address, category, places, employer_insured, mode,
                        base_ratio, first_month):
    form = EnrolmentForm(id_number, name, phone, address, category, places, employer_insured, mode, base_ratio,
                         first_month)
    refused_cleanly(session, lambda: enrol(session, form, TODAY))


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
def test_payment_form(session, paid_person, pay, paid_on, receipt):
    refused_cleanly(session, lambda: record_payment(session, paid_person, pay, paid_on, receipt, TODAY))


@FUZZ
@given(month=st.one_of(months, odd_dates), reason=texts)
def test_void_form(session, paid_person, month, reason):
    refused_cleanly(session, lambda: void_payment(session, paid_person, month, reason, TODAY))


@FUZZ
@given(region=texts, scheme=st.sampled_from(["employee", "resident", "x", ""]), last=st.one_of(months, odd_dates),
       count=st.one_of(st.integers(-5, 700), st.sampled_from([None, "12", 3.0, True])),
       years=st.one_of(st.none(), st.integers(-1, 60)), first_here=st.one_of(months, odd_dates),
       pay_gap=st.booleans(), in_province=st.booleans(), receipt=texts)
def test_transfer_form(session, enrolled, region, scheme, last, count, years, first_here, pay_gap, in_province,
                       receipt):
    person_id = enrolled(first_month=date(2025, 3, 1))
    form = TransferForm(region, scheme, last, count, years, first_here, pay_gap, in_province, receipt)
    refused_cleanly(session, lambda: save_transfer(session, person_id, form, TODAY))


@FUZZ
@given(kind=st.sampled_from(["deemed", "transferred", "void", "", None]),
       count=st.one_of(st.integers(-10, 1000), st.sampled_from([None, "12", 1.5, True])), reason=texts)
def test_correction_form(session, paid_person, kind, count, reason):
    refused_cleanly(session, lambda: add_correction(session, paid_person, kind, count, reason, TODAY))


@FUZZ
@given(name=st.sampled_from(["avg_wage_annual", "waiting_months_first", "flexible_rate", "base_ratio", "nope", ""]),
       valid_from=odd_dates,
       value=texts | st.sampled_from(["70", "0.07", "７２０００", "72,000", "1e9", "-1", "NaN", "Infinity", "0"])
       | st.decimals(allow_nan=True).map(str),
       source=texts)
def test_parameter_values(session, name, valid_from, value, source):
    refused_cleanly(session, lambda: set_parameter(session, name, valid_from, value, source, TODAY))


@FUZZ
@given(key=st.sampled_from(["idle_lock_minutes", "login_lock_minutes", "backup_keep", "backup_folder", "demo",
                            "office_name", "nope"]),
       value=st.one_of(st.integers(-10, 10**6), texts, st.booleans(), st.none(), st.floats()),
       jurisdiction=st.sampled_from(["xinyang", "jilin", "mars", "", None]), office=texts)
def test_settings(session, key, value, jurisdiction, office):
    refused_cleanly(session, lambda: set_setting(session, key, value))
    refused_cleanly(session, lambda: set_office(session, jurisdiction, office))


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
    row = session.db.execute("SELECT amount FROM ledger WHERE person_id = ?", [paid_person]).fetchone()
    assert Decimal(row[0]) == Decimal(row[0]).quantize(Decimal("0.01"))
