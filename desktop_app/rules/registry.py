"""Every parameter name the rule module knows: Chinese label, unit and the range a value must fall in."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from .errors import invalid
from .money import to_decimal
from .months import Month


@dataclass(frozen=True)
class ParamDef:
    name: str
    label: str
    unit: str            # "yuan_year", "ratio", "rate", "months", "years", "days", "yuan", "month"
    low: Decimal | Month
    high: Decimal | Month
    integer: bool = False

    @property
    def is_month(self) -> bool:
        """A calendar month (YYYY-MM) rather than a number, e.g. Jilin's new_standard_from."""
        return self.unit == "month"


def _d(x) -> Decimal:
    return Decimal(str(x))


_DEFS = [
    ParamDef("avg_wage_annual", "上年度全省城镇单位就业人员平均工资（元/年）", "yuan_year", _d(10000), _d(1000000)),
    ParamDef("base_share", "缴费基数占平均工资比例", "ratio", _d("0.1"), _d(3)),
    ParamDef("base_ratio", "个人选择的缴费基数档次（60%–300%）", "ratio", _d("0.6"), _d(3)),
    ParamDef("flexible_rate", "灵活就业人员缴费比例", "rate", _d(0), _d("0.2")),
    ParamDef("employer_medical_rate", "职工医保单位缴费费率（不含生育）", "rate", _d(0), _d("0.2")),
    ParamDef("individual_medical_rate", "职工医保个人缴费费率", "rate", _d(0), _d("0.1")),
    ParamDef("maternity_low_rate", "低档生育保险缴费费率", "rate", _d(0), _d("0.05")),
    ParamDef("rate_reduction", "灵活就业人员费率降低幅度", "rate", _d(0), _d("0.1")),
    ParamDef("pooling_employer_share", "单建统筹模式单位费率折算比例", "ratio", _d(0), _d(1)),
    ParamDef("rate_with_account", "统账结合模式缴费比例", "rate", _d(0), _d("0.2")),
    ParamDef("rate_pooling_only", "单建统筹模式缴费比例", "rate", _d(0), _d("0.2")),
    ParamDef("account_rate", "在职人员个人账户计入比例（占缴费基数）", "rate", _d(0), _d("0.1")),
    ParamDef("account_credit_rate", "转统账结合时个人账户一次性补计比例", "rate", _d(0), _d("0.1")),
    ParamDef("waiting_months_first", "首次参保待遇享受等待期（月）", "months", _d(0), _d(12), True),
    ParamDef("waiting_months_max", "待遇享受等待期上限（月）", "months", _d(0), _d(12), True),
    ParamDef("waiting_months_after_lapse", "中断超期后重新缴费的待遇享受等待期（月）", "months", _d(0), _d(12), True),
    ParamDef("arrears_limit_months", "可补缴恢复待遇的中断期限（月）", "months", _d(0), _d(12), True),
    ParamDef("arrears_limit_days", "可补缴视为连续参保的中断期限（天）", "days", _d(0), _d(366), True),
    ParamDef("required_years_male", "男性最低缴费年限（年）", "years", _d(1), _d(50), True),
    ParamDef("required_years_female", "女性最低缴费年限（年）", "years", _d(1), _d(50), True),
    ParamDef("required_years_male_pooling_only", "单建统筹男性最低缴费年限（年）", "years", _d(1), _d(50), True),
    ParamDef("required_years_female_pooling_only", "单建统筹女性最低缴费年限（年）", "years", _d(1), _d(50), True),
    ParamDef("required_actual_years", "最低实际缴费年限（年）", "years", _d(0), _d(50), True),
    ParamDef("required_in_province_years", "本省最低实际缴费年限（年）", "years", _d(0), _d(50), True),
    ParamDef("lump_sum_min_province_years", "可选一次性趸缴的本省最低累计缴费年限（年）", "years", _d(0), _d(50), True),
    ParamDef("resident_annual_standard", "城乡居民医保年筹资标准（元/年）", "yuan", _d(0), _d(100000)),
    ParamDef("resident_convert_months_per_year", "居民医保每年折算职工医保月数", "months", _d(0), _d(12), True),
    ParamDef("late_fee_daily_rate", "补缴滞纳金日费率", "rate", _d(0), _d("0.01")),
    ParamDef("subsidy_max_share", "社会保险补贴占实际缴费比例上限", "ratio", _d(0), _d(1)),
    # FORMAT.md (2026-12-06): the names below are fixed by the interface.
    ParamDef("new_standard_from", "新缴费基数、费率及生育医疗待遇开始执行的月份", "month",
             Month(2025, 4), Month(2030, 12)),
    ParamDef("suspend_after_months", "欠费后停止享受待遇的间隔（月）", "months", _d(1), _d(12), True),
    ParamDef("large_expense_annual", "职工大额医疗费用补助（大病保险）年缴费标准（元/年）", "yuan_year", _d(0), _d(10000)),
    ParamDef("switch_min_years", "居民医保转职工医保免等待期所需连续参保年限（年）", "years", _d(0), _d(50), True),
    ParamDef("maternity_delivery_deductible", "住院分娩医疗费用起付标准（元）", "yuan", _d(0), _d(100000)),
    ParamDef("maternity_delivery_rate", "住院分娩医疗费用报销比例", "ratio", _d(0), _d(1)),
    ParamDef("prepay_limit_months", "最多可预缴的月数（月）", "months", _d(0), _d(36), True),
]
PARAMS: dict[str, ParamDef] = {p.name: p for p in _DEFS}


def parse_value(name: str, raw, field: str | None = None) -> Decimal | Month:
    """A parameter value checked against its range; fractions such as "2/3" are accepted; a month-valued
    parameter takes "YYYY-MM" and gives a Month."""
    field = field or f"parameters.{name}"
    p = PARAMS.get(name)
    if p is None:
        raise invalid(field, f"未知的参数：{name}")
    if p.is_month:
        try:
            month = raw if isinstance(raw, Month) else Month.parse(str(raw).strip())
        except ValueError:
            raise invalid(field, f"参数“{p.label}”应为月份（格式 YYYY-MM），收到：{raw!r}") from None
        if not p.low <= month <= p.high:
            raise invalid(field, f"参数“{p.label}”应在 {p.low} 至 {p.high} 之间，收到：{raw}")
        return month
    try:
        if isinstance(raw, str) and "/" in raw:
            f = Fraction(raw.strip())
            value = Decimal(f.numerator) / Decimal(f.denominator)
        else:
            value = to_decimal(raw)
    except (ValueError, ZeroDivisionError):
        raise invalid(field, f"参数“{p.label}”应为数字，收到：{raw!r}") from None
    if p.integer and value != value.to_integral_value():
        raise invalid(field, f"参数“{p.label}”应为整数，收到：{raw}")
    if not p.low <= value <= p.high:
        if p.unit in ("rate", "ratio"):   # rates are read as percentages (7%, 0.05%), written as decimals here
            hint = "；比例请写作小数，如 7% 写 0.07" if value >= 1 else ""
            raise invalid(field, f"参数“{p.label}”应在 {_percent(p.low)} 至 {_percent(p.high)} 之间，"
                                 f"收到：{raw}（即{_percent(value)}）{hint}")
        raise invalid(field, f"参数“{p.label}”应在 {p.low} 至 {p.high} 之间，收到：{raw}")
    return value


def _percent(value: Decimal) -> str:
    return f"{(value * 100).normalize():f}%"


def validate_parameter(name: str, value) -> Decimal | Month:
    return parse_value(name, value)


def range_text(name: str) -> str:
    """The range a parameter's value must fall in, as the counter says it ("60%至300%", "0至12")."""
    p = PARAMS[name]
    if p.unit in ("rate", "ratio"):
        return f"{_percent(p.low)}至{_percent(p.high)}"
    return f"{p.low}至{p.high}"
