"""Operators and roles: scrypt hashes, first administrator, five wrong passwords, idle lock, what each role may do."""

from datetime import datetime, timedelta

import pytest

from desktop_app.services import auth, operators
from desktop_app.services.errors import InputError
from desktop_app.services.permissions import PermissionDenied, may
from desktop_app.services.session import open_session
from desktop_app.store import audit
from tests.conftest import FIXED_NOW

PASSWORD = "Counter2025"


class Clock:
    """A wall clock the test moves forward."""

    def __init__(self, now: datetime = FIXED_NOW):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def app_session(db_path, clock):
    """The application's way in: no operator until someone logs in."""
    s = open_session(db_path, clock=clock)
    auth.ensure_first_admin(s)
    yield s
    s.close()


def admin_in(session) -> None:
    auth.login(session, "admin", "admin")
    auth.change_password(session, "admin", "Guanli2025x")


def add(session, username, role, full_name="张三") -> int:
    return operators.create_operator(session, username, full_name, role, PASSWORD).id


def as_operator(session, username) -> None:
    """Log in a new operator and do their forced password change."""
    auth.login(session, username, PASSWORD)
    auth.change_password(session, PASSWORD, PASSWORD + "x")


def actions(session) -> list[str]:
    return [r[0] for r in session.db.execute("SELECT action FROM audit ORDER BY id")]


def test_a_password_is_stored_as_salted_scrypt_with_its_parameters():
    stored = auth.hash_password("Secret123")
    scheme, n, r, p, salt, digest = stored.split("$")
    assert (scheme, int(n), int(r), int(p)) == ("scrypt", auth.SCRYPT_N, auth.SCRYPT_R, auth.SCRYPT_P)
    assert len(bytes.fromhex(salt)) == 16 and "Secret123" not in stored
    assert auth.hash_password("Secret123") != stored  # salted
    assert auth.check_password("Secret123", stored)
    assert not auth.check_password("secret123", stored)
    assert not auth.check_password("Secret123", "garbage")


def test_an_old_cheaper_hash_is_upgraded_at_the_next_login(app_session):
    admin_in(app_session)
    add(app_session, "lisi", "clerk")
    app_session.db.execute("UPDATE operators SET password_hash = ?, must_change_password = 0 WHERE username = 'lisi'",
                           [auth.hash_password(PASSWORD, n=2**10)])
    app_session.db.conn.commit()
    auth.login(app_session, "lisi", PASSWORD)
    stored = app_session.db.execute("SELECT password_hash FROM operators WHERE username = 'lisi'").fetchone()[0]
    assert not auth.needs_rehash(stored) and auth.check_password(PASSWORD, stored)


def test_first_start_creates_the_administrator_who_must_change_the_password(app_session):
    assert auth.is_first_start(app_session)
    assert not auth.ensure_first_admin(app_session)  # only once
    result = auth.login(app_session, "admin", "admin")
    assert result.must_change_password and result.role == "admin"
    with pytest.raises(PermissionDenied, match="修改初始密码"):
        operators.list_operators(app_session)
    with pytest.raises(InputError) as e:
        auth.change_password(app_session, "admin", "admin")
    assert e.value.field == "new_password"
    with pytest.raises(InputError, match="字母和数字"):
        auth.change_password(app_session, "admin", "abcdefghij")
    with pytest.raises(InputError, match="原密码"):
        auth.change_password(app_session, "wrong", "Guanli2025x")
    auth.change_password(app_session, "admin", "Guanli2025x")
    assert [o.username for o in operators.list_operators(app_session)] == ["admin"]
    assert not auth.is_first_start(app_session)
    # the wrong old password counted like a wrong login (issue 12)
    assert actions(app_session)[-4:] == ["operator.create", "auth.login", "auth.login_failed", "auth.password_change"]


def test_nobody_logged_in_may_do_nothing(app_session):
    from desktop_app.services.people import search_people
    from desktop_app.services.settings import set_office

    with pytest.raises(PermissionDenied, match="请先登录"):
        set_office(app_session, "xinyang", "某窗口")
    with pytest.raises(PermissionDenied, match="请先登录"):
        search_people(app_session, "王")


def test_five_wrong_passwords_lock_the_account_for_the_set_minutes(app_session, clock):
    admin_in(app_session)
    add(app_session, "lisi", "clerk")
    for _ in range(1, 5):  # the same answer an unknown name gets (issue 12)
        with pytest.raises(InputError, match="用户名或密码不正确（连续5次输错，账户将被锁定15分钟）"):
            auth.login(app_session, "lisi", "wrong-password")
    with pytest.raises(InputError, match="账户已锁定15分钟"):
        auth.login(app_session, "lisi", "wrong-password")
    with pytest.raises(InputError, match="已被锁定"):  # even the right password, for now
        auth.login(app_session, "lisi", PASSWORD)
    clock.now += timedelta(minutes=16)
    assert auth.login(app_session, "lisi", PASSWORD).role == "clerk"
    log = actions(app_session)
    assert log.count("auth.login_failed") == 4 and log.count("auth.account_locked") == 1
    assert audit.verify(app_session.db).ok


def test_the_lock_time_is_a_setting_and_the_admin_can_unlock(app_session, clock):
    from desktop_app.services.settings import set_setting

    admin_in(app_session)
    set_setting(app_session, "login_lock_minutes", 60)
    lisi = add(app_session, "lisi", "clerk")
    for _ in range(5):
        with pytest.raises(InputError):
            auth.login(app_session, "lisi", "nope-nope1")
    admin_in_again = auth.login(app_session, "admin", "Guanli2025x")
    assert admin_in_again.role == "admin"
    row = operators.list_operators(app_session)
    assert [o.locked_until for o in row if o.username == "lisi"] == [(FIXED_NOW + timedelta(minutes=60)).isoformat()]
    operators.unlock_operator(app_session, lisi)
    assert auth.login(app_session, "lisi", PASSWORD).must_change_password
    auth.login(app_session, "admin", "Guanli2025x")
    with pytest.raises(InputError, match="1 至 1440"):
        set_setting(app_session, "login_lock_minutes", 0)


def test_an_unknown_or_disabled_user_gets_the_same_answer_and_is_audited(app_session):
    admin_in(app_session)
    wang = add(app_session, "wangwu", "clerk")
    operators.update_operator(app_session, wang, active=False)
    for name in ("nobody", "wangwu"):
        with pytest.raises(InputError, match="用户名或密码不正确"):
            auth.login(app_session, name, PASSWORD)
    assert actions(app_session)[-2:] == ["auth.login_failed", "auth.login_failed"]


def test_idle_lock_refuses_every_action_until_the_password_is_given_again(app_session):
    from desktop_app.services.people import search_people

    admin_in(app_session)
    add(app_session, "lisi", "clerk")
    as_operator(app_session, "lisi")
    auth.lock(app_session)
    with pytest.raises(PermissionDenied, match="已锁定"):
        search_people(app_session, "王")
    with pytest.raises(InputError, match="不正确"):
        auth.unlock(app_session, "wrong-password1")
    assert app_session.locked
    auth.unlock(app_session, PASSWORD + "x")
    assert not app_session.locked and search_people(app_session, "王") == []
    # another operator may take over the locked window: the first is logged out in the audit log
    auth.lock(app_session)
    auth.unlock(app_session, "Guanli2025x", username="admin")
    assert app_session.operator == "admin" and app_session.role == "admin"
    assert actions(app_session)[-6:] == ["auth.lock", "auth.login_failed", "auth.unlock", "auth.lock",
                                         "auth.logout", "auth.login"]


def test_operator_management_keeps_an_administrator(app_session):
    admin_in(app_session)
    me = app_session.operator_id
    with pytest.raises(InputError, match="不能停用自己"):
        operators.update_operator(app_session, me, active=False)
    other = add(app_session, "zhao", "admin", "赵六")
    with pytest.raises(InputError, match="已存在"):
        add(app_session, "ZHAO", "clerk")
    with pytest.raises(InputError) as e:
        operators.create_operator(app_session, "a b", "某人", "clerk", PASSWORD)
    assert e.value.field == "username"
    with pytest.raises(InputError) as e:
        operators.create_operator(app_session, "qian", "钱七", "boss", PASSWORD)
    assert e.value.field == "role"
    operators.update_operator(app_session, other, role="reviewer")
    auth.login(app_session, "zhao", PASSWORD)
    auth.change_password(app_session, PASSWORD, "Wutong2025x")
    with pytest.raises(PermissionDenied, match="复核员"):
        operators.list_operators(app_session)


def test_what_each_role_may_do(app_session):
    admin_in(app_session)
    for username, role in (("jb", "clerk"), ("fh", "reviewer")):
        add(app_session, username, role)
    expected = {"jb": {"read", "counter"}, "fh": {"read", "counter", "correct", "list_id_numbers"},
                "admin": {"read", "counter", "correct", "list_id_numbers", "admin"}}
    for username, allowed in expected.items():
        if username == "admin":
            auth.login(app_session, "admin", "Guanli2025x")
        else:
            as_operator(app_session, username)
        got = {p for p in ("read", "counter", "correct", "list_id_numbers", "admin") if may(app_session, p)}
        assert got == allowed, username


def test_the_demo_login_works_only_on_the_demo_database(app_session, demo_db_path):
    with pytest.raises(InputError, match="示例数据库"):
        auth.demo_login(app_session)
    demo = open_session(demo_db_path)
    try:
        result = auth.demo_login(demo)
        assert result.role == "admin" and demo.demo_login and demo.operator == "demo"
        assert audit.verify(demo.db).ok
    finally:
        demo.close()


def test_the_system_session_of_tests_and_scripts_may_do_everything(session):
    assert all(may(session, p) for p in ("read", "counter", "correct", "list_id_numbers", "admin"))
    assert session.operator == "测试员"
