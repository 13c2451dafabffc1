"""The 计算依据 block: parameters used (value, effective date, source), clauses applied, rule version."""

import re
from functools import cache

from reportlab.lib import colors
from reportlab.platypus import Spacer, Table, TableStyle

from . import fmt
from .fonts import font
from .text import Text

# A unit in the label, e.g. "（元/年）", is dropped when the value itself carries the unit.
_LABEL_UNIT = re.compile(r"（(元/年|元|月|年|天)）$")
_UNIT_TEXT = {"yuan_year": "元/年", "yuan": "元", "months": "个月", "years": "年", "days": "天"}


@cache
def _units(jurisdiction: str) -> dict[str, str]:
    from desktop_app.rules import RuleError, parameter_catalogue

    try:
        return {p.name: p.unit for p in parameter_catalogue(jurisdiction)}
    except RuleError:  # an unknown jurisdiction still prints the raw values
        return {}


def value_text(unit: str | None, value) -> str:
    if value is None or value == "":
        return "—"
    try:
        if unit in ("rate", "ratio"):
            return fmt.percent(value)
        if unit in _UNIT_TEXT:
            return fmt.number(value) + _UNIT_TEXT[unit]
        if unit == "month":
            return fmt.month(value)
    except (ArithmeticError, ValueError):
        pass
    return str(value)


# A value given with the case (the person's own choice, or entered for this one decision) has no dated source.
_CASE_SOURCE = "本案输入参数"
_CASE_SOURCE_TEXT = {"base_ratio": "参保人选定的缴费基数档次（参保登记或信息变更）"}


def used_parameters(decisions: list[dict], skip: tuple[str, ...] = ()) -> list[dict]:
    """The parameters the notice rests on: each (name, effective date) once, in order, less `skip`."""
    seen, out = set(), []
    for decision in decisions:
        for p in decision.get("parameters_used") or []:
            key = (p.get("name"), p.get("effective"))
            if p.get("name") in skip or key in seen:
                continue
            seen.add(key)
            out.append(p)
    return out


def parameter_rows(decision: dict | list[dict], skip: tuple[str, ...] = ()) -> list[tuple[str, str, str, str]]:
    decisions = decision if isinstance(decision, list) else [decision]
    units = _units(decisions[0].get("jurisdiction", "")) if decisions else {}
    rows = []
    for p in used_parameters(decisions, skip):
        unit = units.get(p.get("name"))
        label = p.get("label") or p.get("name", "")
        if unit in _UNIT_TEXT:
            label = _LABEL_UNIT.sub("", label)
        source = p.get("source") or "—"
        if source == _CASE_SOURCE:
            source = _CASE_SOURCE_TEXT.get(p.get("name"), "本次办理时录入")
        if p.get("demo"):
            source += "（示例值，非正式取值）"
        effective = fmt.day(p["effective"]) if p.get("effective") else "—"
        rows.append((label, value_text(unit, p.get("value")), effective, source))
    return rows


def citations(decision: dict | list[dict], extra_citations: list[str]) -> list[str]:
    """The clauses printed under 适用条款, in order: the decisions' own, then the notice's (how to pay …)."""
    decisions = decision if isinstance(decision, list) else [decision]
    own = [c for d in decisions for c in d.get("citations") or []]
    return list(dict.fromkeys([*own, *extra_citations]))


def dates_line(decision: dict, issued_on: str | None = None) -> str:
    """规则版本 and 计算日期, the date the decision was computed for. When that is not the day the notice is issued
    (an enrolment's waiting period is projected to its 13th month; a correction is issued later), the line says
    which is which, so the notice's date and this one cannot be taken for a contradiction."""
    version = decision.get("rule_version") or "—"
    decided = decision.get("date")
    line = f"规则版本：{version}；计算日期：{fmt.day(decided) if decided else '—'}"
    if decided and issued_on and str(decided) != str(issued_on):
        how = "推算" if str(decided) > str(issued_on) else "计算"
        return f"{line}（按该日的情况{how}；本通知书的出具日期为{fmt.day(issued_on)}）。"
    return line + "。"


def clause_quote(citation: str, max_chars: int = 90) -> str:
    """A short quote of the clause from the shipped texts; '' for a law the program does not ship."""
    from desktop_app.documents import CitationError, quote

    try:
        return quote(citation, max_chars)
    except (CitationError, LookupError, ValueError):
        return ""


def block(decisions: list[dict], extra_citations: list[str], width: float, sz, issued_on: str | None = None,
          skip: tuple[str, ...] = ()) -> list:
    """The 计算依据 flowables; sz is the notice's layout.Sizes."""
    size, leading = sz.basis, sz.basis_leading
    parts: list = [Spacer(0, 8 * sz.gap), Text("计算依据", size + 2, leading + 4, align="left", bold=True)]
    rows = parameter_rows(decisions, skip)
    if rows:
        head = ("参数", "取值", "生效日期", "来源")
        data = [[Text(cell, size, leading, align="left", bold=(r == 0)) for cell in row]
                for r, row in enumerate([head, *rows])]
        widths = [0.31 * width, 0.14 * width, 0.16 * width, 0.39 * width]
        table = Table(data, colWidths=widths, repeatRows=1)
        table.setStyle(TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.4, colors.Color(0.4, 0.4, 0.4)),
            ("FONTNAME", (0, 0), (-1, -1), font().fontName),  # the cell default is Helvetica
            ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.94, 0.94, 0.94)),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ("TOPPADDING", (0, 0), (-1, -1), 1),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ]))
        parts.append(table)
    applied = citations(decisions, extra_citations)
    if applied:
        parts += [Spacer(0, 6 * sz.gap), Text("适用条款（条文摘录）：", size + 0.5, leading, align="left", bold=True)]
        for i, c in enumerate(applied, 1):
            parts.append(Text(f"（{i}）{c}", size, leading, align="left", indent=1))
            text = clause_quote(c)
            if text:
                parts.append(Text(f"“{text}”", size, leading, align="left", indent=3, color=colors.Color(0.3, 0.3, 0.3)))
    parts += [Spacer(0, 6 * sz.gap), Text(dates_line(decisions[0], issued_on), size, leading, align="left")]
    return parts
