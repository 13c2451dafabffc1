"""The monthly contribution standard: base × rate per document, the personal-account credit and the
compulsory large-expense contribution beside it.

Rounding (FORMAT.md): the monthly base is rounded to the fen first, and the monthly standard is that base
times the rate, rounded again, so that the printed base × rate = standard multiplies out.
"""
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
    base: Decimal            # rounded to the fen
    rate: Decimal
    account: Decimal | None  # monthly personal-account credit (rounded), None where the documents give no figure

    @property
    def amount(self) -> Decimal:
        return fen(self.base * self.rate)


def check_mode(ctx: Context, mode: str, field: str = "mode") -> str:
    if mode not in MODES:
        raise invalid(field, f"{field} 应为 with_account（统账结合）或 pooling_only（单建统筹）")
    if mode not in ctx.j.modes:
        raise RuleError("not_applicable", f"{ctx.j.name}灵活就业人员没有“{MODE_ZH[mode]}”参保模式", field)
    return mode


def check_new_standard(ctx: Context, month: Month, field: str = "month") -> None:
    """吉林 五: base, rates and maternity cover change only from the month after the province publishes its 2025
    average wage (`new_standard_from`, entered by the office); months before it keep the earlier standard."""
    if not ctx.j.has("new_standard"):
        return
    ctx.cite("new_standard")
    start = ctx.month("new_standard_from", max(ctx.date, month.first_day))
    if month < start:
        raise RuleError(
            "no_policy_in_force",
            f"{ctx.j.document}五规定缴费基数、费率及生育医疗待遇自全省上年度平均工资公布次月调整执行，"
            f"本地自{start.zh()}起执行；{month.zh()}仍适用调整前的规定（按原缴费标准和待遇办理），"
            f"不能按本文件计算", field)


def standard(ctx: Context, mode: str, month: Month, field: str = "month", account: bool = False) -> Standard:
    """The standard in force in `month` (its parameters looked up on the month's first day); `account`: also
    the monthly personal-account credit (only the contribution question reports it)."""
    on = month.first_day
    check_in_force(ctx.j, on, field)
    check_new_standard(ctx, month, field)
    key = ctx.j.key
    ctx.cite("contribution")
    monthly_avg = ctx.num("avg_wage_annual", on) / 12
    if key == "huainan":
        return Standard(fen(monthly_avg * ctx.num("base_share", on)), ctx.num("flexible_rate", on), None)
    if key == "jiangsu":
        # 二: the base is the person's chosen band of 60%–300%; there is no default band to assume.
        base = fen(monthly_avg * ctx.num("base_ratio", on))
        rate = (ctx.num("employer_medical_rate", on) + ctx.num("individual_medical_rate", on)
                - ctx.num("rate_reduction", on))
        return Standard(base, rate, None)
    if key == "jilin":
        base = fen(monthly_avg * ctx.num("base_share", on))
        employer, maternity = ctx.num("employer_medical_rate", on), ctx.num("maternity_low_rate", on)
        if mode == "with_account":
            return Standard(base, employer + maternity + ctx.num("individual_medical_rate", on), None)
        ctx.cite("modes")
        return Standard(base, ctx.num("pooling_employer_share", on) * employer + maternity, Decimal(0))
    # xinyang
    base = fen(monthly_avg * ctx.num("base_share", on))
    if mode == "with_account":
        credit = fen(base * ctx.num("account_rate", on)) if account else None
        return Standard(base, ctx.num("rate_with_account", on), credit)
    return Standard(base, ctx.num("rate_pooling_only", on), Decimal(0))


def large_expense(ctx: Context, month: Month) -> Decimal | None:
    """The city's 大额医疗费用补助 / 大病保险 contribution (yuan a year) in force in `month`, or None when the
    office has not entered it. Where the document makes it compulsory the decision says so in its notes."""
    value = ctx.opt("large_expense_annual", month.first_day)
    if ctx.j.has("large_expense"):
        ctx.cite("large_expense")
        text = ctx.j.cite("large_expense")
        if value is None:
            ctx.note(f"按{text}，参加职工医保的同时须参加职工大额医疗费用补助（大病保险）；"
                     f"本机构尚未录入其年缴费标准（参数“large_expense_annual”），缴费金额未含此项")
        else:
            ctx.note(f"按{text}，参加职工医保的同时须参加职工大额医疗费用补助（大病保险）")
    return None if value is None else fen(value)


def figures(s: Standard) -> dict:
    return {"monthly_base": money_str(s.base), "rate": plain(s.rate), "monthly_amount": money_str(s.amount),
            "personal_account_monthly": None if s.account is None else money_str(s.account)}


def decide_contribution(ctx: Context, case: dict) -> dict:
    mode = check_mode(ctx, choice_field(case, "mode", "mode", MODES, default=ctx.j.modes[0]))
    field = "month" if case.get("month") is not None else "date"
    month = month_field(case, "month", "month", default=Month.of(ctx.date))
    s = standard(ctx, mode, month, field, account=True)
    extra = large_expense(ctx, month)
    return ctx.result(mode=mode, month=str(month), **figures(s),
                      large_expense_annual=None if extra is None else money_str(extra))
