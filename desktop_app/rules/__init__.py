"""The rule module: answers a case (one question about one person at one date) from the four documents.

Pure: no Qt, no database, no clock — every date is an input. `decide(case)` is the whole API;
`python -m desktop_app.rules CASE.json` is the same from the command line.
"""
from __future__ import annotations

from .benefits import decide_back_payment, decide_timeline
from .context import RULES_VERSION, Context
from .contribution import decide_contribution
from .eligibility import decide_eligibility
from .errors import RuleError
from .extras import decide_maternity, decide_subsidy
from .idcard import IdNumber, parse_id_number
from .inputs import date_field
from .jurisdictions import JURISDICTIONS, Jurisdiction, check_in_force, get_jurisdiction
from .mode_change import decide_mode_change
from .parameters import ParameterInfo, ParameterSet, parameter_catalogue
from .registry import PARAMS, range_text, validate_parameter
from .resident_switch import decide_resident_switch
from .retirement import decide_retirement
from .transfer import decide_transfer
from .transfer_out import decide_transfer_out

QUESTIONS = {
    "contribution": decide_contribution,
    "eligibility": decide_eligibility,
    "benefit_timeline": decide_timeline,
    "transfer": decide_transfer,
    "retirement": decide_retirement,
    "mode_change": decide_mode_change,
    "resident_switch": decide_resident_switch,
    # beyond ../shared/rules-cases/FORMAT.md
    "back_payment": decide_back_payment,
    "subsidy": decide_subsidy,
    "maternity": decide_maternity,
    "transfer_out": decide_transfer_out,
}

__all__ = ["decide", "parameter_value", "RuleError", "parse_id_number", "IdNumber", "parameter_catalogue", "ParameterInfo",
           "validate_parameter", "range_text", "JURISDICTIONS", "Jurisdiction", "RULES_VERSION", "PARAMS", "QUESTIONS"]


def parameter_value(jurisdiction: str, name: str, on, office_parameters: dict | None = None):
    """The value of one parameter in force on `on` (shipped, or the office's over it), or None when there is none:
    for a limit the counter checks outside a decision (the tax file's prepayment months)."""
    d = ParameterSet(get_jurisdiction(jurisdiction).key, office_parameters).lookup(name, on)
    return None if d is None else d.value


def decide(case: dict, office_parameters: dict | None = None) -> dict:
    """The decision for `case`, or RuleError. Order: jurisdiction, date in force, inputs, applicability, values."""
    if not isinstance(case, dict):
        raise RuleError("invalid_input", "案例应为 JSON 对象", None)
    question = case.get("question")
    if not isinstance(question, str) or question not in QUESTIONS:
        raise RuleError("invalid_input", f"不支持的事项：{question}（可选：{'、'.join(QUESTIONS)}）", "question")
    j = get_jurisdiction(case.get("jurisdiction"))
    on = date_field(case, "date", "date")
    check_in_force(j, on)
    params = ParameterSet(j.key, office_parameters, case.get("parameters"))
    return QUESTIONS[question](Context(j, on, params, question), case)
