"""kill -9 at random points during enrolment, payment recording and a 10,000-row import, many times over.

After every kill the file is opened again (the lock the killed program held is gone) and checked: SQLite's
integrity check passes, the audit chain verifies, every action the driver saw committed is there in full,
and no action is there in part: each person has their enrolment decisions and audit entry, each month paid
has its decision and is listed in a ledger.record audit entry, each import has all its rows and its entry.
Two data files are driven side by side (two cores) to keep the wall time near 20 seconds;
FLEXINS_CRASH_ROUNDS sets the kills per file (e.g. 200 for a long soak run).
"""

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest

from desktop_app.services.demo_parameters import enter_demo_parameters
from desktop_app.services.demo_people import check_digit
from desktop_app.services.session import open_trusted_session
from desktop_app.services.settings import set_office
from desktop_app.store import audit
from desktop_app.store.db import atomic

REPO = Path(__file__).resolve().parents[1]
DRIVER = REPO / "tests" / "crash_driver.py"
ROUNDS = int(os.environ.get("FLEXINS_CRASH_ROUNDS", "9"))   # per data file; two files run side by side
IMPORT_PEOPLE = 10_000
TODAY = date(2025, 6, 16)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """信阳市 office with the demo wages and 10,000 people for the tax bureau's file (first month 2024-01)."""
    path = tmp_path_factory.mktemp("crash") / "template.sqlite3"
    session = open_trusted_session(path, "准备")
    try:
        set_office(session, "xinyang", "崩溃测试窗口")
        enter_demo_parameters(session, "xinyang", TODAY)
        stamp = session.stamp()
        rows = []
        for i in range(IMPORT_PEOPLE):
            birth = f"{1970 + i % 25}-{i % 12 + 1:02d}-{i % 28 + 1:02d}"
            first17 = f"411503{birth.replace('-', '')}{i // 700:03d}"
            rows.append((first17 + check_digit(first17), f"导入{i:05d}", birth, stamp.at))
        with atomic(session.db):  # one bulk entry: the check below counts enrolments by the driver's people
            session.db.conn.executemany(
                "INSERT INTO people (id_number, name, sex, birth_date, category, places, mode, jurisdiction,"
                " first_month, created_at, operator) VALUES (?, ?, 'M', ?, 'freelancer', '[\"hukou\"]',"
                " 'with_account', 'xinyang', '2024-01', ?, '准备')", rows)
            audit.append(session.db, stamp, "demo.build", "people", None, {"people": IMPORT_PEOPLE})
    finally:
        session.close()
    return path


def run_round(path: Path, journal: Path, seed: int, delay: float) -> float:
    proc = subprocess.Popen([sys.executable, str(DRIVER), str(path), str(journal), str(seed)], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline().strip()
    if line != "ready":
        proc.kill()
        raise AssertionError(f"driver did not start: {line} {proc.stderr.read()}")
    time.sleep(delay)
    alive = proc.poll() is None
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    if not alive:
        raise AssertionError(f"driver stopped by itself: {proc.stderr.read()}")
    return delay


def committed(journal: Path) -> list[dict]:
    if not journal.exists():
        return []
    # the last line may be cut short by the kill: only whole lines count
    return [json.loads(line) for line in journal.read_text(encoding="utf-8").splitlines(keepends=True)
            if line.endswith("\n")]


def check_file(path: Path, journal: Path) -> dict:
    session = open_trusted_session(path, "检查", exclusive=True)   # refused if the dead driver's lock stayed
    db = session.db
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        chain = audit.verify(db)
        assert chain.ok, chain.message
        q = lambda sql, *p: db.execute(sql, p).fetchone()[0]  # noqa: E731
        for done in committed(journal):
            if done["action"] == "enrol":
                assert q("SELECT COUNT(*) FROM people WHERE id = ? AND id_number = ?", done["person_id"],
                         done["id_number"]) == 1
            elif done["action"] == "pay":
                for month in done["months"]:
                    assert q("SELECT COUNT(*) FROM ledger WHERE person_id = ? AND month = ? AND receipt_no = ?",
                             done["person_id"], month, done["receipt"]) == 1
            else:
                assert q("SELECT COUNT(*) FROM ledger WHERE import_id = ?", done["import_id"]) == done["rows"]
        # nothing half applied, whether or not the journal heard of it
        assert q("SELECT COUNT(*) FROM people") - IMPORT_PEOPLE == \
            q("SELECT COUNT(*) FROM audit WHERE action = 'person.create'")
        # every payment's decision (one per month, or one for the months paid together) and its rows go together
        unbalanced = db.execute(
            "SELECT p.id FROM people p LEFT JOIN (SELECT person_id, COUNT(DISTINCT decision_id) AS n FROM ledger"
            " WHERE source IN ('counter', 'back_payment') GROUP BY person_id) AS l ON l.person_id = p.id"
            " WHERE (SELECT COUNT(*) FROM decisions d WHERE d.person_id = p.id)"
            " != (CASE WHEN p.first_month = '2025-01' THEN 3 ELSE 0 END) + coalesce(l.n, 0)"
        ).fetchall()
        assert unbalanced == []
        counter_rows = q("SELECT COUNT(*) FROM ledger WHERE source IN ('counter', 'back_payment')")
        assert counter_rows == q("SELECT COALESCE(SUM(json_array_length(after)), 0) FROM audit"
                                 " WHERE action = 'ledger.record'")
        for import_id, rows in db.execute("SELECT id, rows FROM imports").fetchall():
            assert rows == IMPORT_PEOPLE
            assert q("SELECT COUNT(*) FROM ledger WHERE import_id = ?", import_id) == rows
            assert q("SELECT COUNT(*) FROM audit WHERE action = 'ledger.import' AND entity = ?",
                     f"imports:{import_id}") == 1
        assert q("SELECT COUNT(*) FROM ledger WHERE source = 'tax_import'") == \
            q("SELECT COUNT(*) FROM imports") * IMPORT_PEOPLE
        return {"people": q("SELECT COUNT(*) FROM people") - IMPORT_PEOPLE, "months": counter_rows,
                "imports": q("SELECT COUNT(*) FROM imports")}
    finally:
        session.close()


def campaign(template: Path, folder: Path, seed: int, outcome: dict) -> None:
    try:
        folder.mkdir()
        path, journal = folder / "flexins.sqlite3", folder / "journal.jsonl"
        shutil.copy(template, path)
        rng = random.Random(seed)
        for round_no in range(ROUNDS):
            # mostly short lives (kills during the first actions and the import's write), some long ones
            delay = rng.uniform(0.05, 1.0) if rng.random() < 0.7 else rng.uniform(1.0, 2.5)
            run_round(path, journal, seed * 1000 + round_no, delay)
            outcome["last"] = check_file(path, journal)
        outcome["journal"] = committed(journal)
    except BaseException as error:  # noqa: BLE001 (reported by the test on the main thread)
        outcome["error"] = error


def test_kill_minus_9_during_counter_work_never_leaves_an_action_half_done(template, tmp_path):
    outcomes = [{}, {}]
    threads = [threading.Thread(target=campaign, args=(template, tmp_path / f"office{i}", 17 + i, outcomes[i]))
               for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for outcome in outcomes:
        if "error" in outcome:
            raise outcome["error"]
    done = [d["action"] for o in outcomes for d in o["journal"]]
    # the loops got somewhere: people enrolled, months paid, whole 10,000-row files imported
    assert done.count("enrol") >= 3 and done.count("pay") >= 3 and done.count("import") >= 1, done
    assert sum(o["last"]["imports"] for o in outcomes) >= done.count("import")
