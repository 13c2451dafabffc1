"""The data file: connection settings, all-or-nothing writes, migrations from the first schema."""

import shutil
import sqlite3

import pytest

from desktop_app.services.session import Office
from desktop_app.store import audit, people
from desktop_app.store.db import Refused, StoreError, atomic, connect, quick_check
from desktop_app.store.dialect import is_server
from desktop_app.store.migrations import MIGRATIONS, applied_names, migrate, schema_version
from tests.conftest import FIRST_SCHEMA, FIXED_NOW

STAMP = audit.Stamp("测试员", FIXED_NOW.isoformat())

PERSON = {
    "id_number": "411502199001011237", "name": "王建国", "sex": "M", "birth_date": "1990-01-01",
    "phone": "", "address": "", "category": "platform", "places": ["residence"], "employer_insured": False,
    "mode": "with_account", "base_ratio": None, "jurisdiction": "xinyang", "first_month": "2024-01",
}


@pytest.mark.sqlite_only
def test_every_connection_has_wal_foreign_keys_and_a_busy_timeout(db):
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_a_ledger_row_for_a_person_not_on_file_is_refused(db):
    with pytest.raises(Refused):
        with atomic(db):
            db.execute("INSERT INTO ledger (person_id, month, paid_on, source, operator, recorded_at)"
                       " VALUES (999, '2024-01', '2024-01-05', 'counter', 'x', 'y')")


def test_a_failed_block_leaves_nothing_behind(db):
    with pytest.raises(RuntimeError):
        with atomic(db):
            people.insert(db, STAMP, PERSON)
            raise RuntimeError("power cut")
    assert db["people"].count == 0
    assert db["audit"].count == 0


def test_a_row_is_read_by_its_primary_key(db):
    """db[table].get(pk), as sqlite-utils gives it, on either engine (the tests read rows back with it)."""
    from sqlite_utils.db import NotFoundError

    with atomic(db):
        pid = people.insert(db, STAMP, PERSON)
    row = db["people"].get(pid)
    assert (row["id"], row["id_number"], row["name"]) == (pid, PERSON["id_number"], PERSON["name"])
    with pytest.raises(NotFoundError):
        db["people"].get(pid + 1)


def test_a_nested_block_rolls_back_alone(db):
    with atomic(db):
        people.insert(db, STAMP, PERSON)
        with pytest.raises(Refused) as e:
            with atomic(db):
                people.insert(db, STAMP, PERSON)  # same ID number
    assert e.value.table == "people" and "已登记参保" in e.value.message
    assert db["people"].count == 1
    assert audit.verify(db).ok


def test_the_month_of_a_person_is_paid_once(db):
    with atomic(db):
        pid = people.insert(db, STAMP, PERSON)
    row = "INSERT INTO ledger (person_id, month, paid_on, source, operator, recorded_at) VALUES (?, '2024-01', '2024-01-05', 'counter', 'x', 'y')"
    with atomic(db):
        db.execute(row, [pid])
    with pytest.raises(Refused) as e:   # another counter a moment earlier: one clear message, nothing saved
        with atomic(db):
            db.execute(row, [pid])
    assert e.value.table == "ledger" and "已有缴费记录" in e.value.message


def test_a_fresh_file_gets_every_migration(db):
    assert applied_names(db) == [m.name for m in MIGRATIONS._migrations]
    assert migrate(db) == []
    assert {"people", "ledger", "decisions", "notices", "parameters", "audit", "imports"} <= set(db.table_names())


def test_every_migration_says_why():
    for m in MIGRATIONS._migrations:
        assert m.fn.__doc__ and "\n" not in m.fn.__doc__.strip(), m.name


def test_a_file_made_by_the_first_schema_opens_and_migrates_without_loss(tmp_path):
    from desktop_app.services.session import open_trusted_session

    path = tmp_path / "old.sqlite3"
    shutil.copy(FIRST_SCHEMA, path)
    old = sqlite3.connect(path)
    before = {t: old.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
              for t in ("settings", "people", "ledger", "decisions", "corrections", "notices", "parameters", "audit")}
    old.close()

    session = open_trusted_session(path, "新版操作员", clock=lambda: FIXED_NOW)
    db = session.db
    assert schema_version(db) == MIGRATIONS._migrations[-1].name
    assert session.office == Office(jurisdiction="xinyang", name="信阳市旧版窗口")   # as the first schema's file has it
    for table, rows in before.items():
        now = db.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
        if table == "ledger":  # m002 adds import_id, m007 late_fee at the end of each ledger row
            now = [r[:-2] for r in now]
            assert all(r[-1] is None and r[-2] is None for r in db.execute("SELECT * FROM ledger"))
        if table == "people":  # m007 adds payment_cycle and status (monthly and active for everyone on file)
            assert all(r[-2:] == ("monthly", "active") for r in now)
            now = [r[:-2] for r in now]
        if table == "audit":  # the migration itself is recorded after the old entries
            assert now[-1][3] == "schema.migrate"
            now = now[:-1]
        assert now == rows, table
    check = audit.verify(db)
    assert check.ok, check.message
    assert people.get(db, 1)["places"] == ["residence"]
    session.close()


def test_a_file_from_a_newer_app_is_refused_with_a_message(db):
    history = "schema_migrations" if is_server(db) else "_sqlite_migrations"
    with atomic(db):
        db.execute(f"INSERT INTO {history} (migration_set, name, applied_at) VALUES ('flexins', 'm999_future', 'x')")
    with pytest.raises(StoreError) as e:
        migrate(db)
    assert "更新版本" in e.value.message


def test_a_file_that_is_not_a_database_gets_a_clear_message(tmp_path):
    path = tmp_path / "broken.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError) as e:
        db = connect(path)
        quick_check(db)
    assert "损坏" in e.value.message


@pytest.mark.sqlite_only
def test_a_full_disk_gives_a_clear_message_and_loses_nothing_saved(db):
    with atomic(db):
        people.insert(db, STAMP, PERSON)
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages}")   # the file may not grow: as good as a full disk
    with pytest.raises(StoreError) as e:
        with atomic(db):
            for i in range(2000):
                people.insert(db, STAMP, {**PERSON, "id_number": f"41150219900101{i:04d}", "address": "长" * 200})
    assert "磁盘空间已满" in e.value.message
    assert db["people"].count == 1 and audit.verify(db).ok


def test_a_read_only_file_gives_a_clear_message(tmp_path):
    from sqlite_utils import Database

    path = tmp_path / "ro.sqlite3"
    database = connect(path)
    migrate(database)
    database.close()
    ro = Database(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True))
    with pytest.raises(StoreError) as e:
        with atomic(ro):
            people.insert(ro, STAMP, PERSON)
    assert "只读" in e.value.message
    ro.close()


def test_every_migration_after_the_server_baseline_has_its_postgresql_step():
    """A SQLite migration without a server step would leave the two engines' schemas apart (store/schema_pg.py)."""
    from desktop_app.store import schema_pg

    names = [m.name for m in MIGRATIONS._migrations]
    assert schema_pg.BASELINE in names
    assert [n for n in names[names.index(schema_pg.BASELINE) + 1:] if n not in schema_pg.STEPS] == []
    assert set(schema_pg.STEPS) <= set(names)


def test_the_tax_check_state_is_none_only_when_nothing_was_checked(db):
    """import_rows.state: "no such table" means nothing checked on this connection (issue 16), on either
    engine (a server's temporary tables are asked of to_regclass)."""
    from desktop_app.store import import_rows

    assert import_rows.state(db) is None
    import_rows.create(db)
    import_rows.save_state(db, "0" * 64, "2025-06-16", True, 3, 3, "1" * 64, 2)
    assert import_rows.state(db)["ok_rows"] == 3
    import_rows.drop(db)
    assert import_rows.state(db) is None


@pytest.mark.sqlite_only
def test_the_tax_check_state_raises_a_failure_other_than_nothing_checked(db):
    """Any other failure (a disk, a lock, an interrupt) is raised, never taken for "check again" (issue 16)."""
    from desktop_app.store import import_rows

    import_rows.create(db)
    import_rows.save_state(db, "0" * 64, "2025-06-16", True, 3, 3, "1" * 64, 2)
    db.conn.set_progress_handler(lambda: 1, 1)   # every statement interrupted, as SQLite does on a cancel
    try:
        with pytest.raises(sqlite3.OperationalError, match="interrupted"):
            import_rows.state(db)
    finally:
        db.conn.set_progress_handler(None, 1)
    assert import_rows.state(db)["ok_rows"] == 3


def _schema(db) -> tuple[dict, set, set]:
    """(table -> its column names, index names, trigger names) of a fresh schema, from the engine's catalogue; the
    history table (named by each engine's migration runner) and the indexes the engines make for their own keys
    left out."""
    if is_server(db):
        tables: dict[str, list] = {}
        for table, column in db.execute("SELECT table_name, column_name FROM information_schema.columns"
                                        " WHERE table_schema = current_schema()"):
            tables.setdefault(table, []).append(column)
        indexes = {r[0] for r in db.execute("SELECT i.indexname FROM pg_indexes i WHERE i.schemaname = current_schema()"
                                            " AND NOT EXISTS (SELECT 1 FROM pg_constraint c"
                                            " WHERE c.conname = i.indexname)")}
        triggers = {r[0] for r in db.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")}
        history = "schema_migrations"
    else:
        tables = {r[0]: [c[1] for c in db.execute(f"PRAGMA table_info('{r[0]}')")] for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}
        indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")}
        triggers = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        history = "_sqlite_migrations"
    tables.pop(history)
    return {t: sorted(c) for t, c in tables.items()}, {i for i in indexes if history not in i}, triggers


def test_a_fresh_schema_has_the_same_tables_columns_indexes_and_triggers_on_both_engines(tmp_path, pg_url):
    """Each engine's DDL is written on its own (store/migrations.py, store/schema_pg.py): a table, column, index or
    trigger missing on one of them is caught here. A server has a few more: a unique index where SQLite says
    COLLATE NOCASE, and the triggers that do what SQLite's foreign keys and its TRUNCATE-less audit need not."""
    file = connect(tmp_path / "fresh.sqlite3")
    migrate(file)
    server = connect(pg_url("tpl_fresh_schema", _migrate_url))
    (lite_tables, lite_indexes, lite_triggers), (pg_tables, pg_indexes, pg_triggers) = _schema(file), _schema(server)
    file.close()
    server.close()
    assert pg_tables == lite_tables
    assert pg_indexes - lite_indexes == {"operators_username"} and lite_indexes <= pg_indexes
    assert lite_triggers <= pg_triggers
    assert pg_triggers - lite_triggers == {
        "ledger_references_insert", "ledger_references_update", "people_ledger_referred", "decisions_ledger_referred",
        "imports_ledger_referred", "audit_no_truncate"}
    assert {"outlook_stale_parameters", "outlook_stale_people", "outlook_stale_notices"} <= pg_triggers


def _migrate_url(url: str) -> None:
    database = connect(url)
    migrate(database)
    database.close()


def _stale(db) -> dict[int, int]:
    return {r[0]: r[1] for r in db.execute("SELECT person_id, stale FROM person_outlook")}


def test_every_write_about_a_person_marks_their_outlook_stale_and_a_parameter_its_jurisdiction(db):
    """The outlook_stale_* triggers (m011, one set per engine): enrolling, an update, a change of terms, a
    correction, a voided month, a mode difference, a decision about the person and a notice each add one to the
    person's stale count; a decision about nobody marks nobody; a new parameter marks everyone of its jurisdiction."""
    with atomic(db):
        wang = people.insert(db, STAMP, PERSON)
        li = people.insert(db, STAMP, {**PERSON, "id_number": "411502199001021230", "jurisdiction": "zhengzhou"})
    assert _stale(db) == {wang: 1, li: 1}
    at = "2025-06-16T09:30:00"
    writes = [
        ("UPDATE people SET phone = '13800000000' WHERE id = ?", [wang]),
        ("INSERT INTO person_changes (person_id, field, valid_from, reason, decided_on, operator, recorded_at)"
         " VALUES (?, 'mode', '2025-01', '', '2025-06-16', 'x', ?)", [wang, at]),
        ("INSERT INTO corrections (person_id, kind, months, reason, decided_on, operator, recorded_at)"
         " VALUES (?, 'deemed', 12, 'r', '2025-06-16', 'x', ?)", [wang, at]),
        ("INSERT INTO ledger_voids (ledger_id, person_id, month, row, reason, voided_on, operator, recorded_at)"
         " VALUES (1, ?, '2025-01', '{}', 'r', '2025-06-16', 'x', ?)", [wang, at]),
        ("INSERT INTO mode_differences (person_id, months, amount, paid_on, receipt_no, operator, recorded_at)"
         " VALUES (?, '[]', '1.00', '2025-06-16', 'R1', 'x', ?)", [wang, at]),
        ("INSERT INTO decisions (person_id, question, inputs, decision, decided_on, operator, recorded_at)"
         " VALUES (?, 'ledger', '{}', '{}', '2025-06-16', 'x', ?)", [wang, at]),
        ("INSERT INTO notices (serial, person_id, kind, inputs, pdf, sha256, issued_on, operator, recorded_at)"
         " VALUES ('S-1', ?, 'waiting_period', '{}', ?, 'h', '2025-06-16', 'x', ?)", [wang, b"%PDF", at]),
    ]
    for n, (sql, params) in enumerate(writes, start=2):
        with atomic(db):
            db.execute(sql, params)
        assert _stale(db) == {wang: n, li: 1}, sql
    with atomic(db):
        db.execute("INSERT INTO decisions (person_id, question, inputs, decision, decided_on, operator, recorded_at)"
                   " VALUES (NULL, 'ledger', '{}', '{}', '2025-06-16', 'x', ?)", [at])
    assert _stale(db) == {wang: 8, li: 1}
    with atomic(db):
        db.execute("INSERT INTO parameters (name, jurisdiction, valid_from, value, source, entered_by, entered_at)"
                   " VALUES ('avg_wage_annual', 'zhengzhou', '2025-01-01', '1', 's', 'x', ?)", [at])
    assert _stale(db) == {wang: 8, li: 2}
