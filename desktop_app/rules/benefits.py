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
from .timeline import Cycles, Limit, Stop, Timeline, build_timeline, floor_month, parse_cycles, parse_stops

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
            raise invalid(f"{path}.month", f"{m.zh()}早于首次缴费月份{first.zh()}")
        if d > ctx.date:
            raise invalid(f"{path}.paid_on", f"缴费日期 {d} 晚于办理日期 {ctx.date}")
        if m in pays:
            raise invalid(f"{path}.month", f"{m.zh()}有重复的缴费记录")
        pays[m] = d
    if first not in pays:
        raise invalid("first_month", f"首次缴费月份{first.zh()}没有缴费记录")
    return pays


def _history(ctx: Context, case: dict) -> tuple[Month, dict[Month, dt.date], Month, Cycles, tuple[Stop, ...]]:
    first = month_field(case, "first_month", "first_month")
    end = Month.of(ctx.date)
    if first > end:
        raise invalid("first_month", f"首次缴费月份{first.zh()}晚于办理日期所在月份")
    cycles = parse_cycles(ctx, case)
    return first, parse_payments(case, ctx, first), end, cycles, parse_stops(case, first)


def timeline_json(t: Timeline) -> dict:
    return {
        # beyond FORMAT.md: `owed`, unpaid after its due month (quarterly months are due at the quarter's end)
        "months": [{"month": str(s.month), "paid": s.paid, "paid_on": s.paid_on.isoformat() if s.paid_on else None,
                    "benefits": s.benefits, "state": s.state, "owed": s.owed} for s in t.months],
        "benefit_start": str(t.benefit_start) if t.benefit_start else None,
        # beyond FORMAT.md: when the current spell gives benefits, paid on time (the end of a waiting period)
        "spell_benefit_start": str(t.spell_benefit_start) if t.spell_benefit_start else None,
        "waiting_periods": [{"from": str(a), "to": str(b), "reason": r} for a, b, r in t.waiting_periods],
    }


def decide_timeline(ctx: Context, case: dict) -> dict:
    first, pays, end, cycles, stops = _history(ctx, case)
    exempt = bool_field(case, "waiting_exempt", "waiting_exempt", default=False)
    t = build_timeline(ctx, first, pays, end, exempt, cycles, stops)
    out = timeline_json(t)
    out["payment_cycle"] = cycles.cycle(end)
    out["back_payments"] = [{"month": str(m), "paid_on": d.isoformat(), "days_late": (d - cycles.due(m).last_day).days}
                            for m, d in t.back_paid]
    if ctx.j.late_fee and t.back_paid:
        ctx.cite("late_fee_rate")
        out["late_fee_daily_rate"] = plain(ctx.num("late_fee_daily_rate"))
    out["missed_payment_note"] = missed_payment_note(ctx)
    return ctx.result(**out)


def _due_now(cycles: Cycles, p: Month, pays: dict, stops: tuple[Stop, ...] = ()) -> list[Month]:
    """What is due in month p itself: the month (monthly) or its quarter's months still unpaid (quarterly)."""
    last = cycles.due(p)
    first = Month(p.year, (p.month - 1) // 3 * 3 + 1) if cycles.cycle(p) == "quarterly" else p
    return [m for m in month_range(first, last) if m not in pays and cycles.due(m) == last
            and not any(s.covers(m) for s in stops)]


def decide_back_payment(ctx: Context, case: dict) -> dict:
    """Quote for paying the open arrears (and what falls due this month) on `pay_on`: month by month with its
    standard and late fee, the last day to pay before a lapse, the months past the limit, and when benefits
    start if paid then."""
    first, pays, end, cycles, stops = _history(ctx, case)
    mode = check_mode(ctx, choice_field(case, "mode", "mode", MODES, default=ctx.j.modes[0]))
    exempt = bool_field(case, "waiting_exempt", "waiting_exempt", default=False)
    pay_on = date_field(case, "pay_on", "pay_on", default=ctx.date)
    if pay_on < ctx.date:
        raise invalid("pay_on", "缴费日期不能早于办理日期")
    p = Month.of(pay_on)
    now = build_timeline(ctx, first, pays, max(end, p), exempt, cycles, stops)
    stopped = {s.month for s in now.months if not s.benefits and s.state in ("suspended", "lapsed")}
    arrears, lapsed, deadline = _arrears(ctx, first, pays, p, cycles, stops)
    floor = floor_month(ctx)
    early = [m for m in arrears if m < floor]
    if early:
        if ctx.j.has("before_policy"):
            ctx.cite("before_policy")
        raise RuleError("no_policy_in_force",
                        f"{'、'.join(m.zh() for m in early)}在{ctx.j.document}施行（{floor.zh()}）前，"
                        f"其补缴按当时的规定办理，不能按本文件计算", "payments")
    due_now = _due_now(cycles, p, pays, stops)
    chosen = _chosen_months(ctx, case, first, pays, stops, p, due_now)
    to_pay = chosen if chosen is not None else arrears + [m for m in due_now if m not in arrears]
    prepay = ctx.opt("prepay_limit_months") if chosen is not None else None
    standards = {m: standard(ctx, mode, m) for m in to_pay}

    def kind(m: Month) -> str:
        if m in arrears:
            return "arrears"    # paying it now still heals its interruption
        if cycles.due(m) < p:
            return "lapsed"     # past the limit: paid, but the interruption stays a lapse
        return "due" if m in due_now or m <= p else "advance"

    kinds = {m: kind(m) for m in to_pay}
    rate = None
    if ctx.j.late_fee and any(k in ("arrears", "lapsed") for k in kinds.values()):
        ctx.cite("back_pay")
        ctx.cite("late_fee_rate")
        rate = ctx.num("late_fee_daily_rate")
    lines = []
    for m in to_pay:
        days = (pay_on - cycles.due(m).last_day).days if kinds[m] in ("arrears", "lapsed") else 0
        fee = fen(standards[m].amount * rate * days) if rate is not None and days > 0 else Decimal(0)
        # base and rate with each month's standard: the notice prints base × rate = standard for each one
        lines.append({"month": str(m), "monthly_base": money_str(standards[m].base), "rate": plain(standards[m].rate),
                      "monthly_standard": money_str(standards[m].amount),
                      "due_on": cycles.due(m).last_day.isoformat(), "late_days": max(days, 0),
                      "late_fee": money_str(fee), "arrears": kinds[m] == "arrears", "kind": kinds[m]})
    amount = sum((standards[m].amount for m in to_pay), Decimal(0))
    late_fee = sum((Decimal(line["late_fee"]) for line in lines), Decimal(0))
    future = dict(pays)
    future.update({m: pay_on for m in to_pay})
    for m in due_now:   # what falls due now is assumed paid on time as well, as every later month
        future.setdefault(m, pay_on)
    for m in month_range(p + 1, p + HORIZON):
        future.setdefault(m, m.first_day)
    after = build_timeline(ctx, first, future, p + HORIZON, exempt, cycles,
                           tuple(s for s in stops if s.end is not None))   # paying ends an open stop
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
                                 if b >= p],
        months_past_limit=[str(m) for m in to_pay if kinds[m] == "lapsed"],
        prepay_until=str(p + int(prepay)) if prepay is not None else None)


def _chosen_months(ctx: Context, case: dict, first: Month, pays: dict, stops: tuple[Stop, ...], p: Month,
                   due_now: list[Month]) -> list[Month] | None:
    """Beyond FORMAT.md: `months`, the months the person pays now (at the counter), each checked: not before the
    first month or the document, not paid, not stopped, and not further ahead than `prepay_limit_months`."""
    raw = case.get("months")
    if raw is None:
        return None
    if not isinstance(raw, list) or not raw:
        raise invalid("months", "months 应为非空的月份列表")
    chosen = sorted({as_month(v, f"months[{i}]") for i, v in enumerate(raw)})
    floor = floor_month(ctx)
    for m in chosen:
        if m < first:
            raise invalid("months", f"{m.zh()}早于首次缴费月份{first.zh()}")
        if m < floor:
            if ctx.j.has("before_policy"):
                ctx.cite("before_policy")
            raise RuleError("no_policy_in_force", f"{m.zh()}在{ctx.j.document}施行（{floor.zh()}）前，"
                                                  f"其缴费按当时的规定办理，不能按本文件计算", "months")
        if m in pays:
            raise invalid("months", f"{m.zh()}已有缴费记录，不能重复缴费")
        if any(s.covers(m) for s in stops):
            raise invalid("months", f"{m.zh()}在停保（终止）期间，无需缴费")
    ahead = [m for m in chosen if m > p and m not in due_now]
    if ahead:
        limit = int(ctx.num("prepay_limit_months"))
        if ahead[-1] > p + limit:
            raise invalid("months", f"最多只能预缴{limit}个月，即至{(p + limit).zh()}")
    return chosen


def _arrears(ctx: Context, first: Month, pays: dict, p: Month, cycles: Cycles,
             stops: tuple[Stop, ...] = ()) -> tuple[list[Month], list[Month], dt.date | None]:
    """Unpaid months fallen due before month p, split into those whose interruption paying in month p still
    heals, and those past the limit; and the last day to pay the healable ones. Stopped months are not owed."""
    due = cycles.due
    unpaid = [m for m in month_range(first, p - 1) if m not in pays and due(m) < p
              and not any(s.covers(m) for s in stops)]
    if not unpaid:
        return [], [], None
    floor = floor_month(ctx)
    limit = Limit(ctx, max(floor, due(unpaid[0])).first_day)
    # Months past the limit matter only in the interruption still open (after the last month paid on time).
    last_ontime = max((m for m, d in pays.items() if m < p and Month.of(d) <= due(m)), default=first)
    payable, past, last_day = [], [], None
    for m in unpaid:
        start = m
        while start - 1 > first and not (start - 1 in pays and Month.of(pays[start - 1]) <= due(start - 1)) \
                and not any(s.covers(start - 1) for s in stops):
            start = start - 1
        if limit.within(due(start), p):
            payable.append(m)
            end_day = limit.last_month(due(start)).last_day
            last_day = end_day if last_day is None else min(last_day, end_day)
        elif m > last_ontime:
            past.append(m)
    return payable, past, last_day
