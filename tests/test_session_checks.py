"""Every service checks the session (issue 12, point 5) and logging in tells nothing about which names exist
(point 6): the same answer and the same work for a known and an unknown name, a password policy, scrypt at
OWASP's cost, and nothing of what was typed kept in the audit log."""

import hashlib
import importlib
import inspect
import pkgutil
from datetime import date

import pytest

import desktop_app.services as services
from desktop_app.services import auth, operators
from desktop_app.services.errors import InputError
from desktop_app.services.permissions import PermissionDenied
from desktop_app.services.session import SYSTEM_ROLE, Session, open_session, open_trusted_session
from tests.conftest import FIXED_NOW

ADMIN = "Guanli2025x"
CLERK = "Counter2025"

# Functions taking a session that may (or must) run with nobody logged in or the window locked, and helpers
# only ever called after their caller's own check.
BEFORE_LOGIN = {"auth.ensure_first_admin", "auth.is_first_start", "auth.login", "auth.logout", "auth.lock",
                "auth.unlock", "auth.demo_login", "auth.lock_minutes",
                "settings.get_office",          # the office's name in the title bar, on the lock screen too
                "restore.finish_restore"}        # after a restore: everybody logs in again
HELPERS = {"notices.is_demo", "rules_glue.office_parameters", "rules_glue.ask", "rules_glue.require_office",
           "rules_glue.parameter_in_force",
           "tax_check.people_index", "permissions.may", "permissions.require",
           "session.on_own_connection"}   # hands a worker thread the session as it is; the service it runs checks


def session_functions():
    for info in pkgutil.iter_modules(services.__path__):
        module = importlib.import_module(f"desktop_app.services.{info.name}")
        for name, fn in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(fn) or fn.__module__ != module.__name__:
                continue
            params = list(inspect.signature(fn).parameters.values())
            if params and params[0].name == "session":
                yield f"{info.name}.{name}", fn, params[1:]


def dummy(param):
    if param.default is not inspect.Parameter.empty:
        return param.default
    name = param.name
    if name in ("today", "valid_from", "paid_on"):
        return date(2025, 6, 16)
    if name.endswith("_id") or name in ("months", "limit", "offset"):
        return 1
    return "x"


@pytest.fixture
def locked(db_path):
    s = open_session(db_path, clock=lambda: FIXED_NOW)
    auth.ensure_first_admin(s)
    auth.login(s, "admin", "admin")
    auth.change_password(s, "admin", ADMIN)
    operators.create_operator(s, "lisi", "李四", "clerk", CLERK)
    auth.lock(s)
    yield s
    s.close()


def test_every_service_refuses_a_locked_and_a_logged_out_session(locked):
    checked = []
    for state in ("locked", "logged_out"):
        if state == "logged_out":
            auth.unlock(locked, ADMIN)
            auth.logout(locked)
        for name, fn, params in session_functions():
            if name in BEFORE_LOGIN | HELPERS:
                continue
            args = [dummy(p) for p in params if p.kind is p.POSITIONAL_OR_KEYWORD and p.default is p.empty]
            with pytest.raises(PermissionDenied):
                fn(locked, *args)
            checked.append(name)
    # the reads the issue found open are among them
    for name in ("payments.ledger", "notices.reprint_notice", "notices.notice_inputs", "retirement.retirement_record",
                 "parameters.parameter_rows", "auth.change_password"):
        assert name in checked


def test_opening_a_file_gives_no_rights_whatever_name_is_passed(db_path):
    """No rights by default (issue 16): only a login gives a role; trusted code asks for the system role by name."""
    from desktop_app.services.people import search_people
    from desktop_app.services.settings import set_setting

    for s in (open_session(db_path), open_session(db_path, "管理员", lambda: FIXED_NOW)):
        try:
            assert s.role is None
            with pytest.raises(PermissionDenied, match="请先登录"):
                search_people(s, "王")
            with pytest.raises(PermissionDenied, match="请先登录"):
                set_setting(s, "idle_lock_minutes", 30)
        finally:
            s.close()
    assert Session.__dataclass_fields__["role"].default is None   # a Session built by hand has no rights either
    trusted = open_trusted_session(db_path, "自检", lambda: FIXED_NOW)
    try:
        assert trusted.role == SYSTEM_ROLE and trusted.operator == "自检"
        set_setting(trusted, "idle_lock_minutes", 30)
        stamp = trusted.db.execute("SELECT operator FROM audit ORDER BY id DESC LIMIT 1").fetchone()[0]
        assert stamp == "自检"
    finally:
        trusted.close()
    for nameless in ("", "  ", None):
        with pytest.raises(ValueError):
            open_trusted_session(db_path, nameless)


def test_the_list_of_exceptions_is_still_accurate():
    names = {name for name, _fn, _p in session_functions()}
    assert BEFORE_LOGIN | HELPERS <= names


def test_change_password_on_a_locked_window_is_refused_and_wrong_old_passwords_lock_the_account(locked):
    with pytest.raises(PermissionDenied, match="已锁定"):
        auth.change_password(locked, ADMIN, "Another2025y")
    auth.unlock(locked, ADMIN)
    for _ in range(4):
        with pytest.raises(InputError, match="原密码不正确"):
            auth.change_password(locked, "Wrong2025zz", "Another2025y")
    with pytest.raises(InputError, match="账户已锁定"):
        auth.change_password(locked, "Wrong2025zz", "Another2025y")
    assert locked.locked
    failed = locked.db.execute("SELECT COUNT(*) FROM audit WHERE action IN ('auth.login_failed',"
                               " 'auth.account_locked')").fetchone()[0]
    assert failed == 5


@pytest.fixture
def counted_scrypt(monkeypatch):
    calls = []
    real = hashlib.scrypt

    def scrypt(password, **kw):
        calls.append(kw["n"])
        return real(password, **kw)

    monkeypatch.setattr(auth.hashlib, "scrypt", scrypt)
    return calls


def attempt(session, username, password) -> str:
    with pytest.raises(InputError) as e:
        auth.login(session, username, password)
    return e.value.message


def test_a_known_and_an_unknown_name_get_the_same_answers_for_the_same_work(locked, counted_scrypt):
    auth.unlock(locked, ADMIN)
    operators.create_operator(locked, "wangwu", "王五", "clerk", CLERK)
    wang = operators.list_operators(locked)
    operators.update_operator(locked, [o.id for o in wang if o.username == "wangwu"][0], active=False)
    counted_scrypt.clear()
    answers = {}
    for name in ("lisi", "nobody", "wangwu"):      # known, unknown, disabled
        answers[name] = [attempt(locked, name, "Wrong2025zz") for _ in range(6)]
    assert answers["lisi"] == answers["nobody"] == answers["wangwu"]
    assert "账户已锁定" in answers["lisi"][4] and "已被锁定" in answers["lisi"][5]
    # one scrypt at the full cost for every try, whichever the name: the same time
    assert counted_scrypt == [auth.SCRYPT_N] * 18


def test_a_failed_login_keeps_nothing_of_what_was_typed(locked):
    auth.unlock(locked, ADMIN)
    typed = "MySecretPass2025"  # a password typed into the user-name box
    attempt(locked, typed, "whatever1")
    entries = [r[0] or "" for r in locked.db.execute("SELECT after FROM audit WHERE action = 'auth.login_failed'")]
    assert entries and not any(typed.lower() in e.lower() for e in entries)


def test_common_or_short_or_name_based_passwords_are_refused(locked):
    for password in ("admin123", "Admin12345", "Password2025", "qwerty123456", "1234567890a", "Secret2025",
                     "Aa12345678", "lisi202500x"):
        with pytest.raises(InputError):
            auth.validate_new_password(password, "lisi")
    auth.validate_new_password("Xinyang2025shj", "lisi")
    auth.unlock(locked, ADMIN)
    with pytest.raises(InputError) as e:
        operators.create_operator(locked, "lisi2", "李四", "clerk", "admin123")
    assert e.value.field == "initial_password" and "至少10位" in e.value.message
    with pytest.raises(InputError, match="太常见"):
        operators.create_operator(locked, "lisi2", "李四", "clerk", "Admin123456")


def test_scrypt_at_owasps_cost_and_an_older_hash_upgraded_at_the_next_login(locked):
    stored = auth.hash_password("Zhou2025abc")
    assert stored.split("$")[1:4] == [str(2 ** 17), "8", "1"]
    auth.unlock(locked, ADMIN)
    locked.db.execute("UPDATE operators SET password_hash = ?, must_change_password = 0 WHERE username = 'lisi'",
                      [auth.hash_password(CLERK, n=2 ** 15)])
    auth.login(locked, "lisi", CLERK)
    upgraded = locked.db.execute("SELECT password_hash FROM operators WHERE username = 'lisi'").fetchone()[0]
    assert upgraded.startswith(f"scrypt${2 ** 17}$") and auth.check_password(CLERK, upgraded)
