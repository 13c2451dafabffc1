"""吉林's social-insurance subsidy ceiling and maternity coverage (and 江苏's subsidy groups)."""
from __future__ import annotations

from .context import Context
from .errors import RuleError, invalid
from .money import fen, money_str, to_decimal

SUBSIDY_GROUPS = ("hard_to_employ", "graduate")


def decide_subsidy(ctx: Context, case: dict) -> dict:
    j = ctx.j
    if j.key not in ("jilin", "jiangsu"):
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
    if j.key == "jilin":
        ceiling = money_str(fen(paid * ctx.num("subsidy_max_share")))
    # 江苏 names the groups but leaves the amount to 社会保险补贴 rules: no ceiling here.
    return ctx.result(eligible_group=True, group=group, paid_amount=money_str(paid), max_subsidy=ceiling)


def decide_maternity(ctx: Context, case: dict) -> dict:
    if ctx.j.key != "jilin":
        raise RuleError("not_applicable", f"{ctx.j.name}文件未对灵活就业人员生育医疗待遇作出规定", None)
    ctx.cite("maternity")
    return ctx.result(hospital_delivery_deductible="0.00", hospital_delivery_reimbursement_rate="1",
                      maternity_allowance=False,
                      note="住院分娩医疗费用不设起付标准，报销比例100%；不享受生育津贴；产前检查等按统筹地区规定")
