"""一次性补缴（趸缴）通知书: arrears, a transfer gap, a retirement shortfall or a mode-change difference."""

from decimal import Decimal

from . import fmt
from .common import according_to, channels_sentence, need, not_applicable
from .errors import NoticeError
from .layout import Content
from .titles import TITLES

TITLE = TITLES["lump_sum"]


def content(notice: dict) -> Content:
    decision = notice["decision"]
    builders = {
        "back_payment": _arrears,
        "transfer": _transfer_gap,
        "retirement": _retirement,
        "mode_change": _mode_change,
    }
    build = builders.get(decision.get("question"))
    if build is None:
        raise not_applicable("该业务的决定不涉及一次性补缴（趸缴）。")
    paragraphs, figures, closing = build(decision)
    pay, citations = channels_sentence(decision)
    if pay:
        closing.append(pay)
    return Content(TITLE, paragraphs, figures, closing, citations)


def _standard_rows(obj: dict, months: int | None = None, amount=None, when: str = "") -> list[tuple[str, str]]:
    """Base, rate and monthly standard where the decision gives them. When the amount is not simply
    months × standard (the standard changed within the period), the rows say whose standard they are."""
    note = ""
    standard = obj.get("monthly_standard")
    if standard is not None and months and amount is not None and when:
        if Decimal(str(standard)) * months != Decimal(str(amount)):
            note = f"（{when}标准；各月按当月标准计算）"
    rows = []
    if obj.get("monthly_base") is not None:
        rows.append(("月缴费基数", fmt.money(obj["monthly_base"]) + note))
    if obj.get("rate") is not None:
        rows.append(("缴费比例", fmt.percent(obj["rate"])))
    if standard is not None:
        rows.append(("月缴费标准", fmt.money(standard) + note))
    return rows


def _arrears(d: dict):
    arrears = d.get("arrears_months") or []
    to_pay = d.get("months_to_pay") or arrears
    if not arrears:
        raise not_applicable("该参保人没有欠缴月份，无需出具一次性补缴通知书。")
    amount, total = need(d, "amount", "total")
    pay_on = d.get("pay_on") or d["date"]
    figures = [
        ("补缴事由", "欠缴基本医疗保险费补缴"),
        ("欠缴月份", f"{fmt.month_list(arrears)}（{len(arrears)}个月）"),
        ("本次应缴月份", f"{fmt.month_list(to_pay)}（{len(to_pay)}个月）"),
        *_standard_rows(d, len(to_pay), amount, fmt.month(pay_on)),
        ("基本医疗保险费", fmt.money(amount)),
    ]
    if d.get("late_fee_daily_rate") is not None:
        figures.append(("滞纳金", f"{fmt.money(d.get('late_fee') or 0)}（按日{fmt.percent(d['late_fee_daily_rate'])}"
                                  f"计至{fmt.day(pay_on)}）"))
    figures.append(("应缴合计", fmt.money(total)))
    paragraphs = [
        f"经核查，您{fmt.month_list(arrears)}欠缴职工基本医疗保险费，共{len(arrears)}个月。"
        f"{according_to(d)}，现通知您一次性补缴，按{fmt.day(pay_on)}缴费计算，应缴合计{fmt.money(total)}，明细如下。"
    ]
    closing = []
    start, back = d.get("benefit_start_if_paid"), d.get("retroactive_months") or []
    if start and d.get("retroactive") and back:
        closing.append(f"于{fmt.day(pay_on)}足额补缴后，自{fmt.month(start)}起享受医保待遇，"
                       f"{fmt.month_list(back)}期间的待遇可追溯享受。")
    elif start:
        closing.append(f"于{fmt.day(pay_on)}足额补缴并按月继续缴费的，自{fmt.month(start)}起享受医保待遇。")
    if d.get("late_fee_daily_rate") is not None:
        closing.append("缴费日期推迟的，滞纳金按实际缴费日期重新计算。")
    return paragraphs, figures, closing


def _transfer_gap(d: dict):
    months = d.get("back_pay_months") or []
    if not months:
        raise not_applicable("本次转移接续没有需要补缴的中断月份，无需出具一次性补缴通知书。")
    if d.get("back_pay_amount") is None:
        raise NoticeError("missing_parameter", "中断期间的补缴金额尚未核定（缺少转入地缴费标准所需的参数），"
                          "无法出具一次性补缴通知书。", "decision.back_pay_amount")
    figures = [
        ("补缴事由", "医保关系转移接续中断期间补缴"),
        ("补缴月份", fmt.month_list(months)),
        ("补缴月数", fmt.month_count(len(months))),
        *_standard_rows(d),
        ("补缴金额", fmt.money(d["back_pay_amount"])),
    ]
    paragraphs = [
        f"您的基本医疗保险关系转入{d['jurisdiction_name']}前中断缴费{fmt.month_list(months)}，共{len(months)}个月。"
        f"{according_to(d)}，可按转入地缴费标准补缴中断期间的基本医疗保险费，应缴{fmt.money(d['back_pay_amount'])}，明细如下。"
    ]
    closing = []
    if d.get("continuous") and d.get("benefit_start"):
        back = d.get("retroactive_months") or []
        text = f"补缴后视为连续参保，不设待遇享受等待期，自{fmt.month(d['benefit_start'])}起享受医保待遇"
        text += f"，{fmt.month_list(back)}期间的待遇可追溯享受。" if back else "。"
        closing.append(text)
    return paragraphs, figures, closing


def _retirement(d: dict):
    lump = d.get("lump_sum")
    diff = d.get("mode_difference")
    if not lump and not diff:
        raise not_applicable("退休资格审核结果不涉及一次性补缴（趸缴）。")
    figures = [("补缴事由", "办理退休时一次性补足最低缴费年限")]
    total = Decimal(0)
    paragraphs = [f"经审核，您的法定退休年月为{fmt.month(need(d, 'retirement_month'))}，"
                  f"职工基本医疗保险缴费年限未达到规定的最低缴费年限。{according_to(d)}，"
                  "可按办理当月的缴费标准一次性补缴至最低缴费年限，明细如下。"]
    if lump:
        figures += [("补缴月数", fmt.month_count(lump["months"])), *_standard_rows(lump),
                    ("补足年限应缴金额", fmt.money(lump["amount"]))]
        total = Decimal(str(lump["amount"]))
    if diff:
        figures += [("单建统筹期间月数", fmt.month_count(diff["months"])),
                    ("单建统筹与统账结合差额", fmt.money(diff["amount"]))]
        total += Decimal(str(diff["amount"]))
    if lump and diff:
        figures.append(("应缴合计", fmt.money(total)))
    closing = []
    if d.get("retiree_benefits_from"):
        closing.append(f"足额补缴并办理退休手续后，自{fmt.month(d['retiree_benefits_from'])}起享受职工医保退休人员待遇。")
    else:
        closing.append("足额补缴后，可办理职工医保退休手续，自办结次月起享受职工医保退休人员待遇。")
    return paragraphs, figures, closing


def _mode_change(d: dict):
    monthly, amount, account_from = need(d, "difference_monthly", "amount", "account_from")
    months = d.get("pooling_only_months")
    figures = [("补缴事由", "单建统筹转为统账结合，补足以往缴费差额")]
    if months is not None:
        figures.append(("单建统筹缴费月数", fmt.month_count(months)))
    if d.get("monthly_base") is not None:
        figures.append(("月缴费基数", fmt.money(d["monthly_base"])))
    if d.get("standard_with_account") is not None:
        figures.append(("统账结合月缴费标准", fmt.money(d["standard_with_account"])))
    if d.get("standard_pooling_only") is not None:
        figures.append(("单建统筹月缴费标准", fmt.money(d["standard_pooling_only"])))
    figures += [("每月缴费差额", fmt.money(monthly)), ("补缴金额", fmt.money(amount))]
    if d.get("account_credit") is not None:
        figures.append(("个人账户一次性补计", fmt.money(d["account_credit"])))
    figures.append(("个人账户待遇起始月份", fmt.month(account_from)))
    paragraphs = [f"您申请由单建统筹模式转为统账结合模式。{according_to(d)}，"
                  f"应按办理当月的缴费标准一次性补足以往单建统筹期间的缴费差额，共计{fmt.money(amount)}，明细如下。"]
    closing = [f"足额补缴后，自{fmt.month(account_from)}起按规定享受在职人员个人账户待遇。"]
    return paragraphs, figures, closing
