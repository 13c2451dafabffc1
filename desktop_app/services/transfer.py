"""转移接续: decide a transfer in from the certificate's figures, then save the months it brings."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from desktop_app.services.errors import InputError
from desktop_app.services.permissions import require
from desktop_app.services.rules_glue import add_months, ask, month_str, months_between
from desktop_app.services.session import Session
from desktop_app.store import decisions as decision_store
from desktop_app.store import ledger as ledger_store
from desktop_app.store import people as people_store
from desktop_app.store.db import atomic

TRANSFER_RECEIPT = "转移凭证"


@dataclass
class TransferForm:
    previous_region: str
    scheme: str                     # 'employee' | 'resident'
    last_paid_month: date           # 1st of the last month paid in the previous region
    contribution_months: int        # from the transfer certificate
    continuous_years: int | None    # required when coming from the resident scheme
    first_month_here: date          # 1st of the first month paid here
    pay_gap: bool                   # the person pays the gap back
    previous_in_province: bool = False  # the previous region is in this province (counts as in-province years)
    receipt_no: str = ""            # receipt of the gap paid back, if any


def _person(session: Session, person_id: int) -> dict:
    person = people_store.get(session.db, person_id)
    if person is None:
        raise InputError(None, "找不到该参保人")
    return person


def _check(form: TransferForm, today: date) -> None:
    if not (form.previous_region or "").strip():
        raise InputError("previous_region", "请填写原参保地")
    if form.scheme not in ("employee", "resident"):
        raise InputError("scheme", "请选择原参保险种（职工医保或居民医保）")
    if not isinstance(form.last_paid_month, date):
        raise InputError("last_paid_month", "请填写原参保地最后缴费月份")
    if not isinstance(form.first_month_here, date):
        raise InputError("first_month_here", "请填写本地首次缴费月份")
    if not isinstance(form.contribution_months, int) or not 0 <= form.contribution_months <= 600:
        raise InputError("contribution_months", "缴费月数应为0至600之间的整数（以转移凭证为准）")
    if form.scheme == "resident" and form.continuous_years is None:
        raise InputError("continuous_years", "由居民医保转入时须填写此前连续参保年数")
    if form.first_month_here <= form.last_paid_month.replace(day=1):
        raise InputError("first_month_here", "本地首次缴费月份应晚于原参保地最后缴费月份")
    if form.first_month_here.replace(day=1) > add_months(today, 1):
        raise InputError("first_month_here", "本地首次缴费月份最晚为下个月")
    if form.last_paid_month > today:
        raise InputError("last_paid_month", "原参保地最后缴费月份不能晚于今天")


def transfer_case(person: dict, form: TransferForm, today: date) -> dict:
    previous = {"scheme": form.scheme, "last_paid_month": month_str(form.last_paid_month),
                "contribution_months": form.contribution_months}
    if form.continuous_years is not None:
        previous["continuous_years"] = form.continuous_years
    case = {"question": "transfer", "jurisdiction": person["jurisdiction"], "date": today.isoformat(),
            "previous": previous, "first_month_here": month_str(form.first_month_here), "pay_gap": bool(form.pay_gap),
            "mode": person["mode"]}
    if person.get("base_ratio") is not None:
        case["parameters"] = {"base_ratio": str(person["base_ratio"])}
    return case


def decide_transfer(session: Session, person_id: int, form: TransferForm, today: date) -> dict:
    """The rule decision (gap, continuous, back-pay months and amount, waiting, retroactive, recognised years)."""
    require(session, "read")
    person = _person(session, person_id)
    _check(form, today)
    decision = ask(session, transfer_case(person, form, today), "first_month_here")
    decision.setdefault("back_pay_amount", None)
    return decision


def _transferred_months(form: TransferForm, decision: dict) -> list[str]:
    """The certificate gives a count and the last month: the months are laid out back from the last one.
    Resident-scheme months are not employee-scheme months, so none are brought over for them."""
    if form.scheme != "employee" or form.contribution_months == 0:
        return []
    last = form.last_paid_month.replace(day=1)
    return [month_str(m) for m in months_between(add_months(last, 1 - form.contribution_months), last)]


def save_transfer(session: Session, person_id: int, form: TransferForm, today: date) -> int:
    """Save the decision; put the transferred months (source transfer) and the gap paid back (source
    back_payment) into the ledger; the first month here becomes the person's first month. One transaction."""
    require(session, "counter")
    person = _person(session, person_id)
    decision = decide_transfer(session, person_id, form, today)
    first_here = month_str(form.first_month_here)
    rows = ledger_store.rows(session.db, person_id)
    if rows and person["first_month"] != first_here:
        raise InputError("first_month_here",
                         f"本地首次缴费月份应与参保登记一致（{person['first_month']}），请核对转移凭证或参保登记")
    transferred = _transferred_months(form, decision)
    gap = list(decision["back_pay_months"])
    taken = {r["month"] for r in rows} & set(transferred + gap)
    if taken:
        raise InputError("last_paid_month", "以下月份已有缴费记录，与转移凭证重叠：" + "、".join(sorted(taken)[:6]))
    standard = decision.get("monthly_standard")
    receipt = (form.receipt_no or "").strip()
    case = transfer_case(person, form, today)
    stamp = session.stamp()
    with atomic(session.db):
        decision_id = decision_store.insert(session.db, stamp, person_id, "transfer",
                                            {"case": case, "form": asdict(form)}, decision, today.isoformat())
        changes = {"first_month": first_here, "waiting_exempt": decision["waiting_months"] == 0}
        if any(person[k] != v for k, v in changes.items()):
            people_store.update(session.db, stamp, person_id, changes)
        entries = [{"month": m, "paid_on": today.isoformat(), "amount": None, "receipt_no": TRANSFER_RECEIPT,
                    "source": "transfer", "mode": None, "decision_id": decision_id} for m in transferred]
        entries += [{"month": m, "paid_on": today.isoformat(), "amount": standard, "receipt_no": receipt,
                     "source": "back_payment", "mode": person["mode"], "decision_id": decision_id} for m in gap]
        if entries:
            ledger_store.insert(session.db, stamp, person_id, entries)
    return decision_id
