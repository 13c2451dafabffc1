"""吉林's social-insurance subsidy ceiling and maternity coverage (and 江苏's subsidy groups)."""
from __future__ import annotations

from decimal import ROUND_DOWN

from .context import Context
from .contribution import check_new_standard
from .errors import RuleError, invalid
from .inputs import month_field
from .money import FEN, money_str, plain, to_decimal
from .months import Month

SUBSIDY_GROUPS = ("hard_to_employ", "graduate")


def decide_subsidy(ctx: Context, case: dict) -> dict:
    j = ctx.j
    if not j.subsidy_groups:
        raise RuleError("not_applicable", f"{j.name}文件没有灵活就业人员社会保险补贴规定", None)
    group = case.get("group")
    if group not in SUBSIDY_GROUPS:
        raise invalid("group", "group 应为 hard_to_employ（就业困难人员）或 graduate（离校2年内未就业高校毕业生）")
    try:
        paid = to_decimal(case.get("paid_amount"))
    except ValueError:
        raise invalid("paid_amount", "实际缴费金额应为金额") from None
    if paid < 0:
        raise invalid("paid_amount", "实际缴费金额不能为负数")
    ctx.cite("subsidy")
    ceiling = None
    share = ctx.opt("subsidy_max_share")
    if share is not None:
        # "不超过其实际缴费的2/3": a ceiling rounds down, so the figure never exceeds it (FORMAT.md).
        ceiling = money_str((paid * share).quantize(FEN, rounding=ROUND_DOWN))
    # 江苏 names the groups but leaves the amount to 社会保险补贴 rules: no ceiling here.
    return ctx.result(eligible_group=True, group=group, paid_amount=money_str(paid), max_subsidy=ceiling)


def decide_maternity(ctx: Context, case: dict) -> dict:
    if not ctx.j.maternity_cover:
        raise RuleError("not_applicable", f"{ctx.j.name}文件未对灵活就业人员生育医疗待遇作出规定", None)
    # 吉林 五: the maternity cover changes with the new standard, from new_standard_from on.
    field = "month" if case.get("month") is not None else "date"
    check_new_standard(ctx, month_field(case, "month", "month", default=Month.of(ctx.date)), field)
    ctx.cite("maternity")
    deductible = ctx.num("maternity_delivery_deductible")
    rate = ctx.num("maternity_delivery_rate")
    return ctx.result(hospital_delivery_deductible=money_str(deductible),
                      hospital_delivery_reimbursement_rate=plain(rate), maternity_allowance=False,
                      note=f"符合规定的住院分娩医疗费用起付标准{money_str(deductible)}元、报销比例{plain(rate * 100)}%；"
                           f"不享受生育津贴；产前检查、计划生育等按统筹地区生育保险规定")
