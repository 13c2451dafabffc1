"""Backups with SQLite's online backup API: a consistent copy while the program runs, the last N kept.

The work runs in any thread on its own connections (the window shows progress meanwhile): plan_backup()
on the window's thread checks who may back up and reads the settings; run_backup() does the copy. The
source is read inside one read transaction, so a clerk saving meanwhile neither waits nor restarts the copy
(WAL). The copy is made on the data file's own disk (a hidden temporary file, never on the USB stick in
clear), checked with quick_check, then encrypted into the backup folder (services/backup_crypto.py: AES-GCM,
the key from the administrator's backup passphrase) under a .partial name that becomes the final name only
when complete: a half-written copy never looks like a backup (issue 12).

Each backup is also written into the folder's catalogue ({stem}-catalogue.json, signed with the passphrase's
key): its file name, size and sha256, and the audit chain's count and head at that moment. A restore compares
the backup with it; the audit check holds the data file's chain against it (services/anchors.py).
"""

from __future__ import annotations

import errno
import hashlib
import hmac
import json
import os
import re
import secrets
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from desktop_app.services.json_files import write_json_atomically
from desktop_app.services import anchors, backup_crypto
from desktop_app.services.backup_crypto import BackupKey
from desktop_app.services.errors import InputError
from desktop_app.services.permissions import require
from desktop_app.services.session import Session
from desktop_app.store import audit, files
from desktop_app.store import settings as settings_store
from desktop_app.store.audit import Stamp
from desktop_app.store.db import StoreError, atomic, connect

PAGES_PER_STEP = 1024            # 4 MiB a step: progress a few times a second even on a slow USB stick
TAGS = {"": "备份", "before-restore": "恢复前自动保存", "damaged": "损坏文件原样保存"}
SUFFIX = ".fxbak"                # encrypted (issue 12); .sqlite3 backups of earlier versions are still listed
NO_KEY = "尚未设置备份口令，不能备份：请管理员在“备份与恢复”中设置备份口令（备份将用它加密）。"
Progress = Callable[[int, int], None]   # (pages done, pages in all)


class BackupError(StoreError):
    """The backup folder cannot be used or the copy failed; .message is Chinese."""


class Cancelled(Exception):
    pass


@dataclass(frozen=True)
class BackupJob:
    data_path: Path
    folder: Path
    keep: int | None         # None: prune nothing
    stamp: Stamp
    kind: str                # 'auto' | 'manual' | 'before-restore'
    key: BackupKey | None = None   # None: the data file's own (its backup passphrase's key)
    source: str | None = None      # the office's server (pg_dump: services/server_backup.py); data_path is then
                                   # this PC's place for it (services/server_login.local_place)


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    sha256: str
    seconds: float
    pruned: tuple[Path, ...] = ()
    audit_error: str | None = None   # the copy is good but the data file could not take the audit entry
    prune_failed: tuple[Path, ...] = ()   # older backups that were due to go but could not be deleted

    @property
    def warning(self) -> str:
        """What the person who backed up must know although the backup itself is good ("" when nothing)."""
        parts = []
        if self.prune_failed:
            parts.append(f"{len(self.prune_failed)} 份较早的备份未能删除（{self.prune_failed[0].name} 等），"
                         "备份文件夹会越来越满，请检查该文件夹的权限或是否被其他程序占用")
        if self.audit_error:
            parts.append(f"审计记录未能写入：{self.audit_error}")
        return "；".join(parts)


@dataclass(frozen=True)
class BackupFile:
    path: Path
    made_at: datetime
    size: int
    tag: str

    @property
    def encrypted(self) -> bool:
        return self.path.suffix == SUFFIX

    @property
    def label(self) -> str:
        return f"{self.made_at:%Y-%m-%d %H:%M:%S}　{TAGS.get(self.tag, self.tag)}　{self.size / 1048576:.1f} MB"


def default_folder(data_path: Path) -> Path:
    """Until the administrator chooses a USB drive or network share: a folder beside the data file."""
    return Path(data_path).parent / "备份"


def backup_folder(session: Session) -> Path:
    require(session, "read")
    chosen = (settings_store.get(session.db, "backup_folder") or "").strip()
    return Path(chosen).expanduser() if chosen else default_folder(session.path)


def plan_backup(session: Session, manual: bool = False) -> BackupJob:
    """A manual backup is the administrator's; the automatic one (at start, daily) runs for anyone logged in.
    Refused (InputError, Chinese) until the administrator has set the backup passphrase."""
    require(session, "admin" if manual else "read")
    if session.server and not manual:
        # every counter's PC would dump the whole server: the server's own scheduled task does it (docs)
        raise InputError("server_backup", "数据保存在服务器上：自动备份由服务器上的计划任务完成（见 docs/office-server.md）。")
    key = current_key(session.db)
    if key is None:
        raise InputError("backup_passphrase", NO_KEY)
    keep = int(settings_store.get(session.db, "backup_keep"))
    return BackupJob(Path(session.path), backup_folder(session), keep, session.stamp(),
                     "manual" if manual else "auto", key, session.source)


# -- the backup passphrase ---------------------------------------------------------------------------------
def set_backup_passphrase(session: Session, passphrase: str, repeat: str | None = None) -> str:
    """设置备份口令 (管理员): from now on backups are encrypted with a key derived from it; returns the key's id.
    Backups made before keep the passphrase they were made with."""
    require(session, "admin")
    passphrase = passphrase or ""
    if len(passphrase) < backup_crypto.MIN_PASSPHRASE:
        raise InputError("backup_passphrase", f"备份口令至少{backup_crypto.MIN_PASSPHRASE}个字符（可以是一句容易记住的话）")
    if repeat is not None and repeat != passphrase:
        raise InputError("backup_passphrase_repeat", "两次输入的备份口令不一致")
    from desktop_app.services.auth import is_common_password

    if is_common_password(passphrase):
        raise InputError("backup_passphrase", "备份口令太常见、太容易被猜到，请换一个")
    key = backup_crypto.new_key(passphrase)
    store_key(session, key)
    return key.key_id


def store_key(session: Session, key: BackupKey) -> None:
    """Keep the key in the data file (wrapped by the operating system where it can), audited without it."""
    require(session, "admin")
    protector = anchors.PROTECTOR
    wrapped = protector[0](key.key) if protector is not None else key.key
    stamp = session.stamp()
    with atomic(session.db):
        session.db.execute(
            "INSERT INTO backup_keys (key_id, salt, n, r, p, protector, wrapped, created_at, operator)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key_id) DO UPDATE SET protector = excluded.protector,"
            " wrapped = excluded.wrapped",
            [key.key_id, key.salt, key.n, key.r, key.p, "dpapi" if protector is not None else "none", wrapped,
             stamp.at, stamp.operator])
        row = session.db.execute("SELECT created_at, operator FROM backup_keys WHERE key_id = ?",
                                 [key.key_id]).fetchone()
        audit.append(session.db, stamp, "backup.passphrase", f"backup_keys:{key.key_id}", None, {
            "key_id": key.key_id, "salt": key.salt, "n": key.n, "r": key.r, "p": key.p, "created_at": row[0],
            "operator": row[1]})


def current_key(db) -> BackupKey | None:
    """The newest backup key of the data file, unwrapped; None when none is set or it cannot be unwrapped here
    (a data file restored on another PC: the administrator sets the passphrase again)."""
    try:
        row = db.execute("SELECT key_id, salt, n, r, p, protector, wrapped FROM backup_keys ORDER BY id DESC"
                         " LIMIT 1").fetchone()
    except sqlite3.DatabaseError:
        return None
    if row is None:
        return None
    key_id, salt, n, r, p, protector, wrapped = row
    try:
        if protector == "dpapi":
            if anchors.PROTECTOR is None:
                return None
            key = anchors.PROTECTOR[1](bytes(wrapped))
        else:
            key = bytes(wrapped)
    except OSError:
        return None
    if backup_crypto.key_id_of(key) != key_id:
        return None
    return BackupKey(key_id, key, salt, n, r, p)


def has_backup_key(session: Session) -> bool:
    require(session, "read")
    return current_key(session.db) is not None


def _name(data_path: Path, at: datetime, tag: str = "", n: int = 1) -> str:
    return (f"{data_path.stem}-{at:%Y%m%d-%H%M%S}" + (f"-{n}" if n > 1 else "") + (f"-{tag}" if tag else "")
            + SUFFIX)


def _pattern(data_path: Path) -> re.Pattern:
    return re.compile(rf"^{re.escape(data_path.stem)}-(\d{{8}}-\d{{6}})(?:-\d+)?(?:-([a-z-]+))?"
                      rf"(?:\.sqlite3|{re.escape(SUFFIX)})$")


def list_backups(folder: Path, data_path: Path) -> list[BackupFile]:
    """This data file's backups in the folder, newest first (other files there are left alone)."""
    pattern = _pattern(Path(data_path))
    out = []
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return []
    for path in entries:
        match = pattern.match(path.name)
        if not match or not path.is_file():
            continue
        try:
            made = datetime.strptime(match.group(1), "%Y%m%d-%H%M%S")
            out.append(BackupFile(path, made, path.stat().st_size, match.group(2) or ""))
        except (ValueError, OSError):
            continue
    return sorted(out, key=lambda b: (b.made_at, b.path.name), reverse=True)


def latest_backup(folder: Path, data_path: Path) -> BackupFile | None:
    found = [b for b in list_backups(folder, data_path) if b.tag == ""]
    return found[0] if found else None


def prune(folder: Path, data_path: Path, keep: int) -> tuple[list[Path], list[Path]]:
    """Delete the oldest plain backups beyond `keep`; copies saved before a restore are never deleted.
    Returns (deleted, could not be deleted): a backup that stays is said, not dropped silently."""
    plain = [b for b in list_backups(folder, data_path) if b.tag == ""]
    removed, failed = [], []
    for old in plain[max(keep, 1):]:
        try:
            old.path.unlink()
            removed.append(old.path)
        except OSError:   # read-only, in use (Windows), or a USB stick pulled meanwhile
            failed.append(old.path)
    return removed, failed


def _folder_error(folder: Path, exc: OSError) -> BackupError:
    if exc.errno == errno.ENOSPC:
        return BackupError(f"备份文件夹 {folder} 所在的U盘或磁盘已满，备份未完成（没有留下不完整的文件）。请删除其中不需要的"
                           "文件或换一个空间足够的U盘后重试；数据文件本身没有问题。")
    return BackupError(f"备份文件夹 {folder} 无法写入（{exc.strerror or exc}）。请检查U盘是否插好、网络共享是否可以访问，"
                       "或由管理员在“备份与恢复”中另选备份文件夹。")


def _local_error(data_path: Path, exc: BaseException) -> BackupError:
    """The temporary copy on the data file's own disk failed (before anything went to the backup folder)."""
    if getattr(exc, "errno", None) == errno.ENOSPC or "full" in str(exc).lower():
        return BackupError(f"数据文件所在磁盘（{Path(data_path).parent}）空间不足，无法制作备份的临时副本（约需与数据文件"
                           "同样大小的空间）。请清理该磁盘后重试；数据文件本身没有问题。")
    return BackupError(f"无法在数据文件夹中制作备份的临时副本（{getattr(exc, 'strerror', None) or exc}）。")


def copy_database(data_path: Path, target: Path, progress: Progress | None = None,
                  cancel: threading.Event | None = None, pages: int = PAGES_PER_STEP) -> None:
    """The online backup of data_path into target (a new file), as one consistent snapshot."""
    def step(done, total):
        if cancel is not None and cancel.is_set():
            raise Cancelled()
        if progress is not None:
            progress(done, total)

    check = files.snapshot_copy(data_path, target, step, pages)
    if check != "ok":
        raise BackupError(f"备份副本检查未通过（{check}），数据文件可能已损坏。")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def snapshot_info(path: Path) -> dict:
    """What a copy holds, for the backup's header and the catalogue: the audit chain's count and head, the office."""
    db = files.open_readonly(path)
    try:
        entries, head = anchors.head(db)
        office = {k: settings_store.get(db, k) for k in ("office_jurisdiction", "office_name")}
    finally:
        db.close()
    return {"entries": entries, "head": head, "office": office, "data_file": Path(path).name}


# -- leftovers of a crash: swept at the next start (issue 12) ----------------------------------------------
def pending_path(data_path: Path) -> Path:
    return Path(data_path).with_name(Path(data_path).name + ".pending.json")


def _pending(data_path: Path, path: Path, add: bool) -> None:
    """Note (or strike out) a half-written file or folder: a kill leaves the note, the next start sweeps it."""
    note = pending_path(data_path)
    try:
        listed = json.loads(note.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        listed = []
    listed = [p for p in listed if p != str(path)] + ([str(path)] if add else [])
    try:
        if listed:
            note.write_text(json.dumps(listed, ensure_ascii=False), encoding="utf-8")
        else:
            note.unlink(missing_ok=True)
    except OSError:
        pass


def note_partial(data_path: Path, path: Path) -> None:
    _pending(data_path, path, True)


def done_partial(data_path: Path, path: Path) -> None:
    _pending(data_path, path, False)


def sweep_leftovers(data_path: Path, folders: list[Path] = ()) -> list[Path]:
    """At start: remove the half-written backups, temporary copies and hidden export folders a crash left (the
    ones noted, and any .partial backup of this file in the backup folders). Returns what was removed."""
    data_path = Path(data_path)
    removed = []
    try:
        listed = [Path(p) for p in json.loads(pending_path(data_path).read_text(encoding="utf-8"))]
    except (OSError, ValueError):
        listed = []
    pattern = _pattern(data_path)
    for folder in [data_path.parent, *folders]:
        try:
            listed += [p for p in Path(folder).iterdir() if p.name.endswith(".partial") and (
                pattern.match(p.name[:-len(".partial")]) or p.name.startswith(f".{data_path.name}."))]
        except OSError:
            continue
    for path in listed:
        try:
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()
            else:
                continue
            removed.append(path)
        except OSError:
            continue
    pending_path(data_path).unlink(missing_ok=True)
    return removed


# -- the catalogue ---------------------------------------------------------------------------------------
def catalogue_path(folder: Path, data_path: Path) -> Path:
    return Path(folder) / f"{Path(data_path).stem}-catalogue.json"


def _catalogue_mac(records: list, key: BackupKey) -> str:
    text = json.dumps(records, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hmac.new(backup_crypto.mac_key(key.key), text, hashlib.sha256).hexdigest()


def read_catalogue(folder: Path, data_path: Path) -> dict:
    try:
        doc = json.loads(catalogue_path(folder, data_path).read_text(encoding="utf-8"))
        if not isinstance(doc.get("records"), list):
            raise ValueError
        return doc
    except FileNotFoundError:
        return {"records": []}
    except (OSError, ValueError, AttributeError):
        return {"records": [], "unreadable": True}


def add_to_catalogue(folder: Path, data_path: Path, record: dict, key: BackupKey | None) -> None:
    doc = read_catalogue(folder, data_path)
    records = doc["records"] + [record]
    out = {"data_file": Path(data_path).name, "records": records}
    if key is not None:
        out["key_id"], out["mac"] = key.key_id, _catalogue_mac(records, key)
    write_json_atomically(catalogue_path(folder, data_path), out)


def catalogue_signed(doc: dict, key: BackupKey | None) -> bool | None:
    """True/False: the signature holds or not; None: it cannot be checked with this key (or is missing)."""
    if key is None or doc.get("key_id") != key.key_id or "mac" not in doc:
        return None
    return hmac.compare_digest(doc["mac"], _catalogue_mac(doc["records"], key))


def catalogue_record(folder: Path, data_path: Path, name: str) -> dict | None:
    for record in reversed(read_catalogue(folder, data_path)["records"]):
        if record.get("file") == name and record.get("kind") == "backup":
            return record
    return None


def catalogue_anchor(folder: Path, data_path: Path) -> anchors.Anchor | None:
    """The newest backup of the catalogue since the last restore: the chain it saw must still be there."""
    latest = None
    for record in read_catalogue(folder, data_path)["records"]:
        if record.get("kind") == "restored":
            latest = None
        elif record.get("kind") == "backup" and record.get("entries") is not None:
            if latest is None or record["entries"] >= latest["entries"]:
                latest = record
    if latest is None:
        return None
    return anchors.Anchor(int(latest["entries"]), latest["head"], latest.get("made_at", ""),
                          f"备份目录（{Path(folder)}，备份 {latest.get('file')}）")


def run_backup(job: BackupJob, progress: Progress | None = None, cancel: threading.Event | None = None,
               now: Callable[[], datetime] = datetime.now, pages: int = PAGES_PER_STEP) -> BackupResult:
    """Copy, check, encrypt, name, catalogue, prune; then the audit entry in the data file. Raises BackupError
    (Chinese) naming the disk that failed: the backup folder's or the data file's."""
    if job.source:
        from desktop_app.services.server_backup import run_server_backup

        return run_server_backup(job, job.source, now)
    started = time.monotonic()
    key = job.key or _key_of_file(job.data_path)
    if key is None:
        raise BackupError(NO_KEY)
    folder = Path(job.folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _folder_error(folder, exc) from exc
    tag = "before-restore" if job.kind == "before-restore" else ""
    at, n = now(), 1
    target = folder / _name(job.data_path, at, tag)
    while target.exists() or target.with_suffix(".sqlite3").exists():  # two backups within a second
        n += 1
        target = folder / _name(job.data_path, at, tag, n)
    partial = target.with_name(target.name + ".partial")
    plain = Path(job.data_path).with_name(f".{Path(job.data_path).name}.{secrets.token_hex(4)}.backup.partial")
    for path in (plain, partial):
        note_partial(job.data_path, path)
    try:
        try:
            copy_database(job.data_path, plain, progress, cancel, pages)
        except (OSError, sqlite3.OperationalError) as exc:
            raise _local_error(job.data_path, exc) from exc
        info = snapshot_info(plain)
        info.update(made_at=at.isoformat(timespec="seconds"), kind=job.kind)
        with open(partial, "wb") as out:
            backup_crypto.encrypt_file(plain, out, key, info)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, target)
    except Cancelled:
        partial.unlink(missing_ok=True)
        raise
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise _folder_error(folder, exc) from exc
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"备份失败：{exc}。数据文件可能已损坏，请运行数据检查。") from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        plain.unlink(missing_ok=True)
        for path in (plain, partial):
            done_partial(job.data_path, path)
    size, digest = target.stat().st_size, _sha256(target)
    record = {"kind": "backup", "file": target.name, "made_at": info["made_at"], "size": size, "sha256": digest,
              "entries": info["entries"], "head": info["head"], "office": info["office"], "key_id": key.key_id,
              "backup_kind": job.kind}
    try:
        add_to_catalogue(folder, job.data_path, record, key)
    except OSError:
        pass  # the backup itself is whole; the audit entry below records the same
    pruned, prune_failed = prune(folder, job.data_path, job.keep) if job.keep else ((), ())
    audit_error = None
    try:
        db = connect(job.data_path)
        try:
            with atomic(db):
                audit.append(db, job.stamp, "backup.create", f"backups:{target.name}", None, {
                    "kind": job.kind, "file": str(target), "size": size, "sha256": digest,
                    "pruned": [p.name for p in pruned], "prune_failed": [p.name for p in prune_failed],
                    "entries": info["entries"], "head": info["head"],
                    "key_id": key.key_id})
            anchors.record(db, job.data_path)
        finally:
            db.close()
    except (StoreError, sqlite3.Error, OSError) as exc:
        audit_error = getattr(exc, "message", str(exc))
    return BackupResult(target, size, digest, time.monotonic() - started, tuple(pruned), audit_error,
                        tuple(prune_failed))


def _key_of_file(data_path: Path) -> BackupKey | None:
    try:
        db = files.open_readonly(data_path)
    except sqlite3.Error:
        return None
    try:
        return current_key(db)
    finally:
        db.close()


def backup_due(folder: Path, data_path: Path, now: datetime, hours: float = 24) -> bool:
    """The daily backup: due when the newest plain backup in the folder is older than `hours`."""
    newest = latest_backup(folder, data_path)
    return newest is None or (now - newest.made_at).total_seconds() >= hours * 3600


def check_backup_folder(folder_text: str) -> Path:
    """The administrator's chosen folder: it must exist (a USB drive plugged in, a share reachable) and take a file."""
    folder = Path((folder_text or "").strip()).expanduser()
    if not str(folder_text or "").strip():
        raise InputError("backup_folder", "请选择备份文件夹")
    if not folder.is_dir():
        raise InputError("backup_folder", f"文件夹 {folder} 不存在或无法访问（U盘是否插好？网络共享是否连通？）")
    probe = folder / f".flexins-probe-{os.getpid()}"
    try:
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as exc:
        raise InputError("backup_folder", f"文件夹 {folder} 无法写入（{exc.strerror or exc}）") from None
    return folder
