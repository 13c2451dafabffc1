"""转移接续: the gap before the first month here, whether it counts as continuous, back pay and waiting."""
from __future__ import annotations

from .context import Context
from .contribution import MODES, check_mode, standard
from .errors import RuleError, invalid
from .inputs import bool_field, choice_field, int_field, month_field, req
from .money import money_str, plain
from .months import Month, month_range
from .notes import missed_payment_note


def decide_transfer(ctx: Context, case: dict) -> dict:
    j = ctx.j
    prev = req(case, "previous", "previous")
    scheme = choice_field(prev, "scheme", "previous.scheme", ("employee", "resident"))
    last = month_field(prev, "last_paid_month", "previous.last_paid_month")
    months_before = int_field(prev, "contribution_months", "previous.contribution_months", low=0, high=1200)
    first = month_field(case, "first_month_here", "first_month_here")
    pay_gap = bool_field(case, "pay_gap", "pay_gap", default=False)
    mode = check_mode(ctx, choice_field(case, "mode", "mode", MODES, default=j.modes[0]))
    if first <= last:
        raise invalid("first_month_here", "本地首次缴费月份应晚于原参保地最后缴费月份")
    gap = month_range(last + 1, first - 1)
    gap_days = sum(m.days for m in gap)
    # The transfer clause decides both the continuous case and the waiting period after a longer gap
    # (淮南 二（四）, 江苏 二, 吉林 三（九）, 信阳 第九条（三）), never the first-enrolment clause.
    ctx.cite("transfer")

    if j.limit_in_days:
        within = gap_days <= int(ctx.num("arrears_limit_days"))
    else:
        within = len(gap) <= int(ctx.num("arrears_limit_months"))
    if scheme == "resident":
        years = prev.get("continuous_years")
        if years is None:
            raise invalid("previous.continuous_years", "由居民医保转入时须填写此前连续参保年数")
        years = int_field(prev, "continuous_years", "previous.continuous_years", low=0, high=100)
        # Only 江苏 (二) and 吉林 (九) let a resident-scheme member switch without waiting, after 2 years.
        within = within and j.resident_switch_without_wait and years >= int(ctx.num("switch_min_years"))
    # 苏医保发〔2021〕61号 二: from the resident scheme "缴费后即可正常享受待遇" — nothing to pay back.
    needs_back_pay = bool(gap) and not (j.resident_switch_needs_no_back_pay and scheme == "resident")
    continuous = within and (pay_gap or not needs_back_pay)
    back_pay = gap if continuous and needs_back_pay else []
    retro = list(back_pay)
    if j.has("transfer_press") and retro:
        ctx.cite("transfer_press")
    waiting = 0 if continuous else int(ctx.num("waiting_months_first", max(first, Month.of(j.in_force)).first_day))
    back_pay_amount = monthly_standard = monthly_base = rate = None
    if back_pay:
        # Paid back at the standard of the region transferred into, as handled on `date` (吉林（九）).
        try:
            s = standard(ctx, mode, Month.of(ctx.date))
            monthly_standard, monthly_base, rate = money_str(s.amount), money_str(s.base), plain(s.rate)
            back_pay_amount = money_str(s.amount * len(back_pay))
        except RuleError as e:  # the decision stands without a price when the standard is not known yet
            if e.code not in ("missing_parameter", "no_policy_in_force"):
                raise
            ctx.note(f"补缴金额暂未核定：{e.message}")
    recognised_before = months_before if scheme == "employee" else 0
    return ctx.result(
        gap_months=len(gap), gap_days=gap_days, continuous=continuous,
        back_pay_months=[str(m) for m in back_pay], back_pay_amount=back_pay_amount,
        monthly_standard=monthly_standard, monthly_base=monthly_base, rate=rate, mode=mode, waiting_months=waiting,
        first_month_here=str(first), benefit_start=str(first + waiting), retroactive_months=[str(m) for m in retro],
        recognized_months=recognised_before + len(back_pay),
        recognized_years=round((recognised_before + len(back_pay)) / 12, 2),
        missed_payment_note=missed_payment_note(ctx))
