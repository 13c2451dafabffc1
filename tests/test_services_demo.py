"""A demo database: one office of one jurisdiction, about 100 valid people in every scenario, every parameter
marked 示例 (issue 13: an office decides under its own jurisdiction's document)."""

import sqlite3
from collections import Counter
from datetime import date

from desktop_app.rules import JURISDICTIONS
from desktop_app.services.demo import DEFAULT_JURISDICTION
from desktop_app.services.parameters import parameter_rows
from desktop_app.services.payments import ledger
from desktop_app.services.session import open_trusted_session
from desktop_app.store import audit

DEMO_TODAY = date(2025, 6, 16)


def test_a_hundred_people_with_valid_ids_all_of_the_offices_jurisdiction(demo_db_path):
    from desktop_app.rules import parse_id_number

    s = open_trusted_session(demo_db_path, "管理员")
    rows = s.db.execute("SELECT id_number, name, sex, birth_date, jurisdiction FROM people").fetchall()
    assert 90 <= len(rows) <= 110
    assert Counter(r[4] for r in rows) == {s.office.jurisdiction: 100} and s.office.jurisdiction == DEFAULT_JURISDICTION
    for number, name, sex, birth, _ in rows:
        parsed = parse_id_number(number)
        assert (parsed.sex, parsed.birth_date.isoformat()) == (sex, birth)
        assert 2 <= len(name) <= 3
    assert len({r[0] for r in rows}) == len(rows)
    s.close()


def test_every_scenario_shows_in_the_ledgers(demo_db_path):
    s = open_trusted_session(demo_db_path, "管理员")
    states, sources = Counter(), Counter()
    for (pid,) in s.db.execute("SELECT id FROM people").fetchall():
        book = ledger(s, pid, DEMO_TODAY)
        states[book.months[-1].state] += 1
        sources.update(m.source for m in book.months + book.prior if m.source)
    assert {"waiting", "active", "suspended", "lapsed"} <= set(states)
    assert {"counter", "tax_import", "transfer", "back_payment"} <= set(sources)
    retirement = s.db.execute("SELECT json_extract(decision, '$.qualified'), COUNT(*) FROM decisions"
                              " WHERE question = 'retirement' GROUP BY 1").fetchall()
    # short of years (信阳 counts only years paid into its own scheme as 实际缴费年限: 第十一条, so no demo
    # person has ten of them yet; the other offices' demos have qualified people, below)
    assert dict(retirement).get(0)
    assert s.db.execute("SELECT COUNT(*) FROM corrections").fetchone()[0] > 0
    assert s.db.execute("SELECT COUNT(*) FROM notices").fetchone()[0] > 0
    assert audit.verify(s.db).ok
    s.close()


def test_every_parameter_the_office_entered_is_marked_demo(demo_db_path):
    s = open_trusted_session(demo_db_path, "管理员")
    office = [r for r in parameter_rows(s, "xinyang") if r.origin == "office"]
    assert office and all(r.demo and "示例" in r.source for r in office)
    assert s.db.execute("SELECT value FROM settings WHERE key = 'demo'").fetchone()[0] == "true"
    notices = s.db.execute("SELECT inputs FROM notices").fetchall()
    assert all('"demo":true' in n[0] for n in notices)
    s.close()


def test_the_same_day_gives_the_same_database(tmp_path, demo_db_template):
    from desktop_app.notices.issue import render
    from desktop_app.services.demo import build_demo_database

    again = build_demo_database(tmp_path / "again.sqlite3", DEMO_TODAY, render)
    query = "SELECT id_number, name, first_month, mode FROM people ORDER BY id"
    ledger_q = "SELECT person_id, month, paid_on, amount, source FROM ledger ORDER BY person_id, month"
    a, b = sqlite3.connect(demo_db_template), sqlite3.connect(again)
    assert a.execute(query).fetchall() == b.execute(query).fetchall()
    assert a.execute(ledger_q).fetchall() == b.execute(ledger_q).fetchall()
    a.close()
    b.close()


def test_each_jurisdiction_has_its_own_demo_office(tmp_path):
    import pytest
    from desktop_app.services.demo import build_demo_database

    for j in sorted(set(JURISDICTIONS) - {DEFAULT_JURISDICTION}):   # the default's demo: the other tests
        path = build_demo_database(tmp_path / f"demo-{j}.sqlite3", DEMO_TODAY, None, jurisdiction=j)
        s = open_trusted_session(path, "管理员")
        people = s.db.execute("SELECT jurisdiction, COUNT(*) FROM people GROUP BY 1").fetchall()
        assert s.office.jurisdiction == j and [p[0] for p in people] == [j]
        qualified = s.db.execute("SELECT COUNT(*) FROM decisions WHERE question = 'retirement'"
                                 " AND json_extract(decision, '$.qualified') = 1").fetchone()[0]
        # 吉林: 15 years in the province (its in-province minimum), the demo's are newer
        assert qualified or JURISDICTIONS[j].in_province_minimum, j
        s.close()
    with pytest.raises(ValueError):
        build_demo_database(tmp_path / "x.sqlite3", DEMO_TODAY, None, jurisdiction="beijing")
