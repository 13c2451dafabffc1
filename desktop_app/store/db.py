"""Open the office's data source, a SQLite file (WAL, foreign keys, busy timeout) or a PostgreSQL server
(store/pg.py), and run writes as one transaction that turns either engine's failures into the store's own
errors (a Chinese sentence for the clerk)."""

from __future__ import annotations

import contextlib
import secrets
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from sqlite_utils import Database

from desktop_app.store.dialect import is_server

BUSY_TIMEOUT_MS = 10_000


class StoreError(Exception):
    """The data file cannot be used; .message is a Chinese sentence for the clerk."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class DiskFull(StoreError):
    """Not enough free space on the data file's disk: nothing was written (or all of it was rolled back)."""


class Refused(StoreError):
    """The data refused the write (a month already paid, an ID already enrolled, often by another counter a
    moment before): nothing of the action was saved. .table names the table when known."""

    def __init__(self, message: str, table: str | None = None):
        super().__init__(message)
        self.table = table


class ServerUnavailable(StoreError):
    """The office's server cannot be reached, or the connection broke: nothing of the action was saved."""

    @classmethod
    def of(cls, label: str, exc: Exception) -> "ServerUnavailable":
        where = label or "数据库服务器"
        detail = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
        error = cls(f"无法连接{where}（{detail}），本次操作未保存。请检查网络和服务器，服务器恢复后重试即可；"
                    "若刚才正在保存，请重新查询确认。")
        error.__cause__ = exc
        return error


class ServerBusy(StoreError):
    """Another counter held the server's write turn too long (a large import): nothing was saved."""


# The same data refusing a write, by table: what the clerk reads when a unique key or a check stops it.
REFUSED_MESSAGES = {
    "ledger": "该月份已有缴费记录（可能刚由其他窗口登记），本次未保存。请重新查询该人员的缴费记录。",
    "people": "该身份证号已登记参保（可能刚由其他窗口办理），本次未保存。请重新查询该人员。",
    "notices": "告知书编号已被占用（其他窗口刚出具了告知书），本次未保存。请重新出具。",
    "notice_receipts": "该告知书的回执已登记（可能刚由其他窗口登记），本次未保存。",
    "operators": "该用户名已存在，本次未保存。",
    "audit": "审计记录只能追加，不能修改或删除；本次操作未保存。",
}
REFUSED_DEFAULT = "数据与已保存的记录冲突（可能刚由其他窗口保存），本次操作未保存。请刷新后重试。"
NUL_TEXT_MESSAGE = "填写的内容中含有无法保存的空字符（NUL，多为从其他程序复制带入），本次操作未保存。请重新输入后再试。"


def is_server_url(source) -> bool:
    """A PostgreSQL URL (postgresql://user@host:port/db) rather than a file path."""
    return isinstance(source, str) and source.split("://", 1)[0].lower() in ("postgresql", "postgres")


def connect(path: Path | str, *, password: str | None = None, label: str = "") -> Database:
    """Open a data source: a postgresql:// URL (store/pg.py; `password` from the PC's credential store) or a
    SQLite file, opened or created with the connection settings every connection needs.

    Foreign keys are off unless switched on for each connection (notes/qt-pdf-headless.md);
    synchronous=FULL because the power can go at a counter and a committed action must survive it.
    """
    if is_server_url(path):
        from desktop_app.store.pg import PgDatabase, server_conninfo

        return PgDatabase(server_conninfo(path, password), label=label or server_label(path))
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


def server_label(url: str) -> str:
    """服务器 host:port/database, for messages and the status bar (never the password)."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        parts = conninfo_to_dict(url)
    except Exception:  # noqa: BLE001 (a malformed URL still gets a label; connecting says what is wrong)
        return "数据库服务器"
    host = parts.get("host") or "localhost"
    port = parts.get("port") or "5432"
    return f"服务器 {host}:{port}/{parts.get('dbname') or ''}"


@contextlib.contextmanager
def larger_cache(db: Database, mib: int) -> Iterator[Database]:
    """A bigger page cache for one bulk job on this connection (a million-row import writes ~20 % faster with
    16 MiB than with SQLite's 2 MiB; 32 MiB adds little more and 60 MB of memory), given back afterwards.
    Nothing to do on a server, whose cache is its own."""
    if is_server(db):
        yield db
        return
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
    """All-or-nothing block. The outer block takes the write turn at once (SQLite: BEGIN IMMEDIATE; a server:
    a transaction-scoped advisory lock every writer of the office takes first), so reading the audit chain's
    head and appending to it, or the next notice serial, cannot race another writer on any counter.
    An engine's failure leaves as a StoreError (Refused, DiskFull, ServerUnavailable ...), rolled back."""
    if is_server(db):
        with _atomic_server(db):
            yield db
        return
    conn = db.conn
    if conn.in_transaction:
        name = f"sp_{secrets.token_hex(8)}"
        conn.execute(f"SAVEPOINT {name}")
        try:
            yield db
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                conn.execute(f"RELEASE SAVEPOINT {name}")
            _raise_as_store_error(db, exc)
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
    except (sqlite3.OperationalError, sqlite3.IntegrityError) as exc:
        error = _store_error(exc)
        if error is None:
            raise
        raise error from exc


WRITE_TURN_LOCK = 0x666C6578696E73   # "flexins": the advisory lock every write transaction of the office takes
WRITE_TURN_WAIT_MS = 30_000         # an import writes a million rows in well under this


@contextlib.contextmanager
def _atomic_server(db) -> Iterator:
    raw = db._ready() if not db.in_transaction else db.raw
    if db.in_transaction:
        try:
            with raw.transaction():          # a savepoint
                yield db
        except BaseException as exc:
            _raise_as_store_error(db, exc)
            raise
        return
    import psycopg

    try:
        with db._lock, raw.transaction():
            raw.execute(f"SET LOCAL lock_timeout = {WRITE_TURN_WAIT_MS}")
            raw.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_TURN_LOCK])
            yield db
    except psycopg.Error as exc:
        _raise_as_store_error(db, exc)
        raise
    except StoreError:
        raise
    _after_commit(db)


def _raise_as_store_error(db, exc: BaseException) -> None:
    """Raise the store's own error for an engine's failure (nothing if it is not one)."""
    if isinstance(exc, StoreError):
        return
    error = _store_error(exc) if isinstance(exc, sqlite3.Error) else _server_error(db, exc)
    if error is not None:
        raise error from exc


def _server_error(db, exc: BaseException) -> StoreError | None:
    import psycopg
    from psycopg import errors

    if not isinstance(exc, psycopg.Error):
        return None
    if isinstance(exc, (errors.LockNotAvailable, errors.QueryCanceled)):
        return ServerBusy("其他窗口正在保存大量数据（如导入税务缴费文件），本次操作未保存。请稍后重试。")
    if isinstance(exc, errors.DiskFull):
        return DiskFull("数据库服务器磁盘空间已满，本次操作未保存（已保存的数据不受影响）。请联系管理员。")
    if isinstance(exc, errors.InsufficientPrivilege):
        return StoreError(f"数据库登录没有此项权限（{exc.diag.message_primary}），本次操作未保存。请联系管理员。")
    if isinstance(exc, psycopg.IntegrityError):
        if "只能追加" in (exc.diag.message_primary or ""):
            return Refused(REFUSED_MESSAGES["audit"], "audit")
        table = exc.diag.table_name
        if isinstance(exc, errors.UniqueViolation):   # the same row saved a moment before, often at another window
            return Refused(REFUSED_MESSAGES.get(table, REFUSED_DEFAULT), table)
        return Refused(REFUSED_DEFAULT, table)
    if isinstance(exc, (psycopg.OperationalError, psycopg.InterfaceError)):
        return ServerUnavailable.of(getattr(db, "label", ""), exc)
    return None


class Interrupted(Exception):
    """A long statement stopped because the caller's cancel() said so (store.db.interruptible)."""


@contextlib.contextmanager
def interruptible(db: Database, cancel, steps: int = 200_000) -> Iterator[None]:
    """Let cancel() stop a long statement of this block: SQLite asks it every `steps` virtual-machine steps
    (raising Interrupted); a server's statements are not interrupted, the caller asks between them."""
    if cancel is None or is_server(db):
        yield
        return
    db.conn.set_progress_handler(lambda: bool(cancel()), steps)
    try:
        yield
    except (sqlite3.OperationalError, StoreError) as exc:
        if "interrupt" in str(exc.__cause__ or exc).lower():
            raise Interrupted() from None
        raise
    finally:
        db.conn.set_progress_handler(None, 0)


def stream(db: Database, sql: str, params=None):
    """A cursor over a large result, read as it is iterated (SQLite's own cursors are; a server's are made so)."""
    if is_server(db):
        return db.stream(sql, params)
    return db.execute(sql, params) if params is not None else db.execute(sql)


def insert_id(db: Database, sql: str, params) -> int:
    """Run one INSERT and return the new row's id (SQLite's lastrowid; RETURNING id on a server)."""
    if is_server(db):
        return db.execute(sql + " RETURNING id", params).fetchone()[0]
    return db.execute(sql, params).lastrowid


def _after_commit(db: Database) -> None:
    """What the session asked to run after each commit (services/anchors.py moves the audit anchor on). The
    action is committed already: a database error here only leaves the anchor lagging, and the next commit
    catches it up (the hook itself takes the anchor file's OSError); anything else is a defect and is raised."""
    hook = getattr(db, "after_commit", None)
    if hook is None:
        return
    database_errors: tuple[type[BaseException], ...] = (sqlite3.Error,)
    if is_server(db):
        import psycopg

        database_errors = (psycopg.Error, ServerUnavailable)   # the connection lost just after the commit
    with contextlib.suppress(*database_errors):
        hook(db)


def _store_error(exc: sqlite3.Error) -> StoreError | None:
    """The failures a clerk can act on, as a Chinese sentence; the transaction was rolled back first."""
    text = str(exc).lower()
    if isinstance(exc, sqlite3.IntegrityError):
        table = _refused_table(str(exc))
        unique = "UNIQUE" in str(exc) or table == "audit"
        error = Refused(REFUSED_MESSAGES.get(table, REFUSED_DEFAULT) if unique else REFUSED_DEFAULT, table)
        error.__cause__ = exc
        return error
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


def _refused_table(text: str) -> str | None:
    """The table SQLite names ("UNIQUE constraint failed: ledger.month, ledger.person_id"), or a trigger's."""
    if "只能追加" in text:
        return "audit"
    if ":" in text and "." in text:
        return text.split(":", 1)[1].strip().split(".", 1)[0] or None
    return None


def quick_check(db: Database) -> None:
    """PRAGMA quick_check at start: a damaged file gets a clear message instead of wrong answers later. (A
    server checks its own pages; services.integrity runs the audit check there.)"""
    if is_server(db):
        return
    try:
        result = [r[0] for r in db.execute("PRAGMA quick_check")]
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"数据文件已损坏，无法读取（{exc}）。请从备份恢复。") from exc
    if result != ["ok"]:
        raise StoreError("数据文件已损坏：" + "；".join(result[:3]) + "。请从备份恢复。")
