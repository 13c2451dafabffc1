"""Finding a person at the counter (ID number, ID prefix or part of the name) and reading their record."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from desktop_app.services.errors import InputError
from desktop_app.services.permissions import may, require
from desktop_app.services.rules_glue import month_date
from desktop_app.services.session import Session
from desktop_app.store import people as people_store


@dataclass(frozen=True)
class PersonSummary:
    id: int
    id_number: str
    name: str
    sex: str
    birth_date: date
    category: str
    enrolled_month: date  # 1st of the first month paid here
    jurisdiction: str
    status: str = "active"  # 参保状态 (services.person_status)


@dataclass(frozen=True)
class Person:
    id: int
    id_number: str
    name: str
    sex: str
    birth_date: date
    phone: str
    address: str
    category: str
    places: list[str]
    employer_insured: bool
    mode: str
    base_ratio: Decimal | None
    jurisdiction: str
    first_month: date
    waiting_exempt: bool
    created_at: str
    operator: str
    payment_cycle: str = "monthly"   # the latest entered (services.person_changes has the dated history)
    status: str = "active"           # 参保状态 (services.person_status)


def _summary(row: dict) -> PersonSummary:
    return PersonSummary(row["id"], row["id_number"], row["name"], row["sex"], date.fromisoformat(row["birth_date"]),
                         row["category"], month_date(row["first_month"]), row["jurisdiction"],
                         row.get("status") or "active")


def search_people(session: Session, text: str, limit: int = 50, offset: int = 0) -> list[PersonSummary]:
    """Full ID number (15 or 18 digits, as a card reader types it), an ID prefix, a mobile number, part of a name
    (spaces ignored) or its 拼音首字母; `limit` people from the `offset`-th on (a list that fetches more as it
    scrolls). A clerk gets the ID numbers masked in the list (services/permissions.py); get_person has the full one."""
    require(session, "read")
    text = (text or "").strip()
    if "\x00" in text:   # no name, number or initials holds one (and a server cannot even compare it)
        return []
    if len(text) == 15 and text.isdigit():
        from desktop_app.rules import RuleError, parse_id_number

        try:
            text = parse_id_number(text).number
        except RuleError:
            pass
    found = [_summary(r) for r in people_store.search(session.db, text, limit, offset)]
    return [replace(p, id_number=shown_id_number(session, p.id_number)) for p in found]


def shown_id_number(session: Session, id_number: str) -> str:
    """The one masking rule for what a screen or a list shows (the results list, the person's header, exports):
    the whole number for a role that may list them (复核员, 管理员), else 4115**********1237."""
    require(session, "read")
    return id_number if may(session, "list_id_numbers") else mask_id_number(id_number)


def get_person(session: Session, person_id: int) -> Person:
    require(session, "read")
    row = people_store.get(session.db, person_id)
    if row is None:
        raise InputError(None, "找不到该参保人，可能已被删除或数据文件已更换")
    return Person(
        row["id"], row["id_number"], row["name"], row["sex"], date.fromisoformat(row["birth_date"]), row["phone"],
        row["address"], row["category"], row["places"], row["employer_insured"], row["mode"],
        None if row["base_ratio"] is None else Decimal(row["base_ratio"]), row["jurisdiction"],
        month_date(row["first_month"]), row["waiting_exempt"], row["created_at"], row["operator"],
        row.get("payment_cycle") or "monthly", row.get("status") or "active",
    )


def mask_id_number(id_number: str) -> str:
    """For lists and exports shown to roles that do not need the full number: 4115**********1237."""
    return id_number[:4] + "*" * (len(id_number) - 8) + id_number[-4:] if len(id_number) > 8 else id_number
