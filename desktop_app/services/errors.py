"""The one error a counter action raises for bad input: the form field at fault and a Chinese message."""

from __future__ import annotations

# re-exported: the data file or the office's server itself failed
from desktop_app.store.db import DiskFull, ServerUnavailable, StoreError  # noqa: F401


class InputError(Exception):
    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field
        self.message = message

    def __repr__(self) -> str:
        return f"InputError({self.field!r}, {self.message!r})"


def typed_text(value, field: str | None, what: str) -> str:
    """A free-text field as typed, without its surrounding spaces. A NUL character (pasted in from another
    program) is refused at the field: PostgreSQL's text cannot hold it, and the same input must get the same
    answer on either engine (nor may it hide inside a decision's JSON, which the server reads as jsonb)."""
    text = (value or "").strip()
    if "\x00" in text:
        raise InputError(field, f"{what}中含有无法保存的空字符（NUL，多为从其他程序复制带入），请重新输入")
    return text


# Rule-module fields (dotted paths of the case) -> the form field the clerk fixes.
_RULE_FIELDS = {
    "person.id_number": "id_number",
    "person.category": "category",
    "person.places": "places",
    "person.employer_insured": "employer_insured",
    "person.birth_date": "id_number",
    "person.sex": "id_number",
    "mode": "mode",
    "month": "months",
    "first_month": "first_month",
    "payments": "months",
    "pay_on": "paid_on",
    "previous.scheme": "scheme",
    "previous.last_paid_month": "last_paid_month",
    "previous.contribution_months": "contribution_months",
    "previous.continuous_years": "continuous_years",
    "first_month_here": "first_month_here",
    "pay_gap": "pay_gap",
    "parameters.base_ratio": "base_ratio",
    "jurisdiction": "jurisdiction",
    "date": None,
}


def from_rule_error(error, default_field: str | None = None) -> InputError:
    """A RuleError refusal as an InputError on the form field it concerns.

    Parameter problems (parameters.avg_wage_annual ...) stay on the parameter's name, so the screen can
    send the administrator to the parameter table."""
    field = getattr(error, "field", None)
    if field == "month" and default_field:  # the month asked about is the caller's own field (首次缴费月份…)
        mapped = default_field
    elif field in _RULE_FIELDS:
        mapped = _RULE_FIELDS[field]
    elif field and field.startswith("parameters."):
        mapped = field
    elif field and field.startswith("record."):
        mapped = "record"
    else:
        mapped = default_field if field is None else field
    return InputError(mapped, error.message)
