"""信息变更: a person's contact details, category, payment cycle and (江苏) base band, each change dated, with its
reason and audit entry; the history stays on file."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from desktop_app.services.errors import InputError, typed_text
from desktop_app.services.permissions import require
from desktop_app.services.rules_glue import add_months, month_date, month_str
from desktop_app.services.session import Session
from desktop_app.store import people as people_store
from desktop_app.store import person_changes as change_store
from desktop_app.store.db import atomic

FIELDS = {"phone": "联系电话", "address": "居住地址", "category": "人员类别", "payment_cycle": "缴费周期",
          "base_ratio": "缴费基数档次"}
# Every field the history holds: the ones above, and those changed by their own counter actions
# (参保方式变更 in services.mode_change; 停保/恢复/终止/转出 in services.person_status and services.transfer).
LABELS = {**FIELDS, "mode": "参保方式", "status": "参保状态"}
# Terms that decide contributions and due dates apply from a month on, and only from the current month: an
# earlier start would rewrite what months already paid were due.
MONTHLY_TERMS = ("payment_cycle", "base_ratio", "mode", "status")
PHONE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$")


@dataclass(frozen=True)
class PersonChange:
    id: int
    field: str
    valid_from: date
    before: str | None
    after: str | None
    reason: str
    decided_on: date
    operator: str


def _value(person: dict, field: str, value) -> str | Decimal | None:
    from desktop_app.rules import JURISDICTIONS, RuleError, range_text, validate_parameter
    from desktop_app.services.enrolment import CATEGORIES

    j = JURISDICTIONS[person["jurisdiction"]]
    if field == "phone":
        text = (value or "").strip()
        if text and not PHONE.match(text):
            raise InputError("value", "联系电话应为11位手机号码或带区号的固定电话")
        return text
    if field == "address":
        text = typed_text(value, "value", "居住地址")
        if len(text) > 100:
            raise InputError("value", "居住地址最长100个字")
        return text
    if field == "category":
        if value not in CATEGORIES:
            raise InputError("value", "请选择人员类别")
        return value
    if field == "payment_cycle":
        if value not in ("monthly", "quarterly"):
            raise InputError("value", "缴费周期只能选择按月或按季度")
        if value not in j.payment_cycles:
            raise InputError("value", f"{j.document}未规定按季度缴费，{j.name}灵活就业人员按月缴纳")
        return value
    if field == "base_ratio":
        if not j.person_chooses_base:
            raise InputError("value", f"{j.name}的缴费基数由文件统一规定，参保人不选择缴费基数档次")
        try:
            return validate_parameter("base_ratio", Decimal(str(value)))
        except (RuleError, InvalidOperation):
            raise InputError("value", f"缴费基数档次应在{range_text('base_ratio')}之间") from None
    raise InputError("field", "不能变更该项信息")


def change_person(session: Session, person_id: int, field: str, value, valid_from: date, reason: str,
                  today: date) -> PersonChange:
    """Record one change. Contact details and category change from a date (today or earlier); the payment cycle
    and base band from a month not before the current one. One transaction with its audit entry."""
    require(session, "counter")
    person = people_store.get(session.db, person_id)
    if person is None:
        raise InputError(None, "找不到该参保人")
    if field not in FIELDS:
        raise InputError("field", "不能变更该项信息")
    new = _value(person, field, value)
    if not isinstance(valid_from, date):
        raise InputError("valid_from", "请填写变更生效日期")
    if field in MONTHLY_TERMS:
        valid_from = valid_from.replace(day=1)
        if valid_from < today.replace(day=1):
            raise InputError("valid_from", f"{FIELDS[field]}只能自本月（{today.year}年{today.month}月）或以后月份起变更，"
                                           "已缴月份按原约定计算")
        if valid_from > add_months(today, 12):
            raise InputError("valid_from", "变更生效月份最晚为12个月后")
        if month_str(valid_from) < person["first_month"]:
            valid_from = month_date(person["first_month"])
        start = month_str(valid_from)
    else:
        if valid_from > today:
            raise InputError("valid_from", "变更日期不能晚于今天")
        start = valid_from.isoformat()
    current = person[field]
    if str(current) == str(new) or (current is not None and field == "base_ratio" and Decimal(current) == new):
        raise InputError("value", f"{FIELDS[field]}与现在相同，无需变更")
    reason = typed_text(reason, "reason", "变更原因")
    if len(reason) < 2:
        raise InputError("reason", "请写明变更原因（如本人申请）")
    with atomic(session.db):
        change_id = change_store.insert(session.db, session.stamp(), person_id, field, start, new, reason,
                                        today.isoformat())
    return next(c for c in history(session, person_id, field) if c.id == change_id)


def history(session: Session, person_id: int, field: str | None = None) -> list[PersonChange]:
    """Every change of the person (or of one field), oldest first."""
    require(session, "read")
    out = []
    for row in change_store.history(session.db, person_id, field):
        start = row["valid_from"]
        out.append(PersonChange(row["id"], row["field"],
                                month_date(start) if len(start) == 7 else date.fromisoformat(start),
                                row["before"], row["after"], row["reason"], date.fromisoformat(row["decided_on"]),
                                row["operator"]))
    return out
