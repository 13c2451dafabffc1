"""Asking the rule module: build the case, pass the office's parameter table, turn refusals into InputError."""

from __future__ import annotations

from datetime import date

from desktop_app.services.errors import InputError, from_rule_error
from desktop_app.services.session import Session
from desktop_app.store import parameters as parameter_store


# Months here are dates (the first of the month) of any year a date edit allows (1752-9999). rules.months.Month
# raises ValueError outside 1900-2200, so building on it would turn a mistyped year into a crash instead of
# the Chinese refusal the services give (e.g. payments: 早于该参保人的首次缴费月份): plain date arithmetic.
def month_str(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def month_date(text: str) -> date:
    return date(int(text[:4]), int(text[5:7]), 1)


def add_months(d: date, n: int) -> date:
    i = d.year * 12 + d.month - 1 + n
    return date(i // 12, i % 12 + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    """Firsts of months from first to last, both included."""
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    return [add_months(first, i) for i in range(max(count, 0))]


def office_parameters(session: Session, jurisdiction: str) -> dict:
    return parameter_store.office_table(session.db, jurisdiction)


def ask(session: Session, case: dict, default_field: str | None = None, params: dict | None = None) -> dict:
    """rules.decide(case) with the office's parameters for the case's jurisdiction; RuleError -> InputError."""
    from desktop_app.rules import RuleError, decide

    if params is None:
        params = office_parameters(session, case["jurisdiction"])
    try:
        return decide(case, office_parameters=params)
    except RuleError as error:
        raise from_rule_error(error, default_field) from None


def require_office(session: Session) -> str:
    if not session.office.jurisdiction:
        raise InputError("jurisdiction", "请先由管理员在“设置”中选择本经办机构所属的统筹地区")
    return session.office.jurisdiction


def parameter_in_force(session: Session, name: str, on: date, jurisdiction: str | None = None):
    """One parameter of the office's jurisdiction in force on `on` (the office's table over the shipped files),
    or None where neither has it."""
    from desktop_app.rules import parameter_value

    jurisdiction = jurisdiction or require_office(session)
    return parameter_value(jurisdiction, name, on, office_parameters(session, jurisdiction))
