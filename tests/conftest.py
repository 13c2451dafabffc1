"""Shared fixtures: a real SQLite file in tmp_path with the migrations applied, and a session on it."""

import os
import sys
from datetime import datetime

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# PySide6 6.12 on CPython 3.11 drops references to None: scripts/setup pins None in every process of the venv
# (scripts/none_pin.py); without that a run would abort half-way with "none_dealloc".
if sys.implementation.name == "cpython" and sys.version_info < (3, 12) and sys.getrefcount(None) < 1 << 40:
    pytest.exit("None is not pinned in this Python 3.11 environment: run the tests with scripts/test "
                "(scripts/setup installs scripts/none_pin.py into the venv)", returncode=4)

FIXED_NOW = datetime(2025, 6, 16, 9, 30, 0)
FIRST_SCHEMA = __import__("pathlib").Path(__file__).parent / "fixtures" / "schema_m001.sqlite3"  # session 1's file


TODAY = FIXED_NOW.date()
OFFICE_NAME = "信阳市医疗保障局浉河区经办窗口"
OFFICE_CONTACT = {"address": "浉河区新华西路18号政务服务中心三楼", "phone": "0376-6229999",
                  "channels": ["信阳市各税务局办税服务厅", "“豫税通”APP"], "review_body": "浉河区人民政府",
                  "court": "浉河区人民法院"}


def make_id(birth: str = "19900101", area: str = "411502", seq: int = 123) -> str:
    """A valid 18-digit ID number (GB 11643 check digit); an odd seq makes a man."""
    from desktop_app.services.demo_people import check_digit

    first17 = f"{area}{birth}{seq:03d}"
    return first17 + check_digit(first17)


@pytest.fixture
def db(tmp_path):
    """A bare store connection on a new file with every migration applied (store tests: no office, no session)."""
    from desktop_app.store.db import connect
    from desktop_app.store.migrations import migrate

    database = connect(tmp_path / "t.sqlite3")
    migrate(database)
    yield database
    database.close()


BACKUP_PASSPHRASE = "信阳浉河 backup 2025"


@pytest.fixture(scope="session")
def backup_key():
    """The key of BACKUP_PASSPHRASE, derived once per run (scrypt at N=2^17 costs a third of a second)."""
    from desktop_app.services.backup_crypto import new_key

    return new_key(BACKUP_PASSPHRASE)


@pytest.fixture
def db_path(tmp_path, backup_key):
    """A data file with the current schema, the office set to 信阳市 (two modes, late fee: the widest rules)
    and the demo average wages entered (marked demo), so every counter action can be decided; backups are
    encrypted with BACKUP_PASSPHRASE."""
    from desktop_app.services.backup import store_key
    from desktop_app.services.demo_parameters import enter_demo_parameters
    from desktop_app.services.session import open_trusted_session
    from desktop_app.services.settings import set_office, set_office_contact

    path = tmp_path / "flexins.sqlite3"
    session = open_trusted_session(path, "测试员", clock=lambda: FIXED_NOW)
    set_office(session, "xinyang", OFFICE_NAME)
    set_office_contact(session, **OFFICE_CONTACT)
    enter_demo_parameters(session, "xinyang", TODAY)
    store_key(session, backup_key)
    session.close()
    return path


@pytest.fixture
def enrolled(session):
    """Factory: enrol a person in the session's office and optionally record months paid on time.

    enrolled(first_month=date(2025, 1, 1), paid_through=date(2025, 5, 1), id_number=None, name="王建国",
             mode="with_account", today=TODAY, enrolled_on=None) -> person_id
    (enrolled_on: the day of enrolment, default the first month's 5th or today, whichever is earlier)"""
    from datetime import date

    from desktop_app.services.enrolment import EnrolmentForm, enrol
    from desktop_app.services.payments import record_months

    counter = iter(range(101, 999, 2))

    def make(first_month=date(2025, 1, 1), paid_through=None, id_number=None, name="王建国",
             mode="with_account", today=TODAY, enrolled_on=None):
        form = EnrolmentForm(id_number or make_id(seq=next(counter)), name, "13800000000", "信阳市浉河区",
                             "freelancer", ["hukou"], False, mode, None, first_month)
        person_id = enrol(session, form, enrolled_on or min(first_month.replace(day=5), today)).person_id
        if paid_through is not None:
            m = first_month
            while m <= paid_through:
                record_months(session, person_id, [m], m.replace(day=10), f"R{m:%Y%m}{person_id}", today)
                m = date(m.year + m.month // 12, m.month % 12 + 1, 1)
        return person_id

    return make


@pytest.fixture
def session(db_path):
    """A clerk's session on db_path (operator 测试员, fixed clock); closed after the test."""
    from desktop_app.services.session import open_trusted_session

    s = open_trusted_session(db_path, "测试员", clock=lambda: FIXED_NOW)
    yield s
    s.close()


@pytest.fixture(scope="session")
def demo_db_template(tmp_path_factory):
    """The demo database, built once per test run; copy it with `demo_db_path` before writing to it."""
    from datetime import date

    from desktop_app.notices.issue import render
    from desktop_app.services.demo import build_demo_database

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    return build_demo_database(path, date(2025, 6, 16), render)


@pytest.fixture
def demo_db_path(demo_db_template, tmp_path, monkeypatch):
    """A private copy of the demo database for one test, at the demo file's own place (the data folder is
    tmp_path): only that path makes a file the demo database (issue 12)."""
    import sqlite3

    from desktop_app.services.session import DATA_DIR_ENV

    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))

    target = tmp_path / "demo.sqlite3"
    source = sqlite3.connect(demo_db_template)
    dest = sqlite3.connect(target)
    source.backup(dest)
    source.close()
    dest.close()
    return target
