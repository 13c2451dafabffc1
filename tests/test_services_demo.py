"""The demo database: about 200 valid people in every jurisdiction and scenario, every parameter marked 示例."""

import sqlite3
from collections import Counter
from datetime import date

from desktop_app.services.parameters import parameter_rows
from desktop_app.services.payments import ledger
from desktop_app.services.session import open_session
from desktop_app.store import audit

DEMO_TODAY = date(2025, 6, 16)


def test_two_hundred_people_with_valid_ids_across_all_four_jurisdictions(demo_db_path):
    from desktop_app.rules import parse_id_number

    s = open_session(demo_db_path)
    rows = s.db.execute("SELECT id_number, name, sex, birth_date, jurisdiction FROM people").fetchall()
    assert 180 <= len(rows) <= 220
    assert Counter(r[4] for r in rows) == {"huainan": 50, "jiangsu": 50, "jilin": 50, "xinyang": 50}
    for number, name, sex, birth, _ in rows:
        parsed = parse_id_number(number)
        assert (parsed.sex, parsed.birth_date.isoformat()) == (sex, birth)
        assert 2 <= len(name) <= 3
    assert len({r[0] for r in rows}) == len(rows)
    s.close()


def test_every_scenario_shows_in_the_ledgers(demo_db_path):
    s = open_session(demo_db_path)
    states, sources = Counter(), Counter()
    for (pid,) in s.db.execute("SELECT id FROM people").fetchall():
        book = ledger(s, pid, DEMO_TODAY)
        states[book.months[-1].state] += 1
        sources.update(m.source for m in book.months + book.prior if m.source)
    assert {"waiting", "active", "suspended", "lapsed"} <= set(states)
    assert {"counter", "tax_import", "transfer", "back_payment"} <= set(sources)
    retirement = s.db.execute("SELECT json_extract(decision, '$.qualified'), COUNT(*) FROM decisions"
                              " WHERE question = 'retirement' GROUP BY 1").fetchall()
    assert dict(retirement).get(0) and dict(retirement).get(1)   # short of years, and qualified
    assert s.db.execute("SELECT COUNT(*) FROM corrections").fetchone()[0] > 0
    assert s.db.execute("SELECT COUNT(*) FROM notices").fetchone()[0] > 0
    assert audit.verify(s.db).ok
    s.close()


def test_every_parameter_the_office_entered_is_marked_demo(demo_db_path):
    s = open_session(demo_db_path)
    for jurisdiction in ("huainan", "jiangsu", "jilin", "xinyang"):
        office = [r for r in parameter_rows(s, jurisdiction) if r.origin == "office"]
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
