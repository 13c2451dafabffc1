"""Backups with SQLite's online backup API: a consistent copy while the program runs, the last N kept.

The work runs in any thread on its own connections (the window shows progress meanwhile): plan_backup()
on the window's thread checks who may back up and reads the settings; run_backup() does the copy. The
source is read inside one read transaction, so a clerk saving meanwhile neither waits nor restarts the copy
(WAL). Each backup is one self-contained file (rollback journal, not WAL), checked with quick_check before
it gets its final name; a half-written copy never looks like a backup.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from desktop_app.services.errors import InputError
from desktop_app.services.permissions import require
from desktop_app.services.session import Session
from desktop_app.store import audit, files
from desktop_app.store import settings as settings_store
from desktop_app.store.audit import Stamp
from desktop_app.store.db import StoreError, atomic, connect

PAGES_PER_STEP = 1024            # 4 MiB a step: progress a few times a second even on a slow USB stick
TAGS = {"": "备份", "before-restore": "恢复前自动保存", "damaged": "损坏文件原样保存"}
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


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    sha256: str
    seconds: float
    pruned: tuple[Path, ...] = ()
    audit_error: str | None = None   # the copy is good but the data file could not take the audit entry


@dataclass(frozen=True)
class BackupFile:
    path: Path
    made_at: datetime
    size: int
    tag: str

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
    """A manual backup is the administrator's; the automatic one (at start, daily) runs for anyone logged in."""
    require(session, "admin" if manual else "read")
    keep = int(settings_store.get(session.db, "backup_keep"))
    return BackupJob(Path(session.path), backup_folder(session), keep, session.stamp(),
                     "manual" if manual else "auto")


def _name(data_path: Path, at: datetime, tag: str = "", n: int = 1) -> str:
    return (f"{data_path.stem}-{at:%Y%m%d-%H%M%S}" + (f"-{n}" if n > 1 else "") + (f"-{tag}" if tag else "")
            + ".sqlite3")


def _pattern(data_path: Path) -> re.Pattern:
    return re.compile(rf"^{re.escape(data_path.stem)}-(\d{{8}}-\d{{6}})(?:-\d+)?(?:-([a-z-]+))?\.sqlite3$")


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


def prune(folder: Path, data_path: Path, keep: int) -> list[Path]:
    """Delete the oldest plain backups beyond `keep`; copies saved before a restore are never deleted."""
    plain = [b for b in list_backups(folder, data_path) if b.tag == ""]
    removed = []
    for old in plain[max(keep, 1):]:
        try:
            old.path.unlink()
            removed.append(old.path)
        except OSError:
            pass
    return removed


def _folder_error(folder: Path, exc: OSError) -> BackupError:
    return BackupError(f"备份文件夹 {folder} 无法写入（{exc.strerror or exc}）。请检查U盘是否插好、网络共享是否可以访问，"
                       "或由管理员在“备份与恢复”中另选备份文件夹。")


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


def _fsync(path: Path) -> None:
    with open(path, "rb+") as f:
        os.fsync(f.fileno())


def run_backup(job: BackupJob, progress: Progress | None = None, cancel: threading.Event | None = None,
               now: Callable[[], datetime] = datetime.now, pages: int = PAGES_PER_STEP) -> BackupResult:
    """Copy, check, name, prune; then the audit entry in the data file. Raises BackupError (Chinese)."""
    started = time.monotonic()
    folder = Path(job.folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _folder_error(folder, exc) from exc
    tag = "before-restore" if job.kind == "before-restore" else ""
    at, n = now(), 1
    target = folder / _name(job.data_path, at, tag)
    while target.exists():  # two backups within a second
        n += 1
        target = folder / _name(job.data_path, at, tag, n)
    partial = target.with_name(target.name + ".partial")
    try:
        copy_database(job.data_path, partial, progress, cancel, pages)
        _fsync(partial)
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
    size, digest = target.stat().st_size, _sha256(target)
    pruned = tuple(prune(folder, job.data_path, job.keep)) if job.keep else ()
    audit_error = None
    try:
        db = connect(job.data_path)
        try:
            with atomic(db):
                audit.append(db, job.stamp, "backup.create", f"backups:{target.name}", None, {
                    "kind": job.kind, "file": str(target), "size": size, "sha256": digest,
                    "pruned": [p.name for p in pruned]})
        finally:
            db.close()
    except (StoreError, sqlite3.Error) as exc:
        audit_error = getattr(exc, "message", str(exc))
    return BackupResult(target, size, digest, time.monotonic() - started, pruned, audit_error)


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
