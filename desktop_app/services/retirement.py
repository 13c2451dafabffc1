"""退休资格: the record summed from the ledger and corrections, the rule decision, and saving it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from desktop_app.rules import JURISDICTIONS
from desktop_app.services.errors import InputError, typed_text
from desktop_app.services.permissions import require
from desktop_app.services.person_terms import case_parameters, timeline_fields
from desktop_app.services.payments import timeline_case
from desktop_app.services.rules_glue import ask, month_str
from desktop_app.services.session import Session
from desktop_app.store import corrections as correction_store
from desktop_app.store import decisions as decision_store
from desktop_app.store import mode_differences as difference_store
from desktop_app.store import ledger as ledger_store
from desktop_app.store import people as people_store
from desktop_app.store.db import atomic

LOCAL_SOURCES = ("counter", "tax_import", "back_payment")
CORRECTION_KINDS = {"deemed": "视同缴费", "transferred": "转入缴费（凭证补录）"}


@dataclass
class RetirementRecord:
    total_months: int
    actual_months: int
    in_province_months: int
    local_months: int
    pooling_only_months: int
    in_arrears: bool
    corrections: list[dict] = field(default_factory=list)  # in force: id, kind, months, reason, operator, decided_on
    arrears_months: list[str] = field(default_factory=list)
    transferred_months: int = 0
    deemed_months: int = 0

    def as_case_record(self) -> dict:
        return {"total_months": self.total_months, "actual_months": self.actual_months,
                "in_province_months": self.in_province_months, "local_months": self.local_months,
                "pooling_only_months": self.pooling_only_months, "in_arrears": self.in_arrears}


def _person(session: Session, person_id: int) -> dict:
    person = people_store.get(session.db, person_id)
    if person is None:
        raise InputError(None, "找不到该参保人")
    return person


def _in_province_transfers(session: Session, person_id: int) -> set[int]:
    """Decision ids of saved transfers whose previous region the clerk marked as in this province."""
    return {d["id"] for d in decision_store.for_person(session.db, person_id, "transfer")
            if (d["inputs"].get("form") or {}).get("previous_in_province")}


def _arrears(session: Session, person: dict, rows: list[dict], today: date) -> list[str]:
    """Months the rule module says are open arrears today (what a back payment would cover)."""
    if person["first_month"] not in {r["month"] for r in rows}:
        # Nothing paid yet: in arrears once the first month has passed.
        return [person["first_month"]] if person["first_month"] < month_str(today) else []
    case = timeline_case(person, rows, today, timeline_fields(session.db, person))
    case.update(question="back_payment", mode=person["mode"], pay_on=today.isoformat())
    params = case_parameters(session.db, person, month_str(today))
    if params:
        case["parameters"] = params
    return list(ask(session, case)["arrears_months"])


def retirement_record(session: Session, person_id: int, today: date) -> RetirementRecord:
    """Months counted up to this month: paid here, brought by transfer, deemed; each correction with its reason."""
    require(session, "read")
    person = _person(session, person_id)
    rows = [r for r in ledger_store.rows(session.db, person_id) if r["month"] <= month_str(today)]
    local = [r for r in rows if r["source"] in LOCAL_SOURCES]
    in_province_ids = _in_province_transfers(session, person_id)
    transfer_rows = [r for r in rows if r["source"] == "transfer"]
    deemed_rows = [r for r in rows if r["source"] == "deemed"]
    active = correction_store.active(session.db, person_id)
    deemed = len(deemed_rows) + sum(c["months"] for c in active if c["kind"] == "deemed")
    transferred = len(transfer_rows) + sum(c["months"] for c in active if c["kind"] == "transferred")
    in_province = len(local) + sum(1 for r in transfer_rows if r["decision_id"] in in_province_ids)
    # FORMAT.md: local_months is the city's, for 吉林 the province's (its in-province minimum, 二（五）)
    local_count = in_province if JURISDICTIONS[person["jurisdiction"]].in_province_minimum else len(local)
    arrears = _arrears(session, person, rows, today)
    covered = difference_store.covered_months(session.db, person_id)
    return RetirementRecord(
        total_months=len(local) + transferred + deemed, actual_months=len(local) + transferred,
        in_province_months=in_province, local_months=local_count,
        # pooling-only months whose difference was paid on a change of mode count as with-account months
        pooling_only_months=sum(1 for r in local if r["mode"] == "pooling_only" and r["month"] not in covered),
        in_arrears=bool(arrears),
        corrections=[{k: c[k] for k in ("id", "kind", "months", "reason", "decided_on", "operator")} for c in active],
        arrears_months=arrears, transferred_months=transferred, deemed_months=deemed)


def add_correction(session: Session, person_id: int, kind: str, months: int, reason: str, today: date) -> int:
    """更正缴费年限: deemed or transferred months with the reason (the document or file it rests on).
    复核员 or 管理员 only."""
    require(session, "correct")
    _person(session, person_id)
    if kind not in CORRECTION_KINDS:
        raise InputError("kind", "请选择更正类型（视同缴费或转入缴费）")
    if not isinstance(months, int) or isinstance(months, bool) or not 1 <= months <= 600:
        raise InputError("months", "更正月数应为1至600之间的整数")
    reason = typed_text(reason, "reason", "更正依据")
    if len(reason) < 4:
        raise InputError("reason", "请写明更正依据（如档案材料、转移凭证编号），不少于4个字")
    with atomic(session.db):
        return correction_store.insert(session.db, session.stamp(), person_id, kind, months, reason,
                                       today.isoformat())


def void_correction(session: Session, correction_id: int, reason: str, today: date) -> int:
    """撤销更正: a new entry that voids an earlier one, with its reason; nothing is edited in place."""
    require(session, "correct")
    row = correction_store.get(session.db, correction_id)
    if row is None or row["kind"] == "void":
        raise InputError("correction", "找不到要撤销的更正记录")
    if correction_id not in {c["id"] for c in correction_store.active(session.db, row["person_id"])}:
        raise InputError("correction", "该更正记录已被撤销")
    reason = typed_text(reason, "reason", "撤销原因")
    if len(reason) < 4:
        raise InputError("reason", "请写明撤销原因，不少于4个字")
    with atomic(session.db):
        return correction_store.insert(session.db, session.stamp(), row["person_id"], "void", 0, reason,
                                       today.isoformat(), voids=correction_id)


def retirement_case(person: dict, record: RetirementRecord, today: date, hukou_in_province: bool | None = None,
                    female_original_age: int | None = None, db=None) -> dict:
    p = {"sex": person["sex"], "birth_date": person["birth_date"],
         "hukou_in_province": "hukou" in person["places"] if hukou_in_province is None else hukou_in_province}
    if female_original_age is not None:
        p["female_original_age"] = female_original_age
    case = {"question": "retirement", "jurisdiction": person["jurisdiction"], "date": today.isoformat(),
            "mode": person["mode"], "person": p, "record": record.as_case_record()}
    # the person's own values in force this month; without the database (bench), the band on the person's row
    params = case_parameters(db, person, case["date"][:7]) if db is not None else \
        ({"base_ratio": str(person["base_ratio"])} if person.get("base_ratio") is not None else {})
    if params:
        case["parameters"] = params
    return case


def decide_retirement(session: Session, person_id: int, today: date, hukou_in_province: bool | None = None,
                      female_original_age: int | None = None) -> dict:
    """The rule decision: retirement month, qualified or not, shortfalls, options, lump sum, mode difference.
    Adds "record" (the counted months it was decided on)."""
    require(session, "read")
    person = _person(session, person_id)
    record = retirement_record(session, person_id, today)
    decision = ask(session, retirement_case(person, record, today, hukou_in_province, female_original_age, session.db), "record")
    return {**decision, "record": record.as_case_record()}


def save_retirement(session: Session, person_id: int, today: date, hukou_in_province: bool | None = None,
                    female_original_age: int | None = None) -> int:
    """Save the decision with its inputs, citations and parameter trace; returns the decision id."""
    require(session, "counter")
    person = _person(session, person_id)
    record = retirement_record(session, person_id, today)
    case = retirement_case(person, record, today, hukou_in_province, female_original_age, session.db)
    decision = ask(session, case, "record")
    with atomic(session.db):
        return decision_store.insert(session.db, session.stamp(), person_id, "retirement",
                                     {"case": case, "form": {"corrections": record.corrections}}, decision,
                                     today.isoformat())
