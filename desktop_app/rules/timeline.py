"""Month-by-month benefit state from a payment history: waiting, arrears, back-payment, lapse.

Readings (resources/policy/README.md): a month's contribution is due within that month; an
interruption is a run of months not paid on time, starting with month M. It is healed when the
jurisdiction's condition is met in month H within the limit (H - M <= 3 months; 吉林: the days of
months M..H-1 <= 90); otherwise it is a lapse, and the next month paid on time starts a new
spell with a new waiting period (months before the stop point keep what the old spell gave). An unpaid month M stops benefits from M + stop_offset.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .context import Context
from .months import Month, month_range


@dataclass
class MonthState:
    month: Month
    paid: bool
    paid_on: dt.date | None
    benefits: bool
    state: str  # waiting | active | suspended | lapsed


@dataclass
class Timeline:
    months: list[MonthState]
    waiting_periods: list[tuple[Month, Month, str]]
    back_paid: list[tuple[Month, dt.date]] = field(default_factory=list)

    @property
    def benefit_start(self) -> Month | None:
        return next((m.month for m in self.months if m.benefits), None)


class _Limit:
    """Whether healing in month H still keeps an interruption that began in month M."""

    def __init__(self, ctx: Context, on: dt.date):
        self.in_days = ctx.j.limit_in_days
        key = "arrears_limit_days" if self.in_days else "arrears_limit_months"
        self.value = int(ctx.num(key, on))

    def within(self, m: Month, h: Month) -> bool:
        if self.in_days:
            return sum(x.days for x in month_range(m, h - 1)) <= self.value
        return h - m <= self.value


def build_timeline(ctx: Context, first: Month, pays: dict[Month, dt.date], end: Month,
                   waiting_exempt: bool = False) -> Timeline:
    j = ctx.j
    floor = Month.of(j.in_force)

    def on(m: Month) -> dt.date:
        return max(m, floor).first_day

    def ontime(x: Month) -> bool:
        return x in pays and Month.of(pays[x]) <= x

    ctx.cite("waiting")
    w = 0 if waiting_exempt else int(ctx.num("waiting_months_first", on(first)))
    spells = [(first, first + w)]
    waits = [(first, first + w - 1, "first_enrolment")] if w else []
    blocked: dict[Month, str] = {}
    carried: dict[Month, Month] = {}
    back_paid: list[tuple[Month, dt.date]] = []
    limit = None

    x = first + 1
    while x <= end:
        if ontime(x):
            x += 1
            continue
        m = x
        n = next((y for y in month_range(m + 1, end) if ontime(y)), None)
        run = month_range(m, (n or end + 1) - 1)
        limit = limit or _Limit(ctx, on(m))
        ctx.cite("unpaid")
        outcome, h = _settle(j.heal_needs_back_pay, limit, m, run, n, pays, end)
        stop = m + j.stop_offset
        if outcome == "healed":
            ctx.cite("back_pay" if "back_pay" in j.clauses else "unpaid")
            if not j.retro_on_back_pay:
                for y in month_range(stop, min(h - 1, end)):
                    blocked[y] = "suspended"
            back_paid += [(y, pays[y]) for y in run if y in pays and Month.of(pays[y]) > y]
        elif outcome == "pending":
            for y in month_range(stop, end):
                blocked.setdefault(y, "suspended")
        else:
            for y in month_range(stop, (n or end + 1) - 1):
                blocked[y] = "suspended" if limit.within(m, y + 1) else "lapsed"
            if n is not None:
                ctx.cite("back_pay" if "back_pay" in j.clauses else "unpaid")
                # Months paid again before the stop point keep the benefits the old spell gave them.
                for y in month_range(n, stop - 1):
                    carried[y] = spells[-1][1]
                w2 = int(ctx.num("waiting_months_after_lapse", on(n)))
                spells.append((n, n + w2))
                if w2:
                    waits.append((n, n + w2 - 1, "lapse"))
        x = (n + 1) if n is not None else end + 1

    months = []
    for y in month_range(first, end):
        benefit_from = next(b for s, b in reversed(spells) if s <= y)
        paid_on = pays.get(y)
        if y in blocked and (blocked[y] == "lapsed" or y >= benefit_from):
            months.append(MonthState(y, paid_on is not None, paid_on, False, blocked[y]))
        elif y < benefit_from and not (y in carried and y >= carried[y]):
            months.append(MonthState(y, paid_on is not None, paid_on, False, "waiting"))
        else:
            months.append(MonthState(y, paid_on is not None, paid_on, True, "active"))
    return Timeline(months, waits, back_paid)


def _settle(needs_back_pay, limit, m, run, n, pays, end):
    """("healed", H) | ("pending", None) | ("lapsed", None) for the interruption starting at m."""
    if needs_back_pay:
        if all(y in pays for y in run):
            h = max(Month.of(pays[y]) for y in run)
            return ("healed", h) if limit.within(m, h) else ("lapsed", None)
        return ("pending", None) if limit.within(m, end) else ("lapsed", None)
    # 苏医保发〔2021〕61号 二: resuming normal payment (a month paid on time) within 3 months is enough.
    if n is not None and limit.within(m, n):
        return "healed", n
    if n is None and limit.within(m, end):
        return "pending", None
    return "lapsed", None
