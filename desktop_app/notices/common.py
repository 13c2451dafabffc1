"""What every kind of notice needs from the rule module and the office: wording, channels, the monthly amount,
the 大额 contribution beside it, and the calculation lines a person can check with a calculator."""

from collections import Counter
from decimal import Decimal

from . import fmt
from .errors import NoticeError


def jurisdiction(decision: dict):
    """JURISDICTIONS[key] of the decision: payment_channels, missed_payment_note and their citations."""
    from desktop_app.rules import JURISDICTIONS

    key = decision.get("jurisdiction")
    if key not in JURISDICTIONS:
        raise NoticeError("invalid_input", f"决定中的统筹地区无法识别：{key}", "decision.jurisdiction")
    return JURISDICTIONS[key]


def document(decision: dict) -> str:
    return decision.get("document") or jurisdiction(decision).document


def according_to(decision: dict) -> str:
    """'根据信医保办〔2023〕46号的规定' — the opening of each notice's reasoning."""
    return f"根据{document(decision)}的规定"


def channels_sentence(notice: dict) -> tuple[str, list[str]]:
    """How to pay: the office's configured channels, else the channels the document names (with its clause)."""
    decision = notice["decision"]
    configured = [c for c in (notice.get("office") or {}).get("channels") or [] if str(c).strip()]
    if configured:
        return f"缴费渠道：{'；'.join(configured)}。", []
    j = jurisdiction(decision)
    if not j.payment_channels:
        return "", []
    citation = [j.payment_channels_citation] if getattr(j, "payment_channels_citation", "") else []
    return f"缴费渠道：{'、'.join(j.payment_channels)}。", citation


def missed_payment(decision: dict) -> tuple[str, list[str]]:
    """What a missed month means, as the rule module built it from the parameters in force for this decision."""
    note = decision.get("missed_payment_note") or {}
    return (note.get("text") or "").strip(), list(note.get("citations") or [])


def not_applicable(message: str) -> NoticeError:
    return NoticeError("not_applicable", message, "decision")


def need(decision: dict, *keys: str):
    """The decision's values for keys, or NoticeError naming the first one missing."""
    out = []
    for key in keys:
        if decision.get(key) is None:
            raise NoticeError("invalid_input", f"决定中缺少“{key}”，无法出具通知书。", f"decision.{key}")
        out.append(decision[key])
    return out if len(out) > 1 else out[0]


def due_sentence(cycle: str | None) -> str:
    """When a month's contribution is due, as the rule module reads the cycle (a month within that month; a
    quarterly payer's by the end of the quarter's last month)."""
    if cycle == "quarterly":
        return "按季度缴纳，每季度的费用须在该季度最后一个月内缴清"
    return "按月缴纳，每月的费用须在当月内缴清"


def large_expense(contribution: dict | None) -> tuple[str | None, str | None]:
    """(figure row value, sentence) for the city's 大额医疗费用补助/大病保险 beside the monthly contribution:
    the yearly amount when entered; where it is compulsory but not entered, a plain 'not included'."""
    if not contribution:
        return None, None
    value = contribution.get("large_expense_annual")
    if value is not None:
        return f"{fmt.money(value)}/年", f"另须按年缴纳职工大额医疗费用补助（大病保险）{fmt.money(value)}。"
    if jurisdiction(contribution).has("large_expense"):
        return ("本机构尚未录入缴费标准，上列金额未含此项",
                "按规定还须参加职工大额医疗费用补助（大病保险），其年缴费标准本机构尚未录入，上列金额未含此项，"
                "请向经办窗口咨询。")
    return None, None


def standard_line(base, rate, standard, unit: str = "元/月") -> str:
    """'6,500.00 × 7% = 455.00元/月'."""
    return f"{fmt.amount(base)} × {fmt.percent(rate)} = {fmt.amount(standard)}{unit}"


def sum_line(parts: list, total) -> str:
    """'1,680.00 + 28.56 = 1,708.56元' (a part that is zero is left out)."""
    shown = [p for p in parts if Decimal(str(p)) != 0]
    if len(shown) < 2:
        return f"{fmt.amount(total)}元"
    return " + ".join(fmt.amount(p) for p in shown) + f" = {fmt.amount(total)}元"


def months_times(groups: list[tuple[str, int]], total) -> str:
    """'420.00 × 4 = 1,680.00元', or '420.00 × 2 + 455.00 × 2 = 1,750.00元' when the standard changed."""
    parts = " + ".join(f"{fmt.amount(s)} × {n}" for s, n in groups)
    return f"{parts} = {fmt.amount(total)}元"


def standard_groups(lines: list[dict]) -> list[tuple[str, int]]:
    """(monthly standard, months) in the order the months come, one group per standard."""
    counts = Counter(line["monthly_standard"] for line in lines)
    order = list(dict.fromkeys(line["monthly_standard"] for line in lines))
    return [(s, counts[s]) for s in order]


def contribution_rows(contribution: dict | None) -> tuple[list[tuple[str, str]], list[str]]:
    """The monthly contribution as figures and the base × rate line, from a contribution decision."""
    if not contribution or contribution.get("monthly_amount") is None:
        return [], []
    # base, rate and amount are in the calculation line; the table adds only what the line cannot say
    rows = []
    label, _ = large_expense(contribution)
    if label:
        rows.append(("大额医疗费用补助（大病保险）", label))
    line = "每月应缴：" + standard_line(contribution["monthly_base"], contribution["rate"],
                                        contribution["monthly_amount"])
    return rows, [line]
