"""Logging in: scrypt password hashes, five wrong passwords lock the account, idle lock, first administrator.

The password hash is hashlib.scrypt (memory-hard, in the standard library) with a 16-byte random salt; the
cost parameters are stored in the hash itself ("scrypt$N$r$p$salt$hash"), so they can be raised later and an
old hash is upgraded at the next login. Every login, failed login, logout, lock, unlock and password change
is an audit entry written in the same transaction as the operator row it changes.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from desktop_app.services.errors import InputError
from desktop_app.services.session import SYSTEM_ROLE, Session
from desktop_app.store import audit
from desktop_app.store import operators as operator_store
from desktop_app.store import settings as settings_store
from desktop_app.store.db import atomic

SCRYPT_N, SCRYPT_R, SCRYPT_P, SCRYPT_DKLEN = 2**17, 8, 1, 32   # 128 MiB of memory per guess (OWASP: N=2^17)
# Checked for a user name that does not exist (or is disabled), so that every wrong answer costs one scrypt
# and takes the same time: the salt and digest are never matched, only the work is the same.
_NOBODY_HASH = f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${'00' * 16}${'00' * SCRYPT_DKLEN}"
MIN_PASSWORD = 10
MAX_FAILURES = 5
FIRST_ADMIN = {"username": "admin", "full_name": "系统管理员", "password": "admin"}  # changed at first login
DEMO_ADMIN = {"username": "demo", "full_name": "示例管理员"}
_USERNAME = re.compile(r"^[0-9A-Za-z_.\-\u3400-\u9fff]{2,20}$")


# -- hashing ---------------------------------------------------------------------------------------------
def hash_password(password: str, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=SCRYPT_DKLEN,
                            maxmem=256 * n * r + 1024 * 1024)
    return f"scrypt${n}${r}${p}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        n, r, p = int(n), int(r), int(p)
        if scheme != "scrypt":
            return False
        expected = bytes.fromhex(digest)
        got = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), n=n, r=r, p=p,
                             dklen=len(expected), maxmem=256 * n * r + 1024 * 1024)
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(got, expected)


def needs_rehash(stored: str) -> bool:
    return not stored.startswith(f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}$")


def validate_new_password(password: str, username: str, field: str = "new_password") -> None:
    """The password policy (issue 12): at least MIN_PASSWORD characters with letters and digits, not a common
    password (admin123, password1, qwerty123456 …), not the user name."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise InputError(field, f"密码至少{MIN_PASSWORD}位")
    if len(password) > 128:
        raise InputError(field, "密码最长128位")
    if not (re.search(r"[A-Za-z]", password) and re.search(r"\d", password)):
        raise InputError(field, "密码应同时包含字母和数字")
    name = (username or "").lower()
    if password.lower() == name or password == FIRST_ADMIN["password"] or (len(name) >= 3 and name in password.lower()):
        raise InputError(field, "密码不能与用户名或初始密码相同，也不能包含用户名")
    if is_common_password(password):
        raise InputError(field, "密码太常见、太容易被猜到（如 admin123、password1、qwerty123），请换一个")


def is_common_password(password: str) -> bool:
    """A word from the lists attackers try first, with digits or symbols around it; or hardly any letters."""
    from desktop_app.services.common_passwords import COMMON_PASSWORDS, COMMON_WORDS

    lowered = password.lower()
    letters = "".join(c for c in lowered if c.isalpha())  # Chinese characters count as letters here
    return (lowered in COMMON_PASSWORDS or letters in COMMON_WORDS or len(set(letters)) < 2
            or len(set(lowered)) < 5)


def validate_username(username: str) -> str:
    username = (username or "").strip()
    if not _USERNAME.match(username):
        raise InputError("username", "用户名应为2至20位字母、数字、汉字或“_ . -”，不含空格")
    return username


# -- logging in --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LoginResult:
    username: str
    full_name: str
    role: str
    must_change_password: bool


def _now(session: Session) -> datetime:
    return session.clock().replace(microsecond=0)


def lock_minutes(session: Session) -> int:
    return int(settings_store.get(session.db, "login_lock_minutes"))


def ensure_first_admin(session: Session) -> bool:
    """首次启动: with no operator on file, create the administrator `admin` with the initial password
    `admin`, which must be changed at the first login. Returns True when it was created now."""
    if operator_store.count(session.db, active_only=False):
        return False
    with atomic(session.db):
        if operator_store.count(session.db, active_only=False):
            return False
        operator_store.insert(session.db, session.stamp(), {
            "username": FIRST_ADMIN["username"], "full_name": FIRST_ADMIN["full_name"], "role": "admin",
            "password_hash": hash_password(FIRST_ADMIN["password"]), "must_change_password": True})
    return True


def is_first_start(session: Session) -> bool:
    """The initial administrator has not logged in yet (the login screen shows the initial password)."""
    row = operator_store.by_username(session.db, FIRST_ADMIN["username"])
    return (operator_store.count(session.db, active_only=False) == 1 and row is not None
            and row["must_change_password"] and row["last_login_at"] is None)


def _become(session: Session, row: dict) -> LoginResult:
    session.operator, session.operator_id, session.full_name = row["username"], row["id"], row["full_name"]
    session.role, session.locked = row["role"], False
    session.must_change_password = bool(row["must_change_password"])
    return LoginResult(row["username"], row["full_name"], row["role"], session.must_change_password)


# A user name that does not exist gets exactly the answers an existing one gets, lock included (issue 12), so
# the login screen does not tell which names exist. Its wrong tries are counted here, for this program's life.
_UNKNOWN_FAILURES: dict[tuple[str, str], tuple[int, str | None]] = {}


def _wrong(session: Session) -> InputError:
    return InputError("password", f"用户名或密码不正确（连续{MAX_FAILURES}次输错，账户将被锁定"
                                  f"{lock_minutes(session)}分钟）")


def _locked(until: str) -> InputError:
    return InputError("username", f"该账户因连续{MAX_FAILURES}次密码错误已被锁定，请于 {until[11:16]} 后再试，"
                                  "或请管理员解锁。")


def _locked_now(session: Session, until: str) -> InputError:
    return InputError("password", f"连续{MAX_FAILURES}次密码错误，账户已锁定{lock_minutes(session)}分钟"
                                  f"（至 {until[11:16]}），或请管理员解锁。")


def _fail(session: Session, row: dict | None, typed: str, now: datetime) -> InputError:
    """Count a wrong password (inside the caller's transaction) and say what happens next. What was typed is
    not kept: a password typed into the user-name box would stay in the audit log for good (issue 12)."""
    stamp = session.stamp()
    if row is None:
        audit.append(session.db, stamp, "auth.login_failed", "operators:?", None, {"reason": "unknown_or_disabled"})
        key = (str(session.path), typed.lower())
        failures = _UNKNOWN_FAILURES.get(key, (0, None))[0] + 1
        if failures >= MAX_FAILURES:
            until = (now + timedelta(minutes=lock_minutes(session))).isoformat(timespec="seconds")
            _UNKNOWN_FAILURES[key] = (0, until)
            return _locked_now(session, until)
        _UNKNOWN_FAILURES[key] = (failures, None)
        return _wrong(session)
    failures = row["failed_logins"] + 1
    if failures >= MAX_FAILURES:
        until = (now + timedelta(minutes=lock_minutes(session))).isoformat(timespec="seconds")
        operator_store.update(session.db, stamp, row["id"], {"failed_logins": 0, "locked_until": until},
                              "auth.account_locked", {"reason": f"连续{MAX_FAILURES}次密码错误"})
        return _locked_now(session, until)
    operator_store.update(session.db, stamp, row["id"], {"failed_logins": failures}, "auth.login_failed")
    return _wrong(session)


def _check(session: Session, username: str, password: str) -> dict:
    """The operator row for a correct username and password; otherwise the failure is recorded and raised.
    Every answer costs one scrypt, whether the name exists, is disabled or locked (the same time for all)."""
    typed = (username or "").strip()
    if not typed:
        raise InputError("username", "请输入用户名")
    if not password:
        raise InputError("password", "请输入密码")
    now = _now(session)
    error = None
    with atomic(session.db):
        # a name with a NUL character was never made (validate_username) and a server cannot even compare it
        row = operator_store.by_username(session.db, typed) if "\x00" not in typed else None
        if row is not None and not row["active"]:
            row = None
        matches = check_password(password, _NOBODY_HASH if row is None else row["password_hash"])
        if row is None:
            until = _UNKNOWN_FAILURES.get((str(session.path), typed.lower()), (0, None))[1]
        else:
            until = row["locked_until"]
        if until and until > now.isoformat():
            raise _locked(until)
        if row is None or not matches:
            error = _fail(session, row, typed, now)
    if error is not None:
        raise error  # raised after the commit: the failure stays counted and audited
    return row


def login(session: Session, username: str, password: str) -> LoginResult:
    """登录. Wrong passwords are counted; the fifth in a row locks the account for `login_lock_minutes`.
    With must_change_password set the operator may only change the password (change_password)."""
    row = _check(session, username, password)
    now = _now(session).isoformat(timespec="seconds")
    changes = {"failed_logins": 0, "locked_until": None, "last_login_at": now}
    if needs_rehash(row["password_hash"]):
        changes["password_hash"] = hash_password(password)
    previous = _state(session)
    try:
        with atomic(session.db):
            if session.role not in (None, SYSTEM_ROLE) and session.operator_id != row["id"]:
                audit.append(session.db, session.stamp(), "auth.logout", f"operators:{session.operator}", None,
                             {"reason": "另一操作员登录"})
            _become(session, row)
            operator_store.update(session.db, session.stamp(), row["id"], changes, "auth.login",
                                  {"role": row["role"]})
    except BaseException:
        _restore(session, previous)
        raise
    return _become(session, operator_store.get(session.db, row["id"]))


_STATE = ("operator", "operator_id", "full_name", "role", "locked", "must_change_password", "demo_login")


def _state(session: Session) -> dict:
    return {k: getattr(session, k) for k in _STATE}


def _restore(session: Session, state: dict) -> None:
    for k, v in state.items():
        setattr(session, k, v)


def logout(session: Session, reason: str = "注销") -> None:
    if session.role in (None, SYSTEM_ROLE):
        return
    with atomic(session.db):
        audit.append(session.db, session.stamp(), "auth.logout", f"operators:{session.operator}", None,
                     {"reason": reason})
    session.role, session.operator_id, session.operator, session.full_name = None, None, "", ""
    session.locked = session.must_change_password = session.demo_login = False


def lock(session: Session, reason: str = "无操作自动锁定") -> None:
    """Idle lock: every service refuses until unlock(). Recorded in the audit log."""
    if session.role in (None, SYSTEM_ROLE) or session.locked:
        return
    with atomic(session.db):
        audit.append(session.db, session.stamp(), "auth.lock", f"operators:{session.operator}", None,
                     {"reason": reason})
    session.locked = True


def unlock(session: Session, password: str, username: str | None = None) -> LoginResult:
    """解锁: the same operator's password again (wrong ones count towards the lock). Another operator may
    log in instead: the first is logged out in the audit log."""
    if username and session.operator and username.strip().lower() != session.operator.lower():
        return login(session, username, password)
    row = _check(session, session.operator, password)
    with atomic(session.db):
        operator_store.update(session.db, session.stamp(), row["id"], {"failed_logins": 0}, "auth.unlock")
    return _become(session, operator_store.get(session.db, row["id"]))


def change_password(session: Session, old_password: str, new_password: str, repeat: str | None = None) -> None:
    """修改密码 (forced at the first login with an initial password). Refused on a locked window; a wrong old
    password counts towards the account lock like a wrong login, and the fifth locks the window too."""
    from desktop_app.services.permissions import PermissionDenied

    if session.role in (None, SYSTEM_ROLE) or session.operator_id is None:
        raise PermissionDenied("请先登录。")
    if session.locked:
        raise PermissionDenied("窗口已锁定，请重新输入密码后继续。")
    row = operator_store.get(session.db, session.operator_id)
    if not check_password(old_password or "", row["password_hash"]):
        with atomic(session.db):
            error = _fail(session, row, row["username"], _now(session))
        if "已锁定" in error.message:
            session.locked = True
        raise InputError("old_password", "原密码不正确" + error.message[len("用户名或密码不正确"):]
                         if error.message.startswith("用户名或密码不正确") else error.message)
    validate_new_password(new_password, row["username"])
    if repeat is not None and repeat != new_password:
        raise InputError("repeat_password", "两次输入的新密码不一致")
    if new_password == old_password:
        raise InputError("new_password", "新密码不能与原密码相同")
    now = _now(session).isoformat(timespec="seconds")
    with atomic(session.db):
        operator_store.update(session.db, session.stamp(), row["id"], {
            "password_hash": hash_password(new_password), "must_change_password": False,
            "password_changed_at": now}, "auth.password_change")
    session.must_change_password = False


def demo_login(session: Session) -> LoginResult:
    """示例数据库: log in as the demo administrator without a password. Refused on any other file."""
    if not session.demo:
        raise InputError(None, "只有示例数据库可以免密码登录。")
    previous = _state(session)
    try:
        with atomic(session.db):
            row = operator_store.by_username(session.db, DEMO_ADMIN["username"])
            if row is None:
                # an unguessable password: the demo administrator is only ever logged in this way
                operator_store.insert(session.db, session.stamp(), {
                    **DEMO_ADMIN, "role": "admin", "password_hash": hash_password(secrets.token_urlsafe(24)),
                    "must_change_password": False, "demo": True})
                row = operator_store.by_username(session.db, DEMO_ADMIN["username"])
            _become(session, row)
            operator_store.update(session.db, session.stamp(), row["id"],
                                  {"last_login_at": _now(session).isoformat(timespec="seconds")}, "auth.login",
                                  {"role": "admin", "demo": True})
    except BaseException:
        _restore(session, previous)
        raise
    session.demo_login = True
    return _become(session, operator_store.get(session.db, row["id"]))
