"""Reminders in batches: 缴费提醒 / 催缴通知书 for the people of a worklist, one PDF to print plus each person's own
archived notice, a 签收登记 list and a call list for the office to phone or text. Nothing is sent anywhere.

Runs off the window's thread on its own connection (`run_batch`): the rule module's quote for each person, then a
block of serial numbers is held (so the counter goes on issuing notices meanwhile), every notice is rendered, and
only then are they all archived in one transaction. 取消 before that transaction archives nothing (the held numbers
are recorded as given up); the transaction itself is all or nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from desktop_app.services import notices as archive
from desktop_app.services.errors import InputError
from desktop_app.services.payments import back_payment_today
from desktop_app.services.permissions import may, require
from desktop_app.services.people import mask_id_number
from desktop_app.services.rules_glue import add_months, month_str
from desktop_app.services.session import Session, on_own_connection
from desktop_app.store import notices as notice_store
from desktop_app.store import people as people_store
from desktop_app.store.db import StoreError, atomic

KINDS = {"payment_reminder": "缴费提醒", "arrears_demand": "催缴通知书"}
FOR_LIST = {"arrears_closing": "arrears_demand", "stop_next_month": "payment_reminder",
            "quarter_due": "payment_reminder"}
MAX_PEOPLE = 5000


class BatchCancelled(Exception):
    """取消: nothing was archived."""


@dataclass(frozen=True)
class BatchPlan:
    kind: str
    person_ids: tuple[int, ...]
    today: date
    data_path: Path
    operator: Session          # who asks (no connection): the batch runs as this operator


@dataclass
class BatchResult:
    serials: list[str]
    pdf: bytes                          # every notice, to print at once
    sign_rows: list[list]               # 签收登记: serial, name, ID (masked), what, amount, signature, date
    call_rows: list[list]               # call list: name, phone, what is due, amount, by when
    skipped: list[tuple[int, str]] = field(default_factory=list)   # (person id, why no notice)
    seconds: float = 0.0


def plan_batch(session: Session, kind: str, person_ids: list[int], today: date) -> BatchPlan:
    """Check what can be checked at once (permission, kind, how many, the office's name)."""
    require(session, "counter")
    if kind not in KINDS:
        raise InputError("kind", "请选择通知书类型（缴费提醒或催缴通知书）")
    ids = tuple(dict.fromkeys(int(i) for i in person_ids))
    if not ids:
        raise InputError("people", "清单中没有人员")
    if len(ids) > MAX_PEOPLE:
        raise InputError("people", f"一次最多出具{MAX_PEOPLE}份，请按统筹地区或人员类别筛选后分批出具")
    if not (session.office.name or "").strip():
        raise InputError("office_name", "请先由管理员在“设置”中填写经办机构名称（打印在通知书上）")
    return BatchPlan(kind, ids, today, Path(session.path), replace(session, db=None, instance_lock=None))


def _what(decision: dict) -> str:
    months = decision.get("months_to_pay") or []
    if not months:
        return ""
    text = lambda m: f"{int(m[:4])}年{int(m[5:7])}月"   # noqa: E731
    return text(months[0]) if len(months) == 1 else f"{text(months[0])}至{text(months[-1])}（{len(months)}个月）"


def run_batch(plan: BatchPlan, render: Callable[[dict], bytes], render_many: Callable[..., bytes],
              progress: Callable[[int, int], None] | None = None,
              cancel: threading.Event | None = None) -> BatchResult:
    """Any thread (its own connection). progress(done, total) over deciding, rendering and archiving."""
    import time

    import tempfile

    started = time.monotonic()
    spooled = tempfile.TemporaryDirectory(prefix="flexins-batch-")
    folder = spooled.name
    session = on_own_connection(plan.operator)   # its commits move the audit anchor on (issue 12)
    db = session.db
    block_ids: list[int] = []
    try:
        total = len(plan.person_ids) * 2 + 1
        step = 0

        def tick():
            nonlocal step
            step += 1
            if progress is not None and (step % 10 == 0 or step == total):
                progress(step, total)
            if cancel is not None and cancel.is_set():
                raise BatchCancelled()

        decided, skipped = [], []
        for person_id in plan.person_ids:
            person = people_store.get(db, person_id)
            try:
                if person is None:
                    raise InputError(None, "找不到该参保人")
                d = back_payment_today(session, person_id, plan.today)
                if plan.kind == "arrears_demand" and not d.get("arrears_months"):
                    raise InputError(None, "没有可补缴的欠费月份")
                if plan.kind == "payment_reminder" and not d.get("months_to_pay"):
                    raise InputError(None, "没有应缴未缴的月份")
                decided.append((person, d))
            except InputError as error:
                skipped.append((person_id, error.message))
            tick()
        if not decided:
            raise InputError("people", "所选人员都不需要出具：" + (skipped[0][1] if skipped else ""))
        if cancel is not None and cancel.is_set():
            raise BatchCancelled()
        groups: dict[str, list] = {}
        for person, d in decided:
            groups.setdefault(archive.serial_prefix(d["jurisdiction"], plan.today), []).append((person, d))
        blocks = {}
        with atomic(db):   # each jurisdiction's numbers held at once (the counter takes the next free ones)
            for prefix, members in groups.items():
                blocks[prefix] = notice_store.reserve(db, session.stamp(), prefix, len(members),
                                                      f"{KINDS[plan.kind]} {len(members)} 份")
        block_ids = [b for b, _ in blocks.values()]
        notices, pages = [], {}
        month_end = add_months(plan.today.replace(day=1), 1) - timedelta(days=1)
        for prefix, members in groups.items():
            first = blocks[prefix][1]
            for n, (person, d) in enumerate(members):
                serial = f"{prefix}-{first + n:06d}"
                extra = {"due_by": month_end.isoformat(), "stop_from": _stop_from(db, person["id"], plan.today)} \
                    if plan.kind == "payment_reminder" else {}
                notice = archive.batch_notice(session, person, plan.kind, d, plan.today, serial, extra)
                # on disk until archived (a batch of 1,000 is 70 MB of PDF and as much again of notice data)
                spool = Path(folder) / f"{len(notices):06d}"
                pdf = render(notice)
                spool.with_suffix(".pdf").write_bytes(pdf)
                pages[serial] = len(re.findall(rb"/Type /Page\b", pdf))
                spool.with_suffix(".json").write_text(json.dumps(notice, ensure_ascii=False), encoding="utf-8")
                notices.append((_person_fields(person), _quote_fields(d), serial, spool))
                tick()
        decided = groups = None
        combined = render_many((_load(spool) for _, _, _, spool in notices), f"{KINDS[plan.kind]}（{len(notices)}份）",
                               pages)
        if cancel is not None and cancel.is_set():
            raise BatchCancelled()
        stamp = session.stamp()
        with atomic(db):
            for person, _d, serial, spool in notices:
                pdf = spool.with_suffix(".pdf").read_bytes()
                notice_store.insert(db, stamp, {
                    "serial": serial, "person_id": person["id"], "kind": plan.kind, "decision_id": None,
                    "inputs": _load(spool), "pdf": pdf, "sha256": hashlib.sha256(pdf).hexdigest(), "replaces": None,
                    "issued_on": plan.today.isoformat()})
            for block_id in block_ids:
                notice_store.close_block(db, stamp, block_id, "issued",
                                         {"kind": plan.kind, "count": len(notices), "skipped": len(skipped)})
        block_ids = []
        tick()
        full = may(session, "list_id_numbers")
        sign_rows, call_rows = [], []
        for person, d, serial, _ in notices:
            number = person["id_number"] if full else mask_id_number(person["id_number"])
            by = d.get("pay_by") if plan.kind == "arrears_demand" else month_end.isoformat()
            sign_rows.append([serial, person["name"], number, _what(d), Decimal(d["total"]), "", ""])
            call_rows.append([person["name"], person["phone"], number, f"应缴{_what(d)}", Decimal(d["total"]),
                              date.fromisoformat(by) if by else None, serial])
        return BatchResult([serial for _, _, serial, _ in notices], combined, sign_rows, call_rows, skipped,
                           time.monotonic() - started)
    except BaseException:
        if block_ids:
            try:
                with atomic(db):
                    for block_id in block_ids:
                        notice_store.close_block(db, session.stamp(), block_id, "cancelled", {"kind": plan.kind})
            except (StoreError, sqlite3.Error):  # the numbers stay held; the batch archived nothing either way
                pass
        raise
    finally:
        db.close()
        spooled.cleanup()


def _person_fields(person: dict) -> dict:
    return {k: person[k] for k in ("id", "name", "phone", "id_number")}


def _quote_fields(decision: dict) -> dict:
    return {k: decision.get(k) for k in ("months_to_pay", "total", "pay_by")}


def _load(spool: Path) -> dict:
    return json.loads(spool.with_suffix(".json").read_text(encoding="utf-8"))


def _stop_from(db, person_id: int, today: date) -> str | None:
    """The month benefits stop if nothing more is paid: the person's outlook (the rule module's timeline month by
    month), the first month from next month on that is suspended or lapsed."""
    from desktop_app.store.outlook import index_month, month_index

    row = db.execute("SELECT base_index, seq_state FROM person_outlook WHERE person_id = ? AND stale = 0",
                     [person_id]).fetchone()
    if row is None:
        return None
    base, states = row
    for x in range(month_index(month_str(today)) + 1, base + len(states) + 1):
        if states[min(x - base, len(states) - 1)] in "SL":
            return index_month(x)
    return None


SIGN_HEADERS = ["告知书编号", "姓名", "身份证号", "缴费月份", "应缴金额（元）", "签收人", "签收日期"]
CALL_HEADERS = ["姓名", "联系电话", "身份证号", "应缴事项", "应缴金额（元）", "最迟缴费日期", "告知书编号"]
