"""The office's server (issue 17): moving a data file onto it, backups by pg_dump and their restore, the server
gone and back, this PC's password kept protected, and someone editing the server's tables behind the program."""

from __future__ import annotations

import json
import os
import stat
from datetime import date

import psycopg
import pytest

from desktop_app.audit.__main__ import main as audit_main
from desktop_app.notices.issue import render
from desktop_app.server.__main__ import main as server_main
from desktop_app.services import backup, server_login
from desktop_app.services.audit_log import check_file
from desktop_app.services.enrolment import enrol
from desktop_app.services.errors import InputError
from desktop_app.services.notices import issue_notice
from desktop_app.services.payments import ledger, record_months
from desktop_app.services.session import open_session, open_trusted_session
from desktop_app.services.tax_import import import_tax_file
from desktop_app.store.db import Refused, ServerUnavailable, atomic
from desktop_app.store.dialect import POSTGRESQL
from tests.conftest import BACKUP_PASSPHRASE, FIXED_NOW, TODAY, make_id
from tests.engine_helpers import tamper
from tests.test_services_enrolment import form

ZHAO = make_id(birth="19900307", seq=235)
TABLES = ("people", "ledger", "decisions", "notices", "audit", "imports", "operators", "settings", "parameters",
          "backup_keys", "people_initials")


def _work(session, enrolled, tmp_path):
    """An office's ordinary day: people, counter payments, a tax file, a notice."""
    wang = enrolled(first_month=date(2025, 1, 1), paid_through=date(2025, 3, 1), name="王建国")
    li = enrolled(first_month=date(2025, 1, 1), name="李秀英")
    number = session.db.execute("SELECT id_number FROM people WHERE id = ?", [li]).fetchone()[0]
    tax = tmp_path / "tax.csv"
    tax.write_text("身份证号,姓名,费款所属期,缴费日期,缴费金额,票据号\n"
                   + "".join(f"{number},李秀英,2025-0{m},2025-0{m}-10,437.50,SW{m}\n" for m in (1, 2, 3)),
                   encoding="utf-8")
    assert import_tax_file(session, tax, TODAY, dry_run=False).imported == 3
    issue_notice(session, wang, "waiting_period", ledger(session, wang, TODAY).decision, TODAY, render)
    return wang, li


def _counts(db) -> dict:
    return {t: db[t].count for t in TABLES}


@pytest.fixture
def empty_server(pg_server, tmp_path, monkeypatch):
    """An empty database on the test server (as the administrator creates for the office), dropped after."""
    from desktop_app.services.session import DATA_DIR_ENV

    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "pc"))
    made = []

    def make(name="office"):
        dbname = f"{name}_{os.getpid()}_{len(made)}"
        made.append(dbname)
        return pg_server.create_database(dbname)

    yield make
    for name in made:
        pg_server.drop_database(name)


# -- moving an office's file onto the server -----------------------------------------------------------------
def test_a_data_file_moves_onto_the_server_with_counts_and_chain_checked_on_both_sides(
        session, enrolled, tmp_path, empty_server, capsys):
    _work(session, enrolled, tmp_path)
    before = _counts(session.db)
    path = session.path
    session.close()
    url = empty_server()

    assert server_main(["migrate", "--from", str(path), "--to", url]) == 0
    out = capsys.readouterr().out
    assert "迁移完成" in out and "两边行数一致" in out and "ledger: 数据文件 6 行，服务器 6 行" in out

    moved = open_trusted_session(url, "测试员", clock=lambda: FIXED_NOW)
    assert _counts(moved.db) == before
    assert moved.db.dialect is POSTGRESQL
    # the same chain, entry for entry, and work goes on from it (the identities continue after the copied ids)
    result = enrol(moved, form(id_number=ZHAO, name="赵新"), TODAY)
    assert result.created and result.person_id == before["people"] + 1
    moved.close()
    assert check_file(url).ok
    assert audit_main(["verify", url]) == 0


def test_the_move_refuses_a_server_database_that_is_not_empty_and_a_file_that_fails_its_check(
        session, enrolled, tmp_path, empty_server, capsys):
    _work(session, enrolled, tmp_path)
    path = session.path
    session.close()
    url = empty_server()
    assert server_main(["migrate", "--from", str(path), "--to", url]) == 0
    assert server_main(["migrate", "--from", str(path), "--to", url]) == 2
    assert "不是空的" in capsys.readouterr().err

    tamper(path, "UPDATE ledger SET amount = '1.00' WHERE source = 'counter'")
    other = empty_server("second")
    assert server_main(["migrate", "--from", str(path), "--to", other]) == 2
    assert "数据文件的数据与审计记录不一致" in capsys.readouterr().err
    probe = psycopg.connect(other)
    assert probe.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
                         ).fetchone()[0] == 0
    probe.close()


# -- backups of the server ------------------------------------------------------------------------------------
@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
def test_a_pg_dump_backup_restores_into_an_empty_database_and_checks_out(engine, session, enrolled, tmp_path,
                                                                          empty_server, capsys):
    _work(session, enrolled, tmp_path)
    made = backup.run_backup(backup.plan_backup(session, manual=True))
    assert made.path.suffix == ".fxbak" and made.audit_error is None
    assert b"PGDMP" not in made.path.read_bytes()[:4096]          # encrypted, not a plain dump
    record = backup.catalogue_record(made.path.parent, session.path, made.path.name)
    assert record["engine"] == "postgresql" and record["sha256"] == made.sha256
    before = _counts(session.db)
    session.close()

    target = empty_server("restored")
    assert server_main(["restore", str(made.path), "--to", target, "--passphrase", BACKUP_PASSPHRASE]) == 0
    assert "审计记录" in capsys.readouterr().out
    restored = open_trusted_session(target, "测试员", clock=lambda: FIXED_NOW)
    counts = _counts(restored.db)
    restored.close()
    # the backup's own entry came after the dump's snapshot
    assert counts == {**before, "audit": before["audit"] - 1}

    assert server_main(["restore", str(made.path), "--to", target, "--passphrase", BACKUP_PASSPHRASE]) == 2
    assert "不是空的" in capsys.readouterr().err
    damaged = tmp_path / "damaged.fxbak"
    data = bytearray(made.path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    assert server_main(["restore", str(damaged), "--to", empty_server("third"),
                        "--passphrase", BACKUP_PASSPHRASE]) == 2


@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
def test_counters_on_a_server_leave_the_automatic_backup_to_the_server(engine, session):
    with pytest.raises(InputError) as e:
        backup.plan_backup(session)
    assert "计划任务" in e.value.message


# -- the server gone and back -----------------------------------------------------------------------------------
@pytest.fixture
def own_server(tmp_path, monkeypatch, backup_key):
    """A server of this test's own, to stop and start."""
    from desktop_app.services.session import DATA_DIR_ENV
    from tests.conftest import _office
    from tests.pg_server import PgServer

    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "pc"))
    server = PgServer().start()
    monkeypatch.setenv("PGPASSWORD", server.password)
    url = server.create_database("office")
    _office(url, backup_key)
    yield server, url
    server.stop()


def test_the_server_gone_gives_a_clear_message_saves_nothing_and_the_window_recovers(own_server):
    server, url = own_server
    session = open_trusted_session(url, "测试员", clock=lambda: FIXED_NOW)
    first = enrol(session, form(), TODAY).person_id
    server.pg_ctl("stop")
    with pytest.raises(ServerUnavailable) as e:
        enrol(session, form(id_number=ZHAO, name="赵新"), TODAY)
    assert "无法连接服务器 127.0.0.1" in e.value.message and "未保存" in e.value.message
    with pytest.raises(ServerUnavailable):
        ledger(session, first, TODAY)                       # a read says so too, never a local fallback
    server.pg_ctl("start")
    again = enrol(session, form(id_number=ZHAO, name="赵新"), TODAY)   # same session, reconnected
    assert again.created and session.db["people"].count == 2
    session.close()
    assert check_file(url).ok


def test_the_connection_lost_in_the_middle_of_an_action_leaves_nothing_half_saved(own_server):
    server, url = own_server
    session = open_trusted_session(url, "测试员", clock=lambda: FIXED_NOW)
    person = enrol(session, form(), TODAY).person_id
    before = _counts(session.db)
    admin = psycopg.connect(url, autocommit=True)
    from desktop_app.store import ledger as ledger_store

    original = ledger_store.insert

    def cut_after_the_rows(db, stamp, person_id, entries, action="ledger.record"):
        ids = original(db, stamp, person_id, entries, action)   # rows and audit entry written, not committed
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()"
                      " AND pid <> pg_backend_pid()")
        return ids

    ledger_store.insert = cut_after_the_rows
    try:
        with pytest.raises(ServerUnavailable):
            record_months(session, person, [date(2025, 6, 1)], date(2025, 6, 10), "R1", TODAY)
    finally:
        ledger_store.insert = original
    admin.close()
    assert _counts(session.db) == before                   # reconnected: nothing of the payment is there
    record_months(session, person, [date(2025, 6, 1)], date(2025, 6, 10), "R1", TODAY)
    assert session.db["ledger"].count == 1
    session.close()


# -- this PC's password --------------------------------------------------------------------------------------------
def test_the_pc_keeps_the_address_without_the_password_and_the_password_protected(pg_server, empty_server, tmp_path,
                                                                                     monkeypatch, backup_key):
    from tests.conftest import _office

    url = empty_server()
    _office(url, backup_key)
    dbname = url.rsplit("/", 1)[1]
    admin = pg_server.admin()
    admin.execute("CREATE ROLE window3 LOGIN PASSWORD 'Chuangkou-3-mima'")
    admin.execute(f'GRANT ALL ON DATABASE "{dbname}" TO window3')
    admin.close()
    owner = psycopg.connect(url, autocommit=True)
    owner.execute("GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO window3")
    owner.execute("GRANT DELETE ON people_initials, people_name_grams, ledger TO window3")
    owner.execute("GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO window3")
    owner.close()
    monkeypatch.delenv("PGPASSWORD")
    address = f"postgresql://window3@127.0.0.1:{pg_server.port}/{dbname}"

    server_login.choose_source(address, "Chuangkou-3-mima")
    folder = tmp_path / "pc"
    assert json.loads((folder / "data_source.json").read_text("utf-8")) == {"url": address}
    logins = (folder / "server_logins.json").read_text("utf-8")
    assert "Chuangkou-3-mima" not in logins and "window3" in logins
    assert stat.S_IMODE((folder / "server_logins.json").stat().st_mode) == 0o600
    assert server_login.chosen_source() == address

    session = open_session(address, operator=None, clock=lambda: FIXED_NOW)   # the password from this PC's store
    assert session.source == address and session.source_label == f"服务器 127.0.0.1:{pg_server.port}/{dbname}"
    assert session.path.parent == folder / "servers"
    session.close()

    server_login.save_password(address, "wrong")
    with pytest.raises(ServerUnavailable) as e:
        open_session(address, operator=None, clock=lambda: FIXED_NOW)
    assert "password authentication failed" in e.value.message
    with pytest.raises(InputError):
        server_login.choose_source("postgresql://192.168.1.10/flexins")   # no login named


# -- someone at the server ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
def test_an_edit_behind_the_program_on_the_server_is_named_and_a_cut_chain_is_caught_by_this_pcs_anchor(
        engine, session, enrolled, tmp_path, capsys):
    _work(session, enrolled, tmp_path)
    url = session.source
    last = session.db.execute("SELECT max(id) FROM audit").fetchone()[0]
    session.close()
    assert audit_main(["verify", url]) == 0
    assert "与本机设置记下的锚点一致" in capsys.readouterr().out

    tamper(url, "UPDATE ledger SET amount = '1.00' WHERE source = 'counter' AND month = '2025-02'")
    assert audit_main(["verify", url]) == 1
    assert "缴费记录" in capsys.readouterr().out
    tamper(url, "UPDATE ledger SET amount = '437.50' WHERE source = 'counter' AND month = '2025-02'")
    tamper(url, "DELETE FROM audit WHERE id >= ?", [last - 1])
    assert audit_main(["verify", url]) == 1
    assert "审计记录被截短过" in capsys.readouterr().out


@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
def test_the_same_id_enrolled_at_two_windows_at_once_gives_one_person_and_one_message(engine, db_path):
    one = open_trusted_session(db_path, "窗口1", clock=lambda: FIXED_NOW)
    two = open_trusted_session(db_path, "窗口3", clock=lambda: FIXED_NOW)
    from desktop_app.store import people as people_store

    original = people_store.by_id_number
    # window 3 looked before window 1 saved: its own check finds nobody, then the server refuses the second row
    people_store.by_id_number = lambda db, number: None
    try:
        assert enrol(one, form(), TODAY).created
        with pytest.raises(Refused) as e:
            enrol(two, form(), TODAY)
    finally:
        people_store.by_id_number = original
    assert "已登记参保" in e.value.message
    assert one.db["people"].count == 1 and two.db["audit"].count == one.db["audit"].count
    result = enrol(two, form(), TODAY)      # looked up again: the person window 1 enrolled
    assert not result.created
    with atomic(two.db):
        pass
    one.close()
    two.close()


@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
def test_a_nul_character_that_reaches_the_server_gets_the_stores_message_and_nothing_is_saved(engine, db):
    """The services refuse a NUL at the field; anything that still brings one to the server (PostgreSQL's text
    cannot hold it) is the store's clear message, inside a transaction or outside one, never psycopg's error."""
    from desktop_app.store.db import NUL_TEXT_MESSAGE, StoreError

    with pytest.raises(StoreError) as inside:
        with atomic(db):
            db.execute("INSERT INTO settings (key, value) VALUES ('office_name', '\"信阳\"')")
            db.execute("UPDATE settings SET value = ? WHERE key = 'office_name'", ["\"信\x00阳\""])
    assert inside.value.message == NUL_TEXT_MESSAGE
    assert db.execute("SELECT count(*) FROM settings WHERE key = 'office_name'").fetchone()[0] == 0
    with pytest.raises(StoreError, match="空字符"):
        db.execute("SELECT id FROM people WHERE name = ?", ["王\x00"])
    assert db.execute("SELECT 1").fetchone() == (1,)   # the connection goes on
