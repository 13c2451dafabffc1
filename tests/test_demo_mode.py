"""Demo mode comes only from the demo file's own path, never from what a file says (issue 12, point 2)."""

import sqlite3

import pytest
from PySide6.QtWidgets import QDialog

from desktop_app.services import auth, restore
from desktop_app.services.errors import InputError
from desktop_app.services.session import open_session, open_trusted_session


def forge_demo_marker(path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO settings (key, value) VALUES ('demo', 'true')"
                 " ON CONFLICT (key) DO UPDATE SET value = 'true'")
    conn.commit()
    conn.close()


def test_a_settings_row_does_not_make_a_production_file_a_demo(db_path):
    forge_demo_marker(db_path)
    s = open_session(db_path)
    try:
        assert not s.demo
        with pytest.raises(InputError, match="只有示例数据库"):
            auth.demo_login(s)
        assert s.role is None
    finally:
        s.close()


def test_starting_the_program_on_a_forged_file_asks_for_a_login(qtbot, db_path, monkeypatch):
    from desktop_app import __main__ as main
    from desktop_app.ui.app import create_application
    from desktop_app.ui.login_dialog import LoginDialog

    forge_demo_marker(db_path)
    asked = []
    monkeypatch.setattr(LoginDialog, "exec", lambda self: asked.append(self.session.role) or
                        QDialog.DialogCode.Rejected)
    monkeypatch.setattr(auth, "demo_login", lambda s: pytest.fail("demo login on a production file"))
    assert main.run_window(create_application([]), main.parse_args(["--db", str(db_path)])) == 0
    assert asked == [None]   # nobody logged in: the login dialog was shown


def test_the_demo_file_at_its_own_place_logs_in_by_itself(demo_db_path):
    s = open_session(demo_db_path)
    try:
        assert s.demo and auth.demo_login(s).role == "admin"
    finally:
        s.close()


def test_a_demo_database_is_never_restored_into_a_production_file(demo_db_path, db_path, tmp_path):
    staged = tmp_path / "elsewhere"
    staged.mkdir()
    copy = staged / "flexins-20250616-093000.sqlite3"
    src, dst = sqlite3.connect(demo_db_path), sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    dst.close()
    s = open_trusted_session(db_path, "测试员")
    try:
        job = restore.plan_restore(s, copy)
        with pytest.raises(InputError, match="示例数据库"):
            restore.run_restore(job)
    finally:
        s.close()
    with pytest.raises(InputError, match="示例数据库"):
        restore.restore_damaged_file(db_path, copy, "demo", "x")
