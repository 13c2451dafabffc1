"""医保关系转移接续结果告知书: what was recognised, continuity, the gap (to pay, or recorded as paid), waiting,
benefit start, and what to pay each month from now on."""

from . import fmt
from .common import according_to, channels_sentence, contribution_rows, due_sentence, missed_payment, need
from .layout import Content
from .titles import TITLES

TITLE = TITLES["transfer"]


def content(notice: dict) -> Content:
    d = notice["decision"]
    gap_months, continuous, waiting, start = need(d, "gap_months", "continuous", "waiting_months", "benefit_start")
    back_pay = d.get("back_pay_months") or []
    paid = set(notice.get("paid_months") or [])
    to_pay = [m for m in back_pay if m not in paid]
    retro = d.get("retroactive_months") or []
    place = notice["jurisdiction_name"]
    first_here = d.get("first_month_here") or fmt.add_months(start, -int(waiting))
    contribution = notice.get("contribution")

    key = []
    if d.get("recognized_months") is not None:
        key.append(f"累计认定缴费年限{fmt.years_months(d['recognized_months'])}。")
    if continuous:
        text = f"视为连续参保，不设待遇享受等待期，自{fmt.month(start)}起享受医保待遇"
        text += f"，{fmt.month_list(retro)}期间的待遇可追溯享受。" if retro else "。"
    else:
        text = f"不视为连续参保，设{waiting}个月待遇享受等待期，自{fmt.month(start)}起享受医保待遇。"
    key.append(text)
    if to_pay:
        amount = d.get("back_pay_amount")
        owed = fmt.money(amount) if amount is not None and not paid else "按转入地缴费标准核定的金额"
        key.append(f"须补缴中断期间（{fmt.month_list(to_pay)}）的基本医疗保险费{owed}。")
    elif back_pay:
        key.append(f"中断期间（{fmt.month_list(back_pay)}）的基本医疗保险费已补缴。")
    if contribution and contribution.get("monthly_amount") is not None:
        key.append(f"此后每月应缴{fmt.money(contribution['monthly_amount'])}，"
                   f"{due_sentence(notice.get('payment_cycle'))}。")

    gap = fmt.month_count(gap_months)
    if d.get("gap_days") is not None:
        gap += f"（{d['gap_days']}天）"
    figures = [("转入后首次缴费月份", fmt.month(first_here)),
               ("中断缴费时间", gap if gap_months else "无中断"),
               ("是否视为连续参保", "是" if continuous else "否")]
    if back_pay:
        state = "已补缴" if not to_pay else ("部分已补缴，其余待补缴" if paid & set(back_pay) else "待补缴")
        figures.append(("中断期间补缴月份", f"{fmt.month_list(back_pay)}（{state}）"))
        amount = d.get("back_pay_amount")
        figures.append(("中断期间补缴金额", fmt.money(amount) if amount is not None else "按转入地缴费标准另行核定"))
    figures += [("待遇享受等待期", fmt.month_count(waiting) if waiting else "不设等待期"),
                ("开始享受待遇月份", fmt.month(start))]
    rows, arithmetic = contribution_rows(contribution)
    figures += rows
    if back_pay and d.get("back_pay_amount") is not None and d.get("monthly_standard") is not None:
        arithmetic.append(f"中断期间补缴：{fmt.amount(d['monthly_standard'])} × {len(back_pay)}"
                          f" = {fmt.amount(d['back_pay_amount'])}元")

    if continuous:
        verdict = (f"您在转移接续前中断缴费{gap_months}个月，未超过规定期限，{according_to(d)}，"
                   + ("补缴中断期间基本医疗保险费后" if back_pay else "") + "视为连续参保，不设待遇享受等待期。")
    else:
        verdict = (f"您在转移接续前中断缴费{gap}，超过规定期限，{according_to(d)}，"
                   f"不视为连续参保，设置{waiting}个月待遇享受等待期。")
    paragraphs = [f"您申请将基本医疗保险关系转入{place}，经审核，已办理转移接续手续。{verdict}现将结果告知如下。"]

    closing, citations = [], []
    pay, channel_citations = channels_sentence(notice)
    if pay:
        closing.append(pay)
        citations += channel_citations
    note, note_citations = missed_payment(d)
    if note:
        closing.append(f"未按时缴费的后果：{note}")
        citations += note_citations
    return Content(TITLE, paragraphs, figures, closing, citations, key_facts=key, arithmetic=arithmetic,
                   decisions=[contribution] if contribution else [])
