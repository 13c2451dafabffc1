"""The parameter table: shipped values from the rule module and the office's own dated entries over them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from desktop_app.services.errors import InputError, typed_text
from desktop_app.services.permissions import require
from desktop_app.services.rules_glue import office_parameters, require_office
from desktop_app.services.session import Session
from desktop_app.store import decisions as decision_store
from desktop_app.store import parameters as parameter_store
from desktop_app.store.db import atomic

from desktop_app.services.demo_parameters import DEMO_SOURCE  # noqa: F401  (re-exported)


@dataclass(frozen=True)
class ParameterRow:
    name: str
    label: str
    unit: str
    valid_from: date
    value: str
    source: str
    origin: str  # 'shipped' | 'office' | 'missing' (a parameter the jurisdiction needs, with no value yet)
    demo: bool
    jurisdiction: str = ""
    entered_by: str | None = None
    entered_at: str | None = None
    confirm: str = ""   # a shipped value the office must confirm before a notice rests on it (what to confirm)


def parameter_rows(session: Session, jurisdiction: str | None = None) -> list[ParameterRow]:
    """Every dated value the rules use for the jurisdiction (default: the office's), office entries included,
    with the parameters the documents leave to the city listed even when no value is entered yet."""
    require(session, "read")
    from desktop_app.rules import parameter_catalogue

    jurisdiction = jurisdiction or require_office(session)
    office = parameter_store.current_rows(session.db, jurisdiction)
    from desktop_app.rules import JURISDICTIONS

    out: list[ParameterRow] = []
    in_force = JURISDICTIONS[jurisdiction].in_force
    for info in parameter_catalogue(jurisdiction):
        if not info.values and not any(r["name"] == info.name for r in office):
            where = f"由统筹地区确定：{info.clause}" if info.clause else "文件未规定，由本机构确定"
            out.append(ParameterRow(info.name, info.label, info.unit, in_force, "", f"待录入（{where}）", "missing",
                                    False, jurisdiction))
        for v in info.values:
            out.append(ParameterRow(info.name, info.label, info.unit, v["from"], _plain(v["value"]),
                                    v["source"], "shipped", False, jurisdiction, confirm=v.get("confirm") or ""))
        for r in office:
            if r["name"] == info.name:
                out.append(ParameterRow(info.name, info.label, info.unit, date.fromisoformat(r["valid_from"]),
                                        r["value"], r["source"], "office", bool(r["demo"]), jurisdiction,
                                        r["entered_by"], r["entered_at"]))
    return sorted(out, key=lambda r: (r.name, r.valid_from, r.origin == "office"))


def unconfirmed_parameters(session: Session, jurisdiction: str | None = None) -> list[ParameterRow]:
    """Shipped values the office has not confirmed yet: no notice is printed with them (a 示例 one aside) until the
    office enters its own value in force from that date on (the same figure is fine). Entering is confirming."""
    require(session, "read")
    rows = parameter_rows(session, jurisdiction)
    pending = []
    for row in rows:
        if row.origin != "shipped" or not row.confirm:
            continue
        confirmed = any(r.origin == "office" and r.name == row.name and r.valid_from <= row.valid_from for r in rows)
        if not confirmed:
            pending.append(row)
    return pending


def _plain(value) -> str:
    text = format(value.normalize(), "f") if hasattr(value, "normalize") else str(value)
    return text


def set_parameter(session: Session, name: str, valid_from: date, value: str, source: str, today: date,
                  jurisdiction: str | None = None, demo: bool = False) -> ParameterRow:
    """Enter a dated value (e.g. next year's average wage). Validated by the rule module (a rate of 70 instead
    of 0.07 is refused). Decisions already saved keep the values they were made with. 管理员 only."""
    require(session, "admin")
    from desktop_app.rules import JURISDICTIONS, RuleError, parameter_catalogue, validate_parameter

    jurisdiction = jurisdiction or require_office(session)
    if jurisdiction not in JURISDICTIONS:
        raise InputError("jurisdiction", "未知的统筹地区")
    catalogue = {p.name: p for p in parameter_catalogue(jurisdiction)}
    if name not in catalogue:
        raise InputError("name", f"{JURISDICTIONS[jurisdiction].name}的规则不使用参数“{name}”")
    if not isinstance(valid_from, date):
        raise InputError("valid_from", "请填写生效日期")
    if valid_from.year < 2000 or valid_from.year > today.year + 2:
        raise InputError("valid_from", "生效日期不合理，请核对")
    text = str(value).strip().replace("，", "").replace(",", "").replace("％", "%")
    if text.endswith("%"):   # rates are entered as percentages at the counter: 7% is 0.07
        try:
            text = format(Decimal(text[:-1].strip()) / 100, "f")
        except InvalidOperation:
            raise InputError("value", f"数值不正确：{value}") from None
    try:
        parsed = validate_parameter(name, text)
    except RuleError as error:
        raise InputError("value", error.message) from None
    source = typed_text(source, "source", "参数来源")
    if not source:
        raise InputError("source", "请填写参数的来源（文件名称、文号或公布日期）")
    value_text = _plain(parsed)
    with atomic(session.db):
        parameter_store.insert(session.db, session.stamp(), name, jurisdiction, valid_from.isoformat(),
                               value_text, source, demo)
    info = catalogue[name]
    return ParameterRow(name, info.label, info.unit, valid_from, value_text, source, "office", demo, jurisdiction,
                        session.operator, session.stamp().at)


def parameter_coverage(session: Session, name: str, today: date, jurisdiction: str | None = None):
    """rules.coverage.Coverage: the months from the document's entry into force to today's with no value of the
    parameter in force (a decision about them fails with 缺少参数), and the 生效日期 a new value should start from."""
    require(session, "read")
    from desktop_app.rules.coverage import coverage

    jurisdiction = jurisdiction or require_office(session)
    return coverage(jurisdiction, name, today, office_parameters(session, jurisdiction))


def parameter_change_impact(session: Session, name: str, valid_from: date, jurisdiction: str | None = None) -> int:
    """How many saved decisions used this parameter at or after valid_from: they keep their values, but the
    screen can tell the administrator that new decisions on the same cases would now differ."""
    require(session, "read")
    jurisdiction = jurisdiction or require_office(session)
    return decision_store.count_using_parameter(session.db, jurisdiction, name, valid_from.isoformat())
