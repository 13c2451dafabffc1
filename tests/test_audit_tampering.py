"""Someone with the data file and sqlite3 (issue 12, points 1 and 16): every edit the issue reproduced is
caught by `python -m desktop_app.audit verify`, naming the first bad row or the anchor that disagrees."""

import hashlib
import json
import sqlite3
from datetime import date

import pytest

from desktop_app.audit.__main__ import main
from desktop_app.notices.issue import render
from desktop_app.services import anchors, auth, backup, operators
from desktop_app.services.audit_log import check_file, close_sheet_anchor
from desktop_app.services.errors import InputError
from desktop_app.services.notices import issue_notice, reprint_notice
from desktop_app.services.payments import ledger
from desktop_app.services.session import open_session, open_trusted_session
from desktop_app.services.tax_import import import_tax_file
from desktop_app.store import audit
from tests.conftest import FIXED_NOW, TODAY


def sql(path, *statements):
    conn = sqlite3.connect(path)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


def rehash_from(path, first_id: int) -> None:
    """What an attacker does with the public entry_hash: every entry from first_id hashed again, a consistent
    chain over the edited data."""
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER IF EXISTS audit_no_update")
    names = ["id", "at", "operator", "action", "entity", "before", "after", "prev_hash", "hash"]
    prev = conn.execute("SELECT hash FROM audit WHERE id = ?", [first_id - 1]).fetchone()
    prev = prev[0] if prev else audit.GENESIS
    for values in conn.execute("SELECT * FROM audit WHERE id >= ? ORDER BY id", [first_id]).fetchall():
        row = dict(zip(names, values))
        digest = audit.entry_hash(prev, row)
        conn.execute("UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?", [prev, digest, row["id"]])
        prev = digest
    conn.commit()
    conn.close()


@pytest.fixture
def office(session, enrolled, tmp_path):
    """Two people, counter payments, a tax-bureau import, a notice; an operator; the session closed after."""
    wang = enrolled(first_month=date(2025, 1, 1), paid_through=date(2025, 3, 1), name="王建国")
    li = enrolled(first_month=date(2025, 1, 1), name="李秀英")
    person = session.db["people"].get(li)
    tax = tmp_path / "tax.csv"
    tax.write_text("身份证号,姓名,费款所属期,缴费日期,缴费金额,票据号\n"
                   + "".join(f"{person['id_number']},李秀英,2025-0{m},2025-0{m}-10,437.50,SW{m}\n" for m in (1, 2, 3)),
                   encoding="utf-8")
    assert import_tax_file(session, tax, TODAY, dry_run=False).imported == 3
    decision = ledger(session, wang, TODAY).decision
    serial = issue_notice(session, wang, "waiting_period", decision, TODAY, render).serial
    session.db.execute("UPDATE settings SET value = value WHERE 0")  # nothing: the file as the office left it
    path = session.path
    session.close()
    return path, wang, li, serial


def verdict(path, capsys, *extra) -> str:
    code = main(["verify", str(path), *extra])
    out = capsys.readouterr().out
    assert code == 1, out
    return out


def test_an_untouched_file_verifies_with_its_anchors(office, capsys):
    path = office[0]
    assert main(["verify", str(path)]) == 0
    out = capsys.readouterr().out
    assert "审计记录完整" in out and "数据与审计记录一致" in out and "本机设置" in out


@pytest.mark.parametrize("edit, words", [
    ("UPDATE ledger SET amount = '996.00' WHERE import_id IS NULL AND month = '2025-02'", "缴费记录"),
    ("UPDATE ledger SET paid_on = '2025-01-01' WHERE import_id IS NULL AND month = '2025-03'", "paid_on"),
    ("UPDATE ledger SET amount = '996.00' WHERE import_id IS NOT NULL AND month = '2025-02'", "税务导入批次"),
    ("UPDATE ledger SET receipt_no = 'X1' WHERE import_id IS NOT NULL AND month = '2025-03'", "税务导入批次"),
    ("UPDATE people SET id_number = '411502199001011237' WHERE name = '王建国'", "id_number"),
    ("UPDATE people SET name = '王建军' WHERE name = '王建国'", "name"),
    ("UPDATE parameters SET value = '99999' WHERE id = 1", "本机构参数"),
    ("DELETE FROM ledger WHERE import_id IS NULL AND month = '2025-01'", "找不到"),
    ("INSERT INTO settings (key, value) VALUES ('demo', 'true')", "设置"),
], ids=["counter-amount", "counter-paid_on", "import-amount", "import-receipt", "id-number", "name", "parameter",
        "row-deleted", "demo-row"])
def test_an_edit_of_the_data_beside_the_audit_is_named(office, capsys, edit, words):
    path = office[0]
    sql(path, edit)
    out = verdict(path, capsys)
    assert words in out and "校验未通过" in out


def test_an_operators_role_or_password_hash_written_by_hand_is_caught(office, capsys):
    path = office[0]
    s = open_trusted_session(path, "测试员", clock=lambda: FIXED_NOW)
    operators.create_operator(s, "lisi", "李四", "clerk", "Counter2025")
    s.close()
    sql(path, "UPDATE operators SET role = 'admin' WHERE username = 'lisi'")
    assert "role" in verdict(path, capsys)
    sql(path, "UPDATE operators SET role = 'clerk' WHERE username = 'lisi'")
    assert main(["verify", str(path)]) == 0
    capsys.readouterr()
    sql(path, f"UPDATE operators SET password_hash = '{auth.hash_password('Attacker2025x', n=2 ** 10)}'"
              " WHERE username = 'lisi'")
    assert "password_sha256" in verdict(path, capsys)


def test_a_notice_forged_with_its_sha256_is_caught_and_not_reprinted(office, capsys):
    path, _wang, _li, serial = office
    forged = b"%PDF-1.4 forged"
    conn = sqlite3.connect(path)
    conn.execute("UPDATE notices SET pdf = ?, sha256 = ? WHERE serial = ?",
                  [forged, hashlib.sha256(forged).hexdigest(), serial])
    conn.commit()
    conn.close()
    assert "告知书存档" in verdict(path, capsys)
    s = open_trusted_session(path, "测试员")
    try:
        with pytest.raises(InputError, match="审计记录不符"):
            reprint_notice(s, serial)
    finally:
        s.close()


@pytest.mark.parametrize("cut", [50, "all"])
def test_dropping_the_trigger_and_deleting_the_last_entries_is_caught(office, capsys, cut):
    path = office[0]
    total = sqlite3.connect(path).execute("SELECT COUNT(*) FROM audit").fetchone()[0]
    keep = 0 if cut == "all" else max(total - cut, 1)
    sql(path, "DROP TRIGGER audit_no_delete", f"DELETE FROM audit WHERE id > {keep}")
    out = verdict(path, capsys)
    assert "审计记录" in out and ("截短" in out or "没有对应的审计记录" in out)


def test_deleting_only_entries_that_left_no_row_is_caught_by_the_anchor(office, capsys):
    """Logins and logouts change no business row: cutting them off leaves the tables consistent."""
    path = office[0]
    s = open_session(path, clock=lambda: FIXED_NOW)
    auth.ensure_first_admin(s)
    for _ in range(3):
        with pytest.raises(InputError):
            auth.login(s, "nobody", "Wrong2025xx")
    s.close()
    total = sqlite3.connect(path).execute("SELECT COUNT(*) FROM audit").fetchone()[0]
    sql(path, "DROP TRIGGER audit_no_delete", f"DELETE FROM audit WHERE id > {total - 3}")
    out = verdict(path, capsys)
    assert "截短" in out and "本机设置" in out


def test_one_entry_edited_and_the_rest_rehashed_is_caught_by_the_anchors(office, capsys, tmp_path):
    path, wang, _li, _serial = office
    # the daily close sheet's anchor, taken before the edit
    s = open_trusted_session(path, "测试员")
    paper = close_sheet_anchor(s)
    s.close()
    conn = sqlite3.connect(path)
    entry = conn.execute("SELECT id, after FROM audit WHERE action = 'ledger.record' ORDER BY id LIMIT 1").fetchone()
    conn.close()
    after = json.loads(entry[1])
    after[0]["amount"] = "996.00"
    sql(path, "DROP TRIGGER audit_no_update",
        f"UPDATE audit SET after = '{audit.canonical(after)}' WHERE id = {entry[0]}",
        f"UPDATE ledger SET amount = '996.00' WHERE person_id = {wang} AND month = '{after[0]['month']}'")
    rehash_from(path, entry[0])
    assert audit.verify(sqlite_db(path)).ok          # the chain alone is consistent again
    out = verdict(path, capsys)
    assert "本机设置" in out and "改写" in out
    # without the settings anchor (deleted too), the close sheet still catches it
    anchors.anchor_path(path).unlink()
    out = verdict(path, capsys, "--anchor", f"{paper.entries}:{paper.head[:16]}")
    assert "日结单" in out and "改写" in out


def test_the_backup_catalogue_anchors_the_chain_too(office, capsys, tmp_path):
    path = office[0]
    s = open_trusted_session(path, "测试员")
    backup.run_backup(backup.BackupJob(s.path, tmp_path / "usb", 5, s.stamp(), "auto"))
    s.close()
    anchors.anchor_path(path).unlink()               # the attacker removes the anchor beside the file
    conn = sqlite3.connect(path)
    last = conn.execute("SELECT max(id) FROM audit").fetchone()[0]
    conn.close()
    # the backup's own entry came after its snapshot: the catalogue vouches for the chain up to the snapshot
    sql(path, "DROP TRIGGER audit_no_delete", f"DELETE FROM audit WHERE id >= {last - 1}")
    out = verdict(path, capsys, "--backups", str(tmp_path / "usb"))
    assert "备份目录" in out and "截短" in out


def test_a_file_whose_integrity_check_fails_is_not_called_intact(office, capsys):
    path = office[0]
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA writable_schema = ON")
    # the people table's name index now points at rows that do not match: integrity_check fails, the chain holds
    conn.execute("UPDATE sqlite_master SET sql = replace(sql, '(name)', '(phone)') WHERE name = 'idx_people_name'")
    conn.commit()
    conn.close()
    out = verdict(path, capsys)
    assert "完整性检查" in out and "损坏" in out


def sqlite_db(path):
    from sqlite_utils import Database

    return Database(sqlite3.connect(path))


def test_the_close_sheet_anchor_text_names_count_and_head(session):
    anchor = close_sheet_anchor(session)
    assert anchor.entries == session.db["audit"].count and anchor.head in anchor.text
    assert f"{anchor.entries}:{anchor.head[:16]}" in anchor.text
    result = check_file(session.path, paper=f"{anchor.entries}:{anchor.head[:16]}")
    assert result.ok and any("日结单" in line for line in result.lines)
