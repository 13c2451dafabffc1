"""The schema upgrade (issue 12, points 14 and 17): enough disk space is checked before it starts, a full disk
half way rolls it back with a Chinese message, and the upgrade commits together with its audit entry."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from desktop_app.services import session as session_module
from desktop_app.services.session import open_trusted_session, pending_upgrade
from desktop_app.store.db import DiskFull, connect
from desktop_app.store.migrations import MIGRATIONS, migrate
from tests.conftest import make_id

REPO = Path(__file__).resolve().parents[1]
KILL_AT_MIGRATE_ENTRY = """
import os, signal, sys
sys.path.insert(0, {repo!r})
from desktop_app.store import audit
real = audit.append
def append(db, stamp, action, *rest, **kw):
    if action == "schema.migrate":
        os.kill(os.getpid(), signal.SIGKILL)   # the moment the upgrade's audit entry is written
    return real(db, stamp, action, *rest, **kw)
audit.append = append
from desktop_app.services.session import open_trusted_session
open_trusted_session({path!r}, "升级")
"""


def old_file(path: Path, months: int = 300) -> Path:
    """A file as the previous version left it (before m006), with some ledger rows for m006 to copy."""
    db = connect(path)
    MIGRATIONS.apply(db, stop_before="m006_ledger_by_month")
    with db.conn:
        db.execute("INSERT INTO people (id, id_number, name, sex, birth_date, category, mode, jurisdiction,"
                   " first_month, created_at, operator) VALUES (1, ?, '王建国', 'M', '1990-01-01', 'freelancer',"
                   " 'with_account', 'xinyang', '2000-01', '2025-01-01T09:00:00', '旧版')", [make_id()])
        db.conn.executemany(
            "INSERT INTO ledger (person_id, month, paid_on, amount, source, operator, recorded_at)"
            " VALUES (1, ?, ?, '437.50', 'counter', '旧版', '2025-01-01T09:00:00')",
            [(f"{2000 + i // 12}-{i % 12 + 1:02d}", f"{2000 + i // 12}-{i % 12 + 1:02d}-10") for i in range(months)])
    db.close()
    return path


def migrate_entries(path: Path) -> int:
    db = connect(path)
    try:
        return db.execute("SELECT COUNT(*) FROM audit WHERE action = 'schema.migrate'").fetchone()[0]
    finally:
        db.close()


def test_kill_minus_9_at_the_upgrade_never_leaves_it_without_its_audit_entry(tmp_path):
    path = old_file(tmp_path / "old.sqlite3")
    done = subprocess.run([sys.executable, "-c", KILL_AT_MIGRATE_ENTRY.format(repo=str(REPO), path=str(path))],
                          cwd=REPO, capture_output=True, text=True)
    assert done.returncode == -signal.SIGKILL, done.stderr
    # killed while the entry was being written: the upgrade went with it, so the file is still the old one
    assert pending_upgrade(path)[:1] == ["m006_ledger_by_month"] and migrate_entries(path) == 0
    session = open_trusted_session(path, "升级")
    session.close()
    assert pending_upgrade(path) == [] and migrate_entries(path) == 1


def test_too_little_disk_space_for_the_upgrade_is_said_before_it_starts(tmp_path, monkeypatch):
    path = old_file(tmp_path / "old.sqlite3")
    size = path.stat().st_size
    monkeypatch.setattr(session_module, "free_bytes", lambda folder: 2 ** 20)  # 1 MB left on the disk
    with pytest.raises(DiskFull) as e:
        open_trusted_session(path, "升级")
    assert "磁盘空间不足" in e.value.message and "约需" in e.value.message and "MB" in e.value.message
    assert "尚未改动" in e.value.message
    assert pending_upgrade(path)[:1] == ["m006_ledger_by_month"] and path.stat().st_size == size


def test_the_space_asked_for_grows_with_the_ledger_m006_copies(tmp_path):
    from desktop_app.store.migrations import upgrade_bytes

    small, big = old_file(tmp_path / "small.sqlite3", 12), old_file(tmp_path / "big.sqlite3", 3000)
    needed = []
    for path in (small, big):
        db = connect(path)
        needed.append(upgrade_bytes(db, ["m006_ledger_by_month"]))
        db.close()
    assert needed[1] > needed[0] and needed[1] - needed[0] >= 2 * 100 * 2 ** 10  # 3000 rows take >100 KiB


def test_a_disk_that_fills_during_the_upgrade_rolls_it_all_back(tmp_path):
    path = old_file(tmp_path / "old.sqlite3", 3000)
    db = connect(path)
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages + 2}")   # m006 needs the ledger's pages again
    with pytest.raises(DiskFull, match="磁盘空间已满"):
        migrate(db)
    db.close()
    assert pending_upgrade(path)[:1] == ["m006_ledger_by_month"]
    assert connect(path).execute("SELECT COUNT(*) FROM ledger").fetchone()[0] == 3000


def test_at_start_a_full_disk_gets_a_message_not_a_traceback_nor_the_restore_dialog(qtbot, tmp_path, monkeypatch):
    from desktop_app.ui import startup

    path = old_file(tmp_path / "old.sqlite3")
    monkeypatch.setattr(session_module, "free_bytes", lambda folder: 2 ** 20)
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(lambda parent, title, text: shown.append((title, text))))
    monkeypatch.setattr(startup.RestoreAtStartDialog, "exec", lambda self: pytest.fail("restore offered"))
    assert startup.open_data_file(path) is None
    assert shown and shown[0][0] == "磁盘空间不足" and "约需" in shown[0][1]
    assert not os.path.exists(str(path) + ".lock") or startup.instance_lock.acquire(path).release() is None
