"""退休资格: statutory age reached, required years met (total, actual, in-province), options and the lump sum."""
from __future__ import annotations

from decimal import Decimal

from .context import Context
from .contribution import MODES, Standard, check_mode, standard
from .errors import RuleError, invalid
from .inputs import bool_field, choice_field, date_field, int_field, req
from .jurisdictions import RETIREMENT_DECISION
from .money import fen, money_str, plain
from .months import Month
from .retirement_age import retirement_age_months, retirement_month

RECORD_FIELDS = ("total_months", "actual_months", "in_province_months", "local_months", "pooling_only_months")


def _record(case: dict) -> dict:
    rec = req(case, "record", "record")
    out = {k: int_field(rec, k, f"record.{k}", low=0, high=1200) for k in RECORD_FIELDS}
    out["in_arrears"] = bool_field(rec, "in_arrears", "record.in_arrears", default=False)
    # Beyond FORMAT.md: 吉林（五）'s pooling-only difference already paid at this office.
    out["mode_difference_paid"] = bool_field(rec, "mode_difference_paid", "record.mode_difference_paid",
                                             default=False)
    if out["actual_months"] > out["total_months"]:
        raise invalid("record.actual_months", "实际缴费月数不能大于累计缴费月数")
    if out["pooling_only_months"] > out["total_months"]:
        raise invalid("record.pooling_only_months", "单建统筹缴费月数不能大于累计缴费月数")
    return out


def _years(ctx: Context, name: str) -> int:
    return int(ctx.num(name)) * 12


def minimums(ctx: Context, sex: str, mode: str, hukou_in_province: bool) -> dict[str, tuple[str, int]]:
    """Each minimum that applies: key -> (record field it is measured on, months required)."""
    j = ctx.j
    pooling = mode == "pooling_only" and ctx.has(f"required_years_{'male' if sex == 'M' else 'female'}_pooling_only")
    suffix = "_pooling_only" if pooling else ""
    total = _years(ctx, ("required_years_male" if sex == "M" else "required_years_female") + suffix)
    out = {"total": ("total_months", total)}
    if j.actual_years_are_local:
        # 信阳 第十一条: 实际缴费年限 = years paid into Xinyang's scheme; years elsewhere are deemed years.
        ctx.cite("years")
        out["actual"] = ("local_months", _years(ctx, "required_actual_years"))
    elif j.in_province_minimum:
        out["in_province"] = ("local_months", _years(ctx, "required_in_province_years"))
    else:
        if ctx.has("required_actual_years"):
            out["actual"] = ("actual_months", _years(ctx, "required_actual_years"))
        if j.outsiders_need_years_here and not hukou_in_province:
            out["in_province"] = ("in_province_months", total)
    return out


def _priced(ctx: Context, mode: str, now: Month) -> Standard | None:
    """The standard of the month handled, or None (with a note) before 吉林's new standard applies."""
    try:
        return standard(ctx, mode, now)
    except RuleError as e:
        if e.code != "no_policy_in_force":
            raise
        ctx.note(f"补缴金额暂未核定：{e.message}")
        return None


def decide_retirement(ctx: Context, case: dict) -> dict:
    j = ctx.j
    person = req(case, "person", "person")
    sex = choice_field(person, "sex", "person.sex", ("M", "F"))
    birth = date_field(person, "birth_date", "person.birth_date")
    if birth > ctx.date:
        raise invalid("person.birth_date", "出生日期晚于办理日期")
    female_age = int_field(person, "female_original_age", "person.female_original_age", default=55, low=50, high=55)
    if female_age not in (50, 55):
        raise invalid("person.female_original_age", "女性原法定退休年龄应为50或55")
    hukou_in = bool_field(person, "hukou_in_province", "person.hukou_in_province", default=True)
    mode = check_mode(ctx, choice_field(case, "mode", "mode", MODES, default=j.modes[0]))
    rec = _record(case)

    ctx.cite_text(RETIREMENT_DECISION)
    ctx.cite("retirement")
    if sex == "F" and female_age == 50 and j.outsiders_need_years_here:
        ctx.note(f"{j.document}二写明“女年满55周岁”，本决定按其所指的法定退休年龄理解：原法定退休年龄为50周岁的女性，"
                 f"按50周岁及渐进式延迟规定计算（本机构选定的口径）")
    age_months = retirement_age_months(birth, sex, female_age)
    retire = retirement_month(birth, sex, female_age)
    now = Month.of(ctx.date)
    reached = retire <= now
    mins = minimums(ctx, sex, mode, hukou_in)
    shortfall = {"total": 0, "actual": 0, "in_province": 0}
    for k, (fld, need) in mins.items():
        shortfall[k] = max(0, need - rec[fld])
    arrears_block = j.arrears_block_retirement and rec["in_arrears"]
    if arrears_block:
        ctx.cite("arrears")
    # 吉林（五）: retiring in with-account mode, the pooling-only years count once their difference is paid.
    diff_due = (mode == "with_account" and rec["pooling_only_months"] > 0 and j.mode_change_at_retirement
                and not rec["mode_difference_paid"])
    qualified = reached and not any(shortfall.values()) and not arrears_block and not diff_due
    reasons = ([] if reached else ["age_not_reached"]) + [f"shortfall_{k}" for k, v in shortfall.items() if v] \
        + (["in_arrears"] if arrears_block else []) + (["mode_difference_unpaid"] if diff_due else [])

    lump = None
    options = ["retiree_benefits"] if qualified else ["continue_paying"]
    if reached and (any(shortfall.values()) or diff_due):
        if j.lump_sum_by_province_years:
            two_years = _years(ctx, "lump_sum_min_province_years")
            options = ["lump_sum", "continue_paying"] if rec["local_months"] >= two_years \
                else ["lump_sum", "resident_scheme"]
        else:
            options = ["continue_paying", "lump_sum"]
    if reached and any(shortfall.values()):
        months = max(shortfall.values())   # the larger shortfall covers the others
        s = _priced(ctx, mode, now)
        lump = {"months": months, "monthly_base": money_str(s.base) if s else None,
                "rate": plain(s.rate) if s else None, "monthly_standard": money_str(s.amount) if s else None,
                "amount": money_str(s.amount * months) if s else None}
        if j.has("retiree"):
            ctx.cite("retiree")   # 信阳 第十二条: 按办理当月的缴费标准一次性补齐
        if j.retirement_lump_sum_reading:
            ctx.note(j.retirement_lump_sum_reading)

    mode_diff = None
    if mode == "with_account" and rec["pooling_only_months"] and (j.mode_change_any_time or diff_due):
        ctx.cite("mode_change" if j.has("mode_change") else "retirement")
        with_account, pooling = _priced(ctx, "with_account", now), _priced(ctx, "pooling_only", now)
        monthly = with_account.amount - pooling.amount if with_account and pooling else None
        mode_diff = {"months": rec["pooling_only_months"],
                     "difference_monthly": None if monthly is None else money_str(monthly),
                     "amount": None if monthly is None else money_str(monthly * rec["pooling_only_months"]),
                     "required": diff_due, "account_credit": None}
        rate = ctx.opt("account_credit_rate") if j.mode_change_at_retirement else None
        if rate is not None and with_account is not None:
            mode_diff["account_credit"] = money_str(fen(with_account.base * rate) * rec["pooling_only_months"])
        if diff_due:
            ctx.note(f"按{j.cite('retirement')}，按统账结合模式办理在职转退休的，须先一次性补缴单建统筹与统账结合模式的"
                     f"缴费差额，补缴后一次性补计个人账户，方可办理退休")
    if qualified and j.has("retiree"):
        ctx.cite("retiree")   # 信阳 第十二条: 从办结次月起享受退休人员待遇
    total_due = None
    # What must be paid to retire: the lump sum and a difference that is a precondition (吉林); 信阳's difference
    # (第六条) only buys the retiree's personal account and stays a figure of its own.
    parts = [x["amount"] for x in (lump, mode_diff if diff_due else None) if x and x.get("amount") is not None]
    if parts:
        total_due = money_str(sum((Decimal(a) for a in parts), Decimal(0)))
    # Priced at the standard of the month handled (信阳 第十二条 按办理当月的缴费标准; elsewhere the office's reading):
    # the amount holds to that month's last day, and a later payment is priced again.
    priced = any(x and x.get("amount") is not None for x in (lump, mode_diff))
    return ctx.result(
        pay_by=now.last_day.isoformat() if priced else None,
        mode=mode, retirement_age_months=age_months,
        retirement_age=f"{age_months // 12}岁" + (f"{age_months % 12}个月" if age_months % 12 else ""),
        retirement_month=str(retire), age_reached=reached, qualified=qualified,
        required_months={k: need for k, (_, need) in mins.items()},
        shortfall_months=shortfall, reasons=reasons, options=options, lump_sum=lump,
        mode_difference=mode_diff, total_due=total_due,
        retiree_benefits_from=str(now + 1) if qualified else None)
