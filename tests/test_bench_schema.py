"""m005_county_scale: name parts found through the gram index, and the ledger's source check kept exact;
m006_ledger_by_month: the ledger keyed by (month, person), one person's months still found by index."""

import shutil
import sqlite3

import pytest

from desktop_app.store import audit, ledger, people
from desktop_app.store.db import Refused, atomic, connect
from desktop_app.store.dialect import dialect
from desktop_app.store.migrations import migrate
from tests.conftest import FIRST_SCHEMA, FIXED_NOW, make_id

STAMP = audit.Stamp("测试员", FIXED_NOW.isoformat())


def person(name: str, seq: int) -> dict:
    return {"id_number": make_id(seq=seq), "name": name, "sex": "M", "birth_date": "1990-01-01", "phone": "",
            "address": "", "category": "platform", "places": ["hukou"], "employer_insured": False,
            "mode": "with_account", "base_ratio": None, "jurisdiction": "xinyang", "first_month": "2024-01"}


def names(rows) -> list[str]:
    return [r["name"] for r in rows]


def test_the_same_name_comes_first_then_names_starting_with_it_then_names_containing_it(db):
    with atomic(db):
        for seq, name in enumerate(["张建国", "建国", "欧阳建国", "建国华", "王芳", "建"], start=1):
            people.insert(db, STAMP, person(name, seq * 2 + 1))
    assert names(people.search(db, "建国")) == ["建国", "建国华", "张建国", "欧阳建国"]
    assert names(people.search(db, "阳建")) == ["欧阳建国"]
    assert names(people.search(db, "建")) == ["建", "建国", "建国华", "张建国", "欧阳建国"]
    assert names(people.search(db, "建国", limit=2, offset=1)) == ["建国华", "张建国"]
    assert people.search(db, "李") == [] and people.search(db, "%") == [] and people.search(db, "_") == []


def test_a_renamed_person_is_found_by_the_new_name_only(db):
    with atomic(db):
        pid = people.insert(db, STAMP, person("王建国", 11))
        people.update(db, STAMP, pid, {"name": "王建华"})
    assert names(people.search(db, "建华")) == ["王建华"]
    assert people.search(db, "建国") == []


def test_the_ledger_still_refuses_an_unknown_source(db):
    with atomic(db):
        pid = people.insert(db, STAMP, person("王建国", 13))
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO ledger (person_id, month, paid_on, source, operator, recorded_at)"
                   " VALUES (?, '2024-01', '2024-01-05', 'gift', 'x', 'y')", [pid])
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_people_of_an_old_file_are_found_by_part_of_the_name_after_the_upgrade(tmp_path):
    path = tmp_path / "old.sqlite3"
    shutil.copy(FIRST_SCHEMA, path)
    db = connect(path)
    migrate(db)
    first = db.execute("SELECT name FROM people ORDER BY id LIMIT 1").fetchone()[0]
    assert first in names(people.search(db, first[1:]))
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()


def test_the_ledger_is_keyed_by_month_then_person_and_refuses_a_month_twice(db):
    keys = {r[1]: [c[2] for c in db.execute(f"PRAGMA index_info('{r[1]}')")] for r in
            db.execute("PRAGMA index_list('ledger')") if r[2]}
    assert list(keys.values()) == [["month", "person_id"]]  # no index led by person: imports append
    with atomic(db):
        pid = people.insert(db, STAMP, person("王建国", 21))
        ledger.insert(db, STAMP, pid, [{"month": "2024-01", "paid_on": "2024-01-05", "source": "counter"}])
    with pytest.raises(Refused):
        with atomic(db):
            ledger.insert(db, STAMP, pid, [{"month": "2024-01", "paid_on": "2024-02-05", "source": "counter"}])


def test_one_persons_months_come_in_order_through_the_index_without_a_scan(db):
    with atomic(db):
        ids = [people.insert(db, STAMP, person(n, 30 + i)) for i, n in enumerate(("王建国", "李秀英", "张伟"))]
        for month in ("2019-12", "2024-03", "2020-01", "2024-02", "2026-10"):
            for pid in ids[:2]:
                ledger.insert(db, STAMP, pid, [{"month": month, "paid_on": "2026-11-01", "source": "counter"}])
    assert [r["month"] for r in ledger.rows(db, ids[0])] == ["2019-12", "2020-01", "2024-02", "2024-03", "2026-10"]
    assert all(r["person_id"] == ids[0] for r in ledger.rows(db, ids[0]))
    assert ledger.months(db, ids[1]) == {"2019-12", "2020-01", "2024-02", "2024-03", "2026-10"}
    assert ledger.rows(db, ids[2]) == [] and ledger.months(db, ids[2]) == set()
    span, of_person = dialect(db).ledger_months_of_person()
    plan = " | ".join(r[3] for r in db.execute(
        f"EXPLAIN QUERY PLAN {span}SELECT * FROM ledger WHERE {of_person} ORDER BY month", [ids[0]]))
    assert "SCAN ledger" not in plan and "ledger_month_person (month=? AND person_id=?)" in plan


def test_an_empty_ledger_has_no_months_for_anyone(db):
    assert ledger.rows(db, 1) == [] and ledger.months(db, 1) == set()
