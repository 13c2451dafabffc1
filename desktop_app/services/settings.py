"""Office settings: the jurisdiction it works under and its name (printed on notices)."""

from __future__ import annotations

from desktop_app.services.errors import InputError
from desktop_app.services.permissions import require
from desktop_app.services.session import SYSTEM_ROLE, Office, Session, load_office
from desktop_app.store import settings as settings_store
from desktop_app.store.db import atomic


def _jurisdictions() -> dict:
    from desktop_app.rules import JURISDICTIONS

    return JURISDICTIONS


def get_office(session: Session) -> Office:
    return session.office


def set_office(session: Session, jurisdiction: str, name: str) -> Office:
    """设置经办机构: refuse an unknown jurisdiction or an empty name; one transaction with its audit entry."""
    require(session, "admin")
    if jurisdiction not in _jurisdictions():
        raise InputError("jurisdiction", "请选择本经办机构所属的统筹地区")
    name = (name or "").strip()
    if not name:
        raise InputError("office_name", "请填写经办机构名称（将打印在告知书上）")
    with atomic(session.db):
        settings_store.put(session.db, session.stamp(), {"office_jurisdiction": jurisdiction, "office_name": name})
    session.office = load_office(session.db)
    return session.office


def get_setting(session: Session, key: str):
    require(session, "read")
    return settings_store.get(session.db, key)


_RANGES = {  # integer settings: (lowest, highest, Chinese message)
    "idle_lock_minutes": (1, 240, "自动锁定时间应为 1 至 240 分钟"),
    "login_lock_minutes": (1, 1440, "账户锁定时间应为 1 至 1440 分钟"),
    "backup_keep": (1, 365, "保留备份份数应为 1 至 365"),
}


def set_setting(session: Session, key: str, value) -> None:
    """管理员修改设置 (idle lock, login lock, backup folder and count); validated, audited."""
    require(session, "admin")
    if key not in settings_store.SETTINGS or key.startswith("office_"):
        raise InputError(key, "未知的设置项")
    if key == "demo" and session.role != SYSTEM_ROLE:
        # only the demo builder marks a file as demo (it allows the password-free demo login)
        raise InputError(key, "示例数据库标记只能由示例数据生成程序设置")
    if key in _RANGES:
        low, high, message = _RANGES[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise InputError(key, message)
    if key == "backup_folder":
        value = str(value or "").strip()
        if len(value) > 500:
            raise InputError(key, "备份文件夹路径过长")
    with atomic(session.db):
        settings_store.put(session.db, session.stamp(), {key: value})
