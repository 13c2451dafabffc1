"""The four documents as data: in-force dates, modes, local ties, arrears rules and the clause behind each topic."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .errors import RuleError

RETIREMENT_DECISION = "全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定（2024年9月13日）"
SOCIAL_INSURANCE_LAW_86 = "《中华人民共和国社会保险法》第八十六条"

COMMON_PARAMS = ("avg_wage_annual", "suspend_after_months", "large_expense_annual", "prepay_limit_months")
LUMP_SUM_READING = ("一次性补缴金额按缺缴月数乘以办理当月缴费标准计算（文件未规定计算办法，"
                    "为本机构选定的口径：resources/policy/README.md）")


@dataclass(frozen=True)
class Jurisdiction:
    key: str
    name: str
    province: str
    document: str
    in_force: dt.date
    modes: tuple[str, ...]
    places: frozenset[str]            # local ties accepted for enrolment
    heal_needs_back_pay: bool         # arrears must be paid back (not only payment resumed) to keep continuity
    retro_on_back_pay: bool           # months stopped by arrears regain benefits once paid back in time
    limit_in_days: bool               # the interruption limit counts calendar days (吉林 90 天)
    late_fee: bool
    clauses: dict[str, str]           # topic -> clause of `document` (or a full citation starting with 《/全)
    parameters: tuple[str, ...]
    payment_channels: tuple[str, ...]
    payment_channels_topic: str
    caps: tuple[tuple[str, str], ...] = ()   # (parameter, the shipped parameter that bounds it: a document's limit)
    payment_cycles: tuple[str, ...] = ("monthly",)   # 信阳 第七条: 按月或按季度
    person_chooses_base: bool = False        # 江苏 二: the person's base is a chosen 60%–300% band
    resident_switch_without_wait: bool = False  # 江苏 二、吉林（九）: from the resident scheme after 2 years
    resident_switch_needs_no_back_pay: bool = False  # 江苏 二: "缴费后即可正常享受待遇"
    mode_change_any_time: bool = False       # 信阳 第六条
    mode_change_at_retirement: bool = False  # 吉林（五）
    subsidy_groups: bool = False             # 江苏 二、吉林（六）: 就业困难人员、离校2年内未就业高校毕业生
    maternity_cover: bool = False            # 吉林（八）
    resident_top_up: bool = False            # 江苏 三: 补差 or 折算
    arrears_block_retirement: bool = False   # 信阳 第十条（一）: 不欠缴
    actual_years_are_local: bool = False     # 信阳 第十一条: 实际缴费年限 = years paid into this city's scheme
    in_province_minimum: bool = False        # 吉林（五）: in-province actual years measured on record.local_months
    outsiders_need_years_here: bool = False  # 江苏 二: 非本省户籍 must meet the years in the province
    lump_sum_by_province_years: bool = False  # 吉林（五）: options depend on ≥2 years in the province
    retirement_lump_sum_reading: str = ""    # the office's reading where the text leaves the lump sum open
    city_clauses: tuple[tuple[str, str], ...] = ()  # (parameter, topic of the clause that leaves it to the city)

    def cite(self, topic: str) -> str:
        clause = self.clauses[topic]
        return clause if clause.startswith(("《", "全国", "江苏省医保局")) else f"{self.document} {clause}"

    def has(self, topic: str) -> bool:
        return topic in self.clauses

    @property
    def payment_channels_citation(self) -> str:
        return self.cite(self.payment_channels_topic)


_ALL_TIES = frozenset({"hukou", "residence", "residence_permit", "hkmt_residence_permit", "employment"})

HUAINAN = Jurisdiction(
    key="huainan", name="淮南市", province="安徽省", document="淮医保发〔2022〕28号",
    in_force=dt.date(2022, 7, 1), modes=("with_account",),
    # 二（一）: 户籍地、就业地或居住地; 三（一）: 凭居住证 (a Hong Kong/Macao/Taiwan residence permit is one)
    places=_ALL_TIES, heal_needs_back_pay=True, retro_on_back_pay=False,
    limit_in_days=False, late_fee=False,
    clauses={"scope": "二（一）", "places": "二（一）、三（一）", "contribution": "二（二）", "waiting": "二（三）",
             "unpaid": "二（三）", "lapse": "二（三）", "transfer": "二（四）", "transfer_out": "二（四）",
             "retirement": "二（五）",
             "channels": "三（二）", "in_force": "四（三）",
             # 二（二）: "按统筹地区有关规定参加职工大额医疗费用补助或职工大病保险"
             "large_expense": "二（二）"},
    retirement_lump_sum_reading=LUMP_SUM_READING,
    parameters=COMMON_PARAMS + ("base_share", "flexible_rate", "waiting_months_first", "waiting_months_after_lapse",
                                "arrears_limit_months", "required_years_male", "required_years_female",
                                "required_actual_years"),
    payment_channels=("电子税务局", "微信", "支付宝", "皖事通"), payment_channels_topic="channels",
    city_clauses=(("avg_wage_annual", "contribution"), ("flexible_rate", "contribution"),
                  ("large_expense_annual", "large_expense"), ("required_years_male", "retirement"),
                  ("required_years_female", "retirement")),
)

JIANGSU = Jurisdiction(
    key="jiangsu", name="江苏省", province="江苏省", document="苏医保发〔2021〕61号",
    in_force=dt.date(2022, 1, 1), modes=("with_account",),
    # 一: 本设区市户籍、本设区市居住证、港澳台居民居住证 must be accepted
    places=frozenset({"hukou", "residence_permit", "hkmt_residence_permit"}),
    heal_needs_back_pay=False, retro_on_back_pay=False, limit_in_days=False, late_fee=False,
    clauses={"scope": "一", "places": "一", "contribution": "二", "waiting": "二", "unpaid": "二", "lapse": "二",
             "transfer": "二", "transfer_press": "江苏省医保局新闻发布会（2021年10月20日）：省内转移接续中断不超过3个月补足后视作连续参保",
             "retirement": "二", "resident_switch": "三", "channels": "五", "subsidy": "二", "in_force": "五"},
    parameters=COMMON_PARAMS + ("employer_medical_rate", "individual_medical_rate", "rate_reduction",
                                "waiting_months_first", "waiting_months_after_lapse", "arrears_limit_months",
                                "required_years_male", "required_years_female", "required_actual_years",
                                "resident_annual_standard", "resident_convert_months_per_year", "switch_min_years",
                                "waiting_months_max"),
    payment_channels=("“江苏医保云”APP", "“江苏税务”APP", "“江苏政务”APP", "微信", "支付宝", "银行协议扣款",
                      "社会保障卡金融账户扣款", "银联POS机等自助终端", "经办窗口"),
    payment_channels_topic="channels",
    # 二: 可设置不超过3个月的待遇享受等待期; 可再次设立不超过3个月的待遇享受等待期
    caps=(("waiting_months_first", "waiting_months_max"), ("waiting_months_after_lapse", "waiting_months_max")),
    person_chooses_base=True, resident_switch_without_wait=True, resident_switch_needs_no_back_pay=True,
    subsidy_groups=True, resident_top_up=True, outsiders_need_years_here=True,
    retirement_lump_sum_reading=LUMP_SUM_READING,
    city_clauses=(("avg_wage_annual", "contribution"), ("employer_medical_rate", "contribution"),
                  ("individual_medical_rate", "contribution"), ("waiting_months_first", "waiting"),
                  ("waiting_months_after_lapse", "lapse"), ("required_years_male", "retirement"),
                  ("required_years_female", "retirement"), ("resident_annual_standard", "resident_switch")),
)

JILIN = Jurisdiction(
    key="jilin", name="吉林省", province="吉林省",
    document="吉林省《关于优化灵活就业人员医疗保障有关政策的通知》（征求意见稿）",
    in_force=dt.date(2025, 4, 1), modes=("with_account", "pooling_only"),
    # （一）: 户籍地、常住地、就业地; a residence permit shows habitual residence
    places=_ALL_TIES, heal_needs_back_pay=True, retro_on_back_pay=True,
    limit_in_days=True, late_fee=False,
    # No "unpaid" topic: the draft never says when an unpaid month stops benefits (suspend_after_months is the
    # office's parameter), and its 90 days (九) are about transfers, applied to arrears by analogy (a note says so).
    clauses={"scope": "一（一）", "places": "一（一）", "modes": "一（二）", "contribution": "二（三）",
             "payment": "二（四）", "retirement": "二（五）", "subsidy": "二（六）", "maternity": "三（八）",
             "transfer": "三（九）", "waiting": "三（九）", "lapse": "三（九）", "arrears_by_analogy": "三（九）",
             "channels": "四（十）", "in_force": "五（十二）后段", "new_standard": "五（十二）后段",
             "before_policy": "五（十二）后段"},
    parameters=COMMON_PARAMS + ("new_standard_from", "base_share", "employer_medical_rate", "maternity_low_rate",
                                "individual_medical_rate", "pooling_employer_share", "account_credit_rate",
                                "waiting_months_first", "waiting_months_after_lapse", "arrears_limit_days",
                                "required_years_male", "required_years_female", "required_in_province_years",
                                "lump_sum_min_province_years", "subsidy_max_share", "switch_min_years",
                                "maternity_delivery_deductible", "maternity_delivery_rate"),
    payment_channels=("税务部门线上缴费渠道", "线下经办窗口", "代办、代缴", "按年预存、按月扣缴（签订扣款协议）"),
    payment_channels_topic="channels",
    resident_switch_without_wait=True, mode_change_at_retirement=True, subsidy_groups=True, maternity_cover=True,
    in_province_minimum=True, lump_sum_by_province_years=True,
    city_clauses=(("new_standard_from", "new_standard"), ("avg_wage_annual", "contribution"),
                  ("employer_medical_rate", "contribution"), ("maternity_low_rate", "contribution"),
                  ("individual_medical_rate", "contribution"), ("waiting_months_first", "waiting"),
                  ("waiting_months_after_lapse", "lapse")),
)

XINYANG = Jurisdiction(
    key="xinyang", name="信阳市", province="河南省", document="信医保办〔2023〕46号",
    in_force=dt.date(2023, 10, 1), modes=("with_account", "pooling_only"),
    # 第二条 居住在信阳市域内; 第四条 户籍地、居住地或灵活就业登记地
    places=_ALL_TIES, heal_needs_back_pay=True, retro_on_back_pay=True,
    limit_in_days=False, late_fee=True,
    clauses={"scope": "第二条", "places": "第二条、第四条", "contribution": "第五条", "mode_change": "第六条",
             "unpaid": "第七条", "cycle": "第七条", "transfer_out": "第七条", "waiting": "第九条（一）",
             "back_pay": "第九条（二）",
             "lapse": "第九条（二）", "transfer": "第九条（三）", "retirement": "第十条", "arrears": "第十条（一）",
             "years": "第十一条", "retiree": "第十二条", "channels": "第十三条", "in_force": "第十四条",
             "large_expense": "第四条", "late_fee_rate": SOCIAL_INSURANCE_LAW_86 + "（滞纳金日万分之五）"},
    parameters=COMMON_PARAMS + ("base_share", "rate_with_account", "rate_pooling_only", "account_rate",
                                "waiting_months_first", "waiting_months_after_lapse", "arrears_limit_months",
                                "required_years_male", "required_years_female", "required_years_male_pooling_only",
                                "required_years_female_pooling_only", "required_actual_years", "late_fee_daily_rate"),
    payment_channels=("税务部门（信阳市各税务局办税服务厅及其线上缴费渠道）",), payment_channels_topic="channels",
    payment_cycles=("monthly", "quarterly"), mode_change_any_time=True, arrears_block_retirement=True,
    actual_years_are_local=True,
    city_clauses=(("avg_wage_annual", "contribution"), ("large_expense_annual", "large_expense")),
)

JURISDICTIONS: dict[str, Jurisdiction] = {j.key: j for j in (HUAINAN, JIANGSU, JILIN, XINYANG)}


def get_jurisdiction(key) -> Jurisdiction:
    j = JURISDICTIONS.get(key) if isinstance(key, str) else None
    if j is None:
        raise RuleError("unknown_jurisdiction", f"不支持的统筹地区：{key}（可选：淮南、江苏、吉林、信阳）",
                        "jurisdiction")
    return j


def check_in_force(j: Jurisdiction, on: dt.date, field: str = "date") -> None:
    if on < j.in_force:
        raise RuleError("no_policy_in_force",
                        f"{j.document}自{j.in_force.year}年{j.in_force.month}月{j.in_force.day}日起施行，"
                        f"{on.isoformat()}时该文件尚未生效，不能据此办理", field)
