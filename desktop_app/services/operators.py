"""操作员管理 (administrator only): add operators, change roles, disable, reset passwords, unlock accounts.

Operators are never deleted: the audit log names them. The last active administrator cannot be disabled
or demoted, and an administrator cannot disable themself.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.services.auth import hash_password, validate_new_password, validate_username
from desktop_app.services.errors import InputError, typed_text
from desktop_app.services.permissions import ROLES, require, role_label
from desktop_app.services.session import Session
from desktop_app.store import operators as operator_store
from desktop_app.store.db import atomic


@dataclass(frozen=True)
class OperatorRow:
    id: int
    username: str
    full_name: str
    role: str
    role_label: str
    active: bool
    must_change_password: bool
    locked_until: str | None
    last_login_at: str | None
    demo: bool


def _out(row: dict) -> OperatorRow:
    return OperatorRow(row["id"], row["username"], row["full_name"], row["role"], role_label(row["role"]),
                       row["active"], row["must_change_password"], row["locked_until"], row["last_login_at"],
                       row["demo"])


def _get(session: Session, operator_id: int) -> dict:
    row = operator_store.get(session.db, operator_id)
    if row is None:
        raise InputError(None, "找不到该操作员")
    return row


def _full_name(text: str) -> str:
    text = typed_text(text, "full_name", "操作员姓名")
    if not 1 <= len(text) <= 30:
        raise InputError("full_name", "请填写操作员姓名（最多30字）")
    return text


def _role(role: str) -> str:
    if role not in ROLES:
        raise InputError("role", "请选择角色：经办员、复核员或管理员")
    return role


def list_operators(session: Session) -> list[OperatorRow]:
    require(session, "admin")
    return [_out(r) for r in operator_store.all_rows(session.db)]


def create_operator(session: Session, username: str, full_name: str, role: str, initial_password: str) -> OperatorRow:
    """新增操作员 with an initial password, which they must change at their first login."""
    require(session, "admin")
    username = validate_username(username)
    full_name, role = _full_name(full_name), _role(role)
    validate_new_password(initial_password, username, "initial_password")
    if operator_store.by_username(session.db, username) is not None:
        raise InputError("username", f"用户名“{username}”已存在")
    with atomic(session.db):
        operator_id = operator_store.insert(session.db, session.stamp(), {
            "username": username, "full_name": full_name, "role": role,
            "password_hash": hash_password(initial_password), "must_change_password": True})
    return _out(operator_store.get(session.db, operator_id))


def _keeps_an_admin(session: Session, row: dict) -> None:
    if row["role"] == "admin" and row["active"] and operator_store.count(session.db, "admin") <= 1:
        raise InputError("role", "这是唯一的管理员账户，不能停用或改为其他角色；请先设置另一名管理员。")


def update_operator(session: Session, operator_id: int, *, full_name: str | None = None, role: str | None = None,
                    active: bool | None = None) -> OperatorRow:
    """修改操作员: name, role, or disabled/enabled (never deleted)."""
    require(session, "admin")
    row = _get(session, operator_id)
    changes: dict = {}
    if full_name is not None and full_name.strip() != row["full_name"]:
        changes["full_name"] = _full_name(full_name)
    if role is not None and role != row["role"]:
        changes["role"] = _role(role)
    if active is not None and bool(active) != row["active"]:
        changes["active"] = bool(active)
    if not changes:
        return _out(row)
    if ("role" in changes or changes.get("active") is False):
        if operator_id == session.operator_id:
            raise InputError("active" if "active" in changes else "role",
                             "不能停用自己的账户或修改自己的角色，请由另一名管理员办理。")
        _keeps_an_admin(session, row)
    with atomic(session.db):
        operator_store.update(session.db, session.stamp(), operator_id, changes, "operator.update")
    return _out(operator_store.get(session.db, operator_id))


def reset_password(session: Session, operator_id: int, initial_password: str) -> OperatorRow:
    """重置密码: a new initial password (changed at next login); the account is unlocked as well."""
    require(session, "admin")
    row = _get(session, operator_id)
    validate_new_password(initial_password, row["username"], "initial_password")
    with atomic(session.db):
        operator_store.update(session.db, session.stamp(), operator_id, {
            "password_hash": hash_password(initial_password), "must_change_password": True, "failed_logins": 0,
            "locked_until": None}, "operator.reset_password")
    return _out(operator_store.get(session.db, operator_id))


def unlock_operator(session: Session, operator_id: int) -> OperatorRow:
    """解锁账户 locked after five wrong passwords."""
    require(session, "admin")
    row = _get(session, operator_id)
    if not row["locked_until"] and not row["failed_logins"]:
        return _out(row)
    with atomic(session.db):
        operator_store.update(session.db, session.stamp(), operator_id, {"failed_logins": 0, "locked_until": None},
                              "operator.unlock")
    return _out(operator_store.get(session.db, operator_id))
