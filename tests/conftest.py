"""Shared fixtures: a real SQLite file in tmp_path with the migrations applied, and a session on it."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import datetime  # noqa: E402

import pytest  # noqa: E402

FIXED_NOW = datetime(2025, 6, 16, 9, 30, 0)


@pytest.fixture
def db_path(tmp_path):
    """A data file with the current schema and the office set (信阳市, the widest set of rules)."""
    from desktop_app.services.session import open_session
    from desktop_app.services.settings import set_office

    path = tmp_path / "flexins.sqlite3"
    session = open_session(path, operator="测试员", clock=lambda: FIXED_NOW)
    set_office(session, "xinyang", "信阳市医疗保障局浉河区经办窗口")
    session.close()
    return path


@pytest.fixture
def session(db_path):
    """A clerk's session on db_path (operator 测试员, fixed clock); closed after the test."""
    from desktop_app.services.session import open_session

    s = open_session(db_path, operator="测试员", clock=lambda: FIXED_NOW)
    yield s
    s.close()


@pytest.fixture(scope="session")
def demo_db_template(tmp_path_factory):
    """The demo database, built once per test run; copy it with `demo_db_path` before writing to it."""
    from datetime import date

    from desktop_app.services.demo import build_demo_database

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    return build_demo_database(path, date(2025, 6, 16))


@pytest.fixture
def demo_db_path(demo_db_template, tmp_path):
    """A private copy of the demo database for one test."""
    import sqlite3

    target = tmp_path / "demo.sqlite3"
    source = sqlite3.connect(demo_db_template)
    dest = sqlite3.connect(target)
    source.backup(dest)
    source.close()
    dest.close()
    return target
