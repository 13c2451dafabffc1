"""The monthly contribution standard: base × rate per document, and the personal-account credit."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .context import Context
from .errors import RuleError, invalid
from .inputs import choice_field, month_field
from .jurisdictions import check_in_force
from .money import fen, money_str, plain
from .months import Month

MODES = ("with_account", "pooling_only")
MODE_ZH = {"with_account": "统账结合（建立个人账户）", "pooling_only": "单建统筹（不建个人账户）"}


@dataclass(frozen=True)
class Standard:
    base: Decimal            # exact, rounded only when shown
    rate: Decimal
    account: Decimal | None  # monthly personal-account credit, None where the documents give no figure

    @property
    def amount(self) -> Decimal:
        return self.base * self.rate


def check_mode(ctx: Context, mode: str, field: str = "mode") -> str:
    if mode not in MODES:
        raise invalid(field, f"{field} 应为 with_account（统账结合）或 pooling_only（单建统筹）")
    if mode not in ctx.j.modes:
        raise RuleError("not_applicable", f"{ctx.j.name}灵活就业人员没有“{MODE_ZH[mode]}”参保模式", field)
    return mode


def standard(ctx: Context, mode: str, month: Month) -> Standard:
    """The standard in force in `month` (its parameters looked up on the month's first day)."""
    on = month.first_day
    check_in_force(ctx.j, on, "month")
    key = ctx.j.key
    ctx.cite("contribution")
    monthly_avg = ctx.num("avg_wage_annual", on) / 12
    if key == "huainan":
        return Standard(monthly_avg * ctx.num("base_share", on), ctx.num("flexible_rate", on), None)
    if key == "jiangsu":
        base = monthly_avg * ctx.num("base_ratio", on)
        rate = (ctx.num("employer_medical_rate", on) + ctx.num("individual_medical_rate", on)
                - ctx.num("rate_reduction", on))
        return Standard(base, rate, None)
    if key == "jilin":
        base = monthly_avg * ctx.num("base_share", on)
        employer, maternity = ctx.num("employer_medical_rate", on), ctx.num("maternity_low_rate", on)
        if mode == "with_account":
            return Standard(base, employer + maternity + ctx.num("individual_medical_rate", on), None)
        ctx.cite("modes")
        return Standard(base, ctx.num("pooling_employer_share", on) * employer + maternity, Decimal(0))
    # xinyang
    base = monthly_avg * ctx.num("base_share", on)
    if mode == "with_account":
        return Standard(base, ctx.num("rate_with_account", on), base * ctx.num("account_rate", on))
    return Standard(base, ctx.num("rate_pooling_only", on), Decimal(0))


def figures(s: Standard) -> dict:
    return {"monthly_base": money_str(s.base), "rate": plain(s.rate), "monthly_amount": money_str(s.amount),
            "personal_account_monthly": None if s.account is None else money_str(s.account)}


def decide_contribution(ctx: Context, case: dict) -> dict:
    mode = check_mode(ctx, choice_field(case, "mode", "mode", MODES, default=ctx.j.modes[0]))
    month = month_field(case, "month", "month", default=Month.of(ctx.date))
    s = standard(ctx, mode, month)
    return ctx.result(mode=mode, month=str(month), **figures(s))


def amount_for(s: Standard, months: int) -> Decimal:
    """A lump of `months` at one standard, rounded once at the end."""
    return fen(s.amount * months)
