"""待遇享受等待期告知书: when benefits start, what to pay each month and how, and what a missed month means."""

from . import fmt
from .common import (according_to, channels_sentence, contribution_rows, due_sentence, large_expense,
                     missed_payment, need, not_applicable)
from .layout import Content
from .titles import TITLES

TITLE = TITLES["waiting_period"]
_REASON = {
    "first_enrolment": "首次参加职工基本医疗保险",
    "lapse": "中断缴费超过规定期限后重新缴费",
    "transfer": "转移接续前中断缴费超过规定期限",
}


def content(notice: dict) -> Content:
    decision = notice["decision"]
    contribution = notice.get("contribution")
    first, months, start, reason = _period(decision)
    last = fmt.add_months(start, -1)
    place = notice["jurisdiction_name"]
    opening = {
        "first_enrolment": f"您自{fmt.month(first)}起以灵活就业人员身份在{place}参加职工基本医疗保险",
        "lapse": f"您中断缴纳职工基本医疗保险费超过规定期限，自{fmt.month(first)}起在{place}重新缴费",
        "transfer": f"您的基本医疗保险关系转入{place}，转移接续前中断缴费超过规定期限，自{fmt.month(first)}起在本地缴费",
    }[reason]
    paragraphs = [f"{opening}。{according_to(decision)}，设置{months}个月待遇享受等待期（{_REASON[reason]}），"
                  "现将有关事项告知如下。"]
    cycle = notice.get("payment_cycle") or decision.get("payment_cycle")
    key = [f"自{fmt.month(start)}起享受职工医保待遇（等待期{fmt.month(first)}至{fmt.month(last)}，共{months}个月）。"]
    if contribution and contribution.get("monthly_amount") is not None:
        key.append(f"每月应缴基本医疗保险费{fmt.money(contribution['monthly_amount'])}，{due_sentence(cycle)}。")
        _, extra = large_expense(contribution)
        if extra:
            key.append(extra)
    key.append("请按时足额缴费；未按时缴费的后果见下文。")
    figures = [
        ("待遇享受等待期", f"{months}个月（{fmt.month(first)}至{fmt.month(last)}）"),
        ("开始享受待遇月份", f"{fmt.month(start)}（等待期内按时足额缴费的）"),
    ]
    rows, arithmetic = contribution_rows(contribution)
    figures += rows
    note, citations = missed_payment(decision)
    pay, channel_citations = channels_sentence(notice)
    closing = [pay] if pay else []
    if note:
        closing.append(f"未按时缴费的后果：{note}")
    return Content(TITLE, paragraphs, figures, closing, citations + channel_citations, key_facts=key,
                   arithmetic=arithmetic, decisions=[contribution] if contribution else [],
                   # a back payment's late fee is in the timeline's trace, but this notice does not charge one
                   skip_parameters=("late_fee_daily_rate",))


def _period(decision: dict) -> tuple[str, int, str, str]:
    """(first paid month of the period, its length in months, first month with benefits, reason)."""
    question = decision.get("question")
    if question == "benefit_timeline":
        periods = decision.get("waiting_periods") or []
        if not periods:
            raise not_applicable("该参保人不设待遇享受等待期，无需出具待遇享受等待期告知书。")
        latest = periods[-1]
        first, last = latest["from"], latest["to"]
        return first, fmt.months_between(first, last), fmt.add_months(last, 1), latest.get("reason", "first_enrolment")
    if question == "transfer":
        months = int(need(decision, "waiting_months"))
        if months <= 0:
            raise not_applicable("本次转移接续不设待遇享受等待期，无需出具待遇享受等待期告知书。")
        start = need(decision, "benefit_start")
        first = decision.get("first_month_here") or fmt.add_months(start, -months)
        return first, months, start, "transfer"
    raise not_applicable("该业务的决定不涉及待遇享受等待期。")
