"""参保登记 eligibility: the ID, legal working age, employer insurance and a local tie."""
from __future__ import annotations

from .context import Context
from .errors import invalid
from .idcard import parse_id_number
from .inputs import bool_field, choice_field, int_field, req
from .jurisdictions import RETIREMENT_DECISION
from .months import Month
from .retirement_age import retirement_month

CATEGORIES = ("self_employed", "part_time", "platform", "freelancer", "other")
PLACES = ("hukou", "residence", "residence_permit", "employment", "hkmt_residence_permit")
REASON_ZH = {
    "employer_insured": "已通过用人单位参加职工医保，不能以灵活就业人员身份参保",
    "under_working_age": "未满16周岁，不在法定劳动年龄段",
    "over_retirement_age": "已达到法定退休年龄",
    "no_local_tie": "在本统筹地区无户籍、居住证（居住地）或就业等参保所需关系",
}
MIN_WORKING_AGE = 16


def _age_on(birth, on) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def decide_eligibility(ctx: Context, case: dict) -> dict:
    person = req(case, "person", "person")
    if not isinstance(person, dict):
        raise invalid("person", "person 应为对象")
    idn = parse_id_number(person.get("id_number"))
    if idn.birth_date > ctx.date:
        raise invalid("person.id_number", "身份证号码中的出生日期晚于办理日期")
    employer = bool_field(person, "employer_insured", "person.employer_insured", default=False)
    choice_field(person, "category", "person.category", CATEGORIES)
    places = person.get("places", [])
    if not isinstance(places, list) or any(p not in PLACES for p in places):
        raise invalid("person.places", f"person.places 应为以下项目的列表：{'、'.join(PLACES)}")
    female_age = int_field(person, "female_original_age", "person.female_original_age", default=55, low=50, high=55)
    if female_age not in (50, 55):
        raise invalid("person.female_original_age", "女性原法定退休年龄应为50或55")

    j = ctx.j
    ctx.cite("scope")
    reasons = []
    if employer:
        reasons.append("employer_insured")
    if _age_on(idn.birth_date, ctx.date) < MIN_WORKING_AGE:
        reasons.append("under_working_age")
    retire = retirement_month(idn.birth_date, idn.sex, female_age)
    if retire <= Month.of(ctx.date):
        reasons.append("over_retirement_age")
        ctx.cite_text(RETIREMENT_DECISION)
    ctx.cite("places")
    if not set(places) & j.places:
        reasons.append("no_local_tie")
    return ctx.result(eligible=not reasons, reasons=reasons, reasons_zh=[REASON_ZH[r] for r in reasons],
                      id_number=idn.number, birth_date=idn.birth_date.isoformat(), sex=idn.sex,
                      retirement_month=str(retire))
