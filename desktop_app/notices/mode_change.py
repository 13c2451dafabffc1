"""参保模式变更补缴差额通知书: from pooling-only to with-account, the past difference to pay and when the
personal account starts."""

from . import fmt
from .common import according_to, channels_sentence, months_times, need, not_applicable, standard_line
from .layout import Content
from .titles import TITLES

TITLE = TITLES["mode_change"]


def content(notice: dict) -> Content:
    d = notice["decision"]
    if d.get("question") != "mode_change":
        raise not_applicable("该业务的决定不涉及变更参保模式。")
    monthly, amount, account_from = need(d, "difference_monthly", "amount", "account_from")
    months = d.get("pooling_only_months")
    key = [f"应补缴以往单建统筹期间的缴费差额{fmt.money(amount)}。"]
    if d.get("pay_by"):
        key.append(f"本金额按{fmt.month(d['pay_by'])}的缴费标准计算，请于{fmt.day(d['pay_by'])}前（含当日）缴纳；"
                   "此后缴纳的，按缴纳当月的缴费标准重新核定。")
    text = f"足额补缴后，自{fmt.month(account_from)}起按统账结合模式建立个人账户"
    if d.get("account_credit") is not None:
        text += f"，个人账户一次性补计{fmt.money(d['account_credit'])}"
    key.append(text + "。")
    figures = []
    if months is not None:
        figures.append(("单建统筹缴费月数", fmt.month_count(months)))
    figures += [("统账结合月缴费标准", fmt.money(need(d, "standard_with_account"))),
                ("单建统筹月缴费标准", fmt.money(need(d, "standard_pooling_only"))),
                ("每月缴费差额", fmt.money(monthly)), ("补缴金额", fmt.money(amount)),
                ("个人账户起始月份", fmt.month(account_from))]
    arithmetic = []
    base = d.get("monthly_base")
    if base is not None and d.get("rate_with_account") is not None:
        arithmetic.append("统账结合：" + standard_line(base, d["rate_with_account"], d["standard_with_account"]))
    if d.get("rate_pooling_only") is not None:
        arithmetic.append("单建统筹：" + standard_line(d.get("base_pooling_only") or base, d["rate_pooling_only"],
                                                   d["standard_pooling_only"]))
    arithmetic.append(f"每月差额：{fmt.amount(d['standard_with_account'])} − {fmt.amount(d['standard_pooling_only'])}"
                      f" = {fmt.amount(monthly)}元/月")
    if months is not None:
        arithmetic.append("补缴金额：" + months_times([(monthly, months)], amount))
    paragraphs = [f"您申请由单建统筹模式转为统账结合模式。{according_to(d)}，"
                  "应按办理当月的缴费标准一次性补足以往单建统筹期间的缴费差额，明细如下。"]
    closing: list[str] = []
    pay, citations = channels_sentence(notice)
    if pay:
        closing.append(pay)
    return Content(TITLE, paragraphs, figures, closing, citations, key_facts=key, arithmetic=arithmetic)
