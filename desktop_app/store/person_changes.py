"""Dated changes of a person's terms and details: the people row holds the latest value entered, this table the
history (what it was before, from when, why, who), so the term in force in any month can be found again."""

from __future__ import annotations

from sqlite_utils import Database

from desktop_app.store import audit
from desktop_app.store import people as people_store
from desktop_app.store.audit import Stamp
from desktop_app.store.db import insert_id


def history(db: Database, person_id: int, field: str | None = None) -> list[dict]:
    where, params = ("person_id = ?", [person_id]) if field is None else \
        ("person_id = ? AND field = ?", [person_id, field])
    return list(db.query(f"SELECT * FROM person_changes WHERE {where} ORDER BY valid_from, id", params))


def terms(db: Database, person: dict, field: str) -> list[tuple[str, str | None]]:
    """[(valid_from, value)] of one term from the person's first month on: the value at enrolment, then each
    change (a later entry for the same start replaces an earlier one)."""
    changes = history(db, person["id"], field)
    initial = changes[0]["before"] if changes else person[field]
    out = {person["first_month"]: None if initial is None else str(initial)}
    for c in changes:
        out[c["valid_from"]] = c["after"]
    return sorted(out.items())


def insert(db: Database, stamp: Stamp, person_id: int, field: str, valid_from: str, after, reason: str,
           decided_on: str) -> int:
    """Record a change and give the people row the new value (a month-dependent term is read with terms())."""
    person = people_store.get(db, person_id)
    before = person[field]
    text = None if after is None else str(after)
    change_id = insert_id(
        db, "INSERT INTO person_changes (person_id, field, valid_from, before, after, reason, decided_on, operator,"
        " recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [person_id, field, valid_from, None if before is None else str(before), text, reason, decided_on,
         stamp.operator, stamp.at])
    # the whole row in the entry: `audit verify` compares the table with it (issue 12)
    audit.append(db, stamp, "person.change", f"person_changes:{change_id}",
                 {"field": field, "value": before},
                 {"id": change_id, "person_id": person_id, "field": field, "valid_from": valid_from,
                  "before": None if before is None else str(before), "after": text, "reason": reason,
                  "decided_on": decided_on})
    people_store.update(db, stamp, person_id, {field: after})
    return change_id
