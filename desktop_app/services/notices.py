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
from desktop_app.store import notices as notice_store
from desktop_app.store import people as people_store
from desktop_app.store.db import atomic

KINDS = ("waiting_period", "lump_sum", "transfer", "retirement")
INITIALS = {"huainan": "HN", "jiangsu": "JS", "jilin": "JL", "xinyang": "XY"}


@dataclass(frozen=True)
class IssuedNotice:
    serial: str
    pdf: bytes
    sha256: str


Render = Callable[[dict], bytes]   # the notice dict -> PDF bytes; raises InputError when it cannot


def is_demo(session: Session, decision: dict) -> bool:
    """A notice is a demo when the file is the demo database or any value it rests on is a demo value."""
    return session.demo or any(
        p.get("demo") for p in decision.get("parameters_used") or [])


def serial_prefix(jurisdiction: str, on: date) -> str:
    return f"{on.year}{INITIALS.get(jurisdiction, jurisdiction[:2].upper())}"


def issue_notice(session: Session, person_id: int, kind: str, decision: dict, today: date, render: Render,
                 replaces: str | None = None, decision_id: int | None = None) -> IssuedNotice:
    """出具通知书: serial "{YYYY}{XY}-{seq:06d}", the PDF archived with its sha256 and the notice inputs.
    `replaces` names an earlier serial of the same person that this notice corrects (复核员 or 管理员)."""
    require(session, "correct" if replaces is not None else "counter")
    if kind not in KINDS:
        raise InputError("kind", "未知的通知书类型")
    person = people_store.get(session.db, person_id)
    if person is None:
        raise InputError(None, "找不到该参保人")
    if not isinstance(decision, dict) or not decision.get("jurisdiction"):
        raise InputError(None, "缺少规则决定，无法出具通知书")
    if not (session.office.name or "").strip():
        raise InputError("office_name", "请先由管理员在“设置”中填写经办机构名称（打印在通知书上）")
    if replaces is not None:
        old = notice_store.by_serial(session.db, replaces)
        if old is None or old["person_id"] != person_id:
            raise InputError("replaces", f"找不到该参保人的第{replaces}号通知书")
    jurisdiction = decision["jurisdiction"]
    with atomic(session.db):
        prefix = serial_prefix(jurisdiction, today)
        serial = f"{prefix}-{notice_store.next_seq(session.db, prefix):06d}"
        notice = {
            "kind": kind, "serial": serial, "issued_on": today.isoformat(), "operator": session.operator,
            "office_name": session.office.name, "jurisdiction_name": decision.get("jurisdiction_name") or jurisdiction,
            "person": {"name": person["name"], "id_number": person["id_number"]}, "decision": decision,
            "replaces": replaces, "demo": is_demo(session, decision),
        }
        pdf = render(notice)
        digest = hashlib.sha256(pdf).hexdigest()
        notice_store.insert(session.db, session.stamp(), {
            "serial": serial, "person_id": person_id, "kind": kind, "decision_id": decision_id, "inputs": notice,
            "pdf": pdf, "sha256": digest, "replaces": replaces, "issued_on": today.isoformat()})
    return IssuedNotice(serial, pdf, digest)


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
    """serial, kind, issued_on, operator, sha256, replaces — newest last."""
    require(session, "read")
    return notice_store.for_person(session.db, person_id)
