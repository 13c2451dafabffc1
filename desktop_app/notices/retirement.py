"""退休资格审核结果告知书: statutory month, qualified or not, shortfalls, options, lump-sum quote."""

from decimal import Decimal

from . import fmt
from .common import according_to, months_times, need, standard_line, sum_line
from .layout import Content
from .titles import TITLES

TITLE = TITLES["retirement"]
OPTIONS = {
    "retiree_benefits": "享受职工医保退休人员待遇",
    "continue_paying": "继续按月缴费至最低缴费年限",
    "lump_sum": "按办理当月缴费标准一次性缴费（趸缴）至最低缴费年限",
    "resident_scheme": "参加城乡居民基本医疗保险",
}
_SHORTFALL = {"total": "累计缴费年限", "actual": "实际缴费年限", "in_province": "本省实际缴费年限"}


def age_text(months: int) -> str:
    years, rest = divmod(int(months), 12)
    return f"{years}周岁" + (f"{rest}个月" if rest else "")


def content(notice: dict) -> Content:
    d = notice["decision"]
    month, reached, qualified = need(d, "retirement_month", "age_reached", "qualified")
    shortfall = d.get("shortfall_months") or {}
    options = [OPTIONS.get(o, o) for o in d.get("options") or []]

    figures = []
    if d.get("retirement_age_months") is not None:
        figures.append(("法定退休年龄", age_text(d["retirement_age_months"])))
    required = d.get("required_months") or {}
    figures += [
        ("法定退休年月", fmt.month(month)),
        ("是否已达法定退休年龄", "是" if reached else "否"),
    ]
    if required.get("total"):
        text = f"累计{fmt.years_months(required['total'])}"
        if required.get("actual"):
            text += f"，其中实际缴费{fmt.years_months(required['actual'])}"
        figures.append(("最低缴费年限", text))
    missing = [(label, shortfall.get(key) or 0) for key, label in _SHORTFALL.items() if key in shortfall]
    for label, n in missing:
        figures.append((f"{label}缺口", f"尚差{fmt.years_months(n)}" if n else "已满足"))
    figures.append(("审核结果", _result(reached, qualified)))
    if options and not qualified:
        figures.append(("可选择的办理方式", "\n".join(f"（{i}）{o}" for i, o in enumerate(options, 1))))
    lump = d.get("lump_sum")
    diff = d.get("mode_difference")
    arithmetic, parts = [], []
    if lump and lump.get("amount") is not None:
        figures.append(("一次性缴费（趸缴）测算", f"{fmt.month_count(lump['months'])}，共{fmt.money(lump['amount'])}"))
        arithmetic += ["月缴费标准：" + standard_line(lump["monthly_base"], lump["rate"], lump["monthly_standard"]),
                       "补足年限：" + months_times([(lump["monthly_standard"], lump["months"])], lump["amount"])]
        parts.append(lump["amount"])
    if diff and diff.get("amount") is not None:
        figures.append(("单建统筹期间差额", f"{fmt.month_count(diff['months'])}，共{fmt.money(diff['amount'])}"))
        arithmetic.append("单建统筹期间差额：" + months_times([(diff["difference_monthly"], diff["months"])],
                                                        diff["amount"]))
        if diff.get("required"):
            parts.append(diff["amount"])
    total = d.get("total_due")
    if len(parts) > 1 and total is not None and sum(Decimal(str(p)) for p in parts) == Decimal(str(total)):
        arithmetic.append("办理退休应缴合计：" + sum_line(parts, total))
    if d.get("retiree_benefits_from"):
        figures.append(("退休人员待遇起始月份", fmt.month(d["retiree_benefits_from"])))

    gaps = "，".join(f"{label}尚差{n}个月" for label, n in missing if n)
    if "in_arrears" in (d.get("reasons") or []):
        gaps = "，".join(filter(None, [gaps, "存在欠缴的基本医疗保险费"]))
    if qualified:
        body = (f"经审核，您已达到法定退休年龄，{according_to(d)}，符合享受职工基本医疗保险退休人员待遇的条件，"
                "退休后不再缴纳基本医疗保险费。")
    elif not reached:
        body = f"经审核，您的法定退休年月为{fmt.month(month)}，目前尚未达到法定退休年龄。"
        body += f"按现有缴费记录，{gaps}。" if gaps else "按现有缴费记录，缴费年限已达到规定的最低缴费年限。"
    else:
        body = f"经审核，您已达到法定退休年龄，但{gaps or '尚不符合退休待遇条件'}，{according_to(d)}，暂不能享受职工医保退休人员待遇。"
    paragraphs = [body + "现将审核结果告知如下。"]
    key = [_key(d, reached, qualified, month, gaps)]
    if total is not None and not qualified and reached:
        text = f"办理退休须一次性缴费（趸缴）{fmt.money(total)}"
        if d.get("pay_by"):
            text += f"（按{fmt.month(d['pay_by'])}缴费标准计算，{fmt.day(d['pay_by'])}前缴纳有效）"
        key.append(text + "，或按下列其他方式办理。" if len(options) > 1 else text + "。")
    closing = []
    chosen = d.get("options") or []
    if d.get("retiree_benefits_from"):
        closing.append(f"自{fmt.month(d['retiree_benefits_from'])}起享受职工基本医疗保险退休人员待遇。")
    elif not reached:
        closing.append("请按月足额缴费；达到法定退休年龄后，可到经办窗口申请办理职工医保退休待遇确认。")
    elif len(chosen) > 1:
        text = "请在上述办理方式中选择一种，到经办窗口办理"
        text += "；选择一次性缴费的，另行出具一次性缴费（趸缴）通知书。" if "lump_sum" in chosen else "。"
        closing.append(text)
    elif chosen:
        closing.append("请按上述方式到经办窗口办理。")
    return Content(TITLE, paragraphs, figures, closing, key_facts=key, arithmetic=arithmetic)


def _key(d: dict, reached: bool, qualified: bool, month: str, gaps: str) -> str:
    if qualified:
        start = d.get("retiree_benefits_from")
        return "符合享受职工医保退休人员待遇条件" + (f"，自{fmt.month(start)}起享受退休人员待遇" if start else "") + \
            "，退休后不再缴纳基本医疗保险费。"
    if not reached:
        return f"尚未达到法定退休年龄（法定退休年月：{fmt.month(month)}）。" + (f"按现有缴费记录，{gaps}。" if gaps else "")
    return f"暂不符合享受职工医保退休人员待遇条件：{gaps or '尚不符合规定条件'}。"


def _result(reached: bool, qualified: bool) -> str:
    if qualified:
        return "符合享受职工医保退休人员待遇条件"
    if not reached:
        return "尚未达到法定退休年龄"
    return "暂不符合享受职工医保退休人员待遇条件"
