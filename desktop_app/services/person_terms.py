"""A person's terms as the rule module takes them: the base band (江苏) and the payment cycle (信阳) in force in
each month, from the enrolment value and the dated changes after it."""

from __future__ import annotations

from sqlite_utils import Database

from desktop_app.store import person_changes as change_store


def term_at(history: list[tuple[str, str | None]], month: str) -> str | None:
    """The value whose start is the latest not after `month` (the first entry covers everything before)."""
    value = history[0][1] if history else None
    for start, v in history:
        if start <= month:
            value = v
    return value


def case_parameters(db: Database, person: dict, month: str) -> dict:
    """The person's own values a contribution for `month` needs (江苏's chosen base band), as case parameters."""
    ratio = term_at(change_store.terms(db, person, "base_ratio"), month)
    return {} if ratio is None else {"base_ratio": ratio}


def cycle_fields(db: Database, person: dict) -> dict:
    """The case fields for the person's payment cycle: nothing for a monthly payer (the format's default),
    else `payment_cycles` over time."""
    history = change_store.terms(db, person, "payment_cycle")
    if all(v in (None, "monthly") for _, v in history):
        return {}
    return {"payment_cycles": [{"from": start, "cycle": v or "monthly"} for start, v in history]}
