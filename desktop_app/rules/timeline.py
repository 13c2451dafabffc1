"""Month-by-month benefit state from a payment history: waiting, arrears, back-payment, lapse.

Readings (resources/policy/README.md): a month's contribution is due within that month, or, for a quarterly
payer (信阳 第七条), by the end of its quarter's last month (its *due month*). An interruption is a run of months
not paid by their due month, starting with month M whose due month is D. It is healed when the jurisdiction's
condition is met in month H within the limit (H - D <= 3 months; 吉林: the days of months D..H-1 <= 90);
otherwise it is a lapse, and the next month paid on time starts a new spell with a new waiting period (months
before the stop point keep what the old spell gave). An unpaid month stops benefits from its due month plus
`suspend_after_months`. Months before the document took effect are not decided under it (`before_policy`).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .context import Context
from .errors import RuleError
from .months import Month, month_range

CYCLES = ("monthly", "quarterly")


@dataclass(frozen=True)
class Cycles:
    """The person's payment cycle over time: (first month, cycle) pairs in order; the first covers all before."""
    changes: tuple[tuple[Month, str], ...] = ()

    def cycle(self, m: Month) -> str:
        current = self.changes[0][1] if self.changes else "monthly"
        for start, cycle in self.changes:
            if start <= m:
                current = cycle
        return current

    def due(self, m: Month) -> Month:
        """The month by the end of which month m's contribution must be paid."""
        if self.cycle(m) == "quarterly":
            return Month(m.year, (m.month - 1) // 3 * 3 + 3)
        return m

    @property
    def quarterly(self) -> bool:
        return any(c == "quarterly" for _, c in self.changes)


MONTHLY = Cycles()


@dataclass(frozen=True)
class Stop:
    """停保 (own request), 终止 (death, an employer's scheme) or 转出: months not owed and without benefits, from
    `start` to `end` (None: for good). Beyond FORMAT.md; the counter records them (services.person_status)."""
    start: Month
    end: Month | None
    reason: str

    def covers(self, m: Month) -> bool:
        return self.start <= m and (self.end is None or m <= self.end)


@dataclass
class MonthState:
    month: Month
    paid: bool
    paid_on: dt.date | None
    benefits: bool
    state: str  # waiting | active | suspended | lapsed | before_policy | stopped
    owed: bool = False  # unpaid after its due month has passed (arrears, whether still payable or not)


@dataclass
class Timeline:
    months: list[MonthState]
    waiting_periods: list[tuple[Month, Month, str]]
    back_paid: list[tuple[Month, dt.date]] = field(default_factory=list)
    spell_benefit_start: Month | None = None  # when the current spell gives benefits if every month is paid on time

    @property
    def benefit_start(self) -> Month | None:
        return next((m.month for m in self.months if m.benefits), None)


class Limit:
    """Whether healing in month H still keeps an interruption that fell due in month D."""

    def __init__(self, ctx: Context, on: dt.date):
        self.in_days = ctx.j.limit_in_days
        key = "arrears_limit_days" if self.in_days else "arrears_limit_months"
        self.value = int(ctx.num(key, on))
        if self.in_days and not ctx.j.has("unpaid"):
            # 吉林: the draft's 90 days are about transfers (三（九）); arrears in place use them by analogy.
            ctx.cite("arrears_by_analogy")
            ctx.note(f"{ctx.j.document}未规定参保期间欠费的补缴期限，参照{ctx.j.cite('arrears_by_analogy')}"
                     f"“中断缴费{self.value}天（含）以内可补缴、视为连续参保”办理（本机构选定的口径）")

    def within(self, d: Month, h: Month) -> bool:
        if self.in_days:
            return sum(x.days for x in month_range(d, h - 1)) <= self.value
        return h - d <= self.value

    def last_month(self, d: Month) -> Month:
        """The last month H in which paying still heals an interruption due in month d."""
        h = d
        while self.within(d, h + 1):
            h = h + 1
        return h


def floor_month(ctx: Context) -> Month:
    return Month.of(ctx.j.in_force)


def suspend_after(ctx: Context, on: dt.date) -> int:
    """Months after an unpaid month's due month until benefits stop (淮南 次月, 江苏 第二个自然月, 信阳 第3个月;
    吉林's text is silent, so the office's parameter is required)."""
    if ctx.j.has("unpaid"):
        ctx.cite("unpaid")
    return int(ctx.num("suspend_after_months", on))


def build_timeline(ctx: Context, first: Month, pays: dict[Month, dt.date], end: Month,
                   waiting_exempt: bool = False, cycles: Cycles = MONTHLY, stops: tuple[Stop, ...] = ()) -> Timeline:
    j = ctx.j
    floor = floor_month(ctx)
    start = max(first, floor)
    due = cycles.due

    def on(m: Month) -> dt.date:
        return max(m, floor).first_day

    def stopped(x: Month) -> bool:
        return any(s.covers(x) for s in stops)

    def ontime(x: Month) -> bool:
        return x in pays and Month.of(pays[x]) <= due(x) and not stopped(x)

    def overdue(x: Month) -> bool:
        """Paid late, or unpaid after its due month has passed (a stopped month is not owed)."""
        return not ontime(x) and not stopped(x) and (x in pays or due(x) < end)

    stop_after = suspend_after(ctx, on(start))
    ctx.cite("waiting")
    if first < floor:
        # The first enrolment (and its waiting period) was handled under the rules of its time (吉林 五:
        # "本通知施行前，已办理的参保缴费业务…适用当时的规定或政策"): this document decides from its own date on.
        if j.has("before_policy"):
            ctx.cite("before_policy")
        ctx.note(f"{first.zh()}至{(floor - 1).zh()}在{j.document}施行前，按当时的规定办理，本决定不作判断；"
                 f"首次参保的待遇享受等待期已按当时规定处理，自{floor.zh()}起按已参保人员计算（本机构选定的口径）")
        w = 0
    else:
        w = 0 if waiting_exempt else int(ctx.num("waiting_months_first", on(first)))
    spells = [(start, start + w)]
    waits = [(start, start + w - 1, "first_enrolment")] if w else []
    blocked: dict[Month, str] = {}
    carried: dict[Month, Month] = {}
    back_paid: list[tuple[Month, dt.date]] = []
    limit = None

    x = start if first < floor else first + 1
    while x <= end:
        if not overdue(x):
            x += 1
            continue
        m = x
        d = due(m)
        nxt = next((y for y in month_range(m + 1, end) if not overdue(y)), None)
        run = month_range(m, (nxt or end + 1) - 1)
        restart = next((y for y in month_range(m + 1, end) if ontime(y)), None)
        limit = limit or Limit(ctx, on(d))
        outcome, h = _settle(ctx, limit, d, run, restart, pays, end)
        stop = d + stop_after
        if outcome == "healed":
            ctx.cite("back_pay" if j.has("back_pay") else "lapse")
            if not j.retro_on_back_pay:
                for y in month_range(stop, min(h - 1, end)):
                    blocked[y] = "suspended"
            back_paid += [(y, pays[y]) for y in run if y in pays and Month.of(pays[y]) > due(y)]
        elif outcome == "pending":
            for y in month_range(stop, end):
                blocked.setdefault(y, "suspended")
        else:
            ctx.cite("lapse")
            for y in month_range(stop, (restart or end + 1) - 1):
                blocked[y] = "suspended" if limit.within(d, y + 1) else "lapsed"
            if restart is not None:
                # Months paid again before the stop point keep the benefits the old spell gave them.
                for y in month_range(restart, stop - 1):
                    carried[y] = spells[-1][1]
                w2 = int(ctx.num("waiting_months_after_lapse", on(restart)))
                spells.append((restart, restart + w2))
                if w2:
                    waits.append((restart, restart + w2 - 1, "lapse"))
        x = nxt or end + 1

    for stop in stops:
        # Paying again after a stop longer than the interruption limit is paying again after a lapse (reading:
        # the documents know only arrears; a stop is an interruption that is not owed, so not paid back).
        if stop.end is None or stop.end >= end:
            continue
        restart = next((y for y in month_range(stop.end + 1, end) if ontime(y)), None)
        limit = limit or Limit(ctx, on(stop.start))
        if restart is not None and not limit.within(stop.start, stop.end + 1):
            ctx.cite("lapse")
            ctx.note(f"{stop.start.zh()}至{stop.end.zh()}停保超过可补缴的中断期限，恢复缴费后按中断超期重新设置待遇享受等待期"
                     f"（本机构选定的口径）")
            w2 = int(ctx.num("waiting_months_after_lapse", on(restart)))
            spells.append((restart, restart + w2))
            if w2:
                waits.append((restart, restart + w2 - 1, "lapse"))
    spells.sort()
    waits.sort()

    months = []
    for y in month_range(first, end):
        paid_on = pays.get(y)
        owed = paid_on is None and not stopped(y) and due(y) < end
        if y < floor:
            months.append(MonthState(y, paid_on is not None, paid_on, False, "before_policy"))
            continue
        if stopped(y):
            months.append(MonthState(y, paid_on is not None, paid_on, False, "stopped"))
            continue
        benefit_from = next(b for s, b in reversed(spells) if s <= y)
        if y in blocked and (blocked[y] == "lapsed" or y >= benefit_from):
            months.append(MonthState(y, paid_on is not None, paid_on, False, blocked[y], owed))
        elif y < benefit_from and not (y in carried and y >= carried[y]):
            months.append(MonthState(y, paid_on is not None, paid_on, False, "waiting", owed))
        else:
            months.append(MonthState(y, paid_on is not None, paid_on, True, "active", owed))
    return Timeline(months, waits, back_paid, spells[-1][1])


def _settle(ctx, limit, d, run, restart, pays, end):
    """("healed", H) | ("pending", None) | ("lapsed", None) for the interruption due in month d."""
    if ctx.j.heal_needs_back_pay:
        if all(y in pays for y in run):
            h = max(Month.of(pays[y]) for y in run)
            return ("healed", h) if limit.within(d, h) else ("lapsed", None)
        return ("pending", None) if limit.within(d, end) else ("lapsed", None)
    # 苏医保发〔2021〕61号 二: resuming normal payment (a month paid on time) within 3 months is enough.
    if restart is not None and limit.within(d, restart):
        if any(y not in pays for y in run):
            ctx.note(f"{ctx.j.document}二规定“在3个月内恢复正常缴费的，恢复正常缴费后发生的医疗费用由职工医保基金"
                     f"按规定报销”：中断月份未补缴的，恢复缴费后仍视为连续（本机构选定的口径）")
        return "healed", restart
    if restart is None and limit.within(d, end):
        return "pending", None
    return "lapsed", None


STOP_REASONS = ("request", "death", "employer", "transfer_out")


def parse_stops(case: dict, first: Month) -> tuple[Stop, ...]:
    """Beyond FORMAT.md: `stops`, [{"from": "YYYY-MM", "to": "YYYY-MM" | null, "reason": ...}]."""
    from .inputs import as_month, choice_field
    raw = case.get("stops")
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise RuleError("invalid_input", "stops 应为列表", "stops")
    out = []
    for i, item in enumerate(raw):
        path = f"stops[{i}]"
        if not isinstance(item, dict):
            raise RuleError("invalid_input", f"{path} 应为对象", path)
        start = as_month(item.get("from"), f"{path}.from")
        end = None if item.get("to") is None else as_month(item.get("to"), f"{path}.to")
        if start < first or (end is not None and end < start):
            raise RuleError("invalid_input", f"{path} 的起止月份不正确", path)
        out.append(Stop(start, end, choice_field(item, "reason", f"{path}.reason", STOP_REASONS)))
    return tuple(sorted(out, key=lambda s: s.start))


def parse_cycles(ctx: Context, case: dict) -> Cycles:
    """`payment_cycle` (FORMAT.md: monthly | quarterly), or beyond the format `payment_cycles`, the person's
    cycle over time: [{"from": "YYYY-MM", "cycle": ...}] (a cycle changed at the counter applies from its month)."""
    from .inputs import as_month, choice_field
    changes: list[tuple[Month, str]] = []
    history = case.get("payment_cycles")
    if history is not None:
        if not isinstance(history, list) or not history:
            raise RuleError("invalid_input", "payment_cycles 应为非空列表", "payment_cycles")
        for i, item in enumerate(history):
            path = f"payment_cycles[{i}]"
            if not isinstance(item, dict):
                raise RuleError("invalid_input", f"{path} 应为对象", path)
            changes.append((as_month(item.get("from"), f"{path}.from"),
                            choice_field(item, "cycle", f"{path}.cycle", CYCLES)))
        changes.sort()
        field_name = "payment_cycles"
    else:
        changes.append((Month(1900, 1), choice_field(case, "payment_cycle", "payment_cycle", CYCLES,
                                                      default="monthly")))
        field_name = "payment_cycle"
    cycles = Cycles(tuple(changes))
    for _, cycle in changes:
        if cycle not in ctx.j.payment_cycles:
            raise RuleError("not_applicable", f"{ctx.j.document}未规定按季度缴费，{ctx.j.name}灵活就业人员按月缴纳",
                            field_name)
    if cycles.quarterly:
        ctx.cite("cycle")
    return cycles
