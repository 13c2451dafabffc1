"""One simulated counter (a separate process) working on the office's server: enrols, pays, races other counters
for the same person-month, issues notices, and (counter 0) imports a tax file meanwhile. Every action's outcome
goes to a JSON log the test compares with the database afterwards (tests/test_server_concurrency.py).

python -m tests.concurrency_driver URL WORKER ACTIONS PLAN.json OUT.json
"""

from __future__ import annotations

import json
import random
import sys
import time
import traceback
from datetime import date, datetime

MONTHS = [date(2025, m, 1) for m in range(1, 7)]
TODAY = date(2025, 6, 16)


def main(url: str, worker: int, actions: int, plan_path: str, out_path: str) -> None:
    from desktop_app.notices.issue import issue_notice
    from desktop_app.services.enrolment import EnrolmentForm, enrol, preview_enrolment
    from desktop_app.services.errors import InputError, StoreError
    from desktop_app.services.payments import record_months
    from desktop_app.services.session import open_trusted_session
    from desktop_app.services.tax_import import import_tax_file

    plan = json.loads(open(plan_path, encoding="utf-8").read())
    session = open_trusted_session(url, f"窗口{worker}", clock=lambda: datetime(2025, 6, 16, 9, 30))
    rng = random.Random(1000 + worker)
    ids: list[str] = plan["ids"]
    hot = ids[: plan["hot"]]               # the people every counter keeps paying at once: same-month races
    log: list[dict] = []
    known: dict[str, int] = {}

    def refresh() -> None:
        marks = ", ".join("?" * len(ids))
        known.clear()
        known.update(dict(session.db.execute(f"SELECT id_number, id FROM people WHERE id_number IN ({marks})", ids)))

    def outcome(kind: str, key, fn) -> None:
        started = time.perf_counter()
        entry = {"kind": kind, "key": key}
        try:
            entry["ok"] = fn()
        except (InputError, StoreError) as error:
            entry["refused"] = type(error).__name__
            entry["message"] = error.message
        except Exception as error:  # noqa: BLE001 (the test fails on any of these: no clear message)
            entry["error"] = f"{type(error).__name__}: {error}"
            entry["trace"] = traceback.format_exc()[-1500:]
        entry["ms"] = round((time.perf_counter() - started) * 1000, 1)
        log.append(entry)

    def do_enrol(number: str):
        form = EnrolmentForm(number, plan["names"][number], "13800000000", "信阳市浉河区", "freelancer", ["hukou"],
                             False, "with_account", None, date(2025, 1, 1))
        result = enrol(session, form, date(2025, 1, 5))
        return {"person_id": result.person_id, "created": result.created}

    def do_pay(number: str, month: date, receipt: str):
        record_months(session, known[number], [month], date(2025, 6, 10), receipt, TODAY, confirm_past_limit=True)
        return {"person_id": known[number], "month": f"{month:%Y-%m}", "receipt": receipt}

    def do_notice(number: str):
        form = EnrolmentForm(number, plan["names"][number], "13800000000", "信阳市浉河区", "freelancer", ["hukou"],
                             False, "with_account", None, date(2025, 1, 1))
        decision = preview_enrolment(session, form, date(2025, 1, 5)).decisions["benefit_timeline"]
        return {"serial": issue_notice(session, known[number], "waiting_period", decision, TODAY).serial}

    def do_import():
        report = import_tax_file(session, plan["import_file"], TODAY, dry_run=False)
        return {"imported": report.imported, "import_id": report.import_id,
                "problems": [p.message for p in report.problems[:5]]}

    refresh()
    for i in range(actions):
        if worker == 0 and i == actions // 3:
            outcome("import", plan["import_file"], do_import)
            continue
        if i % 40 == 0:
            refresh()
        roll = rng.random()
        if roll < 0.25 or not known:
            number = rng.choice(ids)
            outcome("enrol", number, lambda n=number: do_enrol(n))
            if number not in known:
                refresh()
        elif roll < 0.40:   # a race: the hot people, the latest month, every counter at once
            number = rng.choice([n for n in hot if n in known] or list(known))
            outcome("pay", [number, "2025-06"], lambda n=number, r=f"W{worker}R{i}": do_pay(n, MONTHS[-1], r))
        elif roll < 0.97:
            number = rng.choice(list(known))
            month = rng.choice(MONTHS)
            outcome("pay", [number, f"{month:%Y-%m}"], lambda n=number, m=month, r=f"W{worker}R{i}": do_pay(n, m, r))
        else:
            number = rng.choice(list(known))
            outcome("notice", number, lambda n=number: do_notice(n))
    session.close()
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(log, f, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5])
