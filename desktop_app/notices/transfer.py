"""医保关系转移接续结果告知书: continuity, the gap, recognised years, retroactive months, waiting, benefit start."""

from . import fmt
from .common import according_to, channels_sentence, need
from .layout import Content
from .titles import TITLES

TITLE = TITLES["transfer"]


def content(notice: dict) -> Content:
    d = notice["decision"]
    gap_months, continuous, waiting, start = need(d, "gap_months", "continuous", "waiting_months", "benefit_start")
    back_pay = d.get("back_pay_months") or []
    retro = d.get("retroactive_months") or []
    place = notice["jurisdiction_name"]
    first_here = d.get("first_month_here") or fmt.add_months(start, -int(waiting))

    figures = [("转入后首次缴费月份", fmt.month(first_here))]
    gap = fmt.month_count(gap_months)
    if d.get("gap_days") is not None:
        gap += f"（{d['gap_days']}天）"
    figures += [
        ("中断缴费时间", gap if gap_months else "无中断"),
        ("是否视为连续参保", "是" if continuous else "否"),
        ("中断期间补缴月份", fmt.month_list(back_pay) if back_pay else "无"),
    ]
    if back_pay:
        amount = d.get("back_pay_amount")
        figures.append(("中断期间补缴金额", fmt.money(amount) if amount is not None else "按转入地缴费标准另行核定"))
    if d.get("recognized_months") is not None:
        figures.append(("累计认定缴费年限", fmt.years_months(d["recognized_months"])))
    figures += [
        ("待遇追溯享受月份", fmt.month_list(retro) if retro else "无"),
        ("待遇享受等待期", fmt.month_count(waiting) if waiting else "不设等待期"),
        ("开始享受待遇月份", fmt.month(start)),
    ]

    if continuous:
        verdict = (f"您在转移接续前中断缴费{gap_months}个月，未超过规定期限，{according_to(d)}，"
                   "补缴中断期间基本医疗保险费后视为连续参保，不设待遇享受等待期。")
    else:
        verdict = (f"您在转移接续前中断缴费{gap}，超过规定期限，{according_to(d)}，"
                   f"不视为连续参保，设置{waiting}个月待遇享受等待期。")
    paragraphs = [f"您申请将基本医疗保险关系转入{place}，经审核，已办理转移接续手续。{verdict}现将结果告知如下。"]

    closing = []
    if retro:
        closing.append(f"自{fmt.month(start)}起享受医保待遇，{fmt.month_list(retro)}期间的待遇可按规定追溯享受。")
    elif waiting:
        closing.append(f"等待期内请按月足额缴费，自{fmt.month(start)}起按规定享受职工基本医疗保险待遇。")
    else:
        closing.append(f"自{fmt.month(start)}起按规定享受职工基本医疗保险待遇。")
    citations = []
    if back_pay:
        pay, citations = channels_sentence(d)
        closing.append(f"中断期间的基本医疗保险费按转入地缴费标准补缴。{pay}")
    return Content(TITLE, paragraphs, figures, closing, citations)
