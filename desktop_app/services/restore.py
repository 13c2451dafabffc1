"""Restore from a backup (administrator): check the backup, save the current file first, then copy it back.

Two ways in:
- the program is running (run_restore): the backup is copied into the open data file with the online backup
  API, so nothing has to be closed or renamed; the current file is first saved as a backup ("before-restore").
- the data file cannot even be opened at start (restore_damaged_file): the damaged file is renamed aside,
  untouched, and the backup copied in its place. Nobody can log in to a damaged file, so the administrator's
  username and password are checked against the backup being restored.
Either way the restored file gets an audit entry naming the backup and the copy of what it replaced.

What a backup must pass (issue 12): it opens with its passphrase (AES-GCM: any change to the file fails);
SQLite's full integrity check; a data file of this program, not of a newer version; its audit chain intact and
its tables what its audit entries say; its sha256 what was recorded when it was made (in this data file's
backup.create entry and in the folder's catalogue), and its chain as long as the catalogue saw it; never the
demo database into a production place. What the administrator confirms first (recorded in the restore's
entry): another office's file, an audit shorter than the current file's (the newer work is set aside), or a
chain that is not this file's own history.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlite_utils import Database

from desktop_app.services import anchors, backup_crypto
from desktop_app.services.backup import (PAGES_PER_STEP, BackupError, BackupJob, Progress, _key_of_file, _sha256,
                                         add_to_catalogue, backup_folder, catalogue_record, done_partial,
                                         note_partial, run_backup)
from desktop_app.services.backup_crypto import BackupCryptoError, BackupKey
from desktop_app.services.errors import InputError
from desktop_app.services.integrity import check_integrity
from desktop_app.services.permissions import require
from desktop_app.services.session import Session, is_demo_path, load_office
from desktop_app.store import audit, files
from desktop_app.store import operators as operator_store
from desktop_app.store import settings as settings_store
from desktop_app.store.audit import Stamp
from desktop_app.store.db import StoreError, atomic, connect
from desktop_app.store.migrations import MIGRATIONS, migrate
from desktop_app.store.verify import check_tables

MAX_KDF_N = 2 ** 20   # a crafted header must not make the passphrase check take gigabytes


@dataclass(frozen=True)
class BackupCheck:
    ok: bool
    message: str                 # Chinese: why not, or what the backup holds
    schema: str | None = None
    people: int = 0
    ledger_rows: int = 0
    audit_entries: int = 0
    last_entry_at: str | None = None
    office: dict | None = None
    head: str | None = None


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
    warnings: tuple[str, ...] = ()


class NeedsConfirmation(InputError):
    """The backup is sound, but the administrator must confirm these first (run again with confirmed=...)."""

    def __init__(self, warnings: list[str]):
        super().__init__("backup", "恢复前请确认：\n" + "\n".join(f"· {w}" for w in warnings))
        self.warnings = tuple(warnings)


DEMO_REFUSED = "该文件是示例数据库（虚构的示例数据），不能恢复为正式数据。请选择本经办机构的备份。"
PASSPHRASE_NEEDED = "请输入制作该备份时设置的备份口令。"


# -- opening a backup ------------------------------------------------------------------------------------
def backup_key(path: Path, known: BackupKey | None, passphrase: str | None) -> BackupKey:
    """The key that opens an encrypted backup: the data file's own when it made it, else from the passphrase."""
    try:
        header = backup_crypto.read_header(path)
    except OSError as exc:
        raise InputError("backup", f"无法读取备份文件 {Path(path).name}（{exc.strerror or exc}）。") from None
    except BackupCryptoError as error:
        raise InputError("backup", error.message) from None
    if known is not None and known.key_id == header.get("key_id"):
        return known
    if not passphrase:
        raise InputError("passphrase", PASSPHRASE_NEEDED)
    try:
        n, r, p = int(header["n"]), int(header["r"]), int(header["p"])
        if not (2 <= n <= MAX_KDF_N and 1 <= r <= 32 and 1 <= p <= 16):
            raise ValueError
        key = backup_crypto.derive(passphrase, str(header["salt"]), n, r, p)
    except (KeyError, ValueError, TypeError):
        raise InputError("backup", f"备份文件 {Path(path).name} 的文件头已损坏。") from None
    if key.key_id != header.get("key_id"):
        raise InputError("passphrase", "备份口令不正确（或该备份是用另一个备份口令制作的）。")
    return key


def open_backup(path: Path, data_path: Path, known: BackupKey | None, passphrase: str | None,
                progress: Progress | None = None) -> tuple[Path, BackupKey | None]:
    """(a plain copy to check and copy in, the key that opened it). An encrypted backup is opened into a hidden
    temporary file on the data file's disk (never beside the backup); a backup of an earlier version (.sqlite3)
    is used as it is."""
    path = Path(path)
    if not backup_crypto.is_encrypted(path):
        return path, None
    key = backup_key(path, known, passphrase)
    plain = Path(data_path).with_name(f".{Path(data_path).name}.{secrets.token_hex(4)}.restore.partial")
    note_partial(data_path, plain)
    try:
        backup_crypto.decrypt_file(path, plain, key, progress)
    except BackupCryptoError as error:
        done_partial(data_path, plain)
        raise InputError("backup", error.message) from None
    except OSError as exc:
        plain.unlink(missing_ok=True)
        done_partial(data_path, plain)
        raise BackupError(f"无法在数据文件夹中打开备份（{exc.strerror or exc}）：数据文件所在磁盘空间可能不足。") from exc
    return plain, key


def _close_backup(plain: Path, backup_path: Path, data_path: Path) -> None:
    if Path(plain) != Path(backup_path):
        Path(plain).unlink(missing_ok=True)
        done_partial(data_path, plain)


def _check_plain(path: Path, cancel: threading.Event | None = None) -> BackupCheck:
    """Full integrity_check, a data file of this program (not of a newer version), the audit chain intact, the
    tables what the chain says."""
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
            return BackupCheck(False, f"{Path(path).name} 不是本经办台的数据文件或备份。")
        known = {m.name for m in MIGRATIONS._migrations}
        applied = files.applied_migrations(db)
        newer = [name for name in applied if name not in known]
        if newer:
            return BackupCheck(False, "该备份由更新版本的经办台创建（" + "、".join(newer) + "），请先升级本程序。")
        chain = audit.verify(db)
        if not chain.ok:
            return BackupCheck(False, f"该备份的审计记录校验未通过：{chain.message} 该备份可能被改动过，不能用于恢复。")
        tables_check = check_tables(db)
        if not tables_check.ok:
            return BackupCheck(False, f"该备份的数据与其审计记录不符：{tables_check.message} 该备份被改动过，不能用于恢复。")
        people = files.row_count(db, "people")
        ledger_rows = files.row_count(db, "ledger")
        last = audit.last_at(db)
        schema = applied[-1] if applied else None
        office = {k: settings_store.get(db, k) for k in ("office_jurisdiction", "office_name")}
        _entries, head = anchors.head(db)
    except sqlite3.DatabaseError as exc:
        return BackupCheck(False, f"该备份文件无法读取（{exc}）。")
    finally:
        db.close()
    when = last.replace("T", " ") if last is not None else "无"
    return BackupCheck(True, f"备份完好：{people} 名参保人，{ledger_rows} 条缴费记录，{chain.entries} 条审计记录"
                             f"（最后一条 {when}）。", schema, people, ledger_rows, chain.entries, last, office, head)


def verify_backup(path: Path, cancel: threading.Event | None = None, *, data_path: Path | None = None,
                  passphrase: str | None = None, key: BackupKey | None = None) -> BackupCheck:
    """Open (an encrypted backup: with `key` or the passphrase) and check a backup without restoring it."""
    path = Path(path)
    data_path = Path(data_path) if data_path is not None else path
    try:
        plain, _key = open_backup(path, data_path, key, passphrase)
    except InputError as error:
        return BackupCheck(False, error.message)
    try:
        return _check_plain(plain, cancel)
    finally:
        _close_backup(plain, path, data_path)


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


def _refuse_demo(plain: Path, data_path: Path) -> None:
    if not is_demo_path(data_path) and is_demo_database(plain):
        raise InputError("backup", DEMO_REFUSED)


def recorded_sha256(backup_path: Path, data_path: Path, read_file: bool = True) -> list[tuple[str, str]]:
    """(where, sha256) recorded when the backup was made: the data file's backup.create entry, the catalogue."""
    backup_path = Path(backup_path)
    found = []
    if read_file and Path(data_path).is_file():
        try:
            db = files.open_readonly(data_path)
            try:
                for (after,) in db.execute("SELECT after FROM audit WHERE entity = ? AND action = 'backup.create'",
                                           [f"backups:{backup_path.name}"]):
                    made = json.loads(after)
                    if Path(made["file"]).resolve() == backup_path.resolve():  # this very file, not a namesake
                        found.append(("数据文件的审计记录", made["sha256"]))
            finally:
                db.close()
        except (sqlite3.DatabaseError, ValueError, KeyError, TypeError):
            pass
    record = catalogue_record(backup_path.parent, Path(data_path), backup_path.name)
    if record and record.get("sha256"):
        found.append(("备份目录", record["sha256"]))
    return found


def _compare_recorded(backup_path: Path, data_path: Path, plain: Path, check: BackupCheck,
                      read_file: bool = True) -> None:
    """Refuse a backup that is not what was made: another sha256, or its audit cut short since."""
    actual = _sha256(backup_path)
    for where, digest in recorded_sha256(backup_path, data_path, read_file):
        if digest != actual:
            raise InputError("backup", f"备份文件 {Path(backup_path).name} 的校验值与制作时{where}中记下的不符：该备份被改动过"
                                       "或已损坏，不能用于恢复。请选择另一份备份。")
    record = catalogue_record(Path(backup_path).parent, data_path, Path(backup_path).name)
    if record and record.get("entries") is not None:
        db = files.open_readonly(plain)
        try:
            problem = anchors.disagreement(db, anchors.Anchor(int(record["entries"]), record["head"],
                                                              record.get("made_at", ""), "备份目录"))
        finally:
            db.close()
        if problem:
            raise InputError("backup", f"该备份与制作时不同：{problem} 不能用于恢复。")


def _warnings(plain: Path, data_path: Path, check: BackupCheck) -> list[str]:
    """What the administrator confirms before this backup replaces the current data."""
    try:
        current = files.open_readonly(data_path)
    except sqlite3.Error:
        return []
    out = []
    try:
        office = {k: settings_store.get(current, k) for k in ("office_jurisdiction", "office_name")}
        entries, _head = anchors.head(current)
        if check.office and office.get("office_name") and check.office != office:
            out.append(f"该备份属于另一个经办机构（{check.office.get('office_name') or '未设置'}），"
                       f"不是当前的{office.get('office_name')}。")
        if check.audit_entries < entries:
            out.append(f"该备份的审计记录有 {check.audit_entries} 条，少于当前数据的 {entries} 条：备份之后办理的业务"
                       "将不在恢复后的数据中（当前数据会先另存为“恢复前自动保存”）。")
        if check.audit_entries and anchors.hash_at(current, check.audit_entries) not in (None, check.head):
            out.append("该备份的审计记录与当前数据的审计记录不是同一条链：它不是当前数据文件较早时的备份。")
        elif check.audit_entries and check.audit_entries > entries:
            out.append("该备份的审计记录比当前数据还多：它不是当前数据文件较早时的备份。")
    except sqlite3.DatabaseError:
        return out
    finally:
        current.close()
    return out


# -- restoring -----------------------------------------------------------------------------------------------
def plan_restore(session: Session, backup_path: Path) -> RestoreJob:
    require(session, "admin")
    if session.server:   # never over the live database every counter is using
        raise InputError("backup", "数据保存在服务器上：请把备份恢复到服务器上新建的空数据库并核对后再启用"
                                   "（python -m desktop_app.server restore …，见 docs/office-server.md）。")
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


def _after_copy(db: Database, stamp: Stamp, data_path: Path, backup_path: Path, check: BackupCheck,
                saved: Path | None, how: str, key: BackupKey | None, warnings: tuple[str, ...]) -> None:
    # a backup from an older version gets the current schema, with its entry in the same transaction
    migrate(db, lambda names: audit.append(db, stamp, "schema.migrate", "schema", None, {"applied": names}))
    with atomic(db):
        audit.append(db, stamp, "backup.restore", f"backups:{backup_path.name}", {"saved_as": str(saved) if saved else None},
                     {"restored_from": str(backup_path), "schema": check.schema, "people": check.people,
                      "ledger_rows": check.ledger_rows, "audit_entries": check.audit_entries, "how": how,
                      "warnings_confirmed": list(warnings)})
        if key is not None:
            _keep_key(db, stamp, key)
    anchors.reset(db, data_path, f"从备份 {backup_path.name} 恢复")
    record = {"kind": "restored", "file": backup_path.name, "made_at": stamp.at, "entries": None}
    folders = {Path(backup_path).parent}
    chosen = (settings_store.get(db, "backup_folder") or "").strip()
    if chosen:
        folders.add(Path(chosen).expanduser())
    for folder in folders:
        try:
            if folder.is_dir():
                add_to_catalogue(folder, data_path, record, key)
        except OSError:
            pass


def _keep_key(db: Database, stamp: Stamp, key: BackupKey) -> None:
    """The passphrase that opened the backup keeps the automatic backups going on this PC (the restored file's
    own copy of the key may be wrapped for another PC)."""
    from desktop_app.services.backup import current_key

    if (current := current_key(db)) is not None and current.key_id == key.key_id:
        return
    protector = anchors.PROTECTOR
    wrapped = protector[0](key.key) if protector is not None else key.key
    db.execute("INSERT INTO backup_keys (key_id, salt, n, r, p, protector, wrapped, created_at, operator)"
               " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key_id) DO UPDATE SET protector = excluded.protector,"
               " wrapped = excluded.wrapped", [key.key_id, key.salt, key.n, key.r, key.p,
                                               "dpapi" if protector is not None else "none", wrapped, stamp.at,
                                               stamp.operator])
    row = db.execute("SELECT created_at, operator FROM backup_keys WHERE key_id = ?", [key.key_id]).fetchone()
    audit.append(db, stamp, "backup.passphrase", f"backup_keys:{key.key_id}", None, {
        "key_id": key.key_id, "salt": key.salt, "n": key.n, "r": key.r, "p": key.p, "created_at": row[0],
        "operator": row[1], "reason": "restore"})


def run_restore(job: RestoreJob, progress: Progress | None = None, cancel: threading.Event | None = None,
                passphrase: str | None = None, confirmed: tuple[str, ...] | list[str] = ()) -> RestoreResult:
    """Any thread (own connections). Raises InputError when the backup is refused (field "passphrase": the
    passphrase is needed or wrong), NeedsConfirmation with the warnings to confirm, StoreError/BackupError when
    the current file cannot be saved first (then nothing is restored)."""
    plain, key = open_backup(job.backup_path, job.data_path, _key_of_file(job.data_path), passphrase)
    try:
        check = _check_plain(plain, cancel)
        if not check.ok:
            raise InputError("backup", check.message)
        _refuse_demo(plain, job.data_path)
        _compare_recorded(job.backup_path, job.data_path, plain, check)
        warnings = _warnings(plain, job.data_path, check)
        if set(warnings) - set(confirmed):
            raise NeedsConfirmation(warnings)
        safety = job.safety
        if safety.key is None and _key_of_file(job.data_path) is None and key is not None:
            safety = BackupJob(safety.data_path, safety.folder, safety.keep, safety.stamp, safety.kind, key)
        saved = run_backup(safety).path   # the current file first: a restore can itself be undone
        db = connect(job.data_path)
        try:
            _copy_in(plain, db, progress, cancel)
            _after_copy(db, job.stamp, job.data_path, job.backup_path, check, saved, "online", key, tuple(warnings))
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"恢复未能完成（{exc}）。当前文件已另存为 {saved}；请关闭程序后重新启动，在启动时选择从备份恢复。") from exc
        finally:
            db.close()
    finally:
        _close_backup(plain, job.backup_path, job.data_path)
    return RestoreResult(check, saved, tuple(warnings))


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
                         progress: Progress | None = None, passphrase: str | None = None) -> RestoreResult:
    """At start, when the data file cannot be opened: open the backup with its passphrase, check it and the
    administrator's password in it, rename the damaged file aside (kept as it is), copy the backup in its place."""
    data_path, backup_path = Path(data_path), Path(backup_path)
    plain, key = open_backup(backup_path, data_path, None, passphrase)
    try:
        check = _check_plain(plain)
        if not check.ok:
            raise InputError("backup", check.message)
        _refuse_demo(plain, data_path)
        _compare_recorded(backup_path, data_path, plain, check, read_file=False)  # the file is damaged
        operator = _admin_in_backup(plain, username, password)
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
            _copy_in(plain, db, progress, None)
            _after_copy(db, Stamp(operator, at.isoformat()), data_path, backup_path, check, saved, "at_start", key, ())
        finally:
            db.close()
    finally:
        _close_backup(plain, backup_path, data_path)
    return RestoreResult(check, saved)
