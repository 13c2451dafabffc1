"""The benchmark's generator and measurements on a tiny county (no timings asserted: python -m bench measures)."""

from datetime import date

from bench.baseline import raw_insert
from bench.generate import build
from bench.probe_app import measure_notices, measure_search, notices_to_render
from bench.report import p95
from desktop_app.rules import parse_id_number
from desktop_app.services.session import open_trusted_session
from desktop_app.services.tax_import import import_tax_file
from desktop_app.store import audit


def test_a_tiny_county_is_valid_data_the_application_reads_and_imports(tmp_path):
    path = tmp_path / "county.sqlite3"
    meta = build(path, people=60, seed=3, import_rows=150, log=lambda _: None)
    session = open_trusted_session(path, "测试员")
    db = session.db
    numbers = [r[0] for r in db.execute("SELECT id_number FROM people")]
    assert len(numbers) == 60 and all(parse_id_number(n).number == n for n in numbers)
    assert db.execute("SELECT count(*) FROM ledger").fetchone()[0] == meta["ledger_rows"] > 60 * 12
    sources = {r[0] for r in db.execute("SELECT DISTINCT source FROM ledger")}
    assert {"tax_import", "transfer"} <= sources
    assert audit.verify(db).ok
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    times = measure_search(session, meta["samples"])   # it stops the run when a full ID finds no one
    assert set(times) == {"full_id", "id_prefix", "name", "name_start", "name_part"}
    assert all(len(t) == len(meta["samples"]) and min(t) > 0 for t in times.values())
    assert p95(list(range(1, 101))) == 95 and p95([7.0]) == 7.0 and p95(times["name"]) <= max(times["name"])
    notices = notices_to_render(session, meta["samples"], date.fromisoformat(meta["as_of"]))
    assert {n["kind"] for n in notices} == {"waiting_period", "lump_sum"}   # both kinds the bench times
    rendered = measure_notices(notices)   # each a PDF (measure_notices checks), each timed
    assert len(rendered) == len(notices) and min(rendered) > 0

    tax_file = path.with_name(meta["tax_file"])
    session.close()
    raw = raw_insert(path, tax_file)  # inserts and takes the rows out again
    assert raw["rows"] == meta["import_rows"] == 150
    session = open_trusted_session(path, "测试员")
    today = date.fromisoformat(meta["import_today"])
    dry = import_tax_file(session, tax_file, today, dry_run=True)
    assert dry.clean, dry.problems[:3]
    assert import_tax_file(session, tax_file, today, dry_run=False).imported == 150
    session.close()
