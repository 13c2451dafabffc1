"""登录 / 解锁: username and password; a first login with an initial password goes on to the password change.

mode "login" at start (and after a restore), "unlock" over a locked window: the same operator's password, or
another operator's name and password to take over the counter. The dialog only calls services/auth.py.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QVBoxLayout

from desktop_app.services import auth
from desktop_app.services.errors import InputError, StoreError
from desktop_app.services.permissions import role_label
from desktop_app.ui.enter_key import enter_moves_to
from desktop_app.ui.field_errors import FieldErrors
from desktop_app.ui.forms import load_form

FIRST_START_HINT = (f"首次使用：用户名 {auth.FIRST_ADMIN['username']}，初始密码 {auth.FIRST_ADMIN['password']}。"
                    "登录后须立即设置新密码，然后在“管理 → 操作员管理”中为每位经办人员建立账户。")


class LoginDialog(QDialog):
    def __init__(self, session, mode: str = "login", parent=None):
        super().__init__(parent)
        self.session = session
        self.mode = mode
        self._password = ""
        QVBoxLayout(self).setContentsMargins(16, 12, 16, 12)
        self.ui = load_form("login_dialog.ui", self)
        self.errors = FieldErrors(self.ui)
        self.setWindowTitle("解锁" if mode == "unlock" else "登录")
        self.setWindowFlag(Qt.WindowType.WindowContextHelpButtonHint, False)
        self.setMinimumWidth(420)
        ui = self.ui
        if mode == "unlock":
            ui.title_label.setText("窗口已锁定")
            ui.login_button.setText("解锁(&U)")
            ui.hint_label.setText(f"当前操作员：{session.full_name or session.operator}（{role_label(session.role)}）。"
                                  "请输入密码继续；换人办理请输入自己的用户名和密码。")
            ui.username_edit.setText(session.operator)
        elif auth.is_first_start(session):
            ui.hint_label.setText(FIRST_START_HINT)
            ui.username_edit.setText(auth.FIRST_ADMIN["username"])
        else:
            ui.hint_label.setText("请输入用户名和密码。")
        ui.hint_label.setVisible(bool(ui.hint_label.text()))
        ui.login_button.clicked.connect(self.log_in)
        ui.change_button.clicked.connect(self.change_password)
        ui.quit_button.clicked.connect(self.reject)
        # Enter in a password field presses the page's default button (登录 / 修改密码并登录) and nothing else:
        # connecting returnPressed as well ran each attempt twice (issue 18)
        enter_moves_to(ui.username_edit, ui.password_edit)
        enter_moves_to(ui.new_password_edit, ui.repeat_password_edit)
        self._show_page(0)
        (ui.password_edit if ui.username_edit.text() else ui.username_edit).setFocus()

    def _show_page(self, index: int) -> None:
        self.ui.pages.setCurrentIndex(index)
        self.ui.login_button.setVisible(index == 0)
        self.ui.change_button.setVisible(index == 1)
        (self.ui.login_button if index == 0 else self.ui.change_button).setDefault(True)

    def log_in(self) -> None:
        self.errors.clear()
        username, password = self.ui.username_edit.text(), self.ui.password_edit.text()
        try:
            if self.mode == "unlock":
                result = auth.unlock(self.session, password, username)
            else:
                result = auth.login(self.session, username, password)
        except (InputError, StoreError) as error:
            self.errors.show(error)
            self.ui.password_edit.clear()
            return
        if result.must_change_password:
            self._password = password
            self.ui.password_edit.clear()
            self._show_page(1)
            self.ui.new_password_edit.setFocus()
            return
        self.accept()

    def change_password(self) -> None:
        self.errors.clear()
        try:
            auth.change_password(self.session, self._password, self.ui.new_password_edit.text(),
                                 self.ui.repeat_password_edit.text())
        except (InputError, StoreError) as error:
            self.errors.show(error)
            return
        self._password = ""
        self.accept()

    def keyPressEvent(self, event) -> None:
        # Esc must not end the program from the lock screen by accident: there only 退出程序 does
        if self.mode == "unlock" and event.key() == Qt.Key.Key_Escape:
            event.accept()
            return
        super().keyPressEvent(event)

    def reject(self) -> None:
        """Quitting at the login screen; at the lock screen only with a confirmed exit (handled by the caller)."""
        self._password = ""
        super().reject()
