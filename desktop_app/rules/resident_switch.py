"""居民医保转职工医保 (江苏 三): top up the difference per resident year, or convert a year to 3 months."""
from __future__ import annotations

from decimal import Decimal

from .context import Context
from .errors import RuleError, invalid
from .inputs import choice_field, int_field
from .money import fen, money_str, to_decimal
from .months import Month


def decide_resident_switch(ctx: Context, case: dict) -> dict:
    from .contribution import standard
    j = ctx.j
    if not j.resident_top_up:
        raise RuleError("not_applicable", f"{j.name}文件没有居民医保补差或折算转入职工医保的办法", "method")
    method = choice_field(case, "method", "method", ("top_up", "convert"))
    years = int_field(case, "resident_years", "resident_years", low=0, high=100)
    student = int_field(case, "student_years", "student_years", default=0, low=0, high=100)
    if student > years:
        raise invalid("student_years", "学生儿童及大学生参保年限不能多于居民医保参保年限")
    counted = years - student
    ctx.cite("resident_switch")
    if method == "convert":
        per_year = int(ctx.num("resident_convert_months_per_year"))
        return ctx.result(method=method, counted_years=counted, converted_months=counted * per_year)
    raw = case.get("flexible_annual_standard")
    if raw is None:
        flexible = standard(ctx, "with_account", Month.of(ctx.date)).amount * 12   # the rounded monthly standard
    else:
        try:
            flexible = to_decimal(raw)
        except ValueError:
            raise invalid("flexible_annual_standard", "灵活就业人员年筹资标准应为金额") from None
        if flexible < 0:
            raise invalid("flexible_annual_standard", "灵活就业人员年筹资标准不能为负数")
    resident = ctx.num("resident_annual_standard")
    per_year = max(flexible - resident, Decimal(0))
    return ctx.result(method=method, counted_years=counted, flexible_annual_standard=money_str(flexible),
                      resident_annual_standard=money_str(resident), difference_per_year=money_str(per_year),
                      amount=money_str(fen(per_year) * counted))
