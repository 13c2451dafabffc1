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


# -- two engines ---------------------------------------------------------------------------------------------
# The store and service tests run on SQLite and on a real PostgreSQL server the tests start (tests/pg_server.py):
# in these modules every test that uses `db`, `db_path`, `session` or `staffed*` runs twice, [sqlite] and
# [postgresql]. A test that is about the file itself (its path, its folder, PRAGMAs) says
# @pytest.mark.sqlite_only.
BOTH_ENGINES = {
    "test_store", "test_audit", "test_audit_every_write", "test_auth_roles",
    "test_services_counter_story", "test_services_enrolment", "test_services_life_events",
    "test_services_notices", "test_services_parameters", "test_services_payments", "test_services_person_terms",
    "test_services_tax_import", "test_services_transfer_retirement", "test_session_checks", "test_fuzz_forms",
    "test_fuzz_import", "test_worklists_agree", "test_reminders", "test_report_close", "test_list_export",
    "test_import_late_fee",
}


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: a test about the SQLite file itself (runs on one engine)")


def pytest_generate_tests(metafunc):
    module = metafunc.module.__name__.rsplit(".", 1)[-1]
    if ("engine" in metafunc.fixturenames and module in BOTH_ENGINES
            and metafunc.definition.get_closest_marker("sqlite_only") is None):
        metafunc.parametrize("engine", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def engine(request):
    """'sqlite' (default) or 'postgresql' (BOTH_ENGINES modules run their tests on both)."""
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def pg_server():
    """One PostgreSQL server for the whole run (started in about a second), or the one named in
    FLEXINS_TEST_PG_URL (the tests on the installed Windows Python under Wine use a server on Linux)."""
    from tests.pg_server import for_tests

    server, why = for_tests()
    if why:
        pytest.fail(f"no PostgreSQL server for the tests: {why}")
    server.templates = {}
    # libpq reads it: a session's address (never with the password) and a tampering script both connect
    previous = os.environ.get("PGPASSWORD")
    os.environ["PGPASSWORD"] = server.password
    yield server
    server.stop()
    if previous is None:
        os.environ.pop("PGPASSWORD", None)
    else:
        os.environ["PGPASSWORD"] = previous


_PG_SERIAL = iter(range(1, 10 ** 9))


def pg_database(pg_server, template: str, build) -> str:
    """A fresh database copied from `template` (built once by build(url) on first use); dropped after the test by
    the caller. Returns its URL."""
    if template not in pg_server.templates:
        build(pg_server.create_database(template))
        pg_server.templates[template] = True
    return pg_server.create_database(f"t{next(_PG_SERIAL)}", template)


def _dbname(url: str) -> str:
    return url.rsplit("/", 1)[1]


@pytest.fixture
def pg_url(pg_server):
    """Factory: pg_url(template, build) -> URL of a fresh database; all dropped after the test."""
    made = []

    def make(template: str, build) -> str:
        url = pg_database(pg_server, template, build)
        made.append(url)
        return url

    yield make
    for url in made:
        pg_server.drop_database(_dbname(url))


def _migrated(url: str) -> None:
    from desktop_app.store.db import connect
    from desktop_app.store.migrations import migrate

    database = connect(url)
    migrate(database)
    database.close()


@pytest.fixture
def db(engine, tmp_path, request):
    """A bare store connection on a new file with every migration applied (store tests: no office, no session);
    on a server database when engine is postgresql."""
    from desktop_app.store.db import connect
    from desktop_app.store.migrations import migrate

    if engine == "postgresql":
        database = connect(request.getfixturevalue("pg_url")("tpl_migrated", _migrated))
    else:
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


def _office(path, backup_key) -> None:
    from desktop_app.services.backup import store_key
    from desktop_app.services.demo_parameters import enter_demo_parameters
    from desktop_app.services.session import open_trusted_session
    from desktop_app.services.settings import set_office, set_office_contact

    session = open_trusted_session(path, "测试员", clock=lambda: FIXED_NOW)
    set_office(session, "xinyang", OFFICE_NAME)
    set_office_contact(session, **OFFICE_CONTACT)
    enter_demo_parameters(session, "xinyang", TODAY)
    store_key(session, backup_key)
    session.close()


@pytest.fixture
def db_path(engine, tmp_path, backup_key, request, monkeypatch):
    """A data file with the current schema, the office set to 信阳市 (two modes, late fee: the widest rules)
    and the demo average wages entered (marked demo), so every counter action can be decided; backups are
    encrypted with BACKUP_PASSPHRASE. With engine postgresql: the URL of a server database made the same way
    (this PC's data folder, where the server's anchor lives, is tmp_path)."""
    if engine == "postgresql":
        from desktop_app.services.session import DATA_DIR_ENV

        monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))
        return request.getfixturevalue("pg_url")("tpl_office", lambda url: _office(url, backup_key))
    path = tmp_path / "flexins.sqlite3"
    _office(path, backup_key)
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


def copy_sqlite(source, target) -> None:
    """A consistent copy of a data file (SQLite's backup API: the WAL's pages too)."""
    import sqlite3

    source_conn, target_conn = sqlite3.connect(source), sqlite3.connect(target)
    source_conn.backup(target_conn)
    source_conn.close()
    target_conn.close()


def file_onto_server(path, url: str) -> None:
    """A data file's tables copied onto an empty server database as the administrator's move does it
    (services/server_migration.py), without its checks: for files the tests made themselves."""
    from desktop_app.services.server_migration import _copy
    from desktop_app.store import files
    from desktop_app.store.db import connect

    source, target = files.open_readonly(path), connect(url)
    try:
        tables = [r[0] for r in source.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        _copy(source, target, tables, None)
    finally:
        source.close()
        target.close()


def _demo_on_server(demo_file, url: str, folder) -> None:
    """The demo database moved onto a server database with the administrator's command (checks and all)."""
    from desktop_app.services.server_migration import move_file_to_server

    copy = folder / "demo-to-move.sqlite3"
    copy_sqlite(demo_file, copy)
    moved = move_file_to_server(copy, url)
    assert moved.ok, moved.message


@pytest.fixture
def demo(demo_db_path):
    """A trusted session on a copy of the demo database with every outlook decided for TODAY (the worklists,
    reminders, report and list export read them)."""
    from desktop_app.services import outlook
    from desktop_app.services.session import open_trusted_session

    session = open_trusted_session(demo_db_path, operator="测试员")
    outlook.refresh(session, TODAY)
    yield session
    session.close()


@pytest.fixture
def demo_db_path(engine, demo_db_template, tmp_path, monkeypatch, request):
    """A private copy of the demo database for one test, at the demo file's own place (the data folder is
    tmp_path): only that path makes a file the demo database (issue 12). With engine postgresql: the URL of a
    server database holding the demo office, moved there with the administrator's command."""
    from desktop_app.services.session import DATA_DIR_ENV

    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))
    if engine == "postgresql":
        return request.getfixturevalue("pg_url")("tpl_demo", lambda url: _demo_on_server(demo_db_template, url,
                                                                                         tmp_path))
    target = tmp_path / "demo.sqlite3"
    copy_sqlite(demo_db_template, target)
    return target
