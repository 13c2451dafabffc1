"""Append-only audit log: each entry carries the hash of the one before, so an edit or deletion shows."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlite_utils import Database

from desktop_app.store.db import stream

GENESIS = "0" * 64

ACTION_LABELS = {
    "schema.migrate": "数据结构升级",
    "settings.set": "修改经办机构设置",
    "person.create": "参保登记",
    "person.update": "修改人员信息",
    "ledger.record": "登记缴费",
    "ledger.import": "导入税务缴费数据",
    "ledger.void": "作废缴费记录",
    "decision.save": "保存经办决定",
    "correction.add": "更正缴费年限",
    "correction.void": "撤销更正",
    "notice.issue": "出具告知书",
    "parameter.set": "修改参数",
    "demo.build": "生成示例数据",
    "auth.login": "登录",
    "auth.login_failed": "登录失败（密码错误）",
    "auth.account_locked": "账户锁定（连续密码错误）",
    "auth.logout": "注销",
    "auth.lock": "锁定窗口",
    "auth.unlock": "解锁窗口",
    "auth.password_change": "修改密码",
    "operator.create": "新增操作员",
    "operator.update": "修改操作员",
    "operator.reset_password": "重置操作员密码",
    "operator.unlock": "解锁操作员账户",
    "backup.create": "备份数据",
    "backup.restore": "从备份恢复数据",
    "backup.passphrase": "设置备份口令",
    "export.csv": "导出CSV",
    "export.list": "导出清单",
    "notice.receipt": "登记回执交回",
    "notice.batch": "批量出具告知书",
    "notice.reserve": "预留告知书编号",
    "close.sign": "日结签字确认",
    "integrity.damaged": "数据文件检查发现损坏",
}


@dataclass(frozen=True)
class Stamp:
    """Who writes and when (the time comes from the caller's clock, not from here)."""

    operator: str
    at: str  # ISO timestamp, seconds


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    entries: int
    first_bad_id: int | None
    message: str  # Chinese


def _default(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return hashlib.sha256(value).hexdigest()
    if isinstance(value, (set, frozenset, tuple)):
        return sorted(value) if isinstance(value, (set, frozenset)) else list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def canonical(value) -> str:
    """One spelling per value: sorted keys, no spaces, UTF-8 text kept as is."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_default)


def entry_hash(prev_hash: str, row: dict) -> str:
    fields = {k: row[k] for k in ("id", "at", "operator", "action", "entity", "before", "after")}
    return hashlib.sha256((prev_hash + canonical(fields)).encode("utf-8")).hexdigest()


def append(db: Database, stamp: Stamp, action: str, entity: str, before=None, after=None) -> int:
    """Add one entry; must run inside the transaction of the write it records."""
    if not db.conn.in_transaction:
        raise RuntimeError("audit.append outside a transaction: the write and its entry must commit together")
    head = db.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    row = {
        "id": head[0] + 1 if head else 1,
        "at": stamp.at,
        "operator": stamp.operator,
        "action": action,
        "entity": entity,
        "before": None if before is None else canonical(before),
        "after": None if after is None else canonical(after),
    }
    row["prev_hash"] = head[1] if head else GENESIS
    row["hash"] = entry_hash(row["prev_hash"], row)
    db.execute(
        "INSERT INTO audit (id, at, operator, action, entity, before, after, prev_hash, hash)"
        " VALUES (:id, :at, :operator, :action, :entity, :before, :after, :prev_hash, :hash)",
        row,
    )
    return row["id"]


def verify(db: Database) -> ChainCheck:
    """Walk the chain from the first entry; report the first entry that does not match."""
    prev_hash, expected_id, count = GENESIS, 1, 0
    cursor = stream(db, "SELECT id, at, operator, action, entity, before, after, prev_hash, hash FROM audit ORDER BY id")
    names = [d[0] for d in cursor.description]
    for values in cursor:
        row = dict(zip(names, values))
        count += 1
        if row["id"] != expected_id or row["prev_hash"] != prev_hash:
            return ChainCheck(False, count, row["id"],
                              f"审计记录第 {row['id']} 条与前一条记录衔接不上：其前的记录被删除或修改过。")
        if entry_hash(prev_hash, row) != row["hash"]:
            return ChainCheck(False, count, row["id"],
                              f"审计记录第 {row['id']} 条的内容与其校验值不符：该记录被修改过。")
        prev_hash, expected_id = row["hash"], expected_id + 1
    return ChainCheck(True, count, None, f"审计记录完整：共 {count} 条，校验链无断点。最后一条校验值 {prev_hash[:16]}…")


def last_at(db: Database) -> str | None:
    """When the newest entry was made (ISO time), None when the log is empty."""
    row = db.execute("SELECT at FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    return row[0] if row else None


def entries(db: Database, limit: int = 200) -> list[dict]:
    """The newest entries first, for the administrator's view."""
    return list(db.query("SELECT * FROM audit ORDER BY id DESC LIMIT ?", [limit]))
