"""Every worklist agrees, person by person, with what the person's own tabs say that day (services.payments.ledger
and the back-payment quote), on the demo database and on the benchmark's generated county, on the day the outlooks
were decided and months later without deciding them again (the outlook's months ahead)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from desktop_app.services import outlook, worklists
from desktop_app.services.errors import InputError
from desktop_app.services.payments import back_payment_today, ledger
from desktop_app.services.rules_glue import add_months, month_date, month_str
from desktop_app.services.session import open_trusted_session

FLAGGED = ("arrears_closing", "stop_next_month", "waiting_ends", "recent_lapse", "quarter_due")


def own_view(session, person_id: int, today: date, days: int) -> dict:
    """The lists this person belongs in today, read from the person's own ledger and quote alone."""
    try:
        now = ledger(session, person_id, today)
    except InputError:
        return {}
    p = month_str(today)
    by_month = {month_str(m.month): m for m in now.months if not m.projected}
    if p not in by_month or now.decision is None:
        return {}   # the first month not paid yet: no timeline
    here = by_month[p]
    out = {}
    quote = back_payment_today(session, person_id, today)
    if quote["arrears_months"] and date.fromisoformat(quote["pay_by"]) <= today + timedelta(days=days):
        out["arrears_closing"] = quote["total"]
    next_first = add_months(today.replace(day=1), 1)
    later = ledger(session, person_id, next_first)
    following = {month_str(m.month): m for m in later.months}[month_str(next_first)]
    if here.benefits and following.state in ("suspended", "lapsed"):
        out["stop_next_month"] = quote["total"]
    if any(month_str(w["to"]) == p for w in now.waiting_periods):
        out["waiting_ends"] = None
    if here.state == "lapsed":
        ordered = [m for m in now.months if not m.projected]
        run = 0
        for m in reversed(ordered):
            if m.state != "lapsed":
                break
            run += 1
        if run <= 3:
            out["recent_lapse"] = None
    quarter_end = today.month % 3 == 0
    due = [line for line in quote["lines"] if line["kind"] == "due"]
    if now.payment_cycle == "quarterly" and quarter_end and due and here.state not in ("lapsed", "stopped"):
        out["quarter_due"] = quote["total"]
    return out


def check_day(session, today: date, days: int = 45) -> dict:
    """Compare every person's own view with the lists of `today`; returns the list sizes."""
    left = outlook.refresh(session, today)
    assert outlook.pending(session, today) == 0
    lists = {k: {r.person_id: r for r in worklists.worklist(session, k, today, worklists.Filters(days=days))}
             for k in FLAGGED}
    ids = [r[0] for r in session.db.execute("SELECT id FROM people ORDER BY id")]
    for person_id in ids:
        own = own_view(session, person_id, today, days)
        for kind in FLAGGED:
            listed = lists[kind].get(person_id)
            assert (listed is not None) == (kind in own), (today, person_id, kind, own, listed)
            if listed is not None and own[kind] is not None:
                assert listed.amount == Decimal(own[kind]), (today, person_id, kind, listed.amount, own[kind])
    sizes = {k: len(v) for k, v in lists.items()}
    sizes["refreshed"] = left
    return sizes


def test_the_demo_office_lists_agree_with_each_persons_timeline(demo_db_path):
    session = open_trusted_session(demo_db_path, operator="测试员")
    try:
        first = date(2025, 6, 16)
        sizes = check_day(session, first)
        assert sizes["refreshed"] == session.db["people"].count   # a file from before m011: everyone decided once
        assert sizes["arrears_closing"] and sizes["stop_next_month"] and sizes["recent_lapse"], sizes
        # months later nothing was written: the outlooks decided in June still answer, bar the few past their months
        for later in (date(2025, 7, 1), date(2025, 8, 31), date(2025, 10, 15)):
            sizes = check_day(session, later)
            assert sizes["refreshed"] < session.db["people"].count // 4, (later, sizes)
    finally:
        session.close()


def test_the_generated_county_lists_agree_with_each_persons_timeline(engine, tmp_path, request):
    """On a server: the same county copied onto it, and the tax file imported through COPY."""
    from bench.generate import build
    from tests.conftest import file_onto_server

    path = tmp_path / "county.sqlite3"
    meta = build(path, people=260, seed=11, import_rows=400, log=lambda _: None)
    source = path
    if engine == "postgresql":
        server = request.getfixturevalue("pg_server")
        source = server.create_database("county")
        request.addfinalizer(lambda: server.drop_database("county"))
        file_onto_server(path, source)
    session = open_trusted_session(source, operator="测试员")
    try:
        as_of = date.fromisoformat(meta["as_of"])
        sizes = check_day(session, as_of, days=62)
        assert sum(sizes[k] for k in FLAGGED) > 10, sizes
        check_day(session, add_months(as_of, 2).replace(day=20))
        # the tax bureau's next file: its people are marked in one append, decided again before the lists are read
        from desktop_app.services.tax_import import import_tax_file

        today = date.fromisoformat(meta["import_today"])
        done = import_tax_file(session, path.with_name(meta["tax_file"]), today, dry_run=False)
        assert done.imported == meta["import_rows"]
        marked = session.db.execute("SELECT count(*) FROM outlook_marks").fetchone()[0]
        assert marked == session.db.execute("SELECT count(DISTINCT person_id) FROM ledger WHERE import_id = ?",
                                            [done.import_id]).fetchone()[0] > 0
        assert outlook.pending(session, today) >= marked
        check_day(session, today)
        assert session.db.execute("SELECT count(*) FROM outlook_marks").fetchone()[0] == 0
    finally:
        session.close()


def test_a_payment_takes_the_person_off_the_list_at_once(demo_db_path):
    from desktop_app.services.payments import record_months

    session = open_trusted_session(demo_db_path, operator="测试员")
    try:
        today = date(2025, 6, 16)
        outlook.refresh(session, today)
        rows = worklists.worklist(session, "arrears_closing", today, worklists.Filters(days=90))
        assert rows
        person = rows[0]
        record_months(session, person.person_id, [month_date(m) for m in person.months], today, "R-LIST-1", today)
        assert outlook.pending(session, today) == 1            # the write marked this one person
        outlook.refresh(session, today)
        again = worklists.worklist(session, "arrears_closing", today, worklists.Filters(days=90))
        assert person.person_id not in {r.person_id for r in again}
        assert len(again) == len(rows) - 1
    finally:
        session.close()


@pytest.mark.parametrize("kind", list(worklists.KINDS))
def test_every_list_filters_and_sorts(demo_db_path, kind):
    session = open_trusted_session(demo_db_path, operator="测试员")
    try:
        today = date(2025, 6, 16)
        outlook.refresh(session, today)
        rows = worklists.worklist(session, kind, today, worklists.Filters(days=90))
        other = worklists.worklist(session, kind, today, worklists.Filters(days=90, jurisdiction="huainan"))
        assert other == []   # the demo office is 信阳's
        named = worklists.worklist(session, kind, today, worklists.Filters(days=90), sort="name", descending=True)
        assert [r.name for r in named] == sorted((r.name for r in rows), reverse=True)
        counts = worklists.counts(session, today, worklists.Filters(days=90))
        assert counts[kind] == len(rows)
    finally:
        session.close()
