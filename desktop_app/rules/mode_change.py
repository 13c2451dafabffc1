"""Changing from pooling-only to with-account (信阳 any time, 吉林 at retirement): the difference to pay."""
from __future__ import annotations

from .context import Context
from .errors import RuleError
from .inputs import bool_field, int_field
from .money import fen, money_str, plain
from .months import Month


def decide_mode_change(ctx: Context, case: dict) -> dict:
    from .contribution import standard
    j = ctx.j
    months = int_field(case, "pooling_only_months", "pooling_only_months", low=0, high=1200)
    at_retirement = bool_field(case, "at_retirement", "at_retirement", default=False)
    if not (j.mode_change_any_time or j.mode_change_at_retirement):
        raise RuleError("not_applicable", f"{j.name}灵活就业人员只有一种参保模式，不涉及转换模式补缴差额", None)
    if not j.mode_change_any_time and not at_retirement:
        raise RuleError("not_applicable", f"{j.name}仅在按统账结合模式办理在职转退休时补缴单建统筹与统账结合的差额",
                        "at_retirement")
    now = Month.of(ctx.date)
    ctx.cite("mode_change" if j.has("mode_change") else "retirement")
    with_account, pooling = standard(ctx, "with_account", now), standard(ctx, "pooling_only", now)
    # Both standards are rounded to the fen first, so the printed difference is their printed difference.
    diff = with_account.amount - pooling.amount
    out = {"pooling_only_months": months, "at_retirement": at_retirement,
           "monthly_base": money_str(with_account.base),
           "standard_with_account": money_str(with_account.amount), "standard_pooling_only": money_str(pooling.amount),
           "base_pooling_only": money_str(pooling.base), "rate_with_account": plain(with_account.rate),
           "rate_pooling_only": plain(pooling.rate),
           # priced at the month handled (按办理当月的缴费标准): the amount holds to that month's last day
           "pay_by": now.last_day.isoformat(),
           "difference_monthly": money_str(diff), "amount": money_str(diff * months),
           # 信阳 第六条: account benefits from the next month, none credited for the paid-back period;
           # 吉林（五）: the account is credited once after the payment and the change completes.
           "account_from": str(now + 1), "account_credit": None}
    if j.mode_change_at_retirement:
        rate = ctx.opt("account_credit_rate")
        if rate is not None:
            out["account_credit"] = money_str(fen(with_account.base * rate) * months)
    return ctx.result(**out)
