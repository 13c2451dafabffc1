"""缴费记录: the month-by-month ledger with benefit states, recording payments, and the back-payment quote."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from desktop_app.services.errors import InputError, typed_text
from desktop_app.services.permissions import require
from desktop_app.services.person_terms import case_parameters, mode_at, timeline_fields
from desktop_app.services.rules_glue import add_months, ask, month_date, month_str
from desktop_app.services.session import Session
from desktop_app.store import decisions as decision_store
from desktop_app.store import ledger as ledger_store
from desktop_app.store import people as people_store
from desktop_app.store.db import atomic

_RECEIPT = re.compile(r"^[0-9A-Za-z\-_/]{1,40}$")


@dataclass(frozen=True)
class LedgerMonth:
    month: date
    paid: bool
    paid_on: date | None
    amount: Decimal | None
    receipt_no: str | None
    source: str | None  # counter | tax_import | transfer | back_payment | deemed
    state: str          # waiting | active | suspended | lapsed | stopped | before_policy | unpaid
                        # (transferred: months before the first month here)
    benefits: bool
    operator: str | None = None
    recorded_at: str | None = None
    late_fee: Decimal | None = None
    projected: bool = False  # a month after today: its state if every month is paid on time


@dataclass
class Ledger:
    months: list[LedgerMonth]           # from the first month here to today (and months paid in advance)
    benefit_start: date | None          # the first month with benefits, or when they start if paid on time
    waiting_periods: list[dict]         # {"from": date, "to": date, "reason": str}
    citations: list[str]
    prior: list[LedgerMonth] = field(default_factory=list)  # transferred / gap months before the first month here
    decision: dict | None = None        # the benefit_timeline decision behind the states
    payment_cycle: str = "monthly"      # the cycle in force this month (信阳 第七条: 按月或按季度)
    standard: dict | None = None        # this month's contribution decision (monthly amount, 大额, notes)
    standard_error: str | None = None   # why there is none (a parameter the office has not entered ...)
    notes: list[str] = field(default_factory=list)  # the decisions' notes: readings applied, values not entered
    benefit_start_expected: bool = False  # benefit_start lies ahead: after the waiting period, paid on time
    status: str = "active"                # 参保状态 (services.person_status)

    @property
    def unpaid_months(self) -> list[date]:
        """Months up to now that are owed and not paid (stopped months are not owed)."""
        return [m.month for m in self.months if not m.paid and not m.projected and m.state not in ("stopped",
                                                                                                   "before_policy")]


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
    lines: list[dict] = field(default_factory=list)   # per month: month, kind, standard, due_on, late_days, late_fee
    lapsed_months: list[date] = field(default_factory=list)  # past the limit: paying them no longer heals
    pay_by: date | None = None          # the last day to pay the arrears before they turn into a lapse
    waiting_if_paid: list[dict] = field(default_factory=list)  # waiting periods still ahead if paid today


class PastLimit(InputError):
    """Recording months past the back-payment limit: allowed, but the clerk confirms first what it changes."""

    def __init__(self, months: list[date], message: str):
        super().__init__("months", message)
        self.months = months


def _person(session: Session, person_id: int) -> dict:
    person = people_store.get(session.db, person_id)
    if person is None:
        raise InputError(None, "找不到该参保人")
    return person


def _entry(row: dict, state: str, benefits: bool, projected: bool = False) -> LedgerMonth:
    return LedgerMonth(month_date(row["month"]), True, date.fromisoformat(row["paid_on"]),
                       None if row["amount"] is None else Decimal(row["amount"]), row["receipt_no"] or None,
                       row["source"], state, benefits, row["operator"], row["recorded_at"],
                       None if row.get("late_fee") is None else Decimal(row["late_fee"]), projected)


def timeline_case(person: dict, rows: list[dict], on: date, cycles: dict | None = None) -> dict:
    """The benefit_timeline case for a person's ledger: the months here, paid up to `on`; `cycles` the person's
    own fields (person_terms.timeline_fields: payment cycle, stops)."""
    return {"question": "benefit_timeline", "jurisdiction": person["jurisdiction"], "date": on.isoformat(),
            "first_month": person["first_month"], "waiting_exempt": person["waiting_exempt"], **(cycles or {}),
            "payments": [{"month": r["month"], "paid_on": r["paid_on"]} for r in rows
                         if r["month"] >= person["first_month"] and r["paid_on"] <= on.isoformat()]}


def _retroactive_gap(session: Session, person_id: int) -> set[str]:
    """Months a saved transfer decision made retroactive (the gap paid back before the first month here)."""
    out: set[str] = set()
    for d in decision_store.for_person(session.db, person_id, "transfer"):
        out.update(d["decision"].get("retroactive_months") or [])
    return out


def ledger(session: Session, person_id: int, today: date) -> Ledger:
    """The payment history from the first month here to today (and months paid in advance), each month with its
    benefit state; months after today show the state they get if every month is paid on time."""
    require(session, "read")
    person = _person(session, person_id)
    rows = ledger_store.rows(session.db, person_id)
    by_month = {r["month"]: r for r in rows}
    first, now = person["first_month"], month_str(today)
    retro = _retroactive_gap(session, person_id)
    prior = [_entry(r, "active" if r["month"] in retro else "transferred", r["month"] in retro)
             for r in rows if r["month"] < first]
    last = max([now] + [r["month"] for r in rows])
    span = [month_str(m) for m in _months(month_date(first), month_date(last))]
    fields = timeline_fields(session.db, person)
    standard, standard_error = this_months_standard(session, person, today)
    status = person.get("status") or "active"
    if first not in by_month or first > now:
        # Nothing paid for the first month yet: when benefits would start if it is paid today.
        projection = ask(session, {**timeline_case(person, rows, max(today, month_date(first)), fields),
                                   "payments": [{"month": first, "paid_on": max(today, month_date(first)).isoformat()}]})
        months = [_entry(by_month[m], "waiting", False, m > now) if m in by_month else
                  LedgerMonth(month_date(m), False, None, None, None, None, "unpaid", False, projected=m > now)
                  for m in span]
        expected = projection.get("spell_benefit_start")
        return Ledger(months, month_date(expected) if expected else None, _periods(projection), [], prior,
                      payment_cycle=person.get("payment_cycle") or "monthly", standard=standard,
                      standard_error=standard_error, notes=list((standard or {}).get("notes", [])),
                      benefit_start_expected=bool(expected), status=status)
    decision = ask(session, timeline_case(person, rows, today, fields))
    states = {m["month"]: m for m in decision["months"]}
    if last > now:
        # Months paid in advance: decided as of the last of them, every month up to it as paid.
        ahead = ask(session, timeline_case(person, rows, month_date(last), fields))
        states.update({m["month"]: m for m in ahead["months"] if m["month"] > now})
    months = []
    for m in span:
        s = states.get(m, {"state": "unpaid", "benefits": False})
        if m in by_month:
            months.append(_entry(by_month[m], s["state"], s["benefits"], m > now))
        else:
            months.append(LedgerMonth(month_date(m), False, None, None, None, None, s["state"], s["benefits"],
                                      projected=m > now))
    start = decision.get("benefit_start")
    expected = False
    if (start is None or not states[now]["benefits"]) and decision.get("spell_benefit_start", "") > now \
            and states[now]["state"] == "waiting":
        start, expected = decision["spell_benefit_start"], True   # still in a waiting period: when it ends
    notes = list(decision.get("notes") or []) + [n for n in (standard or {}).get("notes", [])
                                                 if n not in (decision.get("notes") or [])]
    return Ledger(months, month_date(start) if start else None, _periods(decision), decision["citations"], prior,
                  decision, decision.get("payment_cycle") or "monthly", standard, standard_error, notes, expected,
                  status)


def unpaid_due(session: Session, person_id: int, today: date) -> int | None:
    """How many months fallen due are unpaid (the search list's 欠费 column): the rule module's timeline, without
    the ledger's other figures; None when it cannot be decided (e.g. a parameter not entered)."""
    require(session, "read")
    person = _person(session, person_id)
    rows = ledger_store.rows(session.db, person_id)
    if person["first_month"] not in {r["month"] for r in rows}:
        return len(_months(month_date(person["first_month"]), add_months(today, -1)))
    try:
        decision = ask(session, timeline_case(person, rows, today, timeline_fields(session.db, person)))
    except InputError:
        return None
    return sum(1 for m in decision["months"] if m.get("owed"))


def _periods(decision: dict) -> list[dict]:
    return [{"from": month_date(p["from"]), "to": month_date(p["to"]), "reason": p["reason"]}
            for p in decision.get("waiting_periods", [])]


def this_months_standard(session: Session, person: dict, today: date) -> tuple[dict | None, str | None]:
    """The contribution decision for the current month (what to pay, and the 大额 contribution beside it), or
    None and the reason (e.g. a parameter the office has not entered yet) — the ledger shows either."""
    require(session, "read")
    month = month_str(today)
    try:
        return ask(session, contribution_case(person, month, today, case_parameters(session.db, person, month),
                                              mode_at(session.db, person, month))), None
    except InputError as error:
        return None, error.message


def _months(first: date, last: date) -> list[date]:
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    return [add_months(first, i) for i in range(max(count, 0))]


def contribution_case(person: dict, month: str, on: date, parameters: dict | None = None,
                      mode: str | None = None) -> dict:
    """The contribution case for one month; `parameters` the person's own values in force then
    (person_terms.case_parameters), by default the base band on the person's row; `mode` the mode in force then
    (person_terms.mode_at), by default the person's."""
    case = {"question": "contribution", "jurisdiction": person["jurisdiction"], "date": on.isoformat(),
            "mode": mode or person["mode"], "month": month}
    if parameters is None and person.get("base_ratio") is not None:
        parameters = {"base_ratio": str(person["base_ratio"])}
    if parameters:
        case["parameters"] = dict(parameters)
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
        raise InputError("months", f"{zh_month(wanted[0])}早于该参保人的首次缴费月份{zh_month(person['first_month'])}")
    paid = ledger_store.months(session.db, person["id"]) & set(wanted)
    if paid:
        raise InputError("months", "以下月份已有缴费记录，不能重复登记：" + "、".join(zh_month(m) for m in sorted(paid)))
    return wanted


def zh_month(month: str) -> str:
    """'2026年12月' from '2026-12': how every message writes a month."""
    return f"{int(month[:4])}年{int(month[5:7])}月"


def record_payment(session: Session, person_id: int, months: list[date], paid_on: date, receipt_no: str,
                   today: date, confirm_past_limit: bool = False) -> Ledger:
    """登记缴费 for one or more months: each month at its own standard, with its late fee where the document
    charges one; a month paid after it was due is a back payment. Months past the back-payment limit raise
    PastLimit (what paying them changes) unless confirm_past_limit. One transaction; nothing is written when any
    month is refused."""
    record_months(session, person_id, months, paid_on, receipt_no, today, confirm_past_limit)
    return ledger(session, person_id, today)


def quote_payment(session: Session, person_id: int, months: list[date], paid_on: date, today: date) -> dict:
    """What paying these months on paid_on costs and changes (the rule module's back_payment for chosen months):
    each month's kind (arrears that heal, past the limit, due, in advance), standard and late fee."""
    require(session, "read")
    person = _person(session, person_id)
    rows = [r for r in ledger_store.rows(session.db, person_id) if r["paid_on"] <= paid_on.isoformat()]
    case = timeline_case(person, rows, paid_on, timeline_fields(session.db, person))
    case.update(question="back_payment", mode=mode_at(session.db, person, month_str(paid_on)),
                pay_on=paid_on.isoformat(), months=sorted({month_str(m) for m in months}))
    params = case_parameters(session.db, person, month_str(paid_on))
    if params:
        case["parameters"] = params
    return ask(session, case, "months")


def record_months(session: Session, person_id: int, months: list[date], paid_on: date, receipt_no: str,
                  today: date, confirm_past_limit: bool = False) -> None:
    """record_payment without computing the new ledger (for batch callers)."""
    require(session, "counter")
    person = _person(session, person_id)
    wanted = _check_payment(session, person, months, paid_on, receipt_no, today)
    due = month_str(paid_on)
    stamp = session.stamp()
    if person["first_month"] not in ledger_store.months(session.db, person_id):
        # The first payment: nothing is late yet (the first month is when insurance starts, 信阳 第四条), so
        # each month is priced at its own standard.
        decided = [(m, contribution_case(person, m, today, case_parameters(session.db, person, m),
                                         mode_at(session.db, person, m))) for m in wanted]
        decided = [(m, case, ask(session, case, "months")) for m, case in decided]
        with atomic(session.db):
            entries = []
            for m, case, decision in decided:
                decision_id = decision_store.insert(session.db, stamp, person_id, "contribution", {"case": case},
                                                    decision, today.isoformat(), audited=False)
                entries.append({"month": m, "paid_on": paid_on.isoformat(), "amount": decision["monthly_amount"],
                                "receipt_no": receipt_no.strip(), "source": "back_payment" if m < due else "counter",
                                "mode": case["mode"], "decision_id": decision_id})
            ledger_store.insert(session.db, stamp, person_id, entries)
        return
    quote = quote_payment(session, person_id, [month_date(m) for m in wanted], paid_on, today)
    past = quote.get("months_past_limit") or []
    if past and not confirm_past_limit:
        raise PastLimit([month_date(m) for m in past], past_limit_message(quote))
    lines = {line["month"]: line for line in quote["lines"]}
    with atomic(session.db):
        decision_id = decision_store.insert(session.db, stamp, person_id, "back_payment", {"case": quote_case(quote)},
                                            quote, today.isoformat(), audited=False)
        entries = [{"month": m, "paid_on": paid_on.isoformat(), "amount": lines[m]["monthly_standard"],
                    "late_fee": lines[m]["late_fee"] if Decimal(lines[m]["late_fee"]) else None,
                    "receipt_no": receipt_no.strip(), "source": "back_payment" if m < due else "counter",
                    "mode": mode_at(session.db, person, m), "decision_id": decision_id} for m in wanted]
        ledger_store.insert(session.db, stamp, person_id, entries)


def quote_case(decision: dict) -> dict:
    """What a saved payment decision was asked (kept with it: the decision is reproducible from its inputs)."""
    return {k: decision.get(k) for k in ("question", "jurisdiction", "date", "mode", "pay_on")} | \
        {"months": [line["month"] for line in decision.get("lines", [])]}


def past_limit_message(quote: dict) -> str:
    """What recording months past the back-payment limit changes, in the clerk's words."""
    past = quote.get("months_past_limit") or []
    text = (f"{_month_span(past)}已超过补缴期限：补缴后计入缴费记录，但不能恢复中断期间的待遇，"
            "中断按超期处理。")
    waits = quote.get("waiting_periods_if_paid") or []
    if waits:
        w = waits[-1]
        text += (f"重新缴费须设待遇享受等待期（{zh_month(w['from'])}至{zh_month(w['to'])}），"
                 f"按月缴费的自{zh_month(_next(w['to']))}起享受待遇。")
    fee = sum(Decimal(line["late_fee"]) for line in quote.get("lines", []) if line["kind"] == "lapsed")
    if fee:
        text += f"这些月份的滞纳金共{fee:,.2f}元。"
    return text


def _next(month: str) -> str:
    return month_str(add_months(month_date(month), 1))


def _month_span(months: list[str]) -> str:
    if not months:
        return ""
    if len(months) == 1:
        return zh_month(months[0])
    return f"{zh_month(months[0])}至{zh_month(months[-1])}（共{len(months)}个月）"


def quote_back_payment(session: Session, person_id: int, today: date) -> BackPaymentQuote:
    """补缴测算: the open arrears if paid today, compared with paying next month."""
    require(session, "read")
    base = _back_payment_case(session, person_id, today)
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
        total_if_next_month=Decimal(later["total"]), decision_next_month=later,
        lines=[{**line, "month": month_date(line["month"]), "due_on": date.fromisoformat(line["due_on"])}
               for line in now["lines"]],
        lapsed_months=[month_date(m) for m in now.get("lapsed_months", [])],
        pay_by=date.fromisoformat(now["pay_by"]) if now.get("pay_by") else None,
        waiting_if_paid=now.get("waiting_periods_if_paid") or [])


def void_payment(session: Session, person_id: int, month: date, reason: str, today: date) -> Ledger:
    """作废缴费记录: a month entered in error leaves the ledger; the row and the reason are kept, and the
    audit log has both. The month can then be recorded again. 复核员 or 管理员 only."""
    require(session, "correct")
    _person(session, person_id)
    if not isinstance(month, date):
        raise InputError("months", "请选择要作废的月份")
    key = month_str(month)
    if key not in ledger_store.months(session.db, person_id):
        raise InputError("months", f"{zh_month(key)}没有缴费记录，无需作废")
    reason = typed_text(reason, "reason", "作废原因")
    if len(reason) < 4:
        raise InputError("reason", "请写明作废原因，不少于4个字")
    with atomic(session.db):
        ledger_store.void(session.db, session.stamp(), person_id, key, reason, today.isoformat())
    return ledger(session, person_id, today)


def back_payment_today(session: Session, person_id: int, today: date) -> dict:
    """The rule module's back-payment quote for paying the open arrears and what falls due this month today (the
    first half of quote_back_payment, for lists that show what each of many people owes)."""
    require(session, "read")
    return ask(session, {**_back_payment_case(session, person_id, today), "pay_on": today.isoformat()}, "months")


def _back_payment_case(session: Session, person_id: int, today: date) -> dict:
    """The rule module's back_payment case for the person as of today, without its day of payment."""
    person = _person(session, person_id)
    rows = ledger_store.rows(session.db, person_id)
    if person["first_month"] not in {r["month"] for r in rows}:
        raise InputError("months", "该参保人首次缴费月份尚未缴费，请直接登记缴费")
    case = timeline_case(person, rows, today, timeline_fields(session.db, person))
    case.update(question="back_payment", mode=mode_at(session.db, person, month_str(today)))
    params = case_parameters(session.db, person, month_str(today))
    if params:
        case["parameters"] = params
    return case
