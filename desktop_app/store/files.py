"""Whole data files: read-only opens, online-backup copies out and in, integrity pragmas, what a file holds."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlite_utils import Database

from desktop_app.store.db import readonly_uri

Step = Callable[[int, int], None]   # (pages done, pages in all); an exception it raises stops the copy


def connect_readonly(path: Path | str) -> sqlite3.Connection:
    """A read-only connection any thread may use (backups, checks and exports run off the window's thread)."""
    return sqlite3.connect(readonly_uri(path), uri=True, check_same_thread=False)


def open_readonly(path: Path | str) -> Database:
    return Database(connect_readonly(path), execute_plugins=False)


def _progress(step: Step | None):
    def progress(_status, remaining, total):
        if step is not None:
            step(total - remaining, total)
    return progress


def snapshot_copy(source: Path, target: Path, step: Step | None, pages: int) -> str:
    """SQLite's online backup of `source` into the new file `target`, read inside one read transaction, so a
    clerk saving meanwhile neither waits nor restarts the copy (WAL). The copy is one self-contained file
    (rollback journal, not WAL). Returns its quick_check verdict: "ok" when the copy is sound."""
    src = sqlite3.connect(str(source), isolation_level=None, check_same_thread=False)
    dst = sqlite3.connect(str(target), check_same_thread=False)
    try:
        src.execute("BEGIN")
        src.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()  # the read snapshot the copy is taken from
        src.backup(dst, pages=pages, progress=_progress(step))
        src.execute("COMMIT")
        dst.execute("PRAGMA journal_mode = DELETE")   # one self-contained file
        return dst.execute("PRAGMA quick_check").fetchone()[0]
    finally:
        dst.close()
        src.close()


def copy_into(source: Path, db: Database, step: Step | None, pages: int) -> None:
    """The online backup of the file `source` (opened read-only) over the open database `db`, which stays WAL."""
    src = open_readonly(source)
    try:
        src.conn.backup(db.conn, pages=pages, progress=_progress(step))
    finally:
        src.close()
    if db.journal_mode != "wal":
        db.enable_wal()


def integrity_check(conn: sqlite3.Connection, quick: bool, max_problems: int,
                    stop: Callable[[], bool] | None = None) -> list[str]:
    """PRAGMA quick_check (pages and structure, no index-to-table cross check) or the full integrity_check:
    ["ok"] or up to max_problems findings. `stop` is asked every 200,000 virtual-machine steps (so the check
    seldom takes the GIL from the window); true interrupts the check with sqlite3.OperationalError."""
    if stop is not None:
        conn.set_progress_handler(lambda: 1 if stop() else 0, 200_000)
    pragma = "quick_check" if quick else "integrity_check"
    return [r[0] for r in conn.execute(f"PRAGMA {pragma}({int(max_problems)})")]


def applied_migrations(db: Database) -> list[str]:
    """The names of this program's migrations the file has had (a backup may be older or newer than the program)."""
    return [r[0] for r in db.execute("SELECT name FROM _sqlite_migrations WHERE migration_set = 'flexins'")]


def row_count(db: Database | sqlite3.Connection, table: str) -> int:
    return db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]


class ReadSnapshot:
    """Every table of a data file as of one moment: a read-only connection inside one read transaction."""

    def __init__(self, path: Path | str):
        self.conn = connect_readonly(path)

    def begin(self) -> None:
        self.conn.execute("BEGIN")

    def table_names(self) -> list[str]:
        """The tables by name, SQLite's own (sqlite_%) left out."""
        return [r[0] for r in self.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]

    def count(self, table: str) -> int:
        return row_count(self.conn, table)

    def rows(self, table: str) -> tuple[list[str], Iterator[tuple]]:
        """The table's column names and its rows, read as they are iterated."""
        cursor = self.conn.execute(f'SELECT * FROM "{table}"')
        return [d[0] for d in cursor.description], cursor

    def close(self) -> None:
        self.conn.close()


class ServerSnapshot:
    """ReadSnapshot's calls on a server connection (store/pg.py): one REPEATABLE READ, READ ONLY transaction."""

    def __init__(self, db):
        self.db = db

    def begin(self) -> None:
        self.db.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")

    def table_names(self) -> list[str]:
        return [t for t in self.db.table_names() if t != "schema_migrations"]

    def count(self, table: str) -> int:
        return self.db[table].count

    def rows(self, table: str) -> tuple[list[str], Iterator[tuple]]:
        cursor = self.db.execute(f'SELECT * FROM "{table}" ORDER BY 1')
        return [d[0] for d in cursor.description], iter(cursor)

    def close(self) -> None:
        self.db.close()
