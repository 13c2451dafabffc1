"""转出: what the next region needs to know (the 参保缴费凭证): the periods insured here, the months paid, the months
brought in by earlier transfers, the last month paid. The years count in the next region (淮南 二（四）: 缴费年限
互认并累计计算; 吉林（九）, 江苏 二, 信阳 第七条: 转移参保关系的，应及时办理相关手续)."""
from __future__ import annotations

from .context import Context
from .errors import invalid
from .inputs import as_month, int_field, month_field
from .months import Month


def decide_transfer_out(ctx: Context, case: dict) -> dict:
    first = month_field(case, "first_month", "first_month")
    last = month_field(case, "last_month", "last_month")
    if last < first:
        raise invalid("last_month", "转出前最后缴费月份不能早于本地首次缴费月份")
    if last > Month.of(ctx.date):
        raise invalid("last_month", "转出前最后缴费月份不能晚于办理月份")
    raw = case.get("paid_months", [])
    if not isinstance(raw, list):
        raise invalid("paid_months", "paid_months 应为月份列表")
    paid = sorted({as_month(v, f"paid_months[{i}]") for i, v in enumerate(raw)})
    paid = [m for m in paid if first <= m <= last]
    before = int_field(case, "months_before", "months_before", default=0, low=0, high=1200)
    ctx.cite("transfer_out" if ctx.j.has("transfer_out") else "transfer")
    periods: list[dict] = []
    for m in paid:
        if periods and Month.parse(periods[-1]["to"]) + 1 == m:
            periods[-1]["to"] = str(m)
            periods[-1]["months"] += 1
        else:
            periods.append({"from": str(m), "to": str(m), "months": 1})
    return ctx.result(first_month=str(first), last_month=str(last), periods=periods, months_here=len(paid),
                      months_before=before, total_months=before + len(paid),
                      unpaid_months=[str(m) for m in _gaps(first, last, paid)])


def _gaps(first: Month, last: Month, paid: list[Month]) -> list[Month]:
    have = set(paid)
    out, m = [], first
    while m <= last:
        if m not in have:
            out.append(m)
        m = m + 1
    return out
