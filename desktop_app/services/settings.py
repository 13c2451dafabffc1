"""Office settings: the jurisdiction it works under and its name (printed on notices)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from desktop_app.services.errors import InputError, typed_text
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
    name = (name or "").strip() if isinstance(name, str) or name is None else None
    if name is None or not name.isprintable():
        raise InputError("office_name", "经办机构名称含有不能打印的字符，请重新填写")
    if not name:
        raise InputError("office_name", "请填写经办机构名称（将打印在告知书上）")
    with atomic(session.db):
        settings_store.put(session.db, session.stamp(), {"office_jurisdiction": jurisdiction, "office_name": name})
    session.office = load_office(session.db)
    return session.office


@dataclass(frozen=True)
class OfficeContact:
    """What every notice prints besides the office's name: the address and 咨询电话, the office's payment channels,
    and where a person who disagrees asks for 行政复议 or brings 行政诉讼."""

    address: str = ""
    phone: str = ""
    channels: list[str] = field(default_factory=list)
    review_body: str = ""
    court: str = ""

    def missing(self) -> list[str]:
        """The Chinese names of what a real (not 示例) notice still needs."""
        labels = {"address": "经办机构地址", "phone": "咨询电话", "review_body": "受理行政复议申请的机关",
                  "court": "受理行政诉讼的人民法院"}
        return [label for key, label in labels.items() if not getattr(self, key)]

    def as_notice(self) -> dict:
        return {"address": self.address, "phone": self.phone, "channels": list(self.channels),
                "review_body": self.review_body, "court": self.court}


_PHONE = re.compile(r"^[0-9（）()\-—、,，/ 转]{5,60}$")


def get_office_contact(session: Session) -> OfficeContact:
    require(session, "read")
    get = lambda key: settings_store.get(session.db, key)  # noqa: E731
    return OfficeContact(get("office_address") or "", get("office_phone") or "", list(get("office_channels") or []),
                         get("office_review_body") or "", get("office_court") or "")


def set_office_contact(session: Session, address: str, phone: str, channels: list[str] | str, review_body: str,
                       court: str) -> OfficeContact:
    """设置告知书上的联系方式、缴费渠道和救济途径 (管理员). Channels: a list, or text with one channel a line.
    Empty values are allowed (a notice then refuses to print until they are filled); bad ones are refused."""
    require(session, "admin")
    address, phone = typed_text(address, "office_address", "地址"), (phone or "").strip()
    review_body = typed_text(review_body, "office_review_body", "行政复议机关")
    court = typed_text(court, "office_court", "人民法院")
    if isinstance(channels, str):
        channels = channels.splitlines()
    channels = [typed_text(c, "office_channels", "缴费渠道").strip("；;、，,") for c in channels or [] if c]
    channels = [c for c in channels if c]
    if len(address) > 100:
        raise InputError("office_address", "地址最长100个字")
    if phone and not _PHONE.match(phone):
        raise InputError("office_phone", "咨询电话只能含数字、“-”、括号和“转”，如 0376-6229999")
    if len(channels) > 10 or any(len(c) > 60 for c in channels):
        raise InputError("office_channels", "缴费渠道最多10项，每项不超过60个字")
    for key, value in (("office_review_body", review_body), ("office_court", court)):
        if len(value) > 60:
            raise InputError(key, "名称最长60个字")
    with atomic(session.db):
        settings_store.put(session.db, session.stamp(), {
            "office_address": address, "office_phone": phone, "office_channels": channels,
            "office_review_body": review_body, "office_court": court})
    return get_office_contact(session)


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
    if key == "demo":
        if session.role != SYSTEM_ROLE:
            # only the demo builder marks a file as demo (it allows the password-free demo login)
            raise InputError(key, "示例数据库标记只能由示例数据生成程序设置")
        if not isinstance(value, bool):
            raise InputError(key, "示例数据库标记只能是“是”或“否”")
    if key in _RANGES:
        low, high, message = _RANGES[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise InputError(key, message)
    if key == "backup_folder":
        value = typed_text(str(value or ""), key, "备份文件夹")
        if len(value) > 500:
            raise InputError(key, "备份文件夹路径过长")
    with atomic(session.db):
        settings_store.put(session.db, session.stamp(), {key: value})
