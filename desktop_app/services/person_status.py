"""停保 / 恢复 / 终止: a person's insurance paused at their request, resumed, or ended (death, an employer's scheme),
each from a month, with its reason and audit entry. The timeline follows: stopped months are not owed."""

from __future__ import annotations

from datetime import date

from desktop_app.services.errors import InputError, typed_text
from desktop_app.services.permissions import require
from desktop_app.services.person_changes import PersonChange, history
from desktop_app.services.rules_glue import add_months, month_str
from desktop_app.services.session import Session
from desktop_app.store import ledger as ledger_store
from desktop_app.store import people as people_store
from desktop_app.store import person_changes as change_store
from desktop_app.store.db import atomic

STATUSES = {"active": "正常参保", "stopped": "暂停参保（本人申请）", "terminated_death": "终止参保（死亡）",
            "terminated_employer": "终止参保（转入用人单位参保）", "transferred_out": "已转出"}
ACTIONS = {"stopped": "停保", "active": "恢复参保", "terminated_death": "终止参保", "terminated_employer": "终止参保"}
# Which status may follow which: death is final; 转出 is done by the transfer-out action, and a person who comes
# back is enrolled again by a transfer in (which resumes them).
ALLOWED = {"active": ("stopped", "terminated_death", "terminated_employer"),
           "stopped": ("active", "terminated_death", "terminated_employer"),
           "terminated_employer": ("active", "terminated_death"),
           "terminated_death": (), "transferred_out": ("active",)}


def change_status(session: Session, person_id: int, status: str, from_month: date, reason: str,
                  today: date) -> PersonChange:
    """停保 from a month (not earlier than this month: arrears are not erased by a request), 恢复 from a month
    (this month or later), 终止 from the month after the event (may lie in the past: the office learns of a death
    later). No month may be paid from a stop on. One transaction with its audit entry."""
    require(session, "counter")
    person = people_store.get(session.db, person_id)
    if person is None:
        raise InputError(None, "找不到该参保人")
    current = person["status"] or "active"
    if status not in ACTIONS:
        raise InputError("status", "请选择停保、恢复参保或终止参保")
    if status not in ALLOWED.get(current, ()):
        raise InputError("status", f"该参保人现为“{STATUSES[current]}”，不能办理{ACTIONS[status]}")
    if not isinstance(from_month, date):
        raise InputError("valid_from", "请填写起始月份")
    start = month_str(from_month)
    this_month = month_str(today)
    if start < person["first_month"]:
        raise InputError("valid_from", f"起始月份不能早于首次缴费月份（{_zh(person['first_month'])}）")
    if status in ("stopped", "active") and start < this_month:
        raise InputError("valid_from", f"{ACTIONS[status]}只能自本月（{_zh(this_month)}）或以后月份起办理；"
                                       "已欠缴的月份仍应补缴")
    if start > month_str(add_months(today, 12)):
        raise InputError("valid_from", "起始月份最晚为12个月后")
    if status != "active":
        paid = sorted(m for m in ledger_store.months(session.db, person_id) if m >= start)
        if paid:
            raise InputError("valid_from", f"{'、'.join(_zh(m) for m in paid[:6])}已有缴费记录：请自其后月份起{ACTIONS[status]}，"
                                           "或先作废误录的月份")
    reason = typed_text(reason, "reason", "原因")
    if len(reason) < 2:
        raise InputError("reason", "请写明原因（如本人申请、死亡证明编号、新单位名称）")
    with atomic(session.db):
        change_id = change_store.insert(session.db, session.stamp(), person_id, "status", start, status, reason,
                                        today.isoformat())
    return next(c for c in history(session, person_id, "status") if c.id == change_id)


def _zh(month: str) -> str:
    return f"{int(month[:4])}年{int(month[5:7])}月"
