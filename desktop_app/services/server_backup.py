"""Backups of the office's server: pg_dump from the administrator's PC, encrypted like a file's backups.

The dump is taken inside one snapshot the program exports (pg_export_snapshot), so the audit chain's count and
head read in that snapshot are exactly the dump's: the catalogue and the backup's header record them, and the
audit check holds the server's chain against them as it does for a file (services/anchors.py). The plain dump
exists only in a hidden temporary file on this PC; the backup folder gets the AES-GCM encrypted copy
(services/backup_crypto.py, the backup passphrase's key), named and catalogued like a file's backup.

A restore goes into an empty database the administrator created on the server (never over the live one):
pg_restore, then the audit check on what was restored (the chain, the tables against the entries, and the
count and head the backup recorded). docs/office-server.md says how to then point the PCs at it.

pg_dump and pg_restore come with PostgreSQL (on the server PC; on an administrator's PC from the same
installer's "Command Line Tools"): found on PATH, in FLEXINS_PG_BIN, or under C:\\Program Files\\PostgreSQL.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from desktop_app.services import anchors, backup, backup_crypto, server_login
from desktop_app.services.backup import BackupError, BackupJob, BackupResult
from desktop_app.services.backup_crypto import BackupKey
from desktop_app.store import audit
from desktop_app.store import settings as settings_store
from desktop_app.store.db import StoreError, atomic

PG_BIN_ENV = "FLEXINS_PG_BIN"


def pg_tool(name: str) -> str:
    """The path of pg_dump / pg_restore, or BackupError saying how to get it."""
    exe = name + (".exe" if sys.platform == "win32" else "")
    candidates = []
    if os.environ.get(PG_BIN_ENV):
        candidates.append(Path(os.environ[PG_BIN_ENV]) / exe)
    found = shutil.which(name)
    if found:
        candidates.append(Path(found))
    patterns = [r"C:\Program Files\PostgreSQL\*\bin", "/usr/lib/postgresql/*/bin"]
    for pattern in patterns:
        for folder in sorted(glob.glob(pattern), key=_version, reverse=True):
            candidates.append(Path(folder) / exe)
    for path in candidates:
        if path.is_file():
            return str(path)
    raise BackupError(f"本机找不到 {name}：备份服务器数据需要 PostgreSQL 的命令行工具。请在本机安装 PostgreSQL 的"
                      "“Command Line Tools”（与服务器相同或更新的版本），或在服务器上按说明设置定时备份"
                      "（见 docs/office-server.md）。")


def _version(folder: str) -> int:
    for part in Path(folder).parts[::-1]:
        if part.isdigit():
            return int(part)
    return 0


def _env(url: str) -> tuple[str, dict]:
    """The address for the tool (no password on its command line) and its environment (PGPASSWORD)."""
    public, written = server_login.split_password(url)
    env = dict(os.environ)
    password = written or server_login.saved_password(public)
    if password:
        env["PGPASSWORD"] = password
    return public, env


def _run(args: list[str], env: dict, what: str) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True, errors="replace")
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["?"]
        raise BackupError(f"{what}失败：{detail[0][:300]}")


@dataclass(frozen=True)
class Snapshot:
    entries: int
    head: str
    office: dict


def dump(url: str, target: Path) -> Snapshot:
    """pg_dump (custom format) of the server's database into `target`, with the audit chain's count and head as
    of the same snapshot."""
    tool = pg_tool("pg_dump")
    public, env = _env(url)
    db = server_login.connect_server(url)
    try:
        db.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = db.execute("SELECT pg_export_snapshot()").fetchone()[0]
        entries, head = anchors.head(db)
        office = {k: settings_store.get(db, k) for k in ("office_jurisdiction", "office_name")}
        # the transaction stays open while pg_dump reads the exported snapshot
        _run([tool, "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
              f"--file={target}", f"--dbname={public}"], env, "pg_dump 备份")
        db.conn.rollback()
    finally:
        db.close()
    return Snapshot(entries, head, office)


def run_server_backup(job: BackupJob, url: str, now=datetime.now) -> BackupResult:
    """A backup of the server into job.folder: dump, encrypt, name, catalogue, prune, audit entry."""
    started = time.monotonic()
    key = job.key
    if key is None:
        raise BackupError(backup.NO_KEY)
    folder = Path(job.folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise backup._folder_error(folder, exc) from exc
    tag = "before-restore" if job.kind == "before-restore" else ""
    at, n = now(), 1
    target = folder / backup._name(job.data_path, at, tag)
    while target.exists():
        n += 1
        target = folder / backup._name(job.data_path, at, tag, n)
    partial = target.with_name(target.name + ".partial")
    plain = Path(job.data_path).with_name(f".{Path(job.data_path).name}.{secrets.token_hex(4)}.dump.partial")
    try:
        snap = dump(url, plain)
        info = {"entries": snap.entries, "head": snap.head, "office": snap.office, "engine": "postgresql",
                "data_file": Path(job.data_path).name, "made_at": at.isoformat(timespec="seconds"), "kind": job.kind}
        with open(partial, "wb") as out:
            backup_crypto.encrypt_file(plain, out, key, info)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, target)
    except OSError as exc:
        raise backup._folder_error(folder, exc) from exc
    finally:
        plain.unlink(missing_ok=True)
        partial.unlink(missing_ok=True)
    size, digest = target.stat().st_size, backup._sha256(target)
    record = {"kind": "backup", "file": target.name, "made_at": info["made_at"], "size": size, "sha256": digest,
              "entries": snap.entries, "head": snap.head, "office": snap.office, "key_id": key.key_id,
              "backup_kind": job.kind, "engine": "postgresql"}
    try:
        backup.add_to_catalogue(folder, job.data_path, record, key)
    except OSError:
        pass
    pruned, prune_failed = backup.prune(folder, job.data_path, job.keep) if job.keep else ((), ())
    audit_error = None
    try:
        db = server_login.connect_server(url)
        try:
            with atomic(db):
                audit.append(db, job.stamp, "backup.create", f"backups:{target.name}", None, {
                    "kind": job.kind, "file": str(target), "size": size, "sha256": digest,
                    "pruned": [p.name for p in pruned], "prune_failed": [p.name for p in prune_failed],
                    "entries": snap.entries, "head": snap.head, "key_id": key.key_id})
            anchors.record(db, job.data_path)
        finally:
            db.close()
    except (StoreError, OSError) as exc:
        audit_error = getattr(exc, "message", str(exc))
    return BackupResult(target, size, digest, time.monotonic() - started, tuple(pruned), audit_error,
                        tuple(prune_failed))


@dataclass(frozen=True)
class ServerRestore:
    ok: bool
    message: str            # Chinese
    entries: int
    tables: dict            # table -> rows restored


def restore_into(backup_path: Path, url: str, key: BackupKey, scratch: Path) -> ServerRestore:
    """Restore an encrypted server backup into the EMPTY database at `url`, then check what was restored: the
    audit chain, the tables against it, and the count and head the backup recorded. `scratch`: a folder on this
    PC for the decrypted dump (deleted afterwards)."""
    from desktop_app.services.audit_log import check_file

    tool = pg_tool("pg_restore")
    db = server_login.connect_server(url)
    try:
        if db.table_names():
            raise BackupError("目标数据库不是空的：服务器备份只恢复到管理员新建的空数据库（见 docs/office-server.md），"
                              "不会覆盖正在使用的数据库。")
    finally:
        db.close()
    plain = Path(scratch) / f".restore-{secrets.token_hex(4)}.dump"
    try:
        info = backup_crypto.decrypt_file(Path(backup_path), plain, key)
        if info.get("engine") != "postgresql":
            raise BackupError("这份备份是单机数据文件的备份，不是服务器的备份：请用“从备份恢复”恢复到数据文件，"
                              "或先恢复为数据文件再用迁移命令搬到服务器。")
        public, env = _env(url)
        _run([tool, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
              f"--dbname={public}", str(plain)], env, "pg_restore 恢复")
    finally:
        plain.unlink(missing_ok=True)
    check = check_file(url)
    db = server_login.connect_server(url)
    try:
        entries, head = anchors.head(db)
        tables = {t: db[t].count for t in db.table_names()}
    finally:
        db.close()
    if (entries, head) != (info.get("entries"), info.get("head")):
        return ServerRestore(False, f"恢复后的审计记录（{entries} 条）与备份记下的（{info.get('entries')} 条）不符：备份不可用。",
                             entries, tables)
    if not check.ok:
        return ServerRestore(False, "恢复后的数据未通过审计核对：" + check.message, entries, tables)
    return ServerRestore(True, f"已恢复到新数据库：审计记录 {entries} 条完整，数据与审计记录一致。", entries, tables)
