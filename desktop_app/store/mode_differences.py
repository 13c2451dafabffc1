"""The difference paid for pooling-only months on changing to with-account mode (信阳 第六条, 吉林（五）)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from sqlite_utils import Database

from desktop_app.store import audit
from desktop_app.store.audit import Stamp
from desktop_app.store.db import insert_id


def insert(db: Database, stamp: Stamp, person_id: int, months: list[str], amount: Decimal, paid_on: date,
           receipt_no: str, decision_id: int | None) -> int:
    row_id = insert_id(
        db, "INSERT INTO mode_differences (person_id, months, amount, paid_on, receipt_no, decision_id, operator,"
        " recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [person_id, json.dumps(months), str(amount), paid_on.isoformat(), receipt_no, decision_id, stamp.operator,
         stamp.at])
    audit.append(db, stamp, "mode_difference.pay", f"mode_differences:{row_id}", None,
                 {"person_id": person_id, "months": months, "amount": str(amount), "paid_on": paid_on.isoformat(),
                  "receipt_no": receipt_no, "decision_id": decision_id})
    return row_id


def for_person(db: Database, person_id: int) -> list[dict]:
    out = []
    for row in db.query("SELECT * FROM mode_differences WHERE person_id = ? ORDER BY id", [person_id]):
        out.append({**row, "months": json.loads(row["months"])})
    return out


def covered_months(db: Database, person_id: int) -> set[str]:
    return {m for row in for_person(db, person_id) for m in row["months"]}
