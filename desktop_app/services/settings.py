"""Office settings: the jurisdiction it works under and its name (printed on notices)."""

from __future__ import annotations

from desktop_app.services.errors import InputError
from desktop_app.services.session import Office, Session, load_office
from desktop_app.store import settings as settings_store
from desktop_app.store.db import atomic


def _jurisdictions() -> dict:
    from desktop_app.rules import JURISDICTIONS

    return JURISDICTIONS


def get_office(session: Session) -> Office:
    return session.office


def set_office(session: Session, jurisdiction: str, name: str) -> Office:
    """设置经办机构: refuse an unknown jurisdiction or an empty name; one transaction with its audit entry."""
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
    return settings_store.get(session.db, key)


def set_setting(session: Session, key: str, value) -> None:
    if key not in settings_store.SETTINGS or key.startswith("office_"):
        raise InputError(key, "未知的设置项")
    if key == "idle_lock_minutes" and not (isinstance(value, int) and 1 <= value <= 240):
        raise InputError(key, "自动锁定时间应为 1 至 240 分钟")
    with atomic(session.db):
        settings_store.put(session.db, session.stamp(), {key: value})
