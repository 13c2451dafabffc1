"""Notices: number and archive a rendered PDF with its sha256 and inputs, reprint byte for byte.

Rendering belongs to desktop_app.notices, a layer above this one: callers pass its renderer in
(desktop_app.notices.issue does), so services never import reportlab.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from desktop_app.services.errors import InputError
from desktop_app.services.permissions import require
from desktop_app.services.session import Session
from desktop_app.services.settings import get_office_contact
from desktop_app.store import ledger as ledger_store
from desktop_app.store import notices as notice_store
from desktop_app.store import people as people_store
from desktop_app.store.db import atomic

KINDS = ("waiting_period", "lump_sum", "retirement_lump_sum", "transfer", "retirement", "mode_change", "transfer_out",
         "payment_reminder", "arrears_demand")
# Kinds that state what to pay each month: the person's contribution decision for the issue month goes with them.
_MONTHLY = ("waiting_period", "lump_sum", "transfer")
INITIALS = {"huainan": "HN", "jiangsu": "JS", "jilin": "JL", "xinyang": "XY"}


@dataclass(frozen=True)
class IssuedNotice:
    serial: str
    pdf: bytes
    sha256: str


Render = Callable[[dict], bytes]   # the notice dict -> PDF bytes; raises InputError when it cannot


def is_demo(session: Session, decision: dict | None) -> bool:
    """A notice is a demo when the file is the demo database or any value it rests on is a demo value."""
    return session.demo or any(
        p.get("demo") for p in (decision or {}).get("parameters_used") or [])


def serial_prefix(jurisdiction: str, on: date) -> str:
    return f"{on.year}{INITIALS.get(jurisdiction, jurisdiction[:2].upper())}"


def issue_notice(session: Session, person_id: int, kind: str, decision: dict | None, today: date, render: Render,
                 replaces: str | None = None, decision_id: int | None = None, related: dict | None = None,
                 certificate: dict | None = None) -> IssuedNotice:
    """出具通知书: serial "{YYYY}{XY}-{seq:06d}", the PDF archived with its sha256 and the notice inputs.
    `replaces` names an earlier serial of the same person that this notice corrects (复核员 or 管理员).
    `related`: other decisions the notice prints, {"next_month": the back_payment decision for paying next month
    (required with arrears), "contribution": the month's contribution decision (found here when not given)}.
    `certificate`: for kind "transfer_out", the plain data of notices.transfer_out.certificate(...)."""
    require(session, "correct" if replaces is not None else "counter")
    if kind not in KINDS:
        raise InputError("kind", "未知的通知书类型")
    person = people_store.get(session.db, person_id)
    if person is None:
        raise InputError(None, "找不到该参保人")
    if kind == "transfer_out":
        decision = {"jurisdiction": person["jurisdiction"], "jurisdiction_name": _jurisdiction_name(
            person["jurisdiction"]), "parameters_used": [], "citations": []}
        if not isinstance(certificate, dict):
            raise InputError(None, "缺少参保缴费记录，无法出具参保缴费凭证")
    if not isinstance(decision, dict) or not decision.get("jurisdiction"):
        raise InputError(None, "缺少规则决定，无法出具通知书")
    if not (session.office.name or "").strip():
        raise InputError("office_name", "请先由管理员在“设置”中填写经办机构名称（打印在通知书上）")
    extra = dict(related or {})
    if kind in _MONTHLY and "contribution" not in extra:
        extra["contribution"] = _contribution(session, person, today, required=(kind == "waiting_period"))
    # a figure from a demo value anywhere on the notice makes it a demo notice
    demo = is_demo(session, decision) or any(isinstance(d, dict) and is_demo(session, d) for d in extra.values())
    contact = get_office_contact(session)
    if contact.missing() and not demo:
        raise InputError("office_contact", "请先由管理员在“设置 → 告知书信息”中填写" + "、".join(contact.missing())
                         + "（打印在告知书上）")
    if replaces is not None:
        old = notice_store.by_serial(session.db, replaces)
        if old is None or old["person_id"] != person_id:
            raise InputError("replaces", f"找不到该参保人的第{replaces}号通知书")
    if decision.get("back_pay_months"):
        recorded = ledger_store.months(session.db, person_id)
        extra["paid_months"] = sorted(m for m in decision["back_pay_months"] if m in recorded)
    jurisdiction = decision["jurisdiction"]
    with atomic(session.db):
        prefix = serial_prefix(jurisdiction, today)
        serial = f"{prefix}-{notice_store.next_seq(session.db, prefix):06d}"
        notice = {
            "kind": kind, "serial": serial, "issued_on": today.isoformat(),
            "operator": session.full_name or session.operator,   # the operator's name, not the login
            "office_name": session.office.name, "jurisdiction_name": decision.get("jurisdiction_name") or jurisdiction,
            "office": contact.as_notice(), "payment_cycle": person.get("payment_cycle") or "monthly",
            "person": {"name": person["name"], "id_number": person["id_number"]},
            "decision": None if kind == "transfer_out" else decision,
            "replaces": replaces, "demo": demo, **{k: v for k, v in extra.items() if v is not None},
        }
        if kind == "transfer_out":
            notice["certificate"] = certificate
        pdf = render(notice)
        digest = hashlib.sha256(pdf).hexdigest()
        notice_store.insert(session.db, session.stamp(), {
            "serial": serial, "person_id": person_id, "kind": kind, "decision_id": decision_id, "inputs": notice,
            "pdf": pdf, "sha256": digest, "replaces": replaces, "issued_on": today.isoformat()})
    return IssuedNotice(serial, pdf, digest)


def batch_notice(session: Session, person: dict, kind: str, decision: dict, today: date, serial: str,
                 extra: dict | None = None) -> dict:
    """The notice dict of one notice in a batch of reminders (services.reminders), as issue_notice builds it."""
    require(session, "counter")
    demo = is_demo(session, decision)
    contact = get_office_contact(session)
    if contact.missing() and not demo:
        raise InputError("office_contact", "请先由管理员在“设置 → 告知书信息”中填写" + "、".join(contact.missing())
                         + "（打印在告知书上）")
    return {"kind": kind, "serial": serial, "issued_on": today.isoformat(),
            "operator": session.full_name or session.operator, "office_name": session.office.name,
            "jurisdiction_name": decision.get("jurisdiction_name") or decision["jurisdiction"],
            "office": contact.as_notice(), "payment_cycle": person.get("payment_cycle") or "monthly",
            "person": {"name": person["name"], "id_number": person["id_number"]}, "decision": decision,
            "replaces": None, "demo": demo, **(extra or {})}


def _jurisdiction_name(key: str) -> str:
    from desktop_app.rules import JURISDICTIONS

    return JURISDICTIONS[key].name if key in JURISDICTIONS else key


def _contribution(session: Session, person: dict, today: date, required: bool) -> dict | None:
    """This month's contribution decision (what to pay each month, the 大额 contribution beside it)."""
    from desktop_app.services.payments import this_months_standard

    decision, error = this_months_standard(session, person, today)
    if decision is None and required:
        raise InputError(None, f"无法确定每月缴费金额，不能出具告知书：{error}")
    return decision


def record_receipt(session: Session, serial: str, returned_on: date, today: date) -> dict:
    """回执已交回: the signed receipt strip of notice `serial` came back on `returned_on`. One transaction with its
    audit entry; a receipt is recorded once (a second time is refused, naming when it was)."""
    require(session, "counter")
    row = notice_store.by_serial(session.db, serial)
    if row is None:
        raise InputError("serial", f"找不到第{serial}号通知书")
    if not isinstance(returned_on, date):
        raise InputError("returned_on", "请填写回执交回日期")
    if returned_on > today:
        raise InputError("returned_on", "回执交回日期不能晚于今天")
    if returned_on < date.fromisoformat(row["issued_on"]):
        raise InputError("returned_on", f"回执交回日期不能早于告知书出具日期（{row['issued_on']}）")
    done = notice_store.receipt(session.db, serial)
    if done is not None:
        raise InputError("serial", f"第{serial}号告知书的回执已于{done['returned_on']}登记交回（{done['operator']}）")
    with atomic(session.db):
        notice_store.insert_receipt(session.db, session.stamp(), serial, returned_on.isoformat())
    return notice_store.receipt(session.db, serial)


def reprint_notice(session: Session, serial: str) -> bytes:
    """The archived PDF, byte for byte; refused if it no longer matches the sha256 stored with it."""
    require(session, "read")
    row = notice_store.by_serial(session.db, serial)
    if row is None:
        raise InputError("serial", f"找不到第{serial}号通知书")
    pdf = bytes(row["pdf"])
    digest = hashlib.sha256(pdf).hexdigest()
    # The sha256 beside the PDF is in the same file as the PDF: it is held against the audit entry of the issue
    # too, so a PDF forged together with its sha256 is not served (issue 12).
    issued = session.db.execute("SELECT after FROM audit WHERE entity = ? AND action = 'notice.issue'",
                                [f"notices:{serial}"]).fetchone()
    recorded = json.loads(issued[0]).get("sha256") if issued and issued[0] else None
    if digest != row["sha256"] or digest != recorded:
        raise InputError("serial", f"第{serial}号通知书的存档与其校验值或审计记录不符，可能已被篡改，请联系管理员")
    return pdf


def notice_inputs(session: Session, serial: str) -> dict:
    """The notice dict an archived notice was rendered from."""
    require(session, "read")
    row = notice_store.by_serial(session.db, serial)
    if row is None:
        raise InputError("serial", f"找不到第{serial}号通知书")
    return row["inputs"]


def notices_for_person(session: Session, person_id: int) -> list[dict]:
    """serial, kind, issued_on, operator, sha256, replaces, receipt_returned_on, receipt_operator — newest last."""
    require(session, "read")
    return notice_store.for_person(session.db, person_id)


def earlier_notice(session: Session, person_id: int, kind: str, decision: dict,
                   decision_id: int | None = None) -> dict | None:
    """A notice of this kind already issued for this decision (serial, issued_on): printing it again is a
    reprint (重印, the archived PDF) or a correction (更正, a new serial naming it), never a second original."""
    require(session, "read")
    return notice_store.same_decision(session.db, person_id, kind, decision, decision_id)
