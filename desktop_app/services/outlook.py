"""Each person's outlook, kept for the worklists and the monthly report (store/outlook.py): the rule module's
`outlook` question for the person's ledger, plus when the person reaches retirement age, the years still missing
then, and whether a transfer is left open.

Every write marks the person's outlook stale (triggers and store/ledger.py; the tax import in bulk); whoever reads
the outlooks refreshes what is stale first: a few people at once, many (after an import, on a file from an earlier
version) off the window's thread with progress (`refresh`). People with the same payment months share one
decision: the outlook reads payments by month (on time or not, the month a late one was paid), so their cases are
the same case once each payment date is taken to the first of its month.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import date

from desktop_app.rules import JURISDICTIONS
from desktop_app.services.errors import InputError
from desktop_app.services.payments import timeline_case
from desktop_app.services.permissions import require
from desktop_app.services.person_terms import timeline_fields
from desktop_app.services.rules_glue import ask, month_str, office_parameters
from desktop_app.services.session import Session
from desktop_app.store import decisions as decisions_store
from desktop_app.store import ledger as ledger_store
from desktop_app.store import outlook as store
from desktop_app.store.db import atomic
from desktop_app.store.outlook import (ARREARS, BENEFITS, FLAG_BASE, PAY_BY_WIDTH, QUARTER_DUE, RECENT_LAPSE,
                                       STOP_NEXT, WAITING_ENDS, month_index)

CHUNK = 400              # people decided and saved per transaction
RETIREMENT_WINDOW = 24   # months before the statutory retirement month from which the years missing are kept
FOREVER = 10 ** 6        # valid_to of a settled outlook


class Cancelled(Exception):
    """The refresh was cancelled between two chunks; the chunks saved stay (each is a whole, correct row)."""


def today_index(today: date) -> int:
    return month_index(month_str(today))


def pending(session: Session, today: date) -> int:
    """How many people's outlooks must be decided before the lists and the report for `today` are complete."""
    require(session, "read")
    return store.count_needing_refresh(session.db, today_index(today))


def refresh(session: Session, today: date, progress: Callable[[int, int], None] | None = None,
            cancel: threading.Event | None = None, limit: int | None = None) -> int:
    """Decide the outlook of everyone who needs it for `today` (at most `limit` people), CHUNK people per
    transaction; returns how many were decided. Cancel stops between chunks (Cancelled)."""
    require(session, "read")   # derived data only: whoever may read the lists may bring them up to date
    db = session.db
    store.fold_marks(db, atomic)
    todo = store.needing_refresh(db, today_index(today), limit)
    params = {j: office_parameters(session, j) for j in JURISDICTIONS}
    cache: dict[str, dict | InputError] = {}
    total, done = len(todo), 0
    if progress is not None:
        progress(0, total)
    for start in range(0, total, CHUNK):
        if cancel is not None and cancel.is_set():
            raise Cancelled()
        chunk = todo[start:start + CHUNK]
        rows = decide_chunk(session, chunk, today, params, cache)
        with atomic(db):
            store.save(db, rows)
        done += len(chunk)
        if progress is not None:
            progress(done, total)
    return done


def _people(db, ids: list[int]) -> dict[int, dict]:
    marks = ", ".join("?" * len(ids))
    out = {}
    for row in db.query(f"SELECT * FROM people WHERE id IN ({marks})", ids):
        row["places"] = json.loads(row["places"])
        row["waiting_exempt"] = bool(row["waiting_exempt"])
        out[row["id"]] = row
    return out


def _ledgers(db, ids: list[int]) -> dict[int, list[dict]]:
    """(month, paid_on) of each person: one read over a range of person ids when they lie close together."""
    out: dict[int, list[dict]] = {i: [] for i in ids}
    low, high = min(ids), max(ids)
    if high - low + 1 > 4 * len(ids):
        for i in ids:
            out[i] = [{"month": r["month"], "paid_on": r["paid_on"]} for r in ledger_store.rows(db, i)]
        return out
    for person_id, month, paid_on in ledger_store.payments_between(db, low, high):
        if person_id in out:
            out[person_id].append({"month": month, "paid_on": paid_on})
    for rows in out.values():
        rows.sort(key=lambda r: r["month"])
    return out


def _with_terms(db, ids: list[int]) -> set[int]:
    marks = ", ".join("?" * len(ids))
    return {r[0] for r in db.execute(f"SELECT DISTINCT person_id FROM person_changes WHERE person_id IN ({marks})",
                                     ids)}


def _open_transfers(db, ids: list[int]) -> dict[int, str]:
    """Transfers recorded but not completed: a 转出 whose 参保缴费凭证 has not been issued since, a 转入 whose gap
    back-payment could not be priced yet."""
    out = {person_id: "转入：中断期间补缴金额尚未核定" for person_id in decisions_store.transfers_in_unpriced(db, ids)}
    out.update({person_id: "转出：参保缴费凭证尚未出具" for person_id in decisions_store.transfers_out_open(db, ids)})
    return out


def _has_transfer_in(db, ids: list[int]) -> set[int]:
    marks = ", ".join("?" * len(ids))
    return {r[0] for r in db.execute(f"SELECT DISTINCT person_id FROM decisions WHERE question = 'transfer'"
                                     f" AND person_id IN ({marks})", ids)}


def normalised(case: dict) -> dict:
    """The outlook reads each payment by its month: every date taken to the first of its month, so people with the
    same months paid (and paid late in the same months) share one decision."""
    return {**case, "payments": [{"month": p["month"], "paid_on": p["paid_on"][:7] + "-01"} for p in case["payments"]]}


def decide_chunk(session: Session, chunk: list[tuple[int, int | None]], today: date, params: dict,
                 cache: dict) -> list[dict]:
    require(session, "read")
    db = session.db
    ids = [i for i, _ in chunk]
    people, ledgers = _people(db, ids), _ledgers(db, ids)
    terms, transfers, transfer_in = _with_terms(db, ids), _open_transfers(db, ids), _has_transfer_in(db, ids)
    now = month_str(today)
    base = month_index(now)
    stamp = session.stamp().at
    out = []
    for person_id, read_stale in chunk:
        person = people.get(person_id)
        if person is None:
            continue
        row = {"person_id": person_id, "read_stale": read_stale, "base_index": base,
               "jurisdiction": person["jurisdiction"], "category": person["category"], "operator": person["operator"],
               "first_index": month_index(person["first_month"]), "refreshed_at": stamp,
               "transfer_open": transfers.get(person_id)}
        rows = ledgers[person_id]
        fields = timeline_fields(db, person) if person_id in terms else {}
        paid = {r["month"] for r in rows}
        if person["first_month"] not in paid or person["first_month"] > now:
            # nothing paid for the first month yet: no timeline (the payments tab shows when benefits would start)
            row.update(states="", seq_state="U", seq_flags=chr(FLAG_BASE), seq_pay_by="-" * PAY_BY_WIDTH,
                       valid_to=FOREVER, schedule="{}")
            if person_id in transfer_in and not row["transfer_open"]:
                row["transfer_open"] = "转入：已登记转移接续，本地首月尚未缴费"
        else:
            case = normalised({**timeline_case(person, rows, today, fields), "question": "outlook"})
            key = json.dumps(case, sort_keys=True)
            decision = cache.get(key)
            if decision is None:
                try:
                    decision = ask(session, case, params=params[person["jurisdiction"]])
                except InputError as error:
                    decision = error
                cache[key] = decision
            if isinstance(decision, InputError):
                row.update(error=decision.message, valid_to=FOREVER)
            else:
                row.update(_sequences(decision, base))
        row.update(_retirement(session, person, today, base))
        row["valid_to"] = min(row["valid_to"], row.pop("retirement_valid_to"))
        out.append(row)
    return out


def _sequences(decision: dict, base: int) -> dict:
    """The rule module's months as the per-month strings the lists read with SQL."""
    states, flags, pay_by, schedule = [], [], [], {}
    entries = decision["months"]
    recent = int(decision["recent_lapse_months"])
    for e in entries:
        x = month_index(e["month"])
        bits = (ARREARS if e["arrears"] else 0) | (STOP_NEXT if e["stop_next"] else 0) \
            | (WAITING_ENDS if e["waiting_ends"] else 0) | (BENEFITS if e["benefits"] else 0)
        if e["cycle"] == "quarterly" and e["quarter_end"] and e["due_now"] and e["state"] not in ("lapsed", "stopped"):
            bits |= QUARTER_DUE
        if e["state"] == "lapsed" and e["lapsed_since"] and month_index(e["lapsed_since"]) > x - recent:
            bits |= RECENT_LAPSE
        states.append(_CODE[e["state"]])
        flags.append(chr(FLAG_BASE + bits))
        pay_by.append(e["pay_by"].replace("-", "") if e["pay_by"] else "-" * PAY_BY_WIDTH)
        if e["arrears"] or e["due_now"] or e["lapsed_since"]:
            schedule[e["month"]] = {"arrears": e["arrears"], "due_now": e["due_now"], "pay_by": e["pay_by"],
                                    "lapsed_since": e["lapsed_since"]}
    last = entries[-1]
    schedule = {"months": schedule, "last": {"month": last["month"], "lapsed_since": last["lapsed_since"]}}
    if decision["settled"] and last["state"] == "lapsed" and last["lapsed_since"]:
        # settled: only the lapse grows older; write the months until it is no longer recent, then it holds
        x = month_index(last["month"])
        while ord(flags[-1]) - FLAG_BASE & RECENT_LAPSE:
            x += 1
            still = month_index(last["lapsed_since"]) > x - recent
            states.append("L")
            flags.append(chr(FLAG_BASE + (RECENT_LAPSE if still else 0)))
            pay_by.append("-" * PAY_BY_WIDTH)
    valid_to = FOREVER if decision["settled"] else base + len(entries) - 1
    return {"states": decision["states"], "seq_state": "".join(states), "seq_flags": "".join(flags),
            "seq_pay_by": "".join(pay_by), "schedule": json.dumps(schedule, ensure_ascii=False),
            "lapses": ",".join(decision["lapses"]), "resumes": ",".join(decision["resumes"]), "valid_to": valid_to,
            "error": None}


_CODE = {"waiting": "W", "active": "A", "suspended": "S", "lapsed": "L", "stopped": "T", "before_policy": "P"}


def _retirement(session: Session, person: dict, today: date, base: int) -> dict:
    """The statutory retirement month (a woman's by both original ages), and within RETIREMENT_WINDOW months of it
    the years still missing as the retirement decision counts them today."""
    from desktop_app.rules.retirement_age import retirement_month

    birth = date.fromisoformat(person["birth_date"])
    months = [retirement_month(birth, person["sex"])]
    note = None
    if person["sex"] == "F":
        months.append(retirement_month(birth, "F", 50))
        note = f"原50周岁退休的女工人为{months[1].year}年{months[1].month}月，请在退休资格页核对"
    main = month_index(str(months[0]))
    earliest = min(month_index(str(m)) for m in months)
    out = {"retirement_month": str(months[0]), "retirement_month_alt": str(months[1]) if len(months) > 1 else None,
           "retirement_note": note, "shortfall_months": None,
           "retirement_valid_to": FOREVER}
    if base < earliest - RETIREMENT_WINDOW:
        out["retirement_valid_to"] = earliest - RETIREMENT_WINDOW - 1   # ask again when the window opens
    elif base <= main and (person.get("status") or "active") == "active":
        from desktop_app.services.retirement import decide_retirement

        try:
            decision = decide_retirement(session, person["id"], today)
            out["shortfall_months"] = max(decision["shortfall_months"].values())
        except InputError as error:
            out["retirement_note"] = "缴费年限未能计算：" + error.message
    return out

