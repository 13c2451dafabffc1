"""The login dialog, the idle lock and what each role sees, driven through the widgets (pytest-qt)."""


import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop_app.services import auth
from desktop_app.services.session import open_session
from tests.conftest import FIXED_NOW
from auth_fixtures import ADMIN_PASSWORD, staffed, staffed_path, staffed_template  # noqa: F401
from ui_fixtures import TODAY, click, type_into

PASSWORD = "Counter2025"  # STAFF_PASSWORD is PASSWORD + "x"


class Ticks:
    """A monotonic clock the test moves on."""

    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


@pytest.fixture
def app_session(db_path):
    s = open_session(db_path, clock=lambda: FIXED_NOW)
    auth.ensure_first_admin(s)
    yield s
    s.close()


def login_dialog(qtbot, session, mode="login"):
    from desktop_app.ui.app import setup_application
    from desktop_app.ui.login_dialog import LoginDialog

    setup_application(QApplication.instance())
    dialog = LoginDialog(session, mode)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def controls(qtbot, session, ticks=None, **kw):
    from desktop_app.ui.main_window import MainWindow
    from desktop_app.ui.safety import SafetyControls

    window = MainWindow(session, clock=lambda: TODAY)
    qtbot.addWidget(window)
    safety = SafetyControls(window, session, monotonic=ticks or Ticks(), auto_backup=False, **kw)
    window.show()
    qtbot.waitExposed(window)
    return window, safety


def test_first_start_shows_the_initial_password_and_forces_a_new_one(qtbot, app_session):
    dialog = login_dialog(qtbot, app_session)
    ui = dialog.ui
    assert "初始密码 admin" in ui.hint_label.text() and ui.username_edit.text() == "admin"
    type_into(qtbot, ui.password_edit, "admin")
    qtbot.keyClick(ui.password_edit, Qt.Key.Key_Return)
    assert ui.pages.currentIndex() == 1 and not dialog.result()   # on to the password change
    type_into(qtbot, ui.new_password_edit, "short")
    type_into(qtbot, ui.repeat_password_edit, "short")
    click(qtbot, ui.change_button)
    assert ui.new_password_error.text() == "密码至少10位"
    type_into(qtbot, ui.new_password_edit, "Guanli2025x")
    type_into(qtbot, ui.repeat_password_edit, "Guanli2025y")
    click(qtbot, ui.change_button)
    assert ui.repeat_password_error.text() == "两次输入的新密码不一致"
    type_into(qtbot, ui.repeat_password_edit, "Guanli2025x")
    qtbot.keyClick(ui.repeat_password_edit, Qt.Key.Key_Return)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert app_session.role == "admin" and not app_session.must_change_password


def test_wrong_passwords_are_counted_at_the_field_then_the_account_locks(qtbot, staffed):
    dialog = login_dialog(qtbot, staffed)
    ui = dialog.ui
    type_into(qtbot, ui.username_edit, "jb")
    for _left in (4, 3, 2, 1):
        type_into(qtbot, ui.password_edit, "wrong-pass1")
        click(qtbot, ui.login_button)
        assert ui.password_error.text() == "用户名或密码不正确（连续5次输错，账户将被锁定15分钟）"
        assert ui.password_edit.text() == ""
    type_into(qtbot, ui.password_edit, "wrong-pass1")
    click(qtbot, ui.login_button)
    assert "账户已锁定15分钟" in ui.password_error.text()
    assert staffed.role is None


def test_each_role_sees_only_what_it_may_do(qtbot, staffed):
    auth.login(staffed, "jb", PASSWORD + "x")
    window, safety = controls(qtbot, staffed)
    assert window.operator_status.text() == "操作员：jb 测试jb（经办员）"
    hidden = [safety.operators_action, safety.backup_action, safety.verify_action, window.settings_action]
    assert not any(a.isVisible() for a in hidden)
    assert window.payments_tab.ui.void_button.isHidden()
    assert window.retirement_tab.ui.add_correction_button.isHidden()
    assert safety.lock_action.isVisible() and safety.password_action.isVisible()
    auth.login(staffed, "fh", PASSWORD + "x")
    safety.apply_role()
    assert not window.payments_tab.ui.void_button.isHidden() and not safety.backup_action.isVisible()
    auth.login(staffed, "admin", "Guanli2025x")
    safety.apply_role()
    assert all(a.isVisible() for a in hidden)
    assert [a.text() for a in window.menuBar().actions()][-2:] == ["管理(&M)", "帮助(&H)"]


def test_idle_minutes_lock_the_window_and_hide_the_records(qtbot, staffed):
    auth.login(staffed, "jb", PASSWORD + "x")
    ticks = Ticks()
    window, safety = controls(qtbot, staffed, ticks)
    ticks.t += 9 * 60
    assert not safety.check_idle()                          # 10 minutes by default
    ticks.t += 61
    assert safety.check_idle()
    dialog = safety.lock_dialog
    assert staffed.locked and not window.centralWidget().isVisible()
    assert dialog.ui.title_label.text() == "窗口已锁定" and dialog.ui.username_edit.text() == "jb"
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)               # Esc does not end the program here
    assert dialog.isVisible()
    type_into(qtbot, dialog.ui.password_edit, "nope-nope1")
    click(qtbot, dialog.ui.login_button)
    assert "不正确" in dialog.ui.password_error.text() and staffed.locked
    type_into(qtbot, dialog.ui.password_edit, PASSWORD + "x")
    click(qtbot, dialog.ui.login_button)
    assert not staffed.locked and window.centralWidget().isVisible()
    actions = [r[0] for r in staffed.db.execute("SELECT action FROM audit ORDER BY id DESC LIMIT 3")]
    assert actions == ["auth.unlock", "auth.login_failed", "auth.lock"]


def test_keyboard_or_mouse_use_keeps_the_window_open(qtbot, staffed):
    auth.login(staffed, "jb", PASSWORD + "x")
    ticks = Ticks()
    window, safety = controls(qtbot, staffed, ticks)
    ticks.t += 9 * 60
    qtbot.keyClick(window.ui.search_edit, Qt.Key.Key_A)
    ticks.t += 2 * 60
    assert not safety.check_idle() and not staffed.locked


def test_another_operator_takes_over_a_locked_window(qtbot, staffed):
    auth.login(staffed, "jb", PASSWORD + "x")
    window, safety = controls(qtbot, staffed)
    dialog = safety.lock()
    type_into(qtbot, dialog.ui.username_edit, "fh")
    type_into(qtbot, dialog.ui.password_edit, PASSWORD + "x")
    click(qtbot, dialog.ui.login_button)
    assert staffed.operator == "fh" and not window.payments_tab.ui.void_button.isHidden()
    assert "复核员" in window.operator_status.text()


def test_the_administrator_verifies_the_audit_chain_from_the_menu(qtbot, staffed):
    auth.login(staffed, "admin", "Guanli2025x")
    window, safety = controls(qtbot, staffed)
    safety.verify_action.trigger()   # off the window's thread (issue 12: minutes on a county's file)
    qtbot.waitUntil(lambda: getattr(safety, "verify_box", None) is not None, timeout=20_000)
    assert "审计记录完整" in safety.verify_box.text()
    safety.verify_box = None
    staffed.db.execute("DROP TRIGGER audit_no_update")
    staffed.db.execute("UPDATE audit SET operator = '别人' WHERE id = 3")
    staffed.db.conn.commit()
    safety.verify_action.trigger()
    qtbot.waitUntil(lambda: safety.verify_box is not None, timeout=20_000)
    assert "第 3 条" in safety.verify_box.text() and "报告上级" in safety.verify_box.text()


def test_the_demo_database_logs_in_by_itself_and_says_so(qtbot, demo_db_path):
    s = open_session(demo_db_path)
    try:
        auth.demo_login(s)
        window, safety = controls(qtbot, s, demo=True)
        assert safety.safety_status.text() == "示例模式：已自动以示例管理员身份登录"
        assert safety.backup_action.isVisible() and not safety.lock_action.isVisible()
        assert safety.lock() is None and not safety.check_idle()   # no password to unlock it with
    finally:
        s.close()


@pytest.mark.qt_no_exception_capture
def test_an_error_no_screen_caught_becomes_a_chinese_message(qtbot):
    import sys

    from desktop_app.store.db import StoreError
    from desktop_app.ui.safety import install_excepthook

    previous = sys.excepthook
    try:
        hook = install_excepthook()
        sys.excepthook(StoreError, StoreError("磁盘空间已满，本次操作未保存"), None)
        assert "磁盘空间已满" in hook.last_box.text()
        hook.last_box.close()
        sys.excepthook(ZeroDivisionError, ZeroDivisionError("division by zero"), None)
        assert "已保存的数据不受影响" in hook.last_box.text()
        hook.last_box.close()
    finally:
        sys.excepthook = previous


def test_operators_are_added_through_the_dialog(qtbot, staffed):
    from desktop_app.ui.operators_dialog import OperatorsDialog

    auth.login(staffed, "admin", "Guanli2025x")
    dialog = OperatorsDialog(staffed)
    qtbot.addWidget(dialog)
    dialog.show()
    ui = dialog.ui
    type_into(qtbot, ui.username_edit, "wang")
    type_into(qtbot, ui.full_name_edit, "王五")
    ui.role_combo.setCurrentIndex(ui.role_combo.findData("reviewer"))
    type_into(qtbot, ui.initial_password_edit, "abc")
    click(qtbot, ui.add_button)
    assert ui.initial_password_error.text() == "密码至少10位"
    type_into(qtbot, ui.initial_password_edit, PASSWORD)
    qtbot.keyClick(ui.initial_password_edit, Qt.Key.Key_Return)
    assert "已新增复核员 wang" in ui.status_label.text()
    assert [r.username for r in dialog.rows if r.must_change_password] == ["wang"]
    # the administrator cannot disable themself
    dialog.ui.operators_view.selectRow([r.username for r in dialog.rows].index("admin"))
    click(qtbot, ui.toggle_active_button)
    assert "不能停用自己" in ui.operator_error.text()


def test_the_lock_minutes_are_set_in_the_operators_dialog(qtbot, staffed):
    from desktop_app.services.settings import get_setting
    from desktop_app.ui.operators_dialog import OperatorsDialog

    auth.login(staffed, "admin", ADMIN_PASSWORD)
    dialog = OperatorsDialog(staffed)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.ui.idle_lock_minutes_spin.value() == 10 and dialog.ui.login_lock_minutes_spin.value() == 15
    dialog.ui.idle_lock_minutes_spin.setValue(3)
    dialog.ui.login_lock_minutes_spin.setValue(30)
    click(qtbot, dialog.ui.save_security_button)
    assert dialog.ui.status_label.text() == "锁定设置已保存。"
    assert get_setting(staffed, "idle_lock_minutes") == 3 and get_setting(staffed, "login_lock_minutes") == 30
