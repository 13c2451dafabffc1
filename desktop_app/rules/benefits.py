"""The benefit_timeline and back_payment questions: parse a payment history, run the timeline, report."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .context import Context
from .contribution import MODES, check_mode, standard
from .errors import invalid
from .inputs import as_date, as_month, bool_field, choice_field, date_field, month_field
from .money import fen, money_str, plain
from .months import Month, month_range
from .timeline import Timeline, build_timeline

HORIZON = 24  # months assumed paid on time when projecting when benefits start


def parse_payments(case: dict, ctx: Context, first: Month) -> dict[Month, dt.date]:
    raw = case.get("payments", [])
    if not isinstance(raw, list):
        raise invalid("payments", "payments 应为列表")
    pays: dict[Month, dt.date] = {}
    for i, p in enumerate(raw):
        path = f"payments[{i}]"
        if not isinstance(p, dict):
            raise invalid(path, f"{path} 应为对象")
        m = as_month(p.get("month"), f"{path}.month")
        d = as_date(p.get("paid_on"), f"{path}.paid_on")
        if m < first:
            raise invalid(f"{path}.month", f"{path}.month 早于首次缴费月份 {first}")
        if d > ctx.date:
            raise invalid(f"{path}.paid_on", f"缴费日期 {d} 晚于办理日期 {ctx.date}")
        if m in pays:
            raise invalid(f"{path}.month", f"{m} 重复缴费记录")
        pays[m] = d
    if first not in pays:
        raise invalid("first_month", f"首次缴费月份 {first} 没有缴费记录")
    return pays


def _history(ctx: Context, case: dict) -> tuple[Month, dict[Month, dt.date], Month]:
    first = month_field(case, "first_month", "first_month")
    end = Month.of(ctx.date)
    if first > end:
        raise invalid("first_month", f"首次缴费月份 {first} 晚于办理日期所在月份")
    return first, parse_payments(case, ctx, first), end


def timeline_json(t: Timeline) -> dict:
    return {
        "months": [{"month": str(s.month), "paid": s.paid, "paid_on": s.paid_on.isoformat() if s.paid_on else None,
                    "benefits": s.benefits, "state": s.state} for s in t.months],
        "benefit_start": str(t.benefit_start) if t.benefit_start else None,
        "waiting_periods": [{"from": str(a), "to": str(b), "reason": r} for a, b, r in t.waiting_periods],
    }


def decide_timeline(ctx: Context, case: dict) -> dict:
    first, pays, end = _history(ctx, case)
    exempt = bool_field(case, "waiting_exempt", "waiting_exempt", default=False)
    t = build_timeline(ctx, first, pays, end, exempt)
    out = timeline_json(t)
    out["back_payments"] = [{"month": str(m), "paid_on": d.isoformat(), "days_late": (d - m.last_day).days}
                            for m, d in t.back_paid]
    if ctx.j.late_fee and t.back_paid:
        ctx.cite("late_fee_rate")
        out["late_fee_daily_rate"] = plain(ctx.num("late_fee_daily_rate"))
    return ctx.result(**out)


def decide_back_payment(ctx: Context, case: dict) -> dict:
    """Quote for paying the open arrears (and the current month) on `pay_on`; when benefits start then."""
    first, pays, end = _history(ctx, case)
    mode = check_mode(ctx, choice_field(case, "mode", "mode", MODES, default=ctx.j.modes[0]))
    exempt = bool_field(case, "waiting_exempt", "waiting_exempt", default=False)
    pay_on = date_field(case, "pay_on", "pay_on", default=ctx.date)
    if pay_on < ctx.date:
        raise invalid("pay_on", "缴费日期不能早于办理日期")
    p = Month.of(pay_on)
    now = build_timeline(ctx, first, pays, max(end, p), exempt)
    stopped = {s.month for s in now.months if not s.benefits and s.state in ("suspended", "lapsed")}
    arrears = _payable_arrears(ctx, first, pays, p)
    to_pay = arrears + ([p] if p not in pays else [])
    floor = Month.of(ctx.j.in_force)
    standards = {m: standard(ctx, mode, max(m, floor)) for m in to_pay}
    amount = sum((s.amount for s in standards.values()), Decimal(0))
    late_fee = Decimal(0)
    rate = None
    if ctx.j.late_fee and arrears:
        ctx.cite("back_pay")
        ctx.cite("late_fee_rate")
        rate = ctx.num("late_fee_daily_rate")
        late_fee = sum((standards[m].amount * rate * (pay_on - m.last_day).days for m in arrears), Decimal(0))
    future = dict(pays)
    future.update({m: pay_on for m in to_pay})
    for m in month_range(p + 1, p + HORIZON):
        future.setdefault(m, m.first_day)
    after = build_timeline(ctx, first, future, p + HORIZON, exempt)
    by_month = {s.month: s for s in after.months}
    start = next((s.month for s in after.months if s.month >= p and s.benefits), None)
    retro = [m for m in sorted(stopped) if m < p and by_month[m].benefits]
    current = standard(ctx, mode, max(p, floor))
    return ctx.result(
        mode=mode, pay_on=pay_on.isoformat(), arrears_months=[str(m) for m in arrears],
        months_to_pay=[str(m) for m in to_pay], monthly_base=money_str(current.base), rate=plain(current.rate),
        monthly_standard=money_str(current.amount), amount=money_str(amount),
        late_fee=money_str(late_fee), late_fee_daily_rate=plain(rate) if rate is not None else None,
        total=money_str(fen(amount) + fen(late_fee)), retroactive=bool(retro),
        retroactive_months=[str(m) for m in retro],
        benefit_start_if_paid=str(start) if start else None,
        waiting_periods_if_paid=[{"from": str(a), "to": str(b), "reason": r} for a, b, r in after.waiting_periods
                                 if b >= p])


def _payable_arrears(ctx: Context, first: Month, pays: dict, p: Month) -> list[Month]:
    """Unpaid months before `p` whose interruption can still be healed by paying in month p."""
    from .timeline import _Limit
    unpaid = [m for m in month_range(first, p - 1) if m not in pays]
    if not unpaid:
        return []
    limit = _Limit(ctx, max(Month.of(ctx.j.in_force), unpaid[0]).first_day)
    out = []
    for m in unpaid:
        start = m
        while start - 1 > first and not (start - 1 in pays and Month.of(pays[start - 1]) <= start - 1):
            start = start - 1
        if limit.within(start, p):
            out.append(m)
    return out
