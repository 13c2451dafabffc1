"""Open the office's SQLite file (WAL, foreign keys, busy timeout) and run writes as one transaction."""

from __future__ import annotations

import contextlib
import secrets
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from sqlite_utils import Database

BUSY_TIMEOUT_MS = 10_000


class StoreError(Exception):
    """The data file cannot be used; .message is a Chinese sentence for the clerk."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class DiskFull(StoreError):
    """Not enough free space on the data file's disk: nothing was written (or all of it was rolled back)."""


def connect(path: Path | str) -> Database:
    """Open (or create) the file with the connection settings every connection needs.

    Foreign keys are off unless switched on for each connection (notes/qt-pdf-headless.md);
    synchronous=FULL because the power can go at a counter and a committed action must survive it.
    """
    path = Path(path)
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise StoreError(f"无法打开数据文件 {path}：{exc}") from exc
    db = Database(conn, execute_plugins=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    try:
        if db.journal_mode != "wal":
            db.enable_wal()
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StoreError(f"数据文件 {path} 无法写入或已损坏：{exc}") from exc
    conn.execute("PRAGMA synchronous = FULL")
    return db


@contextlib.contextmanager
def larger_cache(db: Database, mib: int) -> Iterator[Database]:
    """A bigger page cache for one bulk job on this connection (a million-row import writes ~20 % faster with
    16 MiB than with SQLite's 2 MiB; 32 MiB adds little more and 60 MB of memory), given back afterwards."""
    before = db.execute("PRAGMA cache_size").fetchone()[0]
    db.execute(f"PRAGMA cache_size = {-1024 * mib}")
    try:
        yield db
    finally:
        db.execute(f"PRAGMA cache_size = {before}")


def readonly_uri(path: Path | str) -> str:
    """A `mode=ro` URI SQLite accepts for any path: POSIX, C:\\ drives and \\\\server\\share (Path.as_uri would
    put a UNC server in the URI's authority, which SQLite refuses; a backup on a network share is common)."""
    text = Path(path).resolve().as_posix()  # C:/data/x, //server/share/x on Windows
    if not text.startswith("/"):
        text = "/" + text  # C:/data -> /C:/data
    return "file://" + quote(text, safe="/:") + "?mode=ro"


@contextlib.contextmanager
def atomic(db: Database) -> Iterator[Database]:
    """All-or-nothing block. The outer block takes the write lock at once (BEGIN IMMEDIATE),
    so reading the audit chain's head and appending to it cannot race another writer."""
    conn = db.conn
    if conn.in_transaction:
        name = f"sp_{secrets.token_hex(8)}"
        conn.execute(f"SAVEPOINT {name}")
        try:
            yield db
        except BaseException:
            if conn.in_transaction:
                conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                conn.execute(f"RELEASE SAVEPOINT {name}")
            raise
        else:
            conn.execute(f"RELEASE SAVEPOINT {name}")
        return
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        else:
            try:
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            _after_commit(db)
    except sqlite3.OperationalError as exc:
        error = _store_error(exc)
        if error is None:
            raise
        raise error from exc


def _after_commit(db: Database) -> None:
    """What the session asked to run after each commit (services/anchors.py moves the audit anchor on). The
    action is committed already: a database error here only leaves the anchor lagging, and the next commit
    catches it up (the hook itself takes the anchor file's OSError); anything else is a defect and is raised."""
    hook = getattr(db, "after_commit", None)
    if hook is not None:
        with contextlib.suppress(sqlite3.Error):
            hook(db)


def _store_error(exc: sqlite3.OperationalError) -> StoreError | None:
    """The failures a clerk can act on, as a Chinese sentence; the transaction was rolled back first."""
    text = str(exc).lower()
    if "disk is full" in text or "database or disk is full" in text:
        error = DiskFull("磁盘空间已满，本次操作未保存（已保存的数据不受影响）。请清理磁盘或联系管理员后重试。")
        error.__cause__ = exc
        return error
    if "readonly" in text or "read-only" in text:
        message = "数据文件或其所在文件夹为只读，本次操作未保存（已保存的数据不受影响）。请联系管理员检查文件权限。"
    elif "locked" in text or "busy" in text:
        message = "数据文件正被其他程序占用，本次操作未保存。请稍后重试。"
    else:
        return None
    error = StoreError(message)
    error.__cause__ = exc
    return error


def quick_check(db: Database) -> None:
    """PRAGMA quick_check at start: a damaged file gets a clear message instead of wrong answers later."""
    try:
        result = [r[0] for r in db.execute("PRAGMA quick_check")]
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"数据文件已损坏，无法读取（{exc}）。请从备份恢复。") from exc
    if result != ["ok"]:
        raise StoreError("数据文件已损坏：" + "；".join(result[:3]) + "。请从备份恢复。")
