"""缴费记录: the month-by-month ledger with benefit states, recording payments, and the back-payment quote."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from desktop_app.services.errors import InputError
from desktop_app.services.permissions import require
from desktop_app.services.rules_glue import add_months, ask, month_date, month_str
from desktop_app.services.session import Session
from desktop_app.store import decisions as decision_store
from desktop_app.store import ledger as ledger_store
from desktop_app.store import people as people_store
from desktop_app.store.db import atomic

SOURCE_LABELS = {"counter": "窗口缴费", "tax_import": "税务导入", "transfer": "转移接续", "back_payment": "补缴",
                 "deemed": "视同缴费"}
STATE_LABELS = {"waiting": "等待期", "active": "正常享受", "suspended": "暂停享受", "lapsed": "中断",
                "transferred": "转入前缴费", "unpaid": "未缴费"}
PREPAY_LIMIT_MONTHS = 12
_RECEIPT = re.compile(r"^[0-9A-Za-z\-_/]{1,40}$")


@dataclass(frozen=True)
class LedgerMonth:
    month: date
    paid: bool
    paid_on: date | None
    amount: Decimal | None
    receipt_no: str | None
    source: str | None  # counter | tax_import | transfer | back_payment | deemed
    state: str          # waiting | active | suspended | lapsed (transferred: months before the first month here)
    benefits: bool
    operator: str | None = None
    recorded_at: str | None = None


@dataclass
class Ledger:
    months: list[LedgerMonth]           # from the first month here to today (and months paid in advance)
    benefit_start: date | None
    waiting_periods: list[dict]         # {"from": date, "to": date, "reason": str}
    citations: list[str]
    prior: list[LedgerMonth] = field(default_factory=list)  # transferred / gap months before the first month here
    decision: dict | None = None        # the benefit_timeline decision behind the states


@dataclass
class BackPaymentQuote:
    months: list[date]                  # months to pay (arrears plus the current month when unpaid)
    monthly_amount: Decimal             # the current monthly standard
    amount: Decimal
    late_fee: Decimal
    total: Decimal
    retroactive: bool
    benefit_start_if_today: date | None
    benefit_start_if_next_month: date | None
    citations: list[str]
    decision: dict
    arrears_months: list[date] = field(default_factory=list)
    retroactive_months: list[date] = field(default_factory=list)
    total_if_next_month: Decimal | None = None
    decision_next_month: dict | None = None


def _person(session: Session, person_id: int) -> dict:
    person = people_store.get(session.db, person_id)
    if person is None:
        raise InputError(None, "找不到该参保人")
    return person


def _entry(row: dict, state: str, benefits: bool) -> LedgerMonth:
    return LedgerMonth(month_date(row["month"]), True, date.fromisoformat(row["paid_on"]),
                       None if row["amount"] is None else Decimal(row["amount"]), row["receipt_no"] or None,
                       row["source"], state, benefits, row["operator"], row["recorded_at"])


def timeline_case(person: dict, rows: list[dict], on: date) -> dict:
    """The benefit_timeline case for a person's ledger: the months here, paid up to `on`."""
    return {"question": "benefit_timeline", "jurisdiction": person["jurisdiction"], "date": on.isoformat(),
            "first_month": person["first_month"], "waiting_exempt": person["waiting_exempt"],
            "payments": [{"month": r["month"], "paid_on": r["paid_on"]} for r in rows
                         if r["month"] >= person["first_month"] and r["paid_on"] <= on.isoformat()]}


def _retroactive_gap(session: Session, person_id: int) -> set[str]:
    """Months a saved transfer decision made retroactive (the gap paid back before the first month here)."""
    out: set[str] = set()
    for d in decision_store.for_person(session.db, person_id, "transfer"):
        out.update(d["decision"].get("retroactive_months") or [])
    return out


def ledger(session: Session, person_id: int, today: date) -> Ledger:
    """The payment history from the first month here to today, each month with its benefit state."""
    require(session, "read")
    person = _person(session, person_id)
    rows = ledger_store.rows(session.db, person_id)
    by_month = {r["month"]: r for r in rows}
    first = person["first_month"]
    retro = _retroactive_gap(session, person_id)
    prior = [_entry(r, "active" if r["month"] in retro else "transferred", r["month"] in retro)
             for r in rows if r["month"] < first]
    last = max([month_str(today)] + [r["month"] for r in rows])
    span = [month_str(m) for m in _months(month_date(first), month_date(last))]
    if first not in by_month or first > month_str(today):
        # Nothing paid for the first month yet: no benefit state to decide.
        months = [_entry(by_month[m], "waiting", False) if m in by_month else
                  LedgerMonth(month_date(m), False, None, None, None, None, "waiting", False) for m in span]
        return Ledger(months, None, [], [], prior)
    decision = ask(session, timeline_case(person, rows, today))
    states = {m["month"]: m for m in decision["months"]}
    # Months paid in advance lie beyond the decision's date: shown with the state of the current month.
    current = decision["months"][-1] if decision["months"] else {"state": "waiting", "benefits": False}
    months = []
    for m in span:
        s = states.get(m, current)
        if m in by_month:
            months.append(_entry(by_month[m], s["state"], s["benefits"]))
        else:
            months.append(LedgerMonth(month_date(m), False, None, None, None, None, s["state"], s["benefits"]))
    periods = [{"from": month_date(p["from"]), "to": month_date(p["to"]), "reason": p["reason"]}
               for p in decision.get("waiting_periods", [])]
    start = decision.get("benefit_start")
    return Ledger(months, month_date(start) if start else None, periods, decision["citations"], prior, decision)


def _months(first: date, last: date) -> list[date]:
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    return [add_months(first, i) for i in range(max(count, 0))]


def contribution_case(person: dict, month: str, on: date) -> dict:
    case = {"question": "contribution", "jurisdiction": person["jurisdiction"], "date": on.isoformat(),
            "mode": person["mode"], "month": month}
    if person.get("base_ratio") is not None:
        case["parameters"] = {"base_ratio": str(person["base_ratio"])}
    return case


def _check_payment(session, person, months, paid_on, receipt_no, today) -> list[str]:
    if not months or not all(isinstance(m, date) for m in months):
        raise InputError("months", "请选择要登记缴费的月份")
    if not isinstance(paid_on, date):
        raise InputError("paid_on", "请填写缴费日期")
    if paid_on > today:
        raise InputError("paid_on", "缴费日期不能晚于今天")
    if paid_on.year < 2000:
        raise InputError("paid_on", "缴费日期不正确")
    receipt_no = (receipt_no or "").strip()
    if not receipt_no:
        raise InputError("receipt_no", "请填写票据号")
    if not _RECEIPT.match(receipt_no):
        raise InputError("receipt_no", "票据号只能由数字、字母和“-”组成，最长40位")
    wanted = sorted({month_str(m) for m in months})
    if wanted[0] < person["first_month"]:
        raise InputError("months", f"{wanted[0]} 早于该参保人的首次缴费月份 {person['first_month']}")
    latest = month_str(add_months(today, PREPAY_LIMIT_MONTHS))
    if wanted[-1] > latest:
        raise InputError("months", f"最多只能预缴至 {latest}")
    paid = ledger_store.months(session.db, person["id"]) & set(wanted)
    if paid:
        raise InputError("months", "以下月份已有缴费记录，不能重复登记：" + "、".join(sorted(paid)))
    return wanted


def record_payment(session: Session, person_id: int, months: list[date], paid_on: date, receipt_no: str,
                   today: date) -> Ledger:
    """登记缴费 for one or more months: each month at its own standard; a month paid after it was due is a
    back payment. One transaction; nothing is written when any month is refused."""
    record_months(session, person_id, months, paid_on, receipt_no, today)
    return ledger(session, person_id, today)


def record_months(session: Session, person_id: int, months: list[date], paid_on: date, receipt_no: str,
                  today: date) -> None:
    """record_payment without computing the new ledger (for batch callers)."""
    require(session, "counter")
    person = _person(session, person_id)
    wanted = _check_payment(session, person, months, paid_on, receipt_no, today)
    due = month_str(paid_on)
    decided = [(m, contribution_case(person, m, today)) for m in wanted]
    decided = [(m, case, ask(session, case, "months")) for m, case in decided]
    stamp = session.stamp()
    with atomic(session.db):
        entries = []
        for m, case, decision in decided:
            decision_id = decision_store.insert(session.db, stamp, person_id, "contribution", {"case": case}, decision,
                                                today.isoformat(), audited=False)
            entries.append({"month": m, "paid_on": paid_on.isoformat(), "amount": decision["monthly_amount"],
                            "receipt_no": receipt_no.strip(), "source": "back_payment" if m < due else "counter",
                            "mode": person["mode"], "decision_id": decision_id})
        ledger_store.insert(session.db, stamp, person_id, entries)


def quote_back_payment(session: Session, person_id: int, today: date) -> BackPaymentQuote:
    """补缴测算: the open arrears if paid today, compared with paying next month."""
    require(session, "read")
    person = _person(session, person_id)
    rows = ledger_store.rows(session.db, person_id)
    if person["first_month"] not in {r["month"] for r in rows}:
        raise InputError("months", "该参保人首次缴费月份尚未缴费，请直接登记缴费")
    base = timeline_case(person, rows, today)
    base.update(question="back_payment", mode=person["mode"])
    if person.get("base_ratio") is not None:
        base["parameters"] = {"base_ratio": str(person["base_ratio"])}
    now = ask(session, {**base, "pay_on": today.isoformat()}, "months")
    later = ask(session, {**base, "pay_on": add_months(today, 1).isoformat()}, "months")

    def start(d):
        return month_date(d["benefit_start_if_paid"]) if d.get("benefit_start_if_paid") else None

    return BackPaymentQuote(
        months=[month_date(m) for m in now["months_to_pay"]], monthly_amount=Decimal(now["monthly_standard"]),
        amount=Decimal(now["amount"]), late_fee=Decimal(now["late_fee"]), total=Decimal(now["total"]),
        retroactive=now["retroactive"], benefit_start_if_today=start(now), benefit_start_if_next_month=start(later),
        citations=now["citations"], decision=now, arrears_months=[month_date(m) for m in now["arrears_months"]],
        retroactive_months=[month_date(m) for m in now["retroactive_months"]],
        total_if_next_month=Decimal(later["total"]), decision_next_month=later)


def void_payment(session: Session, person_id: int, month: date, reason: str, today: date) -> Ledger:
    """作废缴费记录: a month entered in error leaves the ledger; the row and the reason are kept, and the
    audit log has both. The month can then be recorded again. 复核员 or 管理员 only."""
    require(session, "correct")
    _person(session, person_id)
    if not isinstance(month, date):
        raise InputError("months", "请选择要作废的月份")
    key = month_str(month)
    if key not in ledger_store.months(session.db, person_id):
        raise InputError("months", f"{key} 没有缴费记录，无需作废")
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise InputError("reason", "请写明作废原因，不少于4个字")
    with atomic(session.db):
        ledger_store.void(session.db, session.stamp(), person_id, key, reason, today.isoformat())
    return ledger(session, person_id, today)
