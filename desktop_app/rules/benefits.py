"""The benefit_timeline and back_payment questions: parse a payment history, run the timeline, report."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .context import Context
from .contribution import MODES, check_mode, standard
from .errors import RuleError, invalid
from .inputs import as_date, as_month, bool_field, choice_field, date_field, month_field
from .money import fen, money_str, plain
from .notes import missed_payment_note
from .months import Month, month_range
from .timeline import Cycles, Limit, Timeline, build_timeline, floor_month, parse_cycles

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


def _history(ctx: Context, case: dict) -> tuple[Month, dict[Month, dt.date], Month, Cycles]:
    first = month_field(case, "first_month", "first_month")
    end = Month.of(ctx.date)
    if first > end:
        raise invalid("first_month", f"首次缴费月份 {first} 晚于办理日期所在月份")
    cycles = parse_cycles(ctx, case)
    return first, parse_payments(case, ctx, first), end, cycles


def timeline_json(t: Timeline) -> dict:
    return {
        "months": [{"month": str(s.month), "paid": s.paid, "paid_on": s.paid_on.isoformat() if s.paid_on else None,
                    "benefits": s.benefits, "state": s.state} for s in t.months],
        "benefit_start": str(t.benefit_start) if t.benefit_start else None,
        "waiting_periods": [{"from": str(a), "to": str(b), "reason": r} for a, b, r in t.waiting_periods],
    }


def decide_timeline(ctx: Context, case: dict) -> dict:
    first, pays, end, cycles = _history(ctx, case)
    exempt = bool_field(case, "waiting_exempt", "waiting_exempt", default=False)
    t = build_timeline(ctx, first, pays, end, exempt, cycles)
    out = timeline_json(t)
    out["payment_cycle"] = cycles.cycle(end)
    out["back_payments"] = [{"month": str(m), "paid_on": d.isoformat(), "days_late": (d - cycles.due(m).last_day).days}
                            for m, d in t.back_paid]
    if ctx.j.late_fee and t.back_paid:
        ctx.cite("late_fee_rate")
        out["late_fee_daily_rate"] = plain(ctx.num("late_fee_daily_rate"))
    out["missed_payment_note"] = missed_payment_note(ctx)
    return ctx.result(**out)


def _due_now(cycles: Cycles, p: Month, pays: dict) -> list[Month]:
    """What is due in month p itself: the month (monthly) or its quarter's months still unpaid (quarterly)."""
    last = cycles.due(p)
    first = Month(p.year, (p.month - 1) // 3 * 3 + 1) if cycles.cycle(p) == "quarterly" else p
    return [m for m in month_range(first, last) if m not in pays and cycles.due(m) == last]


def decide_back_payment(ctx: Context, case: dict) -> dict:
    """Quote for paying the open arrears (and what falls due this month) on `pay_on`: month by month with its
    standard and late fee, the last day to pay before a lapse, the months past the limit, and when benefits
    start if paid then."""
    first, pays, end, cycles = _history(ctx, case)
    mode = check_mode(ctx, choice_field(case, "mode", "mode", MODES, default=ctx.j.modes[0]))
    exempt = bool_field(case, "waiting_exempt", "waiting_exempt", default=False)
    pay_on = date_field(case, "pay_on", "pay_on", default=ctx.date)
    if pay_on < ctx.date:
        raise invalid("pay_on", "缴费日期不能早于办理日期")
    p = Month.of(pay_on)
    now = build_timeline(ctx, first, pays, max(end, p), exempt, cycles)
    stopped = {s.month for s in now.months if not s.benefits and s.state in ("suspended", "lapsed")}
    arrears, lapsed, deadline = _arrears(ctx, first, pays, p, cycles)
    floor = floor_month(ctx)
    early = [m for m in arrears if m < floor]
    if early:
        if ctx.j.has("before_policy"):
            ctx.cite("before_policy")
        raise RuleError("no_policy_in_force",
                        f"{'、'.join(m.zh() for m in early)}在{ctx.j.document}施行（{floor.zh()}）前，"
                        f"其补缴按当时的规定办理，不能按本文件计算", "payments")
    to_pay = arrears + [m for m in _due_now(cycles, p, pays) if m not in arrears]
    standards = {m: standard(ctx, mode, m) for m in to_pay}
    rate = None
    if ctx.j.late_fee and arrears:
        ctx.cite("back_pay")
        ctx.cite("late_fee_rate")
        rate = ctx.num("late_fee_daily_rate")
    lines = []
    for m in to_pay:
        days = (pay_on - cycles.due(m).last_day).days if m in arrears else 0
        fee = fen(standards[m].amount * rate * days) if rate is not None and days > 0 else Decimal(0)
        # base and rate with each month's standard: the notice prints base × rate = standard for each one
        lines.append({"month": str(m), "monthly_base": money_str(standards[m].base), "rate": plain(standards[m].rate),
                      "monthly_standard": money_str(standards[m].amount),
                      "due_on": cycles.due(m).last_day.isoformat(), "late_days": max(days, 0),
                      "late_fee": money_str(fee), "arrears": m in arrears})
    amount = sum((standards[m].amount for m in to_pay), Decimal(0))
    late_fee = sum((Decimal(line["late_fee"]) for line in lines), Decimal(0))
    future = dict(pays)
    future.update({m: pay_on for m in to_pay})
    for m in month_range(p + 1, p + HORIZON):
        future.setdefault(m, m.first_day)
    after = build_timeline(ctx, first, future, p + HORIZON, exempt, cycles)
    by_month = {s.month: s for s in after.months}
    start = next((s.month for s in after.months if s.month >= p and s.benefits), None)
    retro = [m for m in sorted(stopped) if m < p and by_month[m].benefits]
    current = standard(ctx, mode, max(p, floor))
    return ctx.result(
        mode=mode, pay_on=pay_on.isoformat(), payment_cycle=cycles.cycle(p),
        arrears_months=[str(m) for m in arrears], months_to_pay=[str(m) for m in to_pay],
        lapsed_months=[str(m) for m in lapsed], pay_by=deadline.isoformat() if deadline else None,
        lines=lines, monthly_base=money_str(current.base), rate=plain(current.rate),
        monthly_standard=money_str(current.amount), amount=money_str(amount),
        late_fee=money_str(late_fee), late_fee_daily_rate=plain(rate) if rate is not None else None,
        total=money_str(amount + late_fee), retroactive=bool(retro),
        retroactive_months=[str(m) for m in retro],
        benefit_start_if_paid=str(start) if start else None,
        waiting_periods_if_paid=[{"from": str(a), "to": str(b), "reason": r} for a, b, r in after.waiting_periods
                                 if b >= p])


def _arrears(ctx: Context, first: Month, pays: dict, p: Month,
             cycles: Cycles) -> tuple[list[Month], list[Month], dt.date | None]:
    """Unpaid months fallen due before month p, split into those whose interruption paying in month p still
    heals, and those past the limit; and the last day to pay the healable ones."""
    due = cycles.due
    unpaid = [m for m in month_range(first, p - 1) if m not in pays and due(m) < p]
    if not unpaid:
        return [], [], None
    floor = floor_month(ctx)
    limit = Limit(ctx, max(floor, due(unpaid[0])).first_day)
    # Months past the limit matter only in the interruption still open (after the last month paid on time).
    last_ontime = max((m for m, d in pays.items() if m < p and Month.of(d) <= due(m)), default=first)
    payable, past, last_day = [], [], None
    for m in unpaid:
        start = m
        while start - 1 > first and not (start - 1 in pays and Month.of(pays[start - 1]) <= due(start - 1)):
            start = start - 1
        if limit.within(due(start), p):
            payable.append(m)
            end_day = limit.last_month(due(start)).last_day
            last_day = end_day if last_day is None else min(last_day, end_day)
        elif m > last_ontime:
            past.append(m)
    return payable, past, last_day
