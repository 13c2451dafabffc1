"""退休资格: statutory age reached, required years met (total, actual, in-province), options and the lump sum."""
from __future__ import annotations

from decimal import Decimal

from .context import Context
from .contribution import MODES, check_mode, standard
from .errors import invalid
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
    if out["actual_months"] > out["total_months"]:
        raise invalid("record.actual_months", "实际缴费月数不能大于累计缴费月数")
    if out["pooling_only_months"] > out["total_months"]:
        raise invalid("record.pooling_only_months", "单建统筹缴费月数不能大于累计缴费月数")
    return out


def _years(ctx: Context, name: str) -> int:
    return int(ctx.num(name)) * 12


def minimums(ctx: Context, sex: str, mode: str, hukou_in_province: bool) -> dict[str, tuple[str, int]]:
    """Each minimum that applies: key -> (record field it is measured on, months required)."""
    key = ctx.j.key
    suffix = "_pooling_only" if key == "xinyang" and mode == "pooling_only" else ""
    total = _years(ctx, ("required_years_male" if sex == "M" else "required_years_female") + suffix)
    out = {"total": ("total_months", total)}
    if key == "xinyang":
        # 第十一条: 实际缴费年限 = years paid into Xinyang's scheme; years elsewhere are deemed years.
        ctx.cite("years")
        out["actual"] = ("local_months", _years(ctx, "required_actual_years"))
    elif key == "jilin":
        out["in_province"] = ("local_months", _years(ctx, "required_in_province_years"))
    else:
        if ctx.opt("required_actual_years") is not None:
            out["actual"] = ("actual_months", _years(ctx, "required_actual_years"))
        if key == "jiangsu" and not hukou_in_province:
            out["in_province"] = ("in_province_months", total)
    return out


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
    age_months = retirement_age_months(birth, sex, female_age)
    retire = retirement_month(birth, sex, female_age)
    now = Month.of(ctx.date)
    reached = retire <= now
    mins = minimums(ctx, sex, mode, hukou_in)
    shortfall = {"total": 0, "actual": 0, "in_province": 0}
    for k, (fld, need) in mins.items():
        shortfall[k] = max(0, need - rec[fld])
    arrears_block = j.key == "xinyang" and rec["in_arrears"]
    qualified = reached and not any(shortfall.values()) and not arrears_block
    reasons = ([] if reached else ["age_not_reached"]) + [f"shortfall_{k}" for k, v in shortfall.items() if v] \
        + (["in_arrears"] if arrears_block else [])

    lump = None
    options = ["retiree_benefits"] if qualified else ["continue_paying"]
    if reached and any(shortfall.values()):
        months = max(shortfall.values())   # the larger shortfall covers the others
        s = standard(ctx, mode, now)
        lump = {"months": months, "monthly_base": money_str(s.base), "rate": plain(s.rate),
                "monthly_standard": money_str(s.amount), "amount": money_str(fen(s.amount * months))}
        if j.key == "jilin":
            two_years = _years(ctx, "lump_sum_min_province_years")
            options = ["lump_sum", "continue_paying"] if rec["local_months"] >= two_years \
                else ["lump_sum", "resident_scheme"]
        else:
            options = ["continue_paying", "lump_sum"]
        if j.key == "xinyang":
            ctx.cite("retiree")

    mode_diff = None
    if mode == "with_account" and rec["pooling_only_months"] and j.key in ("xinyang", "jilin"):
        ctx.cite("mode_change" if j.key == "xinyang" else "retirement")
        diff = standard(ctx, "with_account", now).amount - standard(ctx, "pooling_only", now).amount
        mode_diff = {"months": rec["pooling_only_months"], "difference_monthly": money_str(diff),
                     "amount": money_str(fen(diff * rec["pooling_only_months"]))}
    return ctx.result(
        mode=mode, retirement_age_months=age_months,
        retirement_age=f"{age_months // 12}岁" + (f"{age_months % 12}个月" if age_months % 12 else ""),
        retirement_month=str(retire), age_reached=reached, qualified=qualified,
        required_months={k: need for k, (_, need) in mins.items()},
        shortfall_months=shortfall, reasons=reasons, options=options, lump_sum=lump,
        mode_difference=mode_diff, retiree_benefits_from=str(now + 1) if qualified else None)


