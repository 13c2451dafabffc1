"""The four documents as data: in-force dates, modes, local ties, arrears rules and the clause behind each topic."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .errors import RuleError

RETIREMENT_DECISION = "全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定（2024年9月13日）"
SOCIAL_INSURANCE_LAW_86 = "《中华人民共和国社会保险法》第八十六条"

COMMON_PARAMS = ("avg_wage_annual",)


@dataclass(frozen=True)
class Jurisdiction:
    key: str
    name: str
    province: str
    document: str
    in_force: dt.date
    modes: tuple[str, ...]
    places: frozenset[str]            # local ties accepted for enrolment
    stop_offset: int                  # an unpaid month M stops benefits from month M + stop_offset
    heal_needs_back_pay: bool         # arrears must be paid back (not only payment resumed) to keep continuity
    retro_on_back_pay: bool           # months stopped by arrears regain benefits once paid back in time
    limit_in_days: bool               # the interruption limit counts calendar days (吉林 90 天)
    late_fee: bool
    clauses: dict[str, str]           # topic -> clause of `document` (or a full citation starting with 《/全)
    parameters: tuple[str, ...]
    payment_channels: tuple[str, ...]
    payment_channels_topic: str
    missed_payment_note: str
    caps: tuple[tuple[str, int], ...] = ()   # upper bounds a document sets on a city's parameter

    def cite(self, topic: str) -> str:
        clause = self.clauses[topic]
        return clause if clause.startswith(("《", "全国", "江苏省医保局")) else f"{self.document} {clause}"

    @property
    def payment_channels_citation(self) -> str:
        return self.cite(self.payment_channels_topic)

    @property
    def missed_payment_citation(self) -> str:
        return self.cite("unpaid")


_ALL_TIES = frozenset({"hukou", "residence", "residence_permit", "hkmt_residence_permit", "employment"})

HUAINAN = Jurisdiction(
    key="huainan", name="淮南市", province="安徽省", document="淮医保发〔2022〕28号",
    in_force=dt.date(2022, 7, 1), modes=("with_account",),
    # 二（一）: 户籍地、就业地或居住地; 三（一）: 凭居住证 (a Hong Kong/Macao/Taiwan residence permit is one)
    places=_ALL_TIES, stop_offset=1, heal_needs_back_pay=True, retro_on_back_pay=False,
    limit_in_days=False, late_fee=False,
    clauses={"scope": "二（一）", "places": "二（一）、三（一）", "contribution": "二（二）", "waiting": "二（三）",
             "unpaid": "二（三）", "transfer": "二（四）", "retirement": "二（五）", "channels": "三（二）",
             "in_force": "四（三）"},
    parameters=COMMON_PARAMS + ("base_share", "flexible_rate", "waiting_months_first", "waiting_months_after_lapse",
                                "arrears_limit_months", "required_years_male", "required_years_female",
                                "required_actual_years"),
    payment_channels=("电子税务局", "微信", "支付宝", "皖事通"), payment_channels_topic="channels",
    missed_payment_note="未按时足额缴费的，次月停止享受职工医保待遇；3个月内恢复缴费并补足中断期间医保费的，"
                        "缴费当月即可享受待遇；中断缴费超过3个月后重新缴费的，设置6个月待遇享受等待期。",
)

JIANGSU = Jurisdiction(
    key="jiangsu", name="江苏省", province="江苏省", document="苏医保发〔2021〕61号",
    in_force=dt.date(2022, 1, 1), modes=("with_account",),
    # 一: 本设区市户籍、本设区市居住证、港澳台居民居住证 must be accepted
    places=frozenset({"hukou", "residence_permit", "hkmt_residence_permit"}),
    stop_offset=1, heal_needs_back_pay=False, retro_on_back_pay=False, limit_in_days=False, late_fee=False,
    clauses={"scope": "一", "places": "一", "contribution": "二", "waiting": "二", "unpaid": "二",
             "transfer": "二", "transfer_press": "江苏省医保局新闻发布会（2021年10月20日）：省内转移接续中断不超过3个月补足后视作连续参保",
             "retirement": "二", "resident_switch": "三", "channels": "五", "subsidy": "二", "in_force": "五"},
    parameters=COMMON_PARAMS + ("base_ratio", "employer_medical_rate", "individual_medical_rate", "rate_reduction",
                                "waiting_months_first", "waiting_months_after_lapse", "arrears_limit_months",
                                "required_years_male", "required_years_female", "required_actual_years",
                                "resident_annual_standard", "resident_convert_months_per_year"),
    payment_channels=("“江苏医保云”APP", "“江苏税务”APP", "“江苏政务”APP", "微信", "支付宝", "银行协议扣款",
                      "社会保障卡金融账户扣款", "银联POS机等自助终端", "经办窗口"),
    payment_channels_topic="channels",
    # 二: 可设置不超过3个月的待遇享受等待期; 可再次设立不超过3个月的待遇享受等待期
    caps=(("waiting_months_first", 3), ("waiting_months_after_lapse", 3)),
    missed_payment_note="未按时足额缴费的，自第二个自然月起暂时停止享受职工医保待遇；3个月内恢复正常缴费的，"
                        "恢复缴费后发生的医疗费用按规定报销；超过3个月未缴费后重新缴费的，再次设立待遇享受等待期。",
)

JILIN = Jurisdiction(
    key="jilin", name="吉林省", province="吉林省",
    document="吉林省《关于优化灵活就业人员医疗保障有关政策的通知》（征求意见稿）",
    in_force=dt.date(2025, 4, 1), modes=("with_account", "pooling_only"),
    # （一）: 户籍地、常住地、就业地; a residence permit shows habitual residence
    places=_ALL_TIES, stop_offset=1, heal_needs_back_pay=True, retro_on_back_pay=True,
    limit_in_days=True, late_fee=False,
    clauses={"scope": "一（一）", "places": "一（一）", "modes": "一（二）", "contribution": "二（三）",
             "payment": "二（四）", "retirement": "二（五）", "subsidy": "二（六）", "maternity": "三（八）",
             "transfer": "三（九）", "waiting": "三（九）", "unpaid": "三（九）", "channels": "四（十）",
             "in_force": "五（十二）后段"},
    parameters=COMMON_PARAMS + ("base_share", "employer_medical_rate", "maternity_low_rate", "individual_medical_rate",
                                "pooling_employer_share", "account_credit_rate", "waiting_months_first",
                                "waiting_months_after_lapse", "arrears_limit_days", "required_years_male",
                                "required_years_female", "required_in_province_years",
                                "lump_sum_min_province_years", "subsidy_max_share"),
    payment_channels=("税务部门线上缴费渠道", "线下经办窗口", "代办、代缴", "按年预存、按月扣缴（签订扣款协议）"),
    payment_channels_topic="channels",
    missed_payment_note="文件未规定欠费停保的具体时点，按统筹地区基本医保规定执行；办理转移接续或补缴时，"
                        "中断缴费90天（含）以内的可补缴，补缴后视为连续参保，中断期间待遇可追溯享受。",
)

XINYANG = Jurisdiction(
    key="xinyang", name="信阳市", province="河南省", document="信医保办〔2023〕46号",
    in_force=dt.date(2023, 10, 1), modes=("with_account", "pooling_only"),
    # 第二条 居住在信阳市域内; 第四条 户籍地、居住地或灵活就业登记地
    places=_ALL_TIES, stop_offset=2, heal_needs_back_pay=True, retro_on_back_pay=True,
    limit_in_days=False, late_fee=True,
    clauses={"scope": "第二条", "places": "第二条、第四条", "contribution": "第五条", "mode_change": "第六条",
             "unpaid": "第七条", "waiting": "第九条（一）", "back_pay": "第九条（二）", "transfer": "第九条（三）",
             "retirement": "第十条", "years": "第十一条", "retiree": "第十二条", "channels": "第十三条",
             "in_force": "第十四条", "late_fee_rate": SOCIAL_INSURANCE_LAW_86 + "（滞纳金日万分之五，待经办机构确认）"},
    parameters=COMMON_PARAMS + ("base_share", "rate_with_account", "rate_pooling_only", "account_rate",
                                "waiting_months_first", "waiting_months_after_lapse", "arrears_limit_months",
                                "required_years_male", "required_years_female", "required_years_male_pooling_only",
                                "required_years_female_pooling_only", "required_actual_years", "late_fee_daily_rate"),
    payment_channels=("税务部门（信阳市各税务局办税服务厅及其线上缴费渠道）",), payment_channels_topic="channels",
    missed_payment_note="欠缴职工医保费的，从欠缴费用的第3个月起停止各项医保待遇；欠缴3个月（含）以内的，"
                        "补缴欠费和滞纳金后缴费当月即享受待遇，欠费期间待遇可追溯享受；欠缴超过3个月的，"
                        "按暂停参保处理，重新缴费设置3个月待遇享受等待期。",
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
