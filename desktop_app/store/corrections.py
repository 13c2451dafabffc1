"""Retirement-record corrections (deemed or transferred months), each with a reason; a void is a new row."""

from __future__ import annotations

from sqlite_utils import Database

from desktop_app.store import audit
from desktop_app.store.audit import Stamp
from desktop_app.store.db import insert_id


def get(db: Database, correction_id: int) -> dict | None:
    rows = list(db.query("SELECT * FROM corrections WHERE id = ?", [correction_id]))
    return rows[0] if rows else None


def for_person(db: Database, person_id: int) -> list[dict]:
    return list(db.query("SELECT * FROM corrections WHERE person_id = ? ORDER BY id", [person_id]))


def active(db: Database, person_id: int) -> list[dict]:
    """Corrections still in force: not voided by a later row."""
    rows = for_person(db, person_id)
    voided = {r["voids"] for r in rows if r["kind"] == "void"}
    return [r for r in rows if r["kind"] != "void" and r["id"] not in voided]


def insert(db: Database, stamp: Stamp, person_id: int, kind: str, months: int, reason: str, decided_on: str,
           voids: int | None = None) -> int:
    correction_id = insert_id(
        db, "INSERT INTO corrections (person_id, kind, months, reason, voids, decided_on, operator, recorded_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [person_id, kind, months, reason, voids, decided_on, stamp.operator, stamp.at],
    )
    row = get(db, correction_id)
    action = "correction.void" if kind == "void" else "correction.add"
    audit.append(db, stamp, action, f"people:{person_id}/corrections:{correction_id}", None, row)
    return correction_id
