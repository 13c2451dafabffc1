"""Office settings, declared once with their default and Chinese label; values live in the data file."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlite_utils import Database

from desktop_app.store import audit
from desktop_app.store.audit import Stamp


@dataclass(frozen=True)
class Setting:
    key: str
    default: object
    label: str


SETTINGS = {
    s.key: s
    for s in (
        Setting("office_jurisdiction", None, "本经办机构所属统筹地区"),
        Setting("office_name", "", "经办机构名称（打印在告知书上）"),
        # What an official notice carries (issue 14): where to come, whom to call, how to pay, where to appeal.
        Setting("office_address", "", "经办机构地址"),
        Setting("office_phone", "", "咨询电话"),
        Setting("office_channels", [], "缴费渠道（每行一项）"),
        Setting("office_review_body", "", "受理行政复议申请的机关"),
        Setting("office_court", "", "受理行政诉讼的人民法院"),
        Setting("idle_lock_minutes", 10, "无操作自动锁定（分钟）"),
        Setting("login_lock_minutes", 15, "连续5次密码错误后账户锁定（分钟）"),
        Setting("backup_folder", "", "自动备份文件夹（U盘或网络共享文件夹）"),
        Setting("backup_keep", 10, "保留备份份数"),
        Setting("demo", False, "示例数据库"),
    )
}


def get(db: Database, key: str):
    row = db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    return json.loads(row[0]) if row else SETTINGS[key].default


def put(db: Database, stamp: Stamp, values: dict) -> None:
    """Write several settings (inside the caller's transaction) with one audit entry."""
    unknown = set(values) - set(SETTINGS)
    if unknown:
        raise KeyError(f"unknown settings: {sorted(unknown)}")
    before = {k: get(db, k) for k in values}
    for key, value in values.items():
        db.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, json.dumps(value, ensure_ascii=False)],
        )
    audit.append(db, stamp, "settings.set", "settings", before, values)
