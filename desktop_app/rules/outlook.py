"""The outlook question (beyond FORMAT.md): a person's benefit timeline as seen at each month from the handling date
on, assuming nothing more is paid, until it cannot change any more.

The office's worklists ask, for every person and any later day, what that day's timeline says: is a month in
arrears and until when can it be paid back, do benefits stop next month if this month stays unpaid, does a waiting
period end, did the person just lapse, is a quarter due. Without a payment the answers change only with the
calendar, so they are decided here once, month by month, by the same timeline and back-payment rules a person's own
tabs use (timeline.build_timeline, benefits._arrears and _due_now), and the services keep them until the next write.
"""
from __future__ import annotations

from .benefits import _arrears, _due_now, _history
from .context import Context
from .inputs import bool_field
from .months import Month
from .timeline import Timeline, build_timeline

MAX_AHEAD = 36      # months decided ahead at most; paid far ahead, the services ask again later
RECENT_LAPSE = 3    # "lapsed in the last three months": the lapse's first month is within the last three
STATE_CODES = {"waiting": "W", "active": "A", "suspended": "S", "lapsed": "L", "stopped": "T",
               "before_policy": "P"}


def _lapsed_since(t: Timeline) -> Month | None:
    """The first month of the run of lapsed months that ends with the timeline's last month."""
    since = None
    for s in reversed(t.months):
        if s.state != "lapsed":
            break
        since = s.month
    return since


def _events(t: Timeline) -> tuple[list[str], list[str]]:
    """Months a lapse began (the first lapsed month of each run) and months paying resumed after one (the first month
    after a lapsed run that is waiting or active again)."""
    lapses, resumes, previous = [], [], None
    for s in t.months:
        if s.state == "lapsed" and previous != "lapsed":
            lapses.append(str(s.month))
        if previous == "lapsed" and s.state in ("waiting", "active") and s.paid:
            resumes.append(str(s.month))
        if s.state != "suspended" or previous != "lapsed":   # a suspended month inside a lapse keeps it open
            previous = s.state
    return lapses, resumes


def decide_outlook(ctx: Context, case: dict) -> dict:
    """The benefit_timeline case (its `date` is the handling date) -> for each month x from the handling month on,
    as seen at month x with the payments known today: the month's state, arrears that paying in x still heals and
    the last day to pay them, the months due in x, whether a waiting period ends in x, since when a lapse runs, and
    whether benefits stop in x + 1 if nothing is paid. `settled`: the last entry holds for every later month, the
    lapse simply growing older; otherwise ask again after `months[-1]`."""
    first, pays, end, cycles, stops = _history(ctx, case)
    exempt = bool_field(case, "waiting_exempt", "waiting_exempt", default=False)
    now = build_timeline(ctx, first, pays, end, exempt, cycles, stops)
    lapses, resumes = _events(now)
    months, settled = [], False
    timeline = now
    for ahead in range(MAX_AHEAD + 1):
        x = end + ahead
        if ahead:
            timeline = build_timeline(ctx, first, pays, x, exempt, cycles, stops)
        last = timeline.months[-1]
        arrears, _, pay_by = _arrears(ctx, first, pays, x, cycles, stops)
        due_now = _due_now(cycles, x, pays, stops)
        since = _lapsed_since(timeline)
        entry = {"month": str(x), "state": last.state, "benefits": last.benefits,
                 "arrears": [str(m) for m in arrears], "pay_by": pay_by.isoformat() if pay_by else None,
                 "due_now": [str(m) for m in due_now], "cycle": cycles.cycle(x), "quarter_end": cycles.due(x) == x,
                 "waiting_ends": any(b == x for _, b, _ in timeline.waiting_periods),
                 "lapsed_since": str(since) if since else None, "stop_next": False}
        if months:
            months[-1]["stop_next"] = months[-1]["benefits"] and last.state in ("suspended", "lapsed")
        months.append(entry)
        open_stop = any(s.covers(x) and s.end is None for s in stops)
        if not arrears and (last.state == "lapsed" or (last.state == "stopped" and open_stop)) and ahead:
            settled = True   # nothing more is owed or can heal: only the lapse grows older
            break
    return ctx.result(
        first_month=str(first), base_month=str(end), months=months, settled=settled,
        states="".join(STATE_CODES[s.state] for s in now.months), lapses=lapses, resumes=resumes,
        waiting_periods=[{"from": str(a), "to": str(b), "reason": r} for a, b, r in now.waiting_periods],
        spell_benefit_start=str(now.spell_benefit_start) if now.spell_benefit_start else None,
        recent_lapse_months=RECENT_LAPSE)
