"""Versioned schema changes, applied in order when a file is opened; never edit one that has shipped."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from desktop_app.store.db import StoreError, atomic
from desktop_app.store.dialect import is_server

MIGRATIONS = Migrations("flexins")

LEDGER_SOURCES = ("counter", "tax_import", "transfer", "back_payment", "deemed")


def _run(db: Database, *statements: str) -> None:
    # db.executescript would COMMIT the migration's transaction half way; one statement at a time.
    for sql in statements:
        db.execute(sql)


@MIGRATIONS()
def m001_initial(db: Database) -> None:
    """First schema (issue 3): people, monthly ledger, decisions with their trace, notices, office parameters, audit chain."""
    sources = ", ".join(f"'{s}'" for s in LEDGER_SOURCES)
    _run(
        db,
        """CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        )""",
        """CREATE TABLE people (
            id INTEGER PRIMARY KEY,
            id_number TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            sex TEXT NOT NULL CHECK (sex IN ('M', 'F')),
            birth_date TEXT NOT NULL,
            phone TEXT NOT NULL DEFAULT '',
            address TEXT NOT NULL DEFAULT '',
            category TEXT NOT NULL,
            places TEXT NOT NULL DEFAULT '[]',
            employer_insured INTEGER NOT NULL DEFAULT 0,
            mode TEXT NOT NULL,
            base_ratio TEXT,
            jurisdiction TEXT NOT NULL,
            first_month TEXT NOT NULL,
            waiting_exempt INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            operator TEXT NOT NULL
        )""",
        "CREATE INDEX idx_people_name ON people (name)",
        """CREATE TABLE decisions (
            id INTEGER PRIMARY KEY,
            person_id INTEGER REFERENCES people (id),
            question TEXT NOT NULL,
            inputs TEXT NOT NULL,
            decision TEXT NOT NULL,
            rule_version TEXT,
            decided_on TEXT NOT NULL,
            operator TEXT NOT NULL,
            recorded_at TEXT NOT NULL
        )""",
        "CREATE INDEX idx_decisions_person ON decisions (person_id, question)",
        f"""CREATE TABLE ledger (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES people (id),
            month TEXT NOT NULL,
            paid_on TEXT NOT NULL,
            amount TEXT,
            receipt_no TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL CHECK (source IN ({sources})),
            mode TEXT,
            decision_id INTEGER REFERENCES decisions (id),
            operator TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            UNIQUE (person_id, month)
        )""",
        """CREATE TABLE corrections (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES people (id),
            kind TEXT NOT NULL CHECK (kind IN ('deemed', 'transferred', 'void')),
            months INTEGER NOT NULL,
            reason TEXT NOT NULL,
            voids INTEGER REFERENCES corrections (id),
            decided_on TEXT NOT NULL,
            operator TEXT NOT NULL,
            recorded_at TEXT NOT NULL
        )""",
        "CREATE INDEX idx_corrections_person ON corrections (person_id)",
        """CREATE TABLE notices (
            id INTEGER PRIMARY KEY,
            serial TEXT NOT NULL UNIQUE,
            person_id INTEGER NOT NULL REFERENCES people (id),
            kind TEXT NOT NULL,
            decision_id INTEGER REFERENCES decisions (id),
            inputs TEXT NOT NULL,
            pdf BLOB NOT NULL,
            sha256 TEXT NOT NULL,
            replaces TEXT REFERENCES notices (serial),
            issued_on TEXT NOT NULL,
            operator TEXT NOT NULL,
            recorded_at TEXT NOT NULL
        )""",
        "CREATE INDEX idx_notices_person ON notices (person_id)",
        """CREATE TABLE parameters (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            jurisdiction TEXT NOT NULL,
            valid_from TEXT NOT NULL,
            value TEXT NOT NULL,
            source TEXT NOT NULL,
            demo INTEGER NOT NULL DEFAULT 0,
            entered_by TEXT NOT NULL,
            entered_at TEXT NOT NULL
        )""",
        "CREATE INDEX idx_parameters_name ON parameters (jurisdiction, name, valid_from)",
        """CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            operator TEXT NOT NULL,
            action TEXT NOT NULL,
            entity TEXT NOT NULL,
            before TEXT,
            after TEXT,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        )""",
        # The chain detects any edit; these stop the application itself from ever making one.
        """CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
           BEGIN SELECT RAISE(ABORT, '审计记录只能追加，不能修改'); END""",
        """CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
           BEGIN SELECT RAISE(ABORT, '审计记录只能追加，不能删除'); END""",
    )


@MIGRATIONS()
def m002_import_batches(db: Database) -> None:
    """Trace every tax-bureau ledger row to the file it came from (issue 3: import; issue 6: who, when, what)."""
    _run(
        db,
        """CREATE TABLE imports (
            id INTEGER PRIMARY KEY,
            file_name TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            rows INTEGER NOT NULL,
            imported_on TEXT NOT NULL,
            operator TEXT NOT NULL,
            recorded_at TEXT NOT NULL
        )""",
        "ALTER TABLE ledger ADD COLUMN import_id INTEGER REFERENCES imports (id)",
    )


@MIGRATIONS()
def m003_ledger_voids(db: Database) -> None:
    """A ledger month entered in error is voided by a new record with its reason, never edited (issue 6)."""
    _run(
        db,
        """CREATE TABLE ledger_voids (
            id INTEGER PRIMARY KEY,
            ledger_id INTEGER NOT NULL,
            person_id INTEGER NOT NULL REFERENCES people (id),
            month TEXT NOT NULL,
            row TEXT NOT NULL,
            reason TEXT NOT NULL,
            voided_on TEXT NOT NULL,
            operator TEXT NOT NULL,
            recorded_at TEXT NOT NULL
        )""",
        "CREATE INDEX idx_ledger_voids_person ON ledger_voids (person_id)",
    )


@MIGRATIONS()
def m004_operators(db: Database) -> None:
    """Operators log in with a role (经办员, 复核员, 管理员); failed logins lock the account for a while (issue 6)."""
    _run(
        db,
        """CREATE TABLE operators (
            id INTEGER PRIMARY KEY,
            username TEXT NOT NULL UNIQUE COLLATE NOCASE,
            full_name TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('clerk', 'reviewer', 'admin')),
            password_hash TEXT NOT NULL,
            must_change_password INTEGER NOT NULL DEFAULT 1,
            failed_logins INTEGER NOT NULL DEFAULT 0,
            locked_until TEXT,
            active INTEGER NOT NULL DEFAULT 1,
            demo INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            created_by TEXT NOT NULL,
            password_changed_at TEXT,
            last_login_at TEXT
        )""",
    )


# Every substring of one and two characters of a name, so "part of the name" is found through an index.
NAME_GRAM_SPANS = [(start, length) for start in range(1, 41) for length in (1, 2)]
_GRAMS_OF = ("SELECT substr({row}.name, s.start, s.length) FROM name_gram_spans s"
             " WHERE s.start + s.length - 1 <= length({row}.name)")
_INSERT_GRAMS = ("INSERT OR IGNORE INTO people_name_grams (gram, person_id)"
                 " SELECT substr({row}.name, s.start, s.length), {row}.id FROM name_gram_spans s"
                 " WHERE s.start + s.length - 1 <= length({row}.name)")
_DELETE_GRAMS = "DELETE FROM people_name_grams WHERE person_id = {row}.id AND gram IN (" + _GRAMS_OF + ")"
_SOURCE_IN = "CHECK (source IN (" + ", ".join(f"'{s}'" for s in LEDGER_SOURCES) + "))"
_SOURCE_OR = "CHECK (" + " OR ".join(f"source = '{s}'" for s in LEDGER_SOURCES) + ")"


@MIGRATIONS()
def m005_county_scale(db: Database) -> None:
    """County scale (issue 7): name parts found by index; the ledger's source check without a per-row IN list."""
    # SQLite 3.40 builds the IN list's lookup table again for every row inserted, which halves the speed of a
    # million-row import. The equivalent OR chain allows exactly the same values, so the existing rows still
    # satisfy it: an in-place schema edit (sqlite.org/lang_altertable.html, "other kinds of schema changes").
    sql = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'ledger'").fetchone()[0]
    if _SOURCE_IN in sql:
        version = db.execute("PRAGMA schema_version").fetchone()[0]
        db.execute("PRAGMA writable_schema = ON")
        try:
            db.execute("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'ledger'",
                       [sql.replace(_SOURCE_IN, _SOURCE_OR)])
            db.execute(f"PRAGMA schema_version = {version + 1}")
        except sqlite3.DatabaseError:
            pass  # a SQLite built in defensive mode refuses the edit: the slower check stays, still correct
        finally:
            db.execute("PRAGMA writable_schema = OFF")
    _run(
        db,
        """CREATE TABLE name_gram_spans (
            start INTEGER NOT NULL,
            length INTEGER NOT NULL,
            PRIMARY KEY (start, length)
        ) WITHOUT ROWID""",
        """CREATE TABLE people_name_grams (
            gram TEXT NOT NULL,
            person_id INTEGER NOT NULL,
            PRIMARY KEY (gram, person_id)
        ) WITHOUT ROWID""",
        f"""CREATE TRIGGER people_name_grams_insert AFTER INSERT ON people BEGIN
            {_INSERT_GRAMS.format(row="NEW")};
        END""",
        f"""CREATE TRIGGER people_name_grams_delete AFTER DELETE ON people BEGIN
            {_DELETE_GRAMS.format(row="OLD")};
        END""",
        f"""CREATE TRIGGER people_name_grams_update AFTER UPDATE OF name ON people BEGIN
            {_DELETE_GRAMS.format(row="OLD")};
            {_INSERT_GRAMS.format(row="NEW")};
        END""",
    )
    db.conn.executemany("INSERT INTO name_gram_spans (start, length) VALUES (?, ?)", NAME_GRAM_SPANS)
    db.execute(_INSERT_GRAMS.format(row="p").replace("FROM name_gram_spans s", "FROM people p, name_gram_spans s"))


@MIGRATIONS()
def m005_decisions_by_date(db: Database) -> None:
    """County scale (issue 7): decisions found by date, so a parameter change counts only the decisions since."""
    # services.parameters.parameter_change_impact: 2.2 s over half a million decisions without it.
    _run(db, "CREATE INDEX idx_decisions_decided_on ON decisions (decided_on)")



LEDGER_COLUMNS = ("id", "person_id", "month", "paid_on", "amount", "receipt_no", "source", "mode", "decision_id",
                  "operator", "recorded_at", "import_id")


@MIGRATIONS()
def m006_ledger_by_month(db: Database) -> None:
    """County scale (issue 7): the ledger keyed by (month, person), so a tax-bureau file's rows are appended."""
    # A tax-bureau file brings the newest months of most people. Keyed by person first, its million rows
    # land on most of the 110,000 leaf pages of a 22-million-row index (13 s to write on the bench machine);
    # keyed by month first they append at the index's end (2.5 s). One person's months are then read with
    # one index search per month from the ledger's first month to its last (store/ledger.py): ~1-2 ms.
    # The table is rebuilt (sqlite.org/lang_altertable.html, the 12-step procedure): copied in id order,
    # which needs no sort, with the unique index built afterwards from the keys alone.
    columns = ", ".join(LEDGER_COLUMNS)
    _run(
        db,
        f"""CREATE TABLE ledger_new (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES people (id),
            month TEXT NOT NULL,
            paid_on TEXT NOT NULL,
            amount TEXT,
            receipt_no TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL {_SOURCE_OR},
            mode TEXT,
            decision_id INTEGER REFERENCES decisions (id),
            operator TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            import_id INTEGER REFERENCES imports (id)
        )""",
        f"INSERT INTO ledger_new ({columns}) SELECT {columns} FROM ledger ORDER BY id",
        "DROP TABLE ledger",
        "ALTER TABLE ledger_new RENAME TO ledger",
        "CREATE UNIQUE INDEX ledger_month_person ON ledger (month, person_id)",
    )


@MIGRATIONS()
def m007_backup_keys(db: Database) -> None:
    """Issue 12: the backup passphrase's key (backups are encrypted); audit entries found by entity (reprints)."""
    # The key is derived from the administrator's passphrase and kept wrapped by the operating system where it
    # can (services/backup.py); a reprint compares the archived PDF with its issue's entry (services/notices.py).
    _run(
        db,
        """CREATE TABLE backup_keys (
            id INTEGER PRIMARY KEY,
            key_id TEXT NOT NULL UNIQUE,
            salt TEXT NOT NULL,
            n INTEGER NOT NULL,
            r INTEGER NOT NULL,
            p INTEGER NOT NULL,
            protector TEXT NOT NULL,
            wrapped BLOB NOT NULL,
            created_at TEXT NOT NULL,
            operator TEXT NOT NULL
        )""",
        "CREATE INDEX idx_audit_entity ON audit (entity)",
    )


def migrate(db: Database, record: Callable[[list[str]], None] | None = None) -> list[str]:
    """Apply pending migrations; return their names. Refuses a file written by a newer app version.

    All pending migrations and record(names) (the caller's audit entry) commit as one transaction (issue 12):
    a kill right after the upgrade can no longer leave it without its entry. A full disk half way rolls all
    of it back (store.db.DiskFull). On a server the schema comes from store/schema_pg.py, in the same
    transaction and under the office's write turn."""
    known = {m.name for m in MIGRATIONS._migrations}
    unknown = [name for name in applied_names(db) if name not in known]
    if unknown:
        raise StoreError(
            "该数据文件由更新版本的经办台创建（数据结构 " + "、".join(unknown) + "），请升级本程序后再打开。"
        )
    if is_server(db):
        return _migrate_server(db, record)
    pending = [m.name for m in MIGRATIONS.pending(db)]
    if pending:
        with atomic(db):  # each migration's own db.atomic() becomes a savepoint inside this transaction
            MIGRATIONS.apply(db)
            if record is not None:
                record(pending)
    return pending


def _migrate_server(db, record) -> list[str]:
    from desktop_app.store import schema_pg

    if not schema_pg.pending(db):
        return []
    from datetime import datetime

    with atomic(db):
        done = schema_pg.apply(db, datetime.now().isoformat(timespec="seconds"))  # read again under the turn
        if done and record is not None:
            record(done)
    return done


def applied_names(db: Database) -> list[str]:
    if is_server(db):
        from desktop_app.store import schema_pg

        return schema_pg.applied(db)
    return [m.name for m in MIGRATIONS.applied(db)]


REBUILDS = {"m006_ledger_by_month": ("ledger",)}  # migrations that copy a whole table
UPGRADE_MARGIN_BYTES = 16 * 2 ** 20


def upgrade_bytes(db: Database, names: list[str]) -> int:
    """Free disk space the pending migrations need, estimated before they start (issue 12). A table rebuilt
    (m006: the ledger) is written twice over while the transaction lasts: the new copy in the file and the
    same pages in the write-ahead log; so twice the table with its indexes, plus a margin."""
    if is_server(db):
        return 0  # the server's disk is its administrator's; nothing there is rebuilt
    tables = sorted({t for name in names for t in REBUILDS.get(name, ())})
    if not tables:
        return UPGRADE_MARGIN_BYTES if names else 0
    return 2 * table_bytes(db, tables) + UPGRADE_MARGIN_BYTES


def table_bytes(db: Database, tables: list[str]) -> int:
    """The pages the tables and their indexes take (SQLite's dbstat); the whole file where dbstat is missing."""
    marks = ", ".join("?" * len(tables))
    try:
        return db.execute(
            f"SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name IN ({marks}) OR name IN"
            f" (SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ({marks}))",
            [*tables, *tables]).fetchone()[0]
    except sqlite3.DatabaseError:
        return db.execute("PRAGMA page_count").fetchone()[0] * db.execute("PRAGMA page_size").fetchone()[0]


def pending(db: Database) -> list[str]:
    """The migrations this file still needs, by name, without applying them."""
    if is_server(db):
        from desktop_app.store import schema_pg

        return schema_pg.pending(db)
    return [m.name for m in MIGRATIONS.pending(db)]


def schema_version(db: Database) -> str | None:
    applied = applied_names(db)
    return applied[-1] if applied else None


PERSON_CHANGE_FIELDS = ("phone", "address", "category", "payment_cycle", "base_ratio", "mode", "status")
PERSON_STATUSES = ("active", "stopped", "terminated_death", "terminated_employer", "transferred_out")


@MIGRATIONS()
def m008_person_terms(db: Database) -> None:
    """A person's payment cycle, insurance status and dated changes of terms (issue 11: 信阳 按季度; issue 13: 停保, 转出)."""
    fields = ", ".join(f"'{f}'" for f in PERSON_CHANGE_FIELDS)
    statuses = ", ".join(f"'{s}'" for s in PERSON_STATUSES)
    _run(
        db,
        "ALTER TABLE people ADD COLUMN payment_cycle TEXT NOT NULL DEFAULT 'monthly'",
        f"ALTER TABLE people ADD COLUMN status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ({statuses}))",
        # the late fee paid with a month paid late (issue 13: the quoted 滞纳金 is recorded, not only quoted)
        "ALTER TABLE ledger ADD COLUMN late_fee TEXT",
        f"""CREATE TABLE person_changes (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES people (id),
            field TEXT NOT NULL CHECK (field IN ({fields})),
            valid_from TEXT NOT NULL,
            before TEXT,
            after TEXT,
            reason TEXT NOT NULL DEFAULT '',
            decided_on TEXT NOT NULL,
            operator TEXT NOT NULL,
            recorded_at TEXT NOT NULL
        )""",
        "CREATE INDEX idx_person_changes_person ON person_changes (person_id, field, valid_from)",
        # 信阳 第六条 / 吉林（五）: the difference paid for pooling-only months when changing to with-account mode
        """CREATE TABLE mode_differences (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES people (id),
            months TEXT NOT NULL,
            amount TEXT NOT NULL,
            paid_on TEXT NOT NULL,
            receipt_no TEXT NOT NULL,
            decision_id INTEGER REFERENCES decisions (id),
            operator TEXT NOT NULL,
            recorded_at TEXT NOT NULL
        )""",
        "CREATE INDEX idx_mode_differences_person ON mode_differences (person_id)",
    )


@MIGRATIONS()
def m009_notice_receipts(db: Database) -> None:
    """The 回执 of a notice coming back signed (issue 14): one row per notice, beside the archived PDF it leaves alone."""
    _run(
        db,
        """CREATE TABLE notice_receipts (
            id INTEGER PRIMARY KEY,
            serial TEXT NOT NULL UNIQUE REFERENCES notices (serial),
            returned_on TEXT NOT NULL,
            operator TEXT NOT NULL,
            recorded_at TEXT NOT NULL
        )""",
    )


@MIGRATIONS()
def m010_people_search(db: Database) -> None:
    """Find a person by phone and by 拼音首字母 (issue 13): an index on phone, and every reading of each name's initials."""
    from desktop_app.store.initials import initials

    _run(
        db,
        "CREATE INDEX idx_people_phone ON people (phone)",
        """CREATE TABLE people_initials (
            initials TEXT NOT NULL,
            person_id INTEGER NOT NULL,
            PRIMARY KEY (initials, person_id)
        ) WITHOUT ROWID""",
    )
    rows = ((code, pid) for pid, name in db.execute("SELECT id, name FROM people") for code in initials(name))
    db.conn.executemany("INSERT OR IGNORE INTO people_initials (initials, person_id) VALUES (?, ?)", rows)


# The writes after which a person's outlook (store/outlook.py) is decided again; the ledger's own rows mark it in
# store/ledger.py and the tax import (a trigger per ledger row would slow a million-row import by seconds).
_OUTLOOK_STALE = ("INSERT INTO person_outlook (person_id, stale) VALUES ({id}, 1)"
                  " ON CONFLICT (person_id) DO UPDATE SET stale = stale + 1")
_OUTLOOK_TRIGGERS = {  # table: (event, the person's id)
    "people": ("AFTER INSERT", "NEW.id"), "people_update": ("AFTER UPDATE", "NEW.id"),
    "person_changes": ("AFTER INSERT", "NEW.person_id"), "corrections": ("AFTER INSERT", "NEW.person_id"),
    "ledger_voids": ("AFTER INSERT", "NEW.person_id"), "mode_differences": ("AFTER INSERT", "NEW.person_id"),
    "decisions": ("AFTER INSERT", "NEW.person_id"), "notices": ("AFTER INSERT", "NEW.person_id"),
}


@MIGRATIONS()
def m011_worklists(db: Database) -> None:
    """The office's day (issue 15): outlooks for the worklists and report, notice serial blocks, daily closes, indexes."""
    _run(
        db,
        # Derived from the ledger and the person by the rule module (services/outlook.py), rebuilt at any time.
        """CREATE TABLE person_outlook (
            person_id INTEGER PRIMARY KEY REFERENCES people (id),
            stale INTEGER NOT NULL DEFAULT 1,  -- 0: up to date; each write adds 1 (a refresh saves only if unchanged)
            jurisdiction TEXT,                 -- the person's, for the lists' filters without reading people
            category TEXT,
            operator TEXT,
            base_index INTEGER,
            first_index INTEGER,
            valid_to INTEGER,
            states TEXT NOT NULL DEFAULT '',
            seq_state TEXT NOT NULL DEFAULT '',
            seq_flags TEXT NOT NULL DEFAULT '',
            seq_pay_by TEXT NOT NULL DEFAULT '',
            schedule TEXT NOT NULL DEFAULT '{}',
            lapses TEXT NOT NULL DEFAULT '',
            resumes TEXT NOT NULL DEFAULT '',
            retirement_month TEXT,
            retirement_month_alt TEXT,
            retirement_note TEXT,
            shortfall_months INTEGER,
            transfer_open TEXT,
            error TEXT,
            refreshed_at TEXT
        )""",
        "CREATE INDEX idx_person_outlook_stale ON person_outlook (stale) WHERE stale > 0",
        # a tax import marks its people here (one append), folded into person_outlook.stale before the next refresh
        "CREATE TABLE outlook_marks (person_id INTEGER PRIMARY KEY)",
        # the lists' one pass reads this index alone (200,000 short entries), never the wide rows
        """CREATE INDEX idx_person_outlook_scan ON person_outlook (valid_to, base_index, stale, error, jurisdiction,
            category, operator, seq_flags, seq_pay_by)""",
        "CREATE INDEX idx_person_outlook_base ON person_outlook (base_index)",
        "CREATE INDEX idx_person_outlook_retirement ON person_outlook (retirement_month)",
        "CREATE INDEX idx_person_outlook_retirement_alt ON person_outlook (retirement_month_alt)"
        " WHERE retirement_month_alt IS NOT NULL",
        "CREATE INDEX idx_person_outlook_transfer ON person_outlook (transfer_open) WHERE transfer_open IS NOT NULL",
        # A batch of reminders takes its serial numbers before rendering, so the counter can go on issuing.
        """CREATE TABLE notice_serial_blocks (
            id INTEGER PRIMARY KEY,
            prefix TEXT NOT NULL,
            first_seq INTEGER NOT NULL,
            last_seq INTEGER NOT NULL,
            purpose TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'reserved' CHECK (status IN ('reserved', 'issued', 'cancelled')),
            operator TEXT NOT NULL,
            recorded_at TEXT NOT NULL
        )""",
        "CREATE INDEX idx_notice_serial_blocks ON notice_serial_blocks (prefix, last_seq)",
        """CREATE TABLE daily_closes (
            id INTEGER PRIMARY KEY,
            day TEXT NOT NULL,
            operator TEXT NOT NULL,
            figures TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            signed_by TEXT NOT NULL,
            signed_at TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT ''
        )""",
        "CREATE INDEX idx_daily_closes_day ON daily_closes (day, operator)",
        "CREATE INDEX idx_audit_at ON audit (at)",
        "CREATE INDEX idx_notices_issued ON notices (issued_on, kind, person_id, operator, serial)",
    )
    for name, (event, person) in _OUTLOOK_TRIGGERS.items():
        table = name.removesuffix("_update")
        when = " WHEN NEW.person_id IS NOT NULL" if table == "decisions" else ""
        _run(db, f"CREATE TRIGGER outlook_stale_{name} {event} ON {table}{when} BEGIN "
                 f"{_OUTLOOK_STALE.format(id=person)}; END")
    # A policy value changed: every outlook in that jurisdiction is decided again.
    _run(db, "CREATE TRIGGER outlook_stale_parameters AFTER INSERT ON parameters BEGIN "
             "UPDATE person_outlook SET stale = stale + 1 WHERE person_id IN (SELECT id FROM people"
             " WHERE jurisdiction = NEW.jurisdiction); END")
