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
