"""Backups (online API, last N kept), restore after checking the backup, CSV export, integrity check."""

import contextlib
import csv
import json
import sqlite3
import subprocess
import sys
import threading
from datetime import date, timedelta
from pathlib import Path

import pytest

from desktop_app.services import auth, backup, export, integrity, operators, restore
from desktop_app.services.errors import InputError
from desktop_app.services.permissions import PermissionDenied
from desktop_app.services.session import open_session, open_trusted_session
from desktop_app.services.settings import set_setting
from desktop_app.store import audit
from tests.conftest import BACKUP_PASSPHRASE, FIXED_NOW, make_id


class Ticker:
    """datetime.now for backup names: one second later at each call."""

    def __init__(self, start=FIXED_NOW):
        self.at = start

    def __call__(self):
        self.at += timedelta(seconds=1)
        return self.at


def opened(path: Path) -> Path:
    """A backup opened (decrypted with the test passphrase) into a plain file beside it, for looking inside."""
    from desktop_app.services.backup_crypto import is_encrypted

    if not is_encrypted(path):
        return path
    plain, _key = restore.open_backup(path, path.with_name("opened.sqlite3"), None, BACKUP_PASSPHRASE)
    target = path.with_name(path.stem + ".opened.sqlite3")
    plain.replace(target)
    return target


def people(path: Path) -> int:
    conn = sqlite3.connect(opened(path))
    try:
        return conn.execute("SELECT COUNT(*) FROM people").fetchone()[0]
    finally:
        conn.close()


@contextlib.contextmanager
def undeletable(path: Path):
    """The file cannot be deleted while the block runs: held open on Windows (as an antivirus or Explorer holds
    it), immutable on Linux (chattr +i: root on ext4, as CI runs)."""
    if sys.platform == "win32":
        with path.open("rb"):
            yield
        return
    if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def test_an_old_backup_that_cannot_be_deleted_is_said_not_dropped(session, tmp_path):
    """Issue 16: a failed prune is reported in the result, its warning and the audit entry."""
    folder = tmp_path / "备份"
    set_setting(session, "backup_folder", str(folder))
    set_setting(session, "backup_keep", 2)
    ticks = Ticker()
    first = backup.run_backup(backup.plan_backup(session, manual=True), now=ticks)
    backup.run_backup(backup.plan_backup(session, manual=True), now=ticks)
    with undeletable(first.path):
        third = backup.run_backup(backup.plan_backup(session, manual=True), now=ticks)
    assert third.prune_failed == (first.path,) and third.pruned == () and first.path.exists()
    assert first.path.name in third.warning and "未能删除" in third.warning
    entry = [e for e in audit.entries(session.db) if e["action"] == "backup.create"][0]   # the newest
    assert first.path.name in json.loads(entry["after"])["prune_failed"]
    fourth = backup.run_backup(backup.plan_backup(session, manual=True), now=ticks)   # deletable again
    assert fourth.prune_failed == () and not first.path.exists() and fourth.warning == ""


def test_a_backup_is_a_checked_single_file_and_only_the_last_n_are_kept(session, enrolled, tmp_path):
    enrolled(first_month=date(2025, 1, 1), paid_through=date(2025, 3, 1))
    folder = tmp_path / "U盘" / "经办台备份"
    set_setting(session, "backup_folder", str(folder))
    set_setting(session, "backup_keep", 3)
    (folder).mkdir(parents=True)
    (folder / "别人的文件.sqlite3").write_bytes(b"keep me")
    ticks, seen = Ticker(), []
    results = [backup.run_backup(backup.plan_backup(session, manual=True), progress=lambda d, t: seen.append((d, t)),
                                 now=ticks) for _ in range(5)]
    kept = backup.list_backups(folder, session.path)
    assert [b.path for b in kept] == [r.path for r in reversed(results[-3:])]
    assert (folder / "别人的文件.sqlite3").exists()          # only its own backups are ever deleted
    assert not list(folder.glob("*.partial")) and not list(folder.glob("*-wal"))
    assert seen and seen[-1][0] == seen[-1][1]                # progress reaches the end
    assert all(b.encrypted and b"CREATE TABLE" not in b.path.read_bytes() for b in kept)   # nothing in clear
    copy = opened(kept[0].path)
    conn = sqlite3.connect(copy)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert conn.execute("SELECT COUNT(*) FROM ledger").fetchone()[0] == 3
    conn.close()
    assert integrity.check_integrity(copy, quick=False).ok
    entries = [e for e in audit.entries(session.db) if e["action"] == "backup.create"]
    assert len(entries) == 5 and '"kind":"manual"' in entries[0]["after"]
    assert audit.verify(session.db).ok


def test_a_backup_taken_while_clerks_save_is_one_consistent_snapshot(session, enrolled, tmp_path):
    enrolled(first_month=date(2025, 1, 1), paid_through=date(2025, 2, 1))
    writer = open_trusted_session(session.path, "另一窗口", clock=lambda: FIXED_NOW)
    counter = iter(range(301, 999, 2))

    def busy(done, total):  # a clerk enrols someone between the copy's steps
        from desktop_app.services.enrolment import EnrolmentForm, enrol

        enrol(writer, EnrolmentForm(make_id(seq=next(counter)), "李四", "", "", "freelancer", ["hukou"], False,
                                    "with_account", None, date(2025, 6, 1)), date(2025, 6, 16))

    job = backup.BackupJob(session.path, tmp_path / "b", 5, session.stamp(), "auto")
    try:
        result = backup.run_backup(job, progress=busy, pages=2)
    finally:
        writer.close()
    assert people(result.path) == 1 and people(session.path) > 1
    conn = sqlite3.connect(opened(result.path))
    from sqlite_utils import Database

    assert audit.verify(Database(conn)).ok
    conn.close()


def test_an_unreachable_backup_folder_gives_a_clear_message(session, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    job = backup.BackupJob(session.path, blocker / "sub", 5, session.stamp(), "auto")
    with pytest.raises(backup.BackupError, match="U盘是否插好"):
        backup.run_backup(job)
    with pytest.raises(InputError, match="不存在或无法访问"):
        backup.check_backup_folder(str(tmp_path / "missing"))


def test_daily_backup_is_due_after_24_hours(session, tmp_path):
    folder = tmp_path / "b"
    assert backup.backup_due(folder, session.path, FIXED_NOW)
    job = backup.BackupJob(session.path, folder, 5, session.stamp(), "auto")
    backup.run_backup(job, now=lambda: FIXED_NOW)
    assert not backup.backup_due(folder, session.path, FIXED_NOW + timedelta(hours=23))
    assert backup.backup_due(folder, session.path, FIXED_NOW + timedelta(hours=24))


def test_restore_checks_the_backup_saves_the_current_file_and_is_audited(session, enrolled, tmp_path):
    first = enrolled(first_month=date(2025, 1, 1), paid_through=date(2025, 2, 1))
    set_setting(session, "backup_folder", str(tmp_path / "b"))
    made = backup.run_backup(backup.plan_backup(session, manual=True), now=Ticker())
    enrolled(first_month=date(2025, 3, 1))  # after the backup: in the saved copy, not in the restored file
    assert session.db["people"].count == 2
    job = restore.plan_restore(session, made.path)
    with pytest.raises(restore.NeedsConfirmation) as asked:   # the newer work is set aside: confirmed first
        restore.run_restore(job)
    assert "少于当前数据" in asked.value.message and session.db["people"].count == 2
    result = restore.run_restore(job, confirmed=asked.value.warnings)
    restore.finish_restore(session)
    assert session.db["people"].count == 1 and session.db["people"].get(first)
    assert people(result.saved_current) == 2 and result.saved_current.name.endswith("-before-restore.fxbak")
    assert session.role is None                      # the restored file's operators: log in again
    assert session.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    last = audit.entries(session.db, 1)[0]
    assert last["action"] == "backup.restore" and made.path.name in last["entity"]
    assert "少于当前数据" in last["after"]                    # what the administrator confirmed
    assert audit.verify(session.db).ok
    assert integrity.check_integrity(session.path).ok


def test_a_damaged_or_tampered_or_foreign_backup_is_refused(session, enrolled, tmp_path):
    enrolled(first_month=date(2025, 1, 1))
    made = backup.run_backup(backup.BackupJob(session.path, tmp_path / "b", 5, session.stamp(), "auto"))
    tampered = tmp_path / "tampered.sqlite3"
    tampered.write_bytes(opened(made.path).read_bytes())   # a backup of an earlier version, in clear
    conn = sqlite3.connect(tampered)
    conn.execute("DROP TRIGGER audit_no_update")
    conn.execute("UPDATE audit SET operator = '别人' WHERE id = 2")
    conn.commit()
    conn.close()
    damaged = tmp_path / "damaged.sqlite3"
    data = bytearray(opened(made.path).read_bytes())
    data[4096 * 2: 4096 * 2 + 2000] = b"\xff" * 2000
    damaged.write_bytes(bytes(data))
    foreign = tmp_path / "other.sqlite3"
    sqlite3.connect(foreign).execute("CREATE TABLE x (y)").connection.close()
    for path, message in ((tampered, "审计记录校验未通过"), (damaged, "损坏"), (foreign, "不是本经办台")):
        with pytest.raises(InputError, match=message):
            restore.run_restore(restore.plan_restore(session, path))
    assert session.db["people"].count == 1 and audit.verify(session.db).ok


def test_only_the_administrator_backs_up_by_hand_and_restores(db_path, tmp_path):
    s = open_session(db_path)
    try:
        auth.ensure_first_admin(s)
        auth.login(s, "admin", "admin")
        auth.change_password(s, "admin", "Guanli2025x")
        operators.create_operator(s, "jb", "经办甲", "clerk", "Clerk2025x")
        auth.login(s, "jb", "Clerk2025x")
        auth.change_password(s, "Clerk2025x", "Clerk2025y")
        assert backup.plan_backup(s).kind == "auto"      # the automatic backup runs for anyone logged in
        for action in (lambda: backup.plan_backup(s, manual=True), lambda: restore.plan_restore(s, db_path),
                       lambda: export.plan_export(s, tmp_path)):
            with pytest.raises(PermissionDenied, match="经办员"):
                action()
    finally:
        s.close()


def test_a_file_that_cannot_be_opened_is_restored_at_start_with_the_admin_password_of_the_backup(db_path, tmp_path):
    s = open_session(db_path)
    auth.ensure_first_admin(s)
    auth.login(s, "admin", "admin")
    auth.change_password(s, "admin", "Guanli2025x")
    made = backup.run_backup(backup.plan_backup(s, manual=True))
    s.close()
    db_path.write_bytes(b"\x00" * 8192)   # the disk ate the file
    with pytest.raises(InputError, match="备份口令"):
        restore.restore_damaged_file(db_path, made.path, "admin", "Guanli2025x")
    with pytest.raises(InputError, match="用户名或密码不正确"):
        restore.restore_damaged_file(db_path, made.path, "admin", "wrong-one1", passphrase=BACKUP_PASSPHRASE)
    assert db_path.read_bytes() == b"\x00" * 8192   # nothing moved on a refusal
    result = restore.restore_damaged_file(db_path, made.path, "admin", "Guanli2025x", clock=lambda: FIXED_NOW,
                                          passphrase=BACKUP_PASSPHRASE)
    assert result.saved_current.read_bytes() == b"\x00" * 8192
    reopened = open_session(db_path)
    try:
        assert auth.login(reopened, "admin", "Guanli2025x").role == "admin"
        assert [e["action"] for e in audit.entries(reopened.db, 2)] == ["auth.login", "backup.restore"]
        assert audit.verify(reopened.db).ok
    finally:
        reopened.close()


def test_export_writes_every_table_as_excel_readable_csv_with_ids_masked(session, enrolled, tmp_path):
    pid = enrolled(first_month=date(2025, 1, 1), paid_through=date(2025, 2, 1))
    full = session.db["people"].get(pid)["id_number"]
    result = export.run_export(export.plan_export(session, tmp_path), now=lambda: FIXED_NOW)
    assert result.folder.name == "经办台导出-20250616-093000" and result.masked
    files = {p.name for p in result.folder.iterdir()}
    assert {"参保人员.csv", "缴费记录.csv", "审计记录.csv", "经办决定.csv", "操作员.csv", "说明.txt"} <= files
    raw = (result.folder / "参保人员.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    everything = "".join(p.read_text(encoding="utf-8-sig") for p in result.folder.iterdir())
    assert full not in everything                                  # not in JSON columns, not in the audit log
    assert full[:4] + "*" * 10 + full[-4:] in everything
    assert "scrypt$" not in everything
    with open(result.folder / "缴费记录.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 2 and rows[0]["费款所属期"] == "2025-01"
    assert audit.entries(session.db, 1)[0]["action"] == "export.csv"


def test_export_with_full_id_numbers_keeps_them_as_text_for_excel(session, enrolled, tmp_path):
    pid = enrolled(first_month=date(2025, 1, 1))
    full = session.db["people"].get(pid)["id_number"]
    result = export.run_export(export.plan_export(session, tmp_path, full_id_numbers=True))
    with open(result.folder / "参保人员.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows[0]["身份证号"] == "\t" + full
    assert '"id_numbers":"full"' in audit.entries(session.db, 1)[0]["after"]


def test_a_cancelled_export_or_backup_leaves_nothing_half_written(session, enrolled, tmp_path):
    enrolled(first_month=date(2025, 1, 1))
    stop = threading.Event()
    stop.set()
    with pytest.raises(backup.Cancelled):
        backup.run_backup(backup.BackupJob(session.path, tmp_path / "b", 5, session.stamp(), "auto"), cancel=stop)
    assert list((tmp_path / "b").iterdir()) == []


def test_integrity_check_reports_a_damaged_file_in_chinese(tmp_path, db_path):
    assert integrity.check_integrity(db_path).ok
    damaged = tmp_path / "damaged.sqlite3"
    conn = sqlite3.connect(damaged)
    conn.execute("CREATE TABLE t (x)")
    conn.executemany("INSERT INTO t VALUES (?)", [("x" * 500,)] * 200)
    conn.execute("CREATE INDEX i ON t (x)")
    conn.commit()
    conn.close()
    data = bytearray(damaged.read_bytes())
    data[4096 * 3 + 100: 4096 * 3 + 3000] = b"\x07" * 2900
    damaged.write_bytes(bytes(data))
    result = integrity.check_integrity(damaged)
    assert result.ok is False and "已损坏" in result.message and "备份恢复" in result.message
    not_db = tmp_path / "junk.sqlite3"
    not_db.write_bytes(b"hello" * 1000)
    assert integrity.check_integrity(not_db).ok is False
    assert integrity.check_integrity(tmp_path / "missing.sqlite3").ok is False
    stop = threading.Event()
    stop.set()
    cancelled = integrity.check_integrity(db_path, cancel=stop)   # asked to stop before it starts
    assert cancelled.ok is None and "已取消" in cancelled.message


def test_an_integrity_check_cancelled_while_it_runs_says_so(tmp_path):
    """取消 during the check: SQLite is interrupted at its next progress call, and the result is "cancelled"."""
    big = tmp_path / "big.sqlite3"
    conn = sqlite3.connect(big)
    conn.execute("CREATE TABLE t (x)")
    conn.executemany("INSERT INTO t VALUES (?)", ((f"{i:08d}" * 8,) for i in range(60_000)))
    conn.execute("CREATE INDEX i ON t (x)")
    conn.commit()
    conn.close()

    class StopOnceStarted(threading.Event):
        """Not set when the check starts; set at the first time SQLite asks during the run."""
        asked = 0

        def is_set(self):
            self.asked += 1
            return self.asked > 1

    assert integrity.check_integrity(big, quick=False).ok is True
    stop = StopOnceStarted()
    # the full check (a backup before restore) walks every row: SQLite asks every 200,000 steps
    result = integrity.check_integrity(big, quick=False, cancel=stop)
    assert stop.asked >= 2 and result.ok is None and "已取消" in result.message


def test_read_only_checks_open_files_with_any_name(session, tmp_path):
    from desktop_app.store.db import readonly_uri

    # the characters a SQLite URI treats specially; "?" cannot be in a Windows file name
    name = "U盘 备份#1 100%" + ("" if sys.platform == "win32" else "?")
    odd = tmp_path / name / "flexins-20250616-093000.sqlite3"
    made = backup.run_backup(backup.BackupJob(session.path, odd.parent, 5, session.stamp(), "auto"))
    assert restore.verify_backup(made.path, passphrase=BACKUP_PASSPHRASE).ok
    plain = opened(made.path)
    assert integrity.check_integrity(plain, quick=False).ok
    conn = sqlite3.connect(readonly_uri(plain), uri=True)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        conn.execute("CREATE TABLE x (y)")
    conn.close()
