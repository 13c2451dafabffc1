"""Six counters at once on one server (issue 17): separate processes run 10,000 mixed actions (enrol, pay, the same
person-month raced by every counter, notices, a tax-file import meanwhile). Afterwards: no row lost or doubled
(every success is in the database, every counter row and person comes from exactly one success), the same
person-month paid once, notice serials unique and gapless, the audit check intact, every failure a clear
Chinese message."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from desktop_app.services.enrolment import EnrolmentForm, enrol
from desktop_app.services.session import open_trusted_session
from tests.conftest import FIXED_NOW, make_id

REPO = Path(__file__).resolve().parents[1]
COUNTERS = 6
ACTIONS = 10_000
SURNAMES = "王李张刘陈杨赵黄周吴"


def _plan(tmp_path: Path, url: str) -> Path:
    ids = [make_id(birth=f"19{70 + i % 25:02d}0{1 + i % 9}1{i % 9}", seq=100 + i) for i in range(900)]
    names = {n: SURNAMES[i % 10] + "测试" + "甲乙丙丁戊己庚辛壬癸"[i // 10 % 10] for i, n in enumerate(ids)}
    # the import's people: enrolled before the counters start, never paid at a counter
    session = open_trusted_session(url, "准备", clock=lambda: FIXED_NOW)
    lines = ["身份证号,姓名,费款所属期,缴费日期,缴费金额,票据号"]
    for i in range(60):
        number = make_id(birth="19850505", area="411503", seq=100 + i)
        name = "导入" + "甲乙丙丁戊己庚辛壬癸"[i % 10] + "甲乙丙丁戊己"[i // 10]
        enrol(session, EnrolmentForm(number, name, "13900000000", "信阳市平桥区", "freelancer", ["hukou"], False,
                                     "with_account", None, date(2025, 1, 1)), date(2025, 1, 5))
        lines += [f"{number},{name},2025-{m:02d},2025-{m:02d}-12,437.50,SW{i:03d}{m:02d}" for m in range(1, 6)]
    session.close()
    tax = tmp_path / "tax.csv"
    tax.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"ids": ids, "names": names, "hot": 12, "import_file": str(tax)},
                               ensure_ascii=False), encoding="utf-8")
    return plan


@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
def test_six_counters_ten_thousand_actions_nothing_lost_or_doubled(engine, db_path, tmp_path):
    url = db_path
    plan = _plan(tmp_path, url)
    per = ACTIONS // COUNTERS
    env = {**os.environ, "PYTHONPATH": str(REPO), "FLEXINS_DATA_DIR": str(tmp_path / "pc")}
    started = time.monotonic()
    procs = [subprocess.Popen([sys.executable, "-m", "tests.concurrency_driver", url, str(w),
                               str(per + (ACTIONS % COUNTERS if w == 0 else 0)), str(plan), str(tmp_path / f"w{w}.json")],
                              cwd=REPO, env={**env, "FLEXINS_DATA_DIR": str(tmp_path / f"pc{w}")},
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
             for w in range(COUNTERS)]
    outputs = [p.communicate(timeout=1500)[0] for p in procs]
    elapsed = time.monotonic() - started
    assert all(p.returncode == 0 for p in procs), "\n".join(o[-3000:] for o in outputs)
    log = [entry for w in range(COUNTERS) for entry in json.loads((tmp_path / f"w{w}.json").read_text("utf-8"))]
    assert len(log) == ACTIONS

    # every failure is a clear message in Chinese, never an exception from the engine
    errors = [e for e in log if "error" in e]
    assert not errors, errors[:3]
    refused = [e for e in log if "refused" in e]
    assert all(e["message"] and any("\u4e00" <= c <= "\u9fff" for c in e["message"]) for e in refused)

    session = open_trusted_session(url, "核对", clock=lambda: FIXED_NOW)
    db = session.db
    # enrolments: one person per ID; each created by exactly one counter's success
    created = Counter(e["key"] for e in log if e["kind"] == "enrol" and "ok" in e and e["ok"]["created"])
    assert all(n == 1 for n in created.values()), [k for k, n in created.items() if n > 1]
    marks = ", ".join("?" * len(created))
    on_file = dict(db.execute(f"SELECT id_number, operator FROM people WHERE id_number IN ({marks})",
                              list(created)).fetchall())
    assert set(on_file) == set(created)
    assert db.execute("SELECT count(*) FROM people").fetchone()[0] == len(created) + 60

    # payments: every success is in the ledger with its receipt; every counter row comes from one success
    paid = [e["ok"] for e in log if e["kind"] == "pay" and "ok" in e]
    rows = db.execute("SELECT person_id, month, receipt_no FROM ledger WHERE import_id IS NULL").fetchall()
    assert sorted((p["person_id"], p["month"], p["receipt"]) for p in paid) == sorted(rows)
    months = Counter((r[0], r[1]) for r in rows)
    assert max(months.values()) == 1
    races = Counter(tuple(e["key"]) for e in log if e["kind"] == "pay" and e["key"][1] == "2025-06")
    raced = [k for k, n in races.items() if n > 1]
    assert len(raced) >= 5   # the hot people's month was tried by several counters
    race_refusals = [e for e in log if e["kind"] == "pay" and "refused" in e and e["key"][1] == "2025-06"]
    assert race_refusals and all("已有缴费记录" in e["message"] for e in race_refusals)

    # the import went in whole, beside the counters' work
    imports = [e for e in log if e["kind"] == "import"]
    assert len(imports) == 1 and imports[0].get("ok", {}).get("imported") == 300, imports
    assert db.execute("SELECT count(*) FROM ledger WHERE import_id IS NOT NULL").fetchone()[0] == 300

    # notices: serials unique and gapless per prefix, each one a success
    serials = sorted(e["ok"]["serial"] for e in log if e["kind"] == "notice" and "ok" in e)
    assert serials and serials == sorted(r[0] for r in db.execute("SELECT serial FROM notices"))
    numbers = sorted(int(s.rsplit("-", 1)[1]) for s in serials)
    assert numbers == list(range(1, len(numbers) + 1))
    session.close()

    # the audit chain is one chain and the data agrees with it (a fresh PC: no anchor of its own yet)
    check = subprocess.run([sys.executable, "-m", "desktop_app.audit", "verify", url], cwd=REPO,
                           env={**env, "FLEXINS_DATA_DIR": str(tmp_path / "auditor")},
                           capture_output=True, text=True, timeout=600)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "审计记录完整" in check.stdout
    # the counters' own anchors (each PC's) still hold against the chain they helped write
    for w in range(COUNTERS):
        again = subprocess.run([sys.executable, "-m", "desktop_app.audit", "verify", url], cwd=REPO,
                               env={**env, "FLEXINS_DATA_DIR": str(tmp_path / f"pc{w}")},
                               capture_output=True, text=True, timeout=600)
        assert again.returncode == 0 and "与本机设置记下的锚点一致" in again.stdout, again.stdout
        break  # one PC is enough to show it; each check replays the whole chain

    kinds = Counter(e["kind"] for e in log)
    ok = Counter(e["kind"] for e in log if "ok" in e)
    slowest = sorted(e["ms"] for e in log)[int(len(log) * 0.95)]
    print(f"\n{ACTIONS} actions by {COUNTERS} counters in {elapsed:.1f} s: {dict(kinds)}, succeeded {dict(ok)},"
          f" refused with a message {dict(Counter(e['refused'] for e in refused))}, p95 {slowest} ms")
