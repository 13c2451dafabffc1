"""参保登记: check the form, ask the rule module, save the person with the decisions behind the enrolment."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from desktop_app.glyphs import unprintable
from desktop_app.services.errors import InputError, typed_text
from desktop_app.services.permissions import require
from desktop_app.services.rules_glue import add_months, ask, month_str, require_office
from desktop_app.services.session import Session
from desktop_app.store import decisions as decision_store
from desktop_app.store import people as people_store
from desktop_app.store.db import atomic

CATEGORIES = {"self_employed": "个体工商户（无雇工）", "part_time": "非全日制从业人员", "platform": "新就业形态（平台）从业人员",
              "freelancer": "自由职业者", "other": "其他灵活就业人员"}
PLACES = {"hukou": "户籍", "residence": "居住地", "residence_permit": "居住证", "employment": "就业地",
          "hkmt_residence_permit": "港澳台居民居住证"}
# Any CJK ideograph: the BMP blocks and Extensions B–I in planes 2 and 3 (GB 18030-2022 names such as 𠮷, 䶮, 𪚥).
_NAME = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003FFFF·•A-Za-z .\-]{2,30}$")
_PHONE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$")
# Reasons (rule codes) -> the form field the clerk looks at.
_REASON_FIELDS = {"employer_insured": "employer_insured", "no_local_tie": "places",
                  "under_working_age": "id_number", "over_retirement_age": "id_number"}


@dataclass(frozen=True)
class IdInfo:
    number: str
    birth_date: date
    sex: str  # "M" | "F"


@dataclass
class EnrolmentForm:
    id_number: str
    name: str
    phone: str = ""
    address: str = ""
    category: str = "freelancer"
    places: list[str] = field(default_factory=list)
    employer_insured: bool = False
    mode: str = "with_account"
    base_ratio: Decimal | None = None
    first_month: date | None = None  # the 1st of the first month paid as a flexible worker
    payment_cycle: str = "monthly"   # 信阳 第七条: 按月或按季度


@dataclass
class EnrolmentPreview:
    eligible: bool
    reasons: list[str]          # Chinese
    citations: list[str]
    monthly_base: Decimal | None
    monthly_amount: Decimal | None
    personal_account_monthly: Decimal | None
    waiting_months: int | None
    benefit_start: date | None  # 1st of the first month with benefits if every month is paid on time
    decisions: dict             # question -> rule decision (eligibility, contribution, benefit_timeline)
    reason_codes: list[str] = field(default_factory=list)
    large_expense_annual: Decimal | None = None  # the city's 大额 contribution a year, None when not entered
    notes: list[str] = field(default_factory=list)  # readings applied and facts to tell the person


@dataclass
class Enrolment:
    person_id: int | None
    created: bool
    name_mismatch: bool
    preview: EnrolmentPreview | None
    existing_name: str | None = None


def check_id_number(text: str) -> IdInfo:
    """身份证号码 as typed: format, birth date, check digit; 15-digit numbers are upgraded."""
    from desktop_app.rules import RuleError, parse_id_number

    try:
        idn = parse_id_number(text)
    except RuleError as error:
        raise InputError("id_number", error.message) from None
    return IdInfo(idn.number, idn.birth_date, idn.sex)


def _ratio(form: EnrolmentForm, jurisdiction: str) -> Decimal | None:
    """The person's chosen base band where the jurisdiction lets the person choose (江苏 二), checked against the
    band the rule module holds."""
    from desktop_app.rules import JURISDICTIONS, RuleError, range_text, validate_parameter

    needs_ratio = JURISDICTIONS[jurisdiction].person_chooses_base
    if form.base_ratio in (None, ""):
        if needs_ratio:
            raise InputError("base_ratio", f"请选择缴费基数档次（上年度平均工资的{range_text('base_ratio')}）")
        return None
    if not needs_ratio:
        return None
    try:
        return validate_parameter("base_ratio", Decimal(str(form.base_ratio)))
    except RuleError as error:
        raise InputError("base_ratio", error.message) from None
    except InvalidOperation:
        raise InputError("base_ratio", f"缴费基数档次应在{range_text('base_ratio')}之间") from None


def _check_form(session: Session, form: EnrolmentForm, today: date) -> tuple[str, IdInfo, Decimal | None]:
    """The form as typed. What the documents decide (the modes and payment cycles a jurisdiction has, the date
    its document took effect) is the rule module's answer to the cases, on the field it names."""
    jurisdiction = require_office(session)
    info = check_id_number(form.id_number)
    name = (form.name or "").strip()
    if not name:
        raise InputError("name", "请填写姓名")
    if not _NAME.match(name):
        raise InputError("name", "姓名应为2至30个汉字（少数民族姓名可含“·”）")
    missing = unprintable(name)
    if missing:  # an ideograph no bundled font has: it would show as a box and print blank
        raise InputError("name", f"“{''.join(missing)}”是规范汉字，但本程序的字库尚未收录此字，无法显示和打印，"
                                 "暂不能登记；请联系系统管理员更新字库")
    if form.phone and not _PHONE.match(form.phone.strip()):
        raise InputError("phone", "联系电话应为11位手机号码或带区号的固定电话")
    typed_text(form.address, "address", "居住地址")
    if form.category not in CATEGORIES:
        raise InputError("category", "请选择人员类别")
    if not form.places:
        raise InputError("places", "请至少选择一项在本地的参保关系（户籍、居住地、居住证、就业地）")
    if any(p not in PLACES for p in form.places):
        raise InputError("places", "参保关系只能从户籍、居住地、居住证、港澳台居民居住证、就业地中选择")
    if form.first_month is None:
        raise InputError("first_month", "请填写首次缴费月份")
    if not isinstance(form.first_month, date) or form.first_month.day != 1:
        raise InputError("first_month", "首次缴费月份应为某月1日（按月缴费）")
    if form.first_month > add_months(today, 1):
        raise InputError("first_month", "首次缴费月份最晚为下个月")
    return jurisdiction, info, _ratio(form, jurisdiction)


def _cases(jurisdiction: str, form: EnrolmentForm, info: IdInfo, ratio: Decimal | None, today: date) -> dict:
    first = month_str(form.first_month)
    contribution = {"question": "contribution", "jurisdiction": jurisdiction, "date": today.isoformat(),
                    "mode": form.mode, "month": first}
    if ratio is not None:
        contribution["parameters"] = {"base_ratio": str(ratio)}
    # The timeline as it will be if every month is paid on time: the first 13 months from the first month.
    horizon = [add_months(form.first_month, i) for i in range(13)]
    projection_date = max(horizon[-1], today)
    timeline = {"question": "benefit_timeline", "jurisdiction": jurisdiction,
                "date": projection_date.isoformat(), "first_month": first,
                "payments": [{"month": month_str(m), "paid_on": max(m, today).isoformat()} for m in horizon]}
    if form.payment_cycle != "monthly":
        timeline["payment_cycle"] = form.payment_cycle
    eligibility = {"question": "eligibility", "jurisdiction": jurisdiction, "date": today.isoformat(),
                   "person": {"id_number": info.number, "employer_insured": bool(form.employer_insured),
                              "category": form.category, "places": list(form.places)}}
    return {"eligibility": eligibility, "contribution": contribution, "benefit_timeline": timeline}


def _preview(session: Session, jurisdiction, form, info, ratio, today) -> tuple[EnrolmentPreview, dict]:
    cases = _cases(jurisdiction, form, info, ratio, today)
    eligibility = ask(session, cases["eligibility"], "id_number")
    decisions = {"eligibility": eligibility}
    reasons = list(eligibility.get("reasons_zh") or eligibility["reasons"])
    citations = list(eligibility["citations"])
    base = amount = account = large = None
    waiting = start = None
    notes: list[str] = []
    if eligibility["eligible"]:
        contribution = ask(session, cases["contribution"], "first_month")
        timeline = ask(session, cases["benefit_timeline"], "first_month")
        decisions.update(contribution=contribution, benefit_timeline=timeline)
        base = Decimal(contribution["monthly_base"])
        amount = Decimal(contribution["monthly_amount"])
        pam = contribution.get("personal_account_monthly")
        account = None if pam is None else Decimal(pam)
        if contribution.get("large_expense_annual") is not None:
            large = Decimal(contribution["large_expense_annual"])
        notes = [n for n in contribution.get("notes", []) + timeline.get("notes", [])]
        periods = timeline.get("waiting_periods") or []
        waiting = 0
        if periods:
            first, last = periods[0]["from"], periods[0]["to"]
            waiting = (int(last[:4]) - int(first[:4])) * 12 + int(last[5:7]) - int(first[5:7]) + 1
        if timeline.get("benefit_start"):
            start = date(int(timeline["benefit_start"][:4]), int(timeline["benefit_start"][5:7]), 1)
        for c in contribution["citations"] + timeline["citations"]:
            if c not in citations:
                citations.append(c)
    preview = EnrolmentPreview(eligibility["eligible"], reasons, citations, base, amount, account, waiting, start,
                               decisions, list(eligibility["reasons"]), large, notes)
    return preview, cases


def preview_enrolment(session: Session, form: EnrolmentForm, today: date) -> EnrolmentPreview:
    """What enrolment would decide, without writing anything."""
    require(session, "read")
    jurisdiction, info, ratio = _check_form(session, form, today)
    return _preview(session, jurisdiction, form, info, ratio, today)[0]


def enrol(session: Session, form: EnrolmentForm, today: date) -> Enrolment:
    """参保登记. An ID already on file returns that person (created=False); the same ID with another name is
    flagged (name_mismatch=True) and nothing is written; an ineligible person raises InputError."""
    require(session, "counter")
    # A duplicate is found from the ID and name alone, before the rest of the form matters.
    info = check_id_number(form.id_number)
    existing = people_store.by_id_number(session.db, info.number)
    if existing is not None:
        if not (form.name or "").strip():
            raise InputError("name", "请填写姓名")
        mismatch = existing["name"] != form.name.strip()
        return Enrolment(existing["id"], False, mismatch, None, existing["name"])
    jurisdiction, info, ratio = _check_form(session, form, today)
    preview, cases = _preview(session, jurisdiction, form, info, ratio, today)
    if not preview.eligible:
        code = preview.reason_codes[0] if preview.reason_codes else None
        raise InputError(_REASON_FIELDS.get(code), "不符合参保条件：" + "；".join(preview.reasons))
    person = {
        "id_number": info.number, "name": form.name.strip(), "sex": info.sex,
        "birth_date": info.birth_date.isoformat(), "phone": (form.phone or "").strip(),
        "address": (form.address or "").strip(), "category": form.category, "places": list(form.places),
        "employer_insured": bool(form.employer_insured), "mode": form.mode, "base_ratio": ratio,
        "jurisdiction": jurisdiction, "first_month": month_str(form.first_month), "waiting_exempt": False,
        "payment_cycle": form.payment_cycle,
    }
    stamp = session.stamp()
    with atomic(session.db):
        person_id = people_store.insert(session.db, stamp, person)
        for question, decision in preview.decisions.items():
            decision_store.insert(session.db, stamp, person_id, question, {"case": cases[question]}, decision,
                                  today.isoformat())
    return Enrolment(person_id, True, False, preview)
