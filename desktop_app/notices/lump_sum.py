"""一次性补缴通知书 (arrears, a transfer gap) and 一次性缴费（趸缴）通知书 (the years missing at retirement)."""

from decimal import Decimal

from . import fmt
from .common import (according_to, channels_sentence, large_expense, months_times, need, not_applicable,
                     standard_groups, standard_line, sum_line)
from .errors import NoticeError
from .layout import Content
from .titles import TITLES

TITLE = TITLES["lump_sum"]
RETIREMENT_TITLE = TITLES["retirement_lump_sum"]


def content(notice: dict) -> Content:
    decision = notice["decision"]
    question = decision.get("question")
    if question == "back_payment":
        return _arrears(notice)
    if question == "transfer":
        return _transfer_gap(notice)
    if question == "retirement":
        raise not_applicable("退休时补足缴费年限的，请出具一次性缴费（趸缴）通知书。")
    if question == "mode_change":
        raise not_applicable("变更参保模式补缴差额的，请出具参保模式变更补缴差额通知书。")
    raise not_applicable("该业务的决定不涉及一次性补缴。")


def _with_channels(notice: dict, closing: list[str]) -> list[str]:
    pay, citations = channels_sentence(notice)
    if pay:
        closing.insert(0, pay)
    return citations


def _standard_lines(lines: list[dict], d: dict) -> list[str]:
    """One base × rate = standard line per standard the months were charged at."""
    out, seen = [], set()
    for line in lines:
        base, rate = line.get("monthly_base") or d.get("monthly_base"), line.get("rate") or d.get("rate")
        key = (base, rate, line["monthly_standard"])
        if key in seen or base is None or rate is None:
            continue
        seen.add(key)
        months = [x["month"] for x in lines if x["monthly_standard"] == line["monthly_standard"]]
        label = "月缴费标准" if len({x["monthly_standard"] for x in lines}) == 1 else f"{fmt.month_list(months)}缴费标准"
        out.append(f"{label}：{standard_line(base, rate, line['monthly_standard'])}")
    return out


def _arrears(notice: dict) -> Content:
    d = notice["decision"]
    arrears = d.get("arrears_months") or []
    if not arrears:
        raise not_applicable("该参保人没有欠缴月份，无需出具一次性补缴通知书。")
    later = notice.get("next_month")
    if not isinstance(later, dict) or later.get("question") != "back_payment":
        raise NoticeError("invalid_input", "补缴通知书须附下月缴费的测算（今天缴与下月缴的对比）。", "next_month")
    amount, total, lines = need(d, "amount", "total", "lines")
    to_pay = d.get("months_to_pay") or arrears
    pay_on = d.get("pay_on") or d["date"]
    late_fee = Decimal(str(d.get("late_fee") or 0))
    start, retro = d.get("benefit_start_if_paid"), d.get("retroactive_months") or []

    contribution = notice.get("contribution")
    _, extra = large_expense(contribution)
    first = f"应缴合计{fmt.money(total)}（按{fmt.day(pay_on)}缴纳计算"
    first += f"，含滞纳金{fmt.money(late_fee)}）。" if late_fee else "）。"
    key = [first]
    if d.get("pay_by"):
        key.append(f"最迟缴费日期：{fmt.day(d['pay_by'])}（含当日）。逾期未缴清的，超过可补缴恢复待遇的中断期限，"
                   "按中断缴费处理。")
    if start:
        text = f"按时足额缴纳后，自{fmt.month(start)}起享受医保待遇"
        text += f"，{fmt.month_list(retro)}期间的待遇可追溯享受。" if d.get("retroactive") and retro else "。"
        key.append(text)
    if extra:
        key.append(extra)

    # No table of figures: the months are in the text and the comparison, the amounts in the calculation lines.
    figures: list[tuple[str, str]] = []
    arithmetic = _standard_lines(lines, d)
    arithmetic.append("基本医疗保险费：" + months_times(standard_groups(lines), amount))
    fees = [x for x in lines if Decimal(str(x.get("late_fee") or 0)) > 0]
    for x in fees:  # 滞纳金 = standard × daily rate × days past the month's due date, each month on its own
        arithmetic.append(f"{fmt.month(x['month'])}滞纳金（逾期{x['late_days']}天）：{fmt.amount(x['monthly_standard'])}"
                          f" × {fmt.percent(d['late_fee_daily_rate'])} × {x['late_days']} = {fmt.amount(x['late_fee'])}元")
    if late_fee:
        arithmetic.append("应缴合计：" + sum_line([amount, *(x["late_fee"] for x in fees)], total))

    compare = [["缴费日期", "可缴月份", "应缴合计", "其中滞纳金", "开始享受待遇"]]
    for when in (d, later):
        months = when.get("months_to_pay") or []
        begin = when.get("benefit_start_if_paid")
        covered = f"{fmt.month_list(months)}" if months else "—"
        gone = [m for m in when.get("lapsed_months") or [] if m in to_pay]   # payable today, not then
        if gone:
            covered += f"（{fmt.month_list(gone)}已超过补缴期限）"
        compare.append([fmt.day(when.get("pay_on") or when["date"]), covered, fmt.money(when["total"]),
                        fmt.money(when.get("late_fee") or 0), fmt.month(begin) if begin else "—"])

    paragraphs = [f"经核查，您{fmt.month_list(arrears)}欠缴职工基本医疗保险费，共{len(arrears)}个月。"
                  f"{according_to(d)}，请一次性补缴，明细如下。"]
    lapsed = d.get("lapsed_months") or []
    if lapsed:
        paragraphs.append(f"{fmt.month_list(lapsed)}已超过可补缴恢复待遇的中断期限，不在本次补缴范围内。")
    closing: list[str] = []
    if late_fee:
        closing.append(f"滞纳金按日{fmt.percent(d['late_fee_daily_rate'])}自缴费期限届满次日起计至缴费当日；"
                       "不在上述日期缴纳的，以缴费当日重新计算的金额为准。")
    citations = _with_channels(notice, closing)
    return Content(TITLE, paragraphs, figures, closing, citations, key_facts=key, arithmetic=arithmetic,
                   compare=compare, compare_title="今天缴纳与下月缴纳的对比：",
                   decisions=[contribution] if contribution else [])


def _transfer_gap(notice: dict) -> Content:
    d = notice["decision"]
    months = d.get("back_pay_months") or []
    if not months:
        raise not_applicable("本次转移接续没有需要补缴的中断月份，无需出具一次性补缴通知书。")
    paid = set(notice.get("paid_months") or [])
    if paid.issuperset(months):
        raise not_applicable("中断期间的费用已登记补缴，无需出具一次性补缴通知书。")
    if d.get("back_pay_amount") is None:
        raise NoticeError("missing_parameter", "中断期间的补缴金额尚未核定（缺少转入地缴费标准所需的参数），"
                          "无法出具一次性补缴通知书。", "decision.back_pay_amount")
    amount = d["back_pay_amount"]
    key = [f"应补缴中断期间（{fmt.month_list(months)}，共{len(months)}个月）的基本医疗保险费{fmt.money(amount)}。"]
    if d.get("continuous") and d.get("benefit_start"):
        back = d.get("retroactive_months") or []
        text = f"补缴后视为连续参保，不设待遇享受等待期，自{fmt.month(d['benefit_start'])}起享受医保待遇"
        key.append(text + (f"，{fmt.month_list(back)}期间的待遇可追溯享受。" if back else "。"))
    figures = [("补缴月份", f"{fmt.month_list(months)}（{len(months)}个月）")]
    if d.get("monthly_standard") is not None:
        figures.append(("月缴费标准", fmt.money(d["monthly_standard"])))
    figures.append(("补缴金额", fmt.money(amount)))
    arithmetic = []
    if d.get("monthly_base") is not None and d.get("rate") is not None:
        arithmetic.append("月缴费标准：" + standard_line(d["monthly_base"], d["rate"], d["monthly_standard"]))
    if d.get("monthly_standard") is not None:
        arithmetic.append("补缴金额：" + months_times([(d["monthly_standard"], len(months))], amount))
    paragraphs = [f"您的基本医疗保险关系转入{d['jurisdiction_name']}前中断缴费{fmt.month_list(months)}，共{len(months)}个月。"
                  f"{according_to(d)}，可按转入地缴费标准补缴中断期间的基本医疗保险费，明细如下。"]
    closing: list[str] = []
    citations = _with_channels(notice, closing)
    return Content(TITLE, paragraphs, figures, closing, citations, key_facts=key, arithmetic=arithmetic)


def retirement_content(notice: dict) -> Content:
    """一次性缴费（趸缴）通知书: the years missing at retirement (and 吉林's pooling-only difference that must be
    paid to retire), priced at the month handled."""
    d = notice["decision"]
    if d.get("question") != "retirement":
        raise not_applicable("一次性缴费（趸缴）通知书只用于办理退休时补足缴费年限。")
    lump, diff = d.get("lump_sum"), d.get("mode_difference")
    required_diff = diff if diff and diff.get("required") else None
    if not lump and not required_diff:
        raise not_applicable("退休资格审核结果不涉及一次性缴费（趸缴）。")
    total = d.get("total_due")
    if total is None:
        raise NoticeError("missing_parameter", "趸缴金额尚未核定（办理当月的缴费标准尚不能确定），无法出具通知书。",
                          "decision.total_due")
    key = [f"一次性缴费（趸缴）金额：{fmt.money(total)}。"]
    if d.get("pay_by"):
        key.append(f"本金额按{fmt.month(d['pay_by'])}的缴费标准计算，请于{fmt.day(d['pay_by'])}前（含当日）缴纳；"
                   "此后缴纳的，按缴纳当月的缴费标准重新核定。")
    if d.get("retiree_benefits_from"):
        key.append(f"缴清并办理退休手续后，自{fmt.month(d['retiree_benefits_from'])}起享受职工医保退休人员待遇。")
    else:
        key.append("缴清后可办理职工医保退休手续，自办结次月起享受职工医保退休人员待遇。")
    figures, arithmetic, parts = [], [], []
    if lump:
        figures += [("补足缴费年限所差月数", fmt.month_count(lump["months"])),
                    ("月缴费标准", fmt.money(lump["monthly_standard"])),
                    ("补足年限应缴", fmt.money(lump["amount"]))]
        arithmetic += ["月缴费标准：" + standard_line(lump["monthly_base"], lump["rate"], lump["monthly_standard"]),
                       "补足年限应缴：" + months_times([(lump["monthly_standard"], lump["months"])], lump["amount"])]
        parts.append(lump["amount"])
    if required_diff and required_diff.get("amount") is not None:
        figures += [("单建统筹期间月数", fmt.month_count(required_diff["months"])),
                    ("单建统筹与统账结合差额", fmt.money(required_diff["amount"]))]
        arithmetic.append("单建统筹与统账结合差额："
                          + months_times([(required_diff["difference_monthly"], required_diff["months"])],
                                         required_diff["amount"]))
        parts.append(required_diff["amount"])
    figures.append(("应缴合计", fmt.money(total)))
    if len(parts) > 1 and sum(Decimal(str(p)) for p in parts) == Decimal(str(total)):
        arithmetic.append("应缴合计：" + sum_line(parts, total))
    paragraphs = [f"经审核，您的法定退休年月为{fmt.month(need(d, 'retirement_month'))}，"
                  f"职工基本医疗保险缴费年限未达到规定的最低缴费年限。{according_to(d)}，"
                  "可按办理当月的缴费标准一次性缴费（趸缴）至最低缴费年限，明细如下。"]
    closing: list[str] = []
    citations = _with_channels(notice, closing)
    return Content(RETIREMENT_TITLE, paragraphs, figures, closing, citations, key_facts=key, arithmetic=arithmetic)
