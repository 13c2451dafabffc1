"""Decisions as the rule module gave them, with their inputs, citations and parameter trace.

inputs = {"case": the rule case exactly as decided (replayable with python -m desktop_app.rules),
          "form": what the clerk entered, where the case alone does not keep it}.
"""

from __future__ import annotations

import json

from sqlite_utils import Database

from desktop_app.store import audit
from desktop_app.store.audit import Stamp, canonical
from desktop_app.store.db import insert_id
from desktop_app.store.dialect import dialect


def insert(db: Database, stamp: Stamp, person_id: int | None, question: str, inputs: dict, decision: dict,
           decided_on: str, audited: bool = True) -> int:
    decision_id = insert_id(
        db, "INSERT INTO decisions (person_id, question, inputs, decision, rule_version, decided_on, operator, recorded_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [person_id, question, canonical(inputs), canonical(decision), decision.get("rule_version"),
         decided_on, stamp.operator, stamp.at],
    )
    if audited:
        audit.append(db, stamp, "decision.save", f"decisions:{decision_id}", None,
                     {"person_id": person_id, "question": question, "inputs": inputs, "decision": decision})
    return decision_id


def _row(row: dict) -> dict:
    row["inputs"] = json.loads(row["inputs"])
    row["decision"] = json.loads(row["decision"])
    return row


def get(db: Database, decision_id: int) -> dict | None:
    rows = list(db.query("SELECT * FROM decisions WHERE id = ?", [decision_id]))
    return _row(rows[0]) if rows else None


def for_person(db: Database, person_id: int, question: str | None = None) -> list[dict]:
    where, params = "person_id = ?", [person_id]
    if question:
        where, params = where + " AND question = ?", params + [question]
    return [_row(r) for r in db.query(f"SELECT * FROM decisions WHERE {where} ORDER BY id", params)]


def count_using_parameter(db: Database, jurisdiction: str, name: str, since: str) -> int:
    """Uses of the parameter in the trace of the jurisdiction's decisions made on or after `since` (ISO date)."""
    return db.execute(dialect(db).parameter_uses(), [jurisdiction, name, since]).fetchone()[0]


def people_decided(db: Database, question: str, start: str, end: str, qualified: bool = False) -> list[int]:
    """The people with a decision on `question` made from `start` to before `end` (ISO dates); qualified: only
    those the decision found qualified."""
    sql = ("SELECT DISTINCT person_id FROM decisions WHERE decided_on >= ? AND decided_on < ? AND question = ?"
           " AND person_id IS NOT NULL")
    if qualified:
        sql += " AND " + dialect(db).json_flag("decision", "qualified")
    return [r[0] for r in db.execute(sql, [start, end, question])]


def transfers_in_unpriced(db: Database, ids: list[int]) -> set[int]:
    """Of these people, those with a 转入 whose gap months' back-payment could not be priced yet."""
    d = dialect(db)
    marks = ", ".join("?" * len(ids))
    return {r[0] for r in db.execute(
        f"SELECT d.person_id FROM decisions d WHERE d.question = 'transfer' AND d.person_id IN ({marks})"
        f" AND {d.json_text('d.decision', 'back_pay_amount')} IS NULL"
        f" AND {d.json_array_length('d.decision', 'back_pay_months')} > 0", ids)}


def transfers_out_open(db: Database, ids: list[int]) -> set[int]:
    """Of these people, those with a 转出 whose 参保缴费凭证 has not been issued since."""
    marks = ", ".join("?" * len(ids))
    return {r[0] for r in db.execute(
        f"SELECT d.person_id FROM decisions d WHERE d.question = 'transfer_out' AND d.person_id IN ({marks})"
        " AND NOT EXISTS (SELECT 1 FROM notices n WHERE n.person_id = d.person_id AND n.kind = 'transfer_out'"
        " AND n.recorded_at >= d.recorded_at)", ids)}
