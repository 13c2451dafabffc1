"""日结: what each operator did on a day, from the audit log (every write has its entry, store/audit.py): people
enrolled, payments recorded with their amounts and late fees, notices issued, corrections, imports, receipts. The
复核员 reviews it and signs it off in the program (its own audit entry, the figures' SHA-256 kept); printed as one
page with the audit chain's anchor, so the paper shows which state of the log it was read from.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from desktop_app.services.errors import InputError
from desktop_app.services.permissions import require
from desktop_app.services.session import Session
from desktop_app.store import audit
from desktop_app.store.db import atomic, insert_id

LINES = (  # key, label
    ("enrolled", "参保登记（人）"), ("payments", "窗口登记缴费（笔）"), ("months", "窗口缴费月数（个月）"),
    ("amount", "窗口缴费金额（元，含滞纳金）"), ("late_fee", "其中滞纳金（元）"), ("transfer_months", "转移接续记入月数（个月）"), ("notices", "出具告知书（份）"),
    ("corrections", "更正、作废（笔）"), ("imports", "导入税务缴费文件（个）"), ("import_rows", "导入缴费记录（条）"),
    ("receipts", "登记回执交回（份）"), ("decisions", "保存经办决定（项）"), ("changes", "信息变更、停保（项）"),
)
CORRECTIONS = ("ledger.void", "correction.add", "correction.void")


@dataclass
class DailyClose:
    day: date
    operator: str
    figures: dict                           # key -> int | Decimal
    notices_by_kind: dict = field(default_factory=dict)
    entries: int = 0                        # audit entries read
    anchor: str = ""                        # 审计记录锚点 (services.audit_log.close_sheet_anchor)
    signed: list[dict] = field(default_factory=list)   # earlier sign-offs of this day and operator

    def canonical(self) -> str:
        return audit.canonical({"day": self.day.isoformat(), "operator": self.operator,
                                "figures": {k: str(v) for k, v in self.figures.items()},
                                "notices_by_kind": self.notices_by_kind})


def operators_of_day(session: Session, day: date) -> list[str]:
    require(session, "read")
    start, end = _bounds(day)
    return [r[0] for r in session.db.execute("SELECT DISTINCT operator FROM audit WHERE at >= ? AND at < ?"
                                             " AND action NOT LIKE 'auth.%' ORDER BY operator", [start, end])]


def _bounds(day: date) -> tuple[str, str]:
    if not isinstance(day, date):
        raise InputError("day", "请选择日期")
    return day.isoformat(), (day + timedelta(days=1)).isoformat()


def chain_anchor(session: Session) -> str:
    """The audit chain's count and head as the close sheet prints them for the 复核员 to sign (issue 12:
    `python -m desktop_app.audit verify DB --anchor N:HASH` holds the file against the paper later)."""
    from desktop_app.services import audit_log

    return audit_log.close_sheet_anchor(session).text


def daily_close(session: Session, day: date, operator: str) -> DailyClose:
    """The figures of one operator's day, read from the audit entries of that day."""
    require(session, "read")
    if not (operator or "").strip():
        raise InputError("operator", "请选择操作员")
    start, end = _bounds(day)
    figures: dict = {k: 0 for k, _ in LINES}
    figures["amount"] = figures["late_fee"] = Decimal("0.00")
    kinds: dict[str, int] = {}
    count = 0
    for action, after in session.db.execute("SELECT action, after FROM audit WHERE at >= ? AND at < ? AND operator = ?"
                                            " ORDER BY id", [start, end, operator]):
        count += 1
        data = json.loads(after) if after else None
        if action == "person.create":
            figures["enrolled"] += 1
        elif action == "ledger.record":
            paid = [m for m in data or [] if m.get("source") != "transfer"]   # a transfer's months are not money
            figures["transfer_months"] += len(data or []) - len(paid)
            figures["payments"] += 1 if paid else 0
            for month in paid:
                figures["months"] += 1
                figures["amount"] += Decimal(str(month.get("amount") or 0))
                figures["late_fee"] += Decimal(str(month.get("late_fee") or 0))
        elif action == "notice.issue":
            figures["notices"] += 1
            kinds[data["kind"]] = kinds.get(data["kind"], 0) + 1
            if data.get("replaces"):
                figures["corrections"] += 1
        elif action in CORRECTIONS:
            figures["corrections"] += 1
        elif action == "ledger.import":
            figures["imports"] += 1
            figures["import_rows"] += int(data.get("rows") or 0)
        elif action == "notice.receipt":
            figures["receipts"] += 1
        elif action == "decision.save":
            figures["decisions"] += 1
        elif action in ("person.change", "person.update", "mode_difference.pay"):
            figures["changes"] += 1
    figures["amount"] = figures["amount"] + figures["late_fee"]
    result = DailyClose(day, operator, figures, kinds, count, chain_anchor(session))
    result.signed = signed(session, day, operator)
    return result


def signed(session: Session, day: date, operator: str) -> list[dict]:
    require(session, "read")
    return list(session.db.query("SELECT * FROM daily_closes WHERE day = ? AND operator = ? ORDER BY id",
                                 [day.isoformat(), operator]))


def sign_off(session: Session, close: DailyClose, note: str = "") -> dict:
    """复核员签字确认: the figures as reviewed (their SHA-256 kept), who and when; audited. A close whose figures
    changed since it was read (more work recorded that day) is refused: read it again."""
    require(session, "correct")
    if close.operator == session.operator:
        raise InputError("operator", "不能为本人的日结签字确认，请由其他复核员办理")
    again = daily_close(session, close.day, close.operator)
    if again.canonical() != close.canonical():
        raise InputError("day", "该操作员当日又有新的业务记录，请重新生成日结后再签字")
    text = close.canonical()
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    stamp = session.stamp()
    with atomic(session.db):
        close_id = insert_id(
            session.db, "INSERT INTO daily_closes (day, operator, figures, sha256, signed_by, signed_at, note)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [close.day.isoformat(), close.operator, text, digest, session.operator, stamp.at, (note or "").strip()])
        audit.append(session.db, stamp, "close.sign", f"daily_closes:{close_id}", None,
                     {"day": close.day.isoformat(), "operator": close.operator, "sha256": digest,
                      "figures": text, "note": (note or "").strip(), "anchor": close.anchor})
    return signed(session, close.day, close.operator)[-1]
