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


def mode_at(db: Database, person: dict, month: str) -> str:
    """The mode (统账结合 / 单建统筹) in force in `month`."""
    return term_at(change_store.terms(db, person, "mode"), month) or person["mode"]


def stop_fields(db: Database, person: dict) -> dict:
    """The case field for the person's 停保 / 终止 / 转出 periods (beyond FORMAT.md), from the status history:
    nothing for someone always insured."""
    history = change_store.terms(db, person, "status")
    stops, open_stop = [], None
    for start, status in history:
        status = status or "active"
        if open_stop is not None:
            open_stop["to"] = _month_before(start)
            stops.append(open_stop)
            open_stop = None
        if status != "active":
            open_stop = {"from": start, "to": None, "reason": STOP_REASONS[status]}
    if open_stop is not None:
        stops.append(open_stop)
    return {"stops": [s for s in stops if s["to"] is None or s["to"] >= s["from"]]} if stops else {}


STOP_REASONS = {"stopped": "request", "terminated_death": "death", "terminated_employer": "employer",
                "transferred_out": "transfer_out"}


def _month_before(month: str) -> str:
    year, m = int(month[:4]), int(month[5:7])
    return f"{year - 1:04d}-12" if m == 1 else f"{year:04d}-{m - 1:02d}"


def timeline_fields(db: Database, person: dict) -> dict:
    """Every person-specific field a benefit_timeline or back_payment case takes beside the payments."""
    return {**cycle_fields(db, person), **stop_fields(db, person)}
