"""Who may do what: three roles, each including the one below; the services refuse, the screens only hide.

经办员 (clerk)     counter actions: enrolment, payments, transfer, retirement decision, notices, tax import
复核员 (reviewer)  + corrections and voids (a payment entered in error, retirement-record corrections, a notice
                    that replaces an earlier one); full ID numbers in lists
管理员 (admin)     + office settings, parameters, operators, backup, restore, CSV export, audit check

ID numbers: a clerk sees the full number of the one person at the counter (the form, the selected person,
the notice) but lists of several people show it masked (4115**********1237), so a name search does not put
a screen of ID numbers in view of the queue. Reviewers and administrators see lists in full; a CSV export
masks them unless the administrator asks for full numbers, which the audit entry records.
"""

from __future__ import annotations

from desktop_app.services.errors import InputError
from desktop_app.services.session import SYSTEM_ROLE, Session

ROLES = {"clerk": "经办员", "reviewer": "复核员", "admin": "管理员"}
RANK = {"clerk": 1, "reviewer": 2, "admin": 3, SYSTEM_ROLE: 4}
PERMISSIONS = {  # permission -> (lowest role, what it is in Chinese, for the refusal)
    "read": ("clerk", "查询"),
    "counter": ("clerk", "办理窗口业务"),
    "correct": ("reviewer", "更正或作废已登记的记录"),
    "list_id_numbers": ("reviewer", "在列表中查看完整身份证号"),
    "admin": ("admin", "进行系统管理（参数、设置、操作员、备份与恢复、导出、审计校验）"),
}


class PermissionDenied(InputError):
    """The logged-in operator's role may not do this (or nobody is logged in, or the window is locked).
    An InputError with no field, so every screen that shows a refusal shows this one too."""

    def __init__(self, message: str):
        super().__init__(None, message)


def role_label(role: str | None) -> str:
    return ROLES.get(role or "", "系统" if role == SYSTEM_ROLE else "未登录")


def may(session: Session, permission: str) -> bool:
    """For the screens: show an action only when the service would allow it."""
    try:
        require(session, permission)
    except PermissionDenied:
        return False
    return True


def require(session: Session, permission: str) -> None:
    """Raise PermissionDenied (Chinese) unless the logged-in operator may do `permission` now."""
    needed, what = PERMISSIONS[permission]
    role = session.role
    if role is None:
        raise PermissionDenied("请先登录。")
    if session.locked:
        raise PermissionDenied("窗口已锁定，请重新输入密码后继续。")
    if session.must_change_password:
        raise PermissionDenied("请先修改初始密码，然后才能办理业务。")
    if RANK.get(role, 0) < RANK[needed]:
        raise PermissionDenied(f"当前操作员（{role_label(role)}）无权{what}，请由{ROLES[needed]}办理。")
