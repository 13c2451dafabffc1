"""A tax-bureau file's checked rows in TEMP tables of this connection: checked against the ledger and written
to it in SQL, so a million rows never become a million Python objects nor the whole ledger a Python set.

The dry run and the import that follows it run on one connection (the window's, or the import worker's), on
both engines: the staged rows are that connection's own, and vanish with it. On a server the rows go in
through COPY (store/pg.py copy_rows)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator

from sqlite_utils import Database

from desktop_app.store.db import insert_id
from desktop_app.store.dialect import dialect, is_server

# Table names as written in SQL: the connection's temporary schema (temp. / pg_temp.) comes from its dialect.
ROWS_NAME, KEYS_NAME, PEOPLE_NAME, STATE_NAME = ("tax_import_rows", "tax_import_keys", "tax_import_people",
                                                 "tax_import_state")


def _t(db: Database, name: str) -> str:
    return dialect(db).temp + name


def rows_table(db: Database) -> str:
    """The staged rows' table as SQL names it on this connection (for a query over the file's people)."""
    return _t(db, ROWS_NAME)


def create(db: Database) -> None:
    """Empty tables for a new check (the previous check's are dropped)."""
    drop(db)
    ROWS, KEYS, STATE = _t(db, ROWS_NAME), _t(db, KEYS_NAME), _t(db, STATE_NAME)
    TEXT = dialect(db).text
    db.execute(f"""CREATE TABLE {ROWS} (
        row_no INTEGER PRIMARY KEY,   -- the row's number in the file
        person_id BIGINT NOT NULL,
        month {TEXT} NOT NULL,
        paid_on {TEXT},
        receipt {TEXT},
        late_fee {TEXT},              -- the 滞纳金 column's fee, when the file has one (issue 13)
        key_no INTEGER,               -- the contribution standard the amount was checked against
        clean INTEGER NOT NULL,       -- 1: no problem found row by row
        paid INTEGER NOT NULL DEFAULT 0,
        dup_of INTEGER                -- the earlier row for the same person and month
    )""")
    db.execute(f"""CREATE TABLE {KEYS} (
        key_no INTEGER PRIMARY KEY, jurisdiction {TEXT}, mode {TEXT}, base_ratio {TEXT}, month {TEXT}, amount {TEXT},
        decision_id BIGINT)""")
    db.execute(f"CREATE TABLE {STATE} (sha256 {TEXT}, today {TEXT}, clean INTEGER, total_rows INTEGER,"
               f" ok_rows INTEGER, rows_sha256 {TEXT}, people INTEGER, audit_head BIGINT)")


def drop(db: Database) -> None:
    for name in (ROWS_NAME, KEYS_NAME, PEOPLE_NAME, STATE_NAME):
        db.execute(f"DROP TABLE IF EXISTS {_t(db, name)}")


ROWS_PER_INSERT = 32  # rows per INSERT statement: a statement's run costs more than its values (2.2 s -> 1.1 s)


def _insert_many(db: Database, table: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
    """executemany, ROWS_PER_INSERT rows to a statement (the last few one by one); COPY on a server."""
    if is_server(db):
        db.copy_rows(table, columns, rows)
        return
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
    one = "(" + ", ".join("?" * len(columns)) + ")"
    tail: list[tuple] = []

    def groups() -> Iterator[list]:
        flat: list = []
        count = 0
        for row in rows:
            flat.extend(row)
            count += 1
            if count == ROWS_PER_INSERT:
                yield flat
                flat, count = [], 0
        tail.extend(zip(*[iter(flat)] * len(columns)))

    db.conn.executemany(sql + ", ".join([one] * ROWS_PER_INSERT), groups())
    db.conn.executemany(sql + one, tail)


def add_rows(db: Database, rows: Iterable[tuple]) -> None:
    """(row_no, person_id, month, paid_on, receipt, key_no, clean, late_fee), streamed from the checker."""
    _insert_many(db, _t(db, ROWS_NAME), ("row_no", "person_id", "month", "paid_on", "receipt", "key_no", "clean",
                                         "late_fee"),
                 rows)


def add_keys(db: Database, keys: Iterable[tuple]) -> None:
    """(key_no, jurisdiction, mode, base_ratio, month, amount)."""
    db.conn.executemany(f"INSERT INTO {_t(db, KEYS_NAME)} (key_no, jurisdiction, mode, base_ratio, month, amount)"
                        " VALUES (?, ?, ?, ?, ?, ?)", keys)


def index(db: Database) -> bool:
    """One sort of the rows by month and person, the ledger's own order (m006): it is then probed and written
    in that order. True when no person and month comes twice in the file (the index could be unique)."""
    if is_server(db):
        # a failed statement would end a server's transaction: build the index, then ask for a repeat
        db.execute(f"CREATE INDEX {ROWS_NAME}_mp ON {_t(db, ROWS_NAME)} (month, person_id)")
        db.execute(f"ANALYZE {_t(db, ROWS_NAME)}")
        return not db.execute(f"SELECT EXISTS (SELECT 1 FROM {_t(db, ROWS_NAME)} GROUP BY month, person_id"
                              " HAVING count(*) > 1)").fetchone()[0]
    ROWS = _t(db, ROWS_NAME)
    try:
        db.execute(f"CREATE UNIQUE INDEX {ROWS}_mp ON tax_import_rows (month, person_id)")
        return True
    except sqlite3.IntegrityError:
        db.execute(f"CREATE INDEX {ROWS}_mp ON tax_import_rows (month, person_id)")
        return False


def mark_paid(db: Database) -> int:
    """Rows whose month is already in the ledger; returns how many."""
    ROWS = _t(db, ROWS_NAME)
    cursor = db.execute(
        f"UPDATE {ROWS} SET paid = 1 WHERE row_no IN ("
        f" SELECT t.row_no FROM {ROWS} AS t {dialect(db).cross_join} ledger AS l"
        "  ON l.month = t.month AND l.person_id = t.person_id)")
    return cursor.rowcount


def mark_duplicates(db: Database) -> int:
    """Rows repeating an earlier row's person and month (among months not already paid); returns how many."""
    ROWS = _t(db, ROWS_NAME)
    cursor = db.execute(
        f"UPDATE {ROWS} AS u SET dup_of = (SELECT min(e.row_no) FROM {ROWS} AS e WHERE e.person_id = u.person_id"
        f"  AND e.month = u.month AND e.paid = 0)"
        f" WHERE paid = 0 AND row_no IN ("
        f"  SELECT t.row_no FROM {ROWS} AS t JOIN ("
        f"   SELECT person_id, month, min(row_no) AS first FROM {ROWS} WHERE paid = 0"
        "    GROUP BY person_id, month HAVING count(*) > 1) AS f"
        "  ON t.person_id = f.person_id AND t.month = f.month AND t.row_no > f.first)")
    return cursor.rowcount


def flagged(db: Database, limit: int) -> list[tuple]:
    """(row_no, month, paid, dup_of) of the rows marked, in file order, up to limit."""
    return db.execute(f"SELECT row_no, month, paid, dup_of FROM {_t(db, ROWS_NAME)} WHERE paid = 1 OR dup_of IS NOT NULL"
                      " ORDER BY row_no LIMIT ?", [limit]).fetchall()


def flagged_clean(db: Database) -> int:
    """Rows clean row by row but flagged against the ledger or the file."""
    return db.execute(f"SELECT count(*) FROM {_t(db, ROWS_NAME)} WHERE clean = 1 AND (paid = 1 OR dup_of IS NOT NULL)").fetchone()[0]


def snapshot_people(db: Database, people: Iterable[tuple]) -> None:
    """(person_id, name, jurisdiction, mode, base_ratio, first_month) as the check used them, to see at import
    time whether anything changed since (the clerk goes on working at the counter while the import runs on
    its own connection)."""
    PEOPLE = _t(db, PEOPLE_NAME)
    db.execute(f"DROP TABLE IF EXISTS {PEOPLE}")
    if is_server(db):
        text = dialect(db).text
        db.execute(f"CREATE TABLE {PEOPLE} (person_id BIGINT PRIMARY KEY, name {text}, jurisdiction {text},"
                   f" mode {text}, base_ratio {text}, first_month {text})")
    else:
        # No declared types: each value kept exactly as read from people, so IS NOT compares like with like.
        db.execute(f"CREATE TABLE {PEOPLE} (person_id INTEGER PRIMARY KEY, name, jurisdiction, mode, base_ratio,"
                   " first_month)")
    _insert_many(db, PEOPLE, ("person_id", "name", "jurisdiction", "mode", "base_ratio", "first_month"), people)


def people_changed(db: Database) -> bool:
    return db.execute(
        f"SELECT EXISTS (SELECT 1 FROM {_t(db, PEOPLE_NAME)} AS t LEFT JOIN people AS p ON p.id = t.person_id"
        " WHERE p.id IS NULL OR p.name IS DISTINCT FROM t.name OR p.jurisdiction IS DISTINCT FROM t.jurisdiction"
        " OR p.mode IS DISTINCT FROM t.mode OR p.base_ratio IS DISTINCT FROM t.base_ratio"
        " OR p.first_month IS DISTINCT FROM t.first_month)").fetchone()[0] == 1


def save_state(db: Database, sha256: str, today: str, clean: bool, total_rows: int, ok_rows: int,
               rows_sha256: str, people: int) -> None:
    """The check's outcome, with the audit chain's head: every write appends to the chain in its transaction
    (issue 6), so an unchanged head means nothing the check relied on has changed since."""
    db.execute(f"DELETE FROM {_t(db, STATE_NAME)}")
    db.execute(f"INSERT INTO {_t(db, STATE_NAME)} VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
               [sha256, today, int(clean), total_rows, ok_rows, rows_sha256, people, audit_head(db)])


def audit_head(db: Database) -> int:
    return db.execute("SELECT coalesce(max(id), 0) FROM audit").fetchone()[0]


def state(db: Database) -> dict | None:
    """The last check on this connection, if its tables are still here."""
    if is_server(db):
        if not db.execute(f"SELECT to_regclass('{_t(db, STATE_NAME)}') IS NOT NULL").fetchone()[0]:
            return None
    try:
        row = db.execute(f"SELECT sha256, today, clean, total_rows, ok_rows, rows_sha256, people, audit_head"
                         f" FROM {_t(db, STATE_NAME)}").fetchone()
    except sqlite3.OperationalError as exc:
        if "no such table" not in str(exc):
            raise   # a disk, lock or interrupt error is not "nothing checked yet"
        return None   # nothing checked on this connection (a server's absence is asked of to_regclass above)
    if row is None:
        return None
    names = ("sha256", "today", "clean", "total_rows", "ok_rows", "rows_sha256", "people", "audit_head")
    return dict(zip(names, row))


def keys(db: Database) -> list[tuple]:
    """(key_no, jurisdiction, mode, base_ratio, month, amount) of the standards the clean rows use."""
    return db.execute(f"SELECT key_no, jurisdiction, mode, base_ratio, month, amount FROM {_t(db, KEYS_NAME)}"
                      f" WHERE key_no IN (SELECT DISTINCT key_no FROM {_t(db, ROWS_NAME)}) ORDER BY key_no").fetchall()


def set_decision(db: Database, key_no: int, decision_id: int) -> None:
    db.execute(f"UPDATE {_t(db, KEYS_NAME)} SET decision_id = ? WHERE key_no = ?", [decision_id, key_no])


def write_parts(db: Database, parts: int) -> list[tuple[str, int, int]]:
    """(month, first person id, last person id) ranges splitting the rows into about `parts` parts in the
    ledger's order, for progress while writing: each month's rows by its share, split by person id range."""
    months = db.execute(f"SELECT month, count(*), min(person_id), max(person_id) FROM {_t(db, ROWS_NAME)} GROUP BY month"
                        " ORDER BY month").fetchall()
    total = sum(m[1] for m in months)
    out = []
    for month, count, low, high in months:
        n = max(1, min(round(parts * count / total), high - low + 1))
        step = -(-(high - low + 1) // n)
        out.extend((month, first, min(first + step - 1, high)) for first in range(low, high + 1, step))
    return out


def write_ledger(db: Database, month: str, first: int, last: int, import_id: int, operator: str,
                 recorded_at: str) -> int:
    """Insert the rows of one month and person id range into the ledger, read along the check's (month, person)
    index: in the ledger's own order, appended at its index's end when the month is new, with no sort."""
    ROWS, KEYS = _t(db, ROWS_NAME), _t(db, KEYS_NAME)
    cursor = db.execute(
        "INSERT INTO ledger (person_id, month, paid_on, amount, receipt_no, source, mode, decision_id, import_id,"
        " operator, recorded_at, late_fee)"
        f" SELECT t.person_id, t.month, t.paid_on, k.amount, t.receipt, 'tax_import', k.mode, k.decision_id, ?, ?, ?,"
        " t.late_fee"
        f" FROM {ROWS} AS t JOIN {KEYS} AS k ON k.key_no = t.key_no"
        " WHERE t.month = ? AND t.person_id BETWEEN ? AND ? ORDER BY t.month, t.person_id",
        [import_id, operator, recorded_at, month, first, last])
    return cursor.rowcount


def written_ids(db: Database, import_id: int, rows: int) -> tuple[int, int] | None:
    """(first, last) ledger id of the import's rows just written, which are consecutive (the transaction holds
    the write turn); None when they are not (never assumed on a server, whose identity could have jumped)."""
    last = db.execute("SELECT max(id) FROM ledger").fetchone()[0]
    first = last - rows + 1
    if is_server(db) and db.execute("SELECT count(*) FROM ledger WHERE id BETWEEN ? AND ? AND import_id = ?",
                                    [first, last, import_id]).fetchone()[0] != rows:
        return None
    return first, last


def record_import(db: Database, file_name: str, sha256: str, rows: int, imported_on: str, operator: str,
                  recorded_at: str) -> int:
    """The imports row every ledger row of the file points to."""
    return insert_id(db, "INSERT INTO imports (file_name, sha256, rows, imported_on, operator, recorded_at)"
                     " VALUES (?, ?, ?, ?, ?, ?)", [file_name, sha256, rows, imported_on, operator, recorded_at])


def imports(db: Database) -> list[dict]:
    """Files imported so far, newest first."""
    return list(db.query("SELECT * FROM imports ORDER BY id DESC"))
