"""Restore from a backup (administrator): check the backup, save the current file first, then copy it back.

Two ways in:
- the program is running (run_restore): the backup is copied into the open data file with the online backup
  API, so nothing has to be closed or renamed; the current file is first saved as a backup ("before-restore").
- the data file cannot even be opened at start (restore_damaged_file): the damaged file is renamed aside,
  untouched, and the backup copied in its place. Nobody can log in to a damaged file, so the administrator's
  username and password are checked against the backup being restored.
Either way the restored file gets an audit entry naming the backup and the copy of what it replaced.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlite_utils import Database

from desktop_app.services.backup import PAGES_PER_STEP, BackupError, BackupJob, Progress, backup_folder, run_backup
from desktop_app.services.errors import InputError
from desktop_app.services.integrity import check_integrity
from desktop_app.services.permissions import require
from desktop_app.services.session import Session, is_demo_path, load_office
from desktop_app.store import audit, files
from desktop_app.store import operators as operator_store
from desktop_app.store.audit import Stamp
from desktop_app.store.db import StoreError, atomic, connect
from desktop_app.store.migrations import MIGRATIONS, migrate


@dataclass(frozen=True)
class BackupCheck:
    ok: bool
    message: str                 # Chinese: why not, or what the backup holds
    schema: str | None = None
    people: int = 0
    ledger_rows: int = 0
    audit_entries: int = 0
    last_entry_at: str | None = None


@dataclass(frozen=True)
class RestoreJob:
    data_path: Path
    backup_path: Path
    safety: BackupJob
    stamp: Stamp


@dataclass(frozen=True)
class RestoreResult:
    check: BackupCheck
    saved_current: Path | None   # the copy of the file as it was before the restore


def verify_backup(path: Path, cancel: threading.Event | None = None) -> BackupCheck:
    """Full integrity_check, a data file of this program (not of a newer version), the audit chain intact."""
    path = Path(path)
    integrity = check_integrity(path, quick=False, cancel=cancel)
    if integrity.ok is None:
        return BackupCheck(False, "备份检查已取消。")
    if not integrity.ok:
        problems = "；".join(integrity.problems[:3]) or integrity.message
        return BackupCheck(False, f"该备份文件已损坏或无法读取（{problems}），请选择另一份备份。")
    db = files.open_readonly(path)
    try:
        tables = set(db.table_names())
        if not {"people", "ledger", "audit", "_sqlite_migrations"} <= tables:
            return BackupCheck(False, f"{path.name} 不是本经办台的数据文件或备份。")
        known = {m.name for m in MIGRATIONS._migrations}
        applied = files.applied_migrations(db)
        newer = [name for name in applied if name not in known]
        if newer:
            return BackupCheck(False, "该备份由更新版本的经办台创建（" + "、".join(newer) + "），请先升级本程序。")
        chain = audit.verify(db)
        if not chain.ok:
            return BackupCheck(False, f"该备份的审计记录校验未通过：{chain.message} 该备份可能被改动过，不能用于恢复。")
        people = files.row_count(db, "people")
        ledger_rows = files.row_count(db, "ledger")
        last = audit.last_at(db)
        schema = applied[-1] if applied else None
    except sqlite3.DatabaseError as exc:
        return BackupCheck(False, f"该备份文件无法读取（{exc}）。")
    finally:
        db.close()
    when = last.replace("T", " ") if last is not None else "无"
    return BackupCheck(True, f"备份完好：{people} 名参保人，{ledger_rows} 条缴费记录，{chain.entries} 条审计记录"
                             f"（最后一条 {when}）。", schema, people, ledger_rows, chain.entries,
                       last)


DEMO_REFUSED = "该文件是示例数据库（虚构的示例数据），不能恢复为正式数据。请选择本经办机构的备份。"


def is_demo_database(path: Path) -> bool:
    """A file the demo builder made (its marker, or its password-free demo administrator): never restored into
    a production place (issue 12). What a file says about itself can refuse it, never give it rights."""
    db = files.open_readonly(path)
    try:
        tables = set(db.table_names())
        marked = "settings" in tables and db.execute(
            "SELECT COUNT(*) FROM settings WHERE key = 'demo' AND value = 'true'").fetchone()[0]
        demo_admin = "operators" in tables and db.execute(
            "SELECT COUNT(*) FROM operators WHERE demo = 1").fetchone()[0]
        return bool(marked or demo_admin)
    except sqlite3.DatabaseError:
        return False
    finally:
        db.close()


def _refuse_demo(backup_path: Path, data_path: Path) -> None:
    if not is_demo_path(data_path) and is_demo_database(backup_path):
        raise InputError("backup", DEMO_REFUSED)


def plan_restore(session: Session, backup_path: Path) -> RestoreJob:
    require(session, "admin")
    backup_path = Path(backup_path)
    if not backup_path.is_file():
        raise InputError("backup", f"找不到备份文件 {backup_path}")
    if backup_path.resolve() == Path(session.path).resolve():
        raise InputError("backup", "不能用正在使用的数据文件本身恢复")
    safety = BackupJob(Path(session.path), backup_folder(session), None, session.stamp(), "before-restore")
    return RestoreJob(Path(session.path), backup_path, safety, session.stamp())


def _copy_in(backup_path: Path, db: Database, progress: Progress | None, cancel: threading.Event | None) -> None:
    def step(done, total):
        if cancel is not None and cancel.is_set():
            raise InputError("backup", "恢复已取消")
        if progress is not None:
            progress(done, total)

    files.copy_into(backup_path, db, step, PAGES_PER_STEP)


def _after_copy(db: Database, stamp: Stamp, backup_path: Path, check: BackupCheck, saved: Path | None,
                how: str) -> None:
    # a backup from an older version gets the current schema, with its entry in the same transaction
    migrate(db, lambda names: audit.append(db, stamp, "schema.migrate", "schema", None, {"applied": names}))
    with atomic(db):
        audit.append(db, stamp, "backup.restore", f"backups:{backup_path.name}", {"saved_as": str(saved) if saved else None},
                     {"restored_from": str(backup_path), "schema": check.schema, "people": check.people,
                      "ledger_rows": check.ledger_rows, "audit_entries": check.audit_entries, "how": how})


def run_restore(job: RestoreJob, progress: Progress | None = None,
                cancel: threading.Event | None = None) -> RestoreResult:
    """Any thread (own connections). Raises InputError when the backup is refused, StoreError/BackupError when
    the current file cannot be saved first (then nothing is restored)."""
    check = verify_backup(job.backup_path, cancel)
    if not check.ok:
        raise InputError("backup", check.message)
    _refuse_demo(job.backup_path, job.data_path)
    saved = run_backup(job.safety).path   # the current file first: a restore can itself be undone
    db = connect(job.data_path)
    try:
        _copy_in(job.backup_path, db, progress, cancel)
        _after_copy(db, job.stamp, job.backup_path, check, saved, "online")
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"恢复未能完成（{exc}）。当前文件已另存为 {saved}；请关闭程序后重新启动，在启动时选择从备份恢复。") from exc
    finally:
        db.close()
    return RestoreResult(check, saved)


def finish_restore(session: Session) -> None:
    """On the window's thread after run_restore: reload the office and ask for a login again (the restored
    file has the operators of its own time)."""
    session.office = load_office(session.db)
    session.role, session.operator_id, session.operator, session.full_name = None, None, "", ""
    session.locked = session.must_change_password = session.demo_login = False


def _admin_in_backup(backup_path: Path, username: str, password: str) -> str:
    from desktop_app.services.auth import check_password

    db = files.open_readonly(backup_path)
    try:
        if "operators" not in db.table_names():
            return f"{username}（备份早于操作员登录功能）"
        row = operator_store.active_by_username(db, (username or "").strip())
    finally:
        db.close()
    if row is None or row["role"] != "admin" or not check_password(password or "", row["password_hash"]):
        raise InputError("password", "用户名或密码不正确，或该账户在此备份中不是管理员。")
    return row["username"]


def restore_damaged_file(data_path: Path, backup_path: Path, username: str, password: str,
                         clock: Callable[[], datetime] = datetime.now,
                         progress: Progress | None = None) -> RestoreResult:
    """At start, when the data file cannot be opened: check the backup and the administrator's password in it,
    rename the damaged file aside (kept as it is), copy the backup in its place."""
    data_path, backup_path = Path(data_path), Path(backup_path)
    check = verify_backup(backup_path)
    if not check.ok:
        raise InputError("backup", check.message)
    _refuse_demo(backup_path, data_path)
    operator = _admin_in_backup(backup_path, username, password)
    at = clock().replace(microsecond=0)
    saved = data_path.with_name(f"{data_path.name}.damaged-{at:%Y%m%d-%H%M%S}")
    try:
        for suffix in ("", "-wal", "-shm"):
            part = data_path.with_name(data_path.name + suffix)
            if part.exists():
                part.replace(saved.with_name(saved.name + suffix))
    except OSError as exc:
        raise BackupError(f"无法移开损坏的数据文件（{exc.strerror or exc}）：请确认没有其他程序正在使用它。") from exc
    db = connect(data_path)
    try:
        _copy_in(backup_path, db, progress, None)
        _after_copy(db, Stamp(operator, at.isoformat()), backup_path, check, saved, "at_start")
    finally:
        db.close()
    return RestoreResult(check, saved)
