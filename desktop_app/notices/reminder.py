"""缴费提醒 (this month's contribution, before benefits stop) and 催缴通知书 (arrears whose back-payment window
closes soon), both from the rule module's back-payment quote for the day they are issued. The office prints them in
batches from the worklists; each says what to pay, by which day, what happens otherwise, and how it was counted."""

from decimal import Decimal

from . import fmt
from .common import according_to, channels_sentence, months_times, need, not_applicable, standard_groups
from .layout import Content
from .lump_sum import _standard_lines
from .titles import TITLES


def _lines(d: dict) -> tuple[list[str], Decimal]:
    """The calculation a calculator checks: base × rate per standard, months × standard, each late fee, the sum."""
    amount, total, lines = need(d, "amount", "total", "lines")
    arithmetic = _standard_lines(lines, d)
    arithmetic.append("基本医疗保险费：" + months_times(standard_groups(lines), amount))
    late = Decimal(str(d.get("late_fee") or 0))
    fees = [x for x in lines if Decimal(str(x.get("late_fee") or 0)) > 0]
    for x in fees:
        arithmetic.append(f"{fmt.month(x['month'])}滞纳金（逾期{x['late_days']}天）：{fmt.amount(x['monthly_standard'])}"
                          f" × {fmt.percent(d['late_fee_daily_rate'])} × {x['late_days']} = {fmt.amount(x['late_fee'])}元")
    if late:
        arithmetic.append("应缴合计：" + " + ".join([fmt.amount(amount), *(fmt.amount(x["late_fee"]) for x in fees)])
                          + f" = {fmt.amount(total)}元")
    return arithmetic, late


def _closing(notice: dict, extra: list[str]) -> tuple[list[str], list[str]]:
    pay, citations = channels_sentence(notice)
    closing = ([pay] if pay else []) + extra
    closing.append("已缴纳的，请忽略本通知；缴费后如有疑问，请携带缴费凭证到经办窗口核对。")
    return closing, citations


def reminder_content(notice: dict) -> Content:
    """缴费提醒: what falls due this month (and any arrears with it), the last day, benefits stop otherwise."""
    d = notice["decision"]
    if d.get("question") != "back_payment":
        raise not_applicable("缴费提醒依据缴费测算出具。")
    months = d.get("months_to_pay") or []
    if not months:
        raise not_applicable("该参保人本月没有应缴未缴的月份，无需出具缴费提醒。")
    stop = notice.get("stop_from")
    pay_on = d.get("pay_on") or d["date"]
    due_by = fmt.day(notice["due_by"]) if notice.get("due_by") else fmt.last_day(pay_on[:7])
    arithmetic, late = _lines(d)
    key = [f"请于{due_by}前（含当日）缴纳{fmt.month_list(months)}的职工基本医疗保险费"
           f"{fmt.money(d['total'])}" + (f"（含滞纳金{fmt.money(late)}）。" if late else "。")]
    if stop:
        key.append(f"逾期未缴的，自{fmt.month(stop)}起暂停享受职工医保待遇，补缴后按规定恢复。")
    paragraphs = [f"经核查，截至{fmt.day(pay_on)}，您{fmt.month_list(months)}的职工基本医疗保险费尚未缴纳。"
                  f"{according_to(d)}，现提醒您按时缴费，明细如下。"]
    extra = [f"上列滞纳金按{fmt.day(pay_on)}缴纳计算，滞纳金按日{fmt.percent(d['late_fee_daily_rate'])}计至缴费当日，"
             "实际金额以缴费当日计算为准。"] if late else []
    closing, citations = _closing(notice, extra)
    return Content(TITLES["payment_reminder"], paragraphs, [], closing, citations, key_facts=key,
                   arithmetic=arithmetic)


def demand_content(notice: dict) -> Content:
    """催缴通知书: arrears that can still be paid back, the last day before they become a lapse, and the total."""
    d = notice["decision"]
    if d.get("question") != "back_payment":
        raise not_applicable("催缴通知书依据补缴测算出具。")
    arrears = d.get("arrears_months") or []
    if not arrears or not d.get("pay_by"):
        raise not_applicable("该参保人没有可补缴的欠费月份，无需出具催缴通知书。")
    months = d.get("months_to_pay") or arrears
    arithmetic, late = _lines(d)
    pay_on = d.get("pay_on") or d["date"]
    key = [f"请于{fmt.day(d['pay_by'])}前（含当日）缴清欠缴的职工基本医疗保险费。按{fmt.day(pay_on)}缴纳计算，"
           f"应缴合计{fmt.money(d['total'])}" + (f"（含滞纳金{fmt.money(late)}）。" if late else "。"),
           "逾期未缴清的，超过可补缴恢复待遇的期限，按中断缴费处理，重新缴费须设待遇享受等待期。"]
    if d.get("benefit_start_if_paid"):
        key.append(f"按期缴清后，自{fmt.month(d['benefit_start_if_paid'])}起享受医保待遇"
                   + ("，欠费期间的待遇可追溯享受。" if d.get("retroactive") else "。"))
    paragraphs = [f"经核查，您{fmt.month_list(arrears)}欠缴职工基本医疗保险费，共{len(arrears)}个月"
                  + (f"（另有{fmt.month_list([m for m in months if m not in arrears])}本月应缴）" if len(months) > len(arrears)
                     else "") + f"。{according_to(d)}，现通知您在规定期限内补缴，明细如下。"]
    extra = []
    if late:
        extra.append(f"滞纳金按日{fmt.percent(d['late_fee_daily_rate'])}自缴费期限届满次日起计至缴费当日；"
                     "不在上述日期缴纳的，以缴费当日重新计算的金额为准。")
    closing, citations = _closing(notice, extra)
    return Content(TITLES["arrears_demand"], paragraphs, [], closing, citations, key_facts=key,
                   arithmetic=arithmetic)
