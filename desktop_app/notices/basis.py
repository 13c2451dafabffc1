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
    from desktop_app.rules import parameter_catalogue

    try:
        return {p.name: p.unit for p in parameter_catalogue(jurisdiction)}
    except Exception:  # an unknown jurisdiction still prints the raw values
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


def parameter_rows(decision: dict) -> list[tuple[str, str, str, str]]:
    units = _units(decision.get("jurisdiction", ""))
    rows = []
    for p in decision.get("parameters_used") or []:
        unit = units.get(p.get("name"))
        label = p.get("label") or p.get("name", "")
        if unit in _UNIT_TEXT:
            label = _LABEL_UNIT.sub("", label)
        source = p.get("source") or "—"
        if p.get("demo"):
            source += "（示例值，非正式取值）"
        effective = fmt.day(p["effective"]) if p.get("effective") else "—"
        rows.append((label, value_text(unit, p.get("value")), effective, source))
    return rows


def citations(decision: dict, extra_citations: list[str]) -> list[str]:
    """The clauses printed under 适用条款, in order: the decision's own, then the notice's (how to pay …)."""
    return list(dict.fromkeys([*(decision.get("citations") or []), *extra_citations]))


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


def block(decision: dict, extra_citations: list[str], width: float, sz, issued_on: str | None = None) -> list:
    """The block's flowables (the layout keeps them together); sz is the notice's layout.Sizes."""
    size, leading = sz.basis, sz.basis_leading
    parts: list = [Spacer(0, 8 * sz.gap), Text("计算依据", size + 1.5, leading + 3, align="left", bold=True)]
    rows = parameter_rows(decision)
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
    applied = citations(decision, extra_citations)
    if applied:
        parts.append(Text("适用条款：", size, leading, align="left"))
        parts += [Text(f"（{i}）{c}", size, leading, align="left", indent=1) for i, c in enumerate(applied, 1)]
    parts.append(Text(dates_line(decision, issued_on), size, leading, align="left"))
    return parts
