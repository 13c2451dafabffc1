"""A data file with operators (built once per test run: each scrypt hash costs a tenth of a second).

staffed_path: like conftest's db_path (信阳市 office, demo wages) plus the administrator `admin` (password
ADMIN_PASSWORD), a clerk `jb` and a reviewer `fh` (password STAFF_PASSWORD), all past their first login.
staffed: an application session on a private copy, nobody logged in.
"""

from __future__ import annotations

import sqlite3

import pytest

ADMIN_PASSWORD = "Guanli2025x"
INITIAL_PASSWORD = "Counter2025"
STAFF_PASSWORD = "Counter2025x"


def _staff(path, backup_key) -> None:
    from desktop_app.services import auth, operators
    from desktop_app.services.backup import store_key
    from desktop_app.services.demo_parameters import enter_demo_parameters
    from desktop_app.services.session import open_session, open_trusted_session
    from desktop_app.services.settings import set_office
    from tests.conftest import FIXED_NOW, OFFICE_NAME, TODAY

    system = open_trusted_session(path, "测试员", clock=lambda: FIXED_NOW)
    set_office(system, "xinyang", OFFICE_NAME)
    enter_demo_parameters(system, "xinyang", TODAY)
    store_key(system, backup_key)
    system.close()
    s = open_session(path, clock=lambda: FIXED_NOW)
    try:
        auth.ensure_first_admin(s)
        auth.login(s, "admin", "admin")
        auth.change_password(s, "admin", ADMIN_PASSWORD)
        for username, role in (("jb", "clerk"), ("fh", "reviewer")):
            auth.login(s, "admin", ADMIN_PASSWORD)
            operators.create_operator(s, username, "测试" + username, role, INITIAL_PASSWORD)
            auth.login(s, username, INITIAL_PASSWORD)
            auth.change_password(s, INITIAL_PASSWORD, STAFF_PASSWORD)
        auth.logout(s)
    finally:
        s.close()


@pytest.fixture(scope="session")
def staffed_template(tmp_path_factory, backup_key):
    path = tmp_path_factory.mktemp("staffed") / "flexins.sqlite3"
    _staff(path, backup_key)
    return path


@pytest.fixture
def staffed_path(engine, tmp_path, request, monkeypatch):
    """A private copy of the staffed data (a file; or a server database when engine is postgresql)."""
    if engine == "postgresql":
        from desktop_app.services.session import DATA_DIR_ENV

        monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))
        backup_key = request.getfixturevalue("backup_key")
        return request.getfixturevalue("pg_url")("tpl_staffed", lambda url: _staff(url, backup_key))
    staffed_template = request.getfixturevalue("staffed_template")
    target = tmp_path / "flexins.sqlite3"
    source, dest = sqlite3.connect(staffed_template), sqlite3.connect(target)
    source.backup(dest)
    source.close()
    dest.close()
    return target


@pytest.fixture
def staffed(staffed_path):
    from desktop_app.services.session import open_session
    from tests.conftest import FIXED_NOW

    s = open_session(staffed_path, clock=lambda: FIXED_NOW)
    yield s
    s.close()
