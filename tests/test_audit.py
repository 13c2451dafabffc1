"""The audit chain: every write leaves an entry, and any edit or deletion of the log is found."""

import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.audit.__main__ import main
from desktop_app.store import audit, people
from desktop_app.store.db import Refused, atomic
from tests.engine_helpers import raw_connect, raw_sql, tamper
from tests.test_store import PERSON, STAMP

REPO = Path(__file__).resolve().parents[1]


def _three_writes(db):
    for i, name in enumerate(["王建国", "李秀英", "张伟"]):
        with atomic(db):
            people.insert(db, STAMP, {**PERSON, "id_number": f"41150219900101{i:03d}", "name": name})


def _person_entries(db) -> list[int]:
    return [r[0] for r in db.execute("SELECT id FROM audit WHERE action = 'person.create' ORDER BY id")]


def _tamper(path, sql):
    tamper(path, sql)


def test_an_intact_chain_verifies(session):
    _three_writes(session.db)
    check = audit.verify(session.db)
    assert check.ok and check.first_bad_id is None
    assert check.entries == session.db["audit"].count


def test_an_entry_cannot_be_changed_through_the_application(session):
    _three_writes(session.db)
    with pytest.raises(Refused, match="只能追加"):
        with atomic(session.db):
            session.db.execute("UPDATE audit SET operator = '别人' WHERE id = 2")
    with pytest.raises(Refused, match="只能追加"):
        with atomic(session.db):
            session.db.execute("DELETE FROM audit WHERE id = 2")


def test_an_audit_entry_outside_a_transaction_is_refused(session):
    with pytest.raises(RuntimeError):
        audit.append(session.db, STAMP, "person.create", "people:1")


@pytest.mark.parametrize(
    "sql, bad, words",
    [
        ("UPDATE audit SET operator = '别人' WHERE id = {second}", "second", "被修改"),
        ("UPDATE audit SET after = replace(after, '李秀英', '李秀兰') WHERE id = {second}", "second", "被修改"),
        ("DELETE FROM audit WHERE id = {second}", "third", "删除或修改"),
        ("UPDATE audit SET at = '2020-01-01T00:00:00' WHERE id = {first}", "first", "被修改"),
    ],
    ids=["edit-operator", "edit-content", "delete", "edit-time"],
)
def test_tampering_is_found_at_the_first_entry_that_does_not_match(session, sql, bad, words, capsys):
    _three_writes(session.db)
    ids = dict(zip(["first", "second", "third"], _person_entries(session.db)))
    path = session.data_source
    session.close()
    _tamper(path, sql.format(**ids))

    assert main(["verify", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"第 {ids[bad]} 条" in out and words in out


def test_rehashing_an_edited_entry_still_breaks_the_next_link(session, capsys):
    _three_writes(session.db)
    second = _person_entries(session.db)[1]
    path = session.data_source
    session.close()
    conn = raw_connect(path)
    row = dict(zip(["id", "at", "operator", "action", "entity", "before", "after", "prev_hash", "hash"],
                   conn.execute(raw_sql(path, "SELECT * FROM audit WHERE id = ?"), [second]).fetchone()))
    row["operator"] = "别人"
    forged = audit.entry_hash(row["prev_hash"], row)
    conn.close()
    _tamper(path, f"UPDATE audit SET operator = '别人', hash = '{forged}' WHERE id = {second}")
    assert main(["verify", str(path)]) == 1
    assert f"第 {second + 1} 条" in capsys.readouterr().out


@pytest.mark.sqlite_only
def test_the_command_line_exits_0_for_an_intact_chain_and_leaves_the_file_alone(session):
    _three_writes(session.db)
    path = session.path
    session.close()
    size = path.stat().st_size
    done = subprocess.run([sys.executable, "-m", "desktop_app.audit", "verify", str(path)],
                          cwd=REPO, capture_output=True, encoding="utf-8")
    assert done.returncode == 0, done.stderr
    assert "审计记录完整" in done.stdout
    assert path.stat().st_size == size


def test_the_command_line_names_a_missing_file(tmp_path, capsys):
    assert main(["verify", str(tmp_path / "none.sqlite3")]) == 2
    assert "找不到数据文件" in capsys.readouterr().err
