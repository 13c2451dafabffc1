"""参保方式变更 (单建统筹 ↔ 统账结合): what the change costs (the rule module's mode_change), recording it from the
next month with the difference paid, and what the retirement record then counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from desktop_app.services.errors import InputError, typed_text
from desktop_app.services.payments import zh_month
from desktop_app.services.permissions import require
from desktop_app.services.person_terms import case_parameters
from desktop_app.services.rules_glue import add_months, ask, month_str
from desktop_app.services.session import Session
from desktop_app.store import decisions as decision_store
from desktop_app.store import ledger as ledger_store
from desktop_app.store import mode_differences as difference_store
from desktop_app.store import people as people_store
from desktop_app.store import person_changes as change_store
from desktop_app.store.db import atomic

MODE_NAMES = {"with_account": "统账结合", "pooling_only": "单建统筹"}


@dataclass(frozen=True)
class ModeChangeQuote:
    current: str
    new: str
    valid_from: date
    pooling_months: list[str]           # pooling-only months paid here whose difference is still unpaid
    decision: dict | None               # the rule decision (difference, amount, account_from), None when nothing to pay
    amount: Decimal


def uncovered_pooling_months(session: Session, person_id: int) -> list[str]:
    """Months paid here in 单建统筹 mode whose difference has not been paid (信阳 第六条, 吉林（五）)."""
    require(session, "read")
    covered = difference_store.covered_months(session.db, person_id)
    return [r["month"] for r in ledger_store.rows(session.db, person_id)
            if r["mode"] == "pooling_only" and r["month"] not in covered]


def _person(session: Session, person_id: int) -> dict:
    person = people_store.get(session.db, person_id)
    if person is None:
        raise InputError(None, "找不到该参保人")
    return person


def quote_mode_change(session: Session, person_id: int, new_mode: str, today: date) -> ModeChangeQuote:
    """What changing to new_mode from next month costs: for 统账结合, the difference for past pooling-only months
    at this month's standard where the document asks it (信阳 第六条); nothing for 单建统筹."""
    from desktop_app.rules import JURISDICTIONS

    require(session, "read")
    person = _person(session, person_id)
    j = JURISDICTIONS[person["jurisdiction"]]
    if new_mode not in MODE_NAMES:
        raise InputError("mode", "请选择参保方式")
    if len(j.modes) < 2:
        raise InputError("mode", f"{j.name}灵活就业人员只有一种参保方式，无需变更")
    if new_mode == person["mode"]:
        raise InputError("mode", f"该参保人现为{MODE_NAMES[new_mode]}，无需变更")
    valid_from = add_months(today, 1)
    months = uncovered_pooling_months(session, person_id) if new_mode == "with_account" else []
    decision = None
    amount = Decimal(0)
    if months and j.mode_change_any_time:
        case = {"question": "mode_change", "jurisdiction": person["jurisdiction"], "date": today.isoformat(),
                "pooling_only_months": len(months)}
        params = case_parameters(session.db, person, month_str(today))
        if params:
            case["parameters"] = params
        decision = ask(session, case, "mode")
        amount = Decimal(decision["amount"])
    return ModeChangeQuote(person["mode"], new_mode, valid_from, months, decision, amount)


def change_mode(session: Session, person_id: int, new_mode: str, paid_on: date | None, receipt_no: str,
                reason: str, today: date) -> int:
    """Record the change from next month; where a difference is due it must be paid (its receipt number), and the
    months it covers count as 统账结合 from then on. Returns the person_changes id. One transaction."""
    require(session, "counter")
    quote = quote_mode_change(session, person_id, new_mode, today)
    reason = typed_text(reason, "reason", "变更原因")
    if len(reason) < 2:
        raise InputError("reason", "请写明变更原因（如本人申请）")
    receipt_no = typed_text(receipt_no, "receipt_no", "票据号")
    if quote.decision is not None:
        if not receipt_no:
            raise InputError("receipt_no", f"须先一次性补缴以往单建统筹期间的差额{quote.amount:,.2f}元，请填写票据号")
        if not isinstance(paid_on, date) or paid_on > today:
            raise InputError("paid_on", "请填写差额的缴费日期（不晚于今天）")
    stamp = session.stamp()
    with atomic(session.db):
        change_id = change_store.insert(session.db, stamp, person_id, "mode", month_str(quote.valid_from),
                                        new_mode, reason, today.isoformat())
        if quote.decision is not None:
            decision_id = decision_store.insert(session.db, stamp, person_id, "mode_change",
                                                {"case": {"pooling_only_months": len(quote.pooling_months)},
                                                 "months": quote.pooling_months}, quote.decision, today.isoformat())
            difference_store.insert(session.db, stamp, person_id, quote.pooling_months, quote.amount, paid_on,
                                    receipt_no, decision_id)
    return change_id


def describe(quote: ModeChangeQuote) -> str:
    """The quote in the clerk's words."""
    text = f"自{zh_month(month_str(quote.valid_from))}起由{MODE_NAMES[quote.current]}变更为{MODE_NAMES[quote.new]}。"
    if quote.decision is not None:
        d = quote.decision
        text += (f"须按本月缴费标准一次性补足以往{len(quote.pooling_months)}个月单建统筹期间的差额："
                 f"（{Decimal(d['standard_with_account']):,.2f} − {Decimal(d['standard_pooling_only']):,.2f}）"
                 f" × {len(quote.pooling_months)} = {quote.amount:,.2f}元；自{zh_month(d['account_from'])}起享受在职人员"
                 "个人账户待遇，补缴期间不补划个人账户。")
    elif quote.new == "with_account" and quote.pooling_months:
        text += "以往单建统筹期间的差额在办理退休时补缴。"
    return text
