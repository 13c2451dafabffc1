"""A PostgreSQL connection (psycopg 3) with the small part of sqlite-utils' Database the store uses.

The store's modules are written against sqlite-utils' Database: db.execute(sql, params) -> cursor,
db.query(sql, params) -> dicts, db.conn.in_transaction, db["table"].count, db.table_names(). PgDatabase gives
the same calls on a server, so those modules and the services above them do not know which engine they run on.
SQL is written once with `?` (or `:name`) placeholders; here they become psycopg's `%s` (`%(name)s`).

The connection runs in autocommit: a read outside store.db.atomic() sees every commit so far, as on SQLite;
atomic() opens the transaction. A connection that broke (the server restarted, the network came back) is opened
again at the next call made outside a transaction, so the window recovers by itself when the server is back.
"""

from __future__ import annotations

import contextlib
import itertools
import re
import threading
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache

import psycopg
from psycopg import sql as pgsql
from psycopg.adapt import Dumper
from psycopg.pq import TransactionStatus

from desktop_app.store.dialect import POSTGRESQL

CONNECT_TIMEOUT_S = 5
APPLICATION_NAME = "flexins-desk"
_STREAMS = itertools.count(1)


def server_conninfo(url: str, password: str | None = None) -> str:
    """The URL with the password from the PC's credential store (never written into the URL kept in
    settings) and TCP keepalives, so a server gone away is noticed within a minute, not hours."""
    from psycopg.conninfo import make_conninfo

    extra = {"keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10, "keepalives_count": 3,
             # a tax file's staged rows and their sorts stay in memory (the defaults, 8 MB and 4 MB, spill a
             # 100,000-row file to disk); used only by the connection that imports
             "options": "-c temp_buffers=128MB -c work_mem=64MB"}
    if password:
        extra["password"] = password
    return make_conninfo(url, **extra)


class _BoolAsInt(Dumper):
    """Flags are INTEGER 0/1 on both engines (SQLite has no boolean type): a Python bool goes as a number."""

    oid = psycopg.adapters.types["int4"].oid

    def dump(self, obj):
        return b"1" if obj else b"0"


_TOKEN = re.compile(r"""'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|\$\$.*?\$\$|\?|%|(?<!:):([A-Za-z_]\w*)""", re.S)


@lru_cache(maxsize=2048)
def translate(sql: str, named: bool) -> str:
    """`?` -> `%s`, `:name` -> `%(name)s` (named params only), `%` -> `%%` (also in quoted text, which psycopg
    scans too); a `?` or `:name` inside quoted text or a comment is left alone."""

    def repl(m: re.Match) -> str:
        text = m.group(0)
        if text == "?":
            return "%s"
        if text == "%":
            return "%%"
        if text.startswith(":"):
            return f"%({m.group(1)})s" if named else text
        return text.replace("%", "%%")  # psycopg reads % inside quoted text too

    return _TOKEN.sub(repl, sql)


class Cursor:
    """What the store reads from a cursor: fetchone/fetchall/fetchmany, iteration, description, rowcount."""

    def __init__(self, cursor: psycopg.Cursor, owner: "PgDatabase"):
        self._cursor, self._owner = cursor, owner

    def _call(self, fn, *args):
        try:
            return fn(*args)
        except psycopg.OperationalError as exc:
            raise self._owner.unavailable(exc) from exc

    def fetchone(self):
        return self._call(self._cursor.fetchone) if self._cursor.description else None

    def fetchall(self):
        return self._call(self._cursor.fetchall) if self._cursor.description else []

    def fetchmany(self, size: int = 1):
        return self._call(self._cursor.fetchmany, size) if self._cursor.description else []

    def __iter__(self) -> Iterator[tuple]:
        if not self._cursor.description:
            return
        while batch := self.fetchmany(2000):
            yield from batch

    @property
    def description(self):
        return [(c.name,) for c in self._cursor.description] if self._cursor.description else None

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount


class _Conn:
    """db.conn: the sqlite3.Connection calls the store makes (in_transaction, executemany, commit, rollback)."""

    def __init__(self, owner: "PgDatabase"):
        self._owner = owner

    @property
    def in_transaction(self) -> bool:
        return self._owner.in_transaction

    def execute(self, sql: str, params=None) -> Cursor:
        return self._owner.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable) -> None:
        self._owner.executemany(sql, rows)

    def commit(self) -> None:
        self._owner.raw.commit()

    def rollback(self) -> None:
        self._owner.raw.rollback()

    def close(self) -> None:
        self._owner.close()


class _Table:
    def __init__(self, owner: "PgDatabase", name: str):
        self._owner, self.name = owner, name

    @property
    def count(self) -> int:
        query = pgsql.SQL("SELECT count(*) FROM {}").format(pgsql.Identifier(self.name))
        return self._owner.execute(query.as_string(self._owner.raw)).fetchone()[0]

    @property
    def exists(self) -> bool:
        return self.name in self._owner.table_names()

    def get(self, pk) -> dict:
        """The row with this primary key as a dict (sqlite-utils' Table.get; NotFoundError when there is none).
        `pk`: a value, or a tuple for a compound key."""
        from sqlite_utils.db import NotFoundError

        keys = [r[0] for r in self._owner.execute(
            "SELECT a.attname FROM pg_index AS i JOIN pg_attribute AS a"
            " ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)"
            " WHERE i.indrelid = to_regclass(?) AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)",
            [self.name])]
        values = list(pk) if isinstance(pk, (list, tuple)) else [pk]
        if not keys or len(keys) != len(values):
            raise NotFoundError(f"{self.name}: no row with primary key {pk!r}")
        where = pgsql.SQL(" AND ").join(pgsql.SQL("{} = ?").format(pgsql.Identifier(k)) for k in keys)
        query = pgsql.SQL("SELECT * FROM {} WHERE ").format(pgsql.Identifier(self.name)) + where
        rows = list(self._owner.query(query.as_string(self._owner.raw), values))
        if not rows:
            raise NotFoundError(f"{self.name}: no row with primary key {pk!r}")
        return rows[0]


class PgDatabase:
    """One connection to the office's server."""

    dialect = POSTGRESQL

    def __init__(self, conninfo: str, *, label: str = "", connect=None):
        self.conninfo = conninfo
        self.label = label                     # "服务器 host:port/db": messages name it
        self._connect = connect or (lambda: psycopg.connect(
            conninfo, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S, application_name=APPLICATION_NAME))
        self._lock = threading.RLock()
        self.raw: psycopg.Connection = self._open()
        self.conn = _Conn(self)
        self.after_commit = None               # set by services.anchors, run by store.db.atomic

    # -- the connection ----------------------------------------------------------------------------------
    def _open(self) -> psycopg.Connection:
        try:
            raw = self._connect()
        except psycopg.OperationalError as exc:
            raise self.unavailable(exc) from exc
        raw.adapters.register_dumper(bool, _BoolAsInt)
        return raw

    def unavailable(self, exc: Exception):
        from desktop_app.store.db import ServerUnavailable

        return ServerUnavailable.of(self.label, exc)

    @contextlib.contextmanager
    def _failures(self) -> Iterator[None]:
        """A statement's failures as the store's errors: the connection lost (ServerUnavailable), or a NUL
        character in a text value, which PostgreSQL's text cannot hold (SQLite's can; the services refuse it at
        the field first, this is the store's own clear message for any value that gets this far)."""
        try:
            yield
        except psycopg.OperationalError as exc:
            raise self.unavailable(exc) from exc
        except psycopg.DataError as exc:
            if "NUL" not in str(exc):
                raise
            from desktop_app.store.db import NUL_TEXT_MESSAGE, StoreError

            raise StoreError(NUL_TEXT_MESSAGE) from exc

    def _ready(self) -> psycopg.Connection:
        """The connection, opened again if it broke while no transaction was open (nothing can be lost then)."""
        if self.raw.closed or self.raw.broken:
            if self.raw.info.transaction_status not in (TransactionStatus.IDLE, TransactionStatus.UNKNOWN):
                raise self.unavailable(psycopg.OperationalError("connection lost inside a transaction"))
            self.raw = self._open()
        return self.raw

    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != TransactionStatus.IDLE and not self.raw.closed

    def close(self) -> None:
        self.raw.close()

    # -- statements --------------------------------------------------------------------------------------
    def execute(self, sql: str, params=None) -> Cursor:
        with self._lock:
            conn = self._ready()
            cursor = conn.cursor()
            with self._failures():
                if params is None:
                    cursor.execute(sql)
                else:
                    named = isinstance(params, Mapping)
                    cursor.execute(translate(sql, named), params if named else list(params))
            return Cursor(cursor, self)

    def stream(self, sql: str, params=None) -> Cursor:
        """A large read (every audit entry, an import's million rows) fetched a batch at a time through a
        server-side cursor, instead of the whole result in this process's memory at once."""
        with self._lock:
            conn = self._ready()
            cursor = conn.cursor(name=f"stream_{id(self):x}_{next(_STREAMS)}", withhold=not self.in_transaction)
            cursor.itersize = 5000
            with self._failures():
                named = isinstance(params, Mapping)
                cursor.execute(translate(sql, named), params if named or params is None else list(params))
            return Cursor(cursor, self)

    def executemany(self, sql: str, rows: Iterable) -> None:
        with self._lock:
            rows = list(rows)
            if not rows:
                return
            named = isinstance(rows[0], Mapping)
            with self._failures(), self._ready().cursor() as cursor:
                cursor.executemany(translate(sql, named), rows)

    def query(self, sql: str, params=None) -> Iterator[dict]:
        cursor = self.execute(sql, params)
        names = [d[0] for d in cursor.description or []]
        for row in cursor:
            yield dict(zip(names, row))

    COPY_CHUNK = 20_000

    def copy_rows(self, table: str, columns: Iterable[str], rows: Iterable[tuple]) -> int:
        """COPY rows into a table (the tax file's staging rows: several times faster than INSERTs). The rows
        are taken COPY_CHUNK at a time: whatever produces them may query this connection in between (a COPY
        holds the connection until it ends)."""
        columns = list(columns)
        statement = pgsql.SQL("COPY {} ({}) FROM STDIN").format(
            pgsql.SQL(".").join(pgsql.Identifier(p) for p in table.split(".")),
            pgsql.SQL(", ").join(pgsql.Identifier(c) for c in columns))
        n = 0
        source = iter(rows)
        while chunk := list(itertools.islice(source, self.COPY_CHUNK)):
            with self._lock:
                with self._failures(), self._ready().cursor() as cursor, cursor.copy(statement) as copy:
                    for row in chunk:
                        copy.write_row(row)
            n += len(chunk)
        return n

    # -- what tests and checks ask of sqlite-utils -------------------------------------------------------
    def __getitem__(self, name: str) -> _Table:
        return _Table(self, name)

    def table_names(self) -> list[str]:
        return [r[0] for r in self.execute(self.dialect.table_names_sql())]

    def __repr__(self) -> str:
        return f"<PgDatabase {self.label}>"
