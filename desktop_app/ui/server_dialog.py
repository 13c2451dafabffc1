"""设置 → 数据库服务器 (管理员): point this PC at the office's PostgreSQL server, or back at its own data file.

The address is kept on this PC without the password; the password is kept protected by Windows
(services/server_login.py). The choice takes effect at the next start: the window open now keeps its data.
"""

from __future__ import annotations

from PySide6.QtWidgets import (QDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout)

from desktop_app.services import server_login
from desktop_app.services.errors import InputError, StoreError
from desktop_app.services.permissions import require

PLACEHOLDER = "postgresql://jingban@192.168.1.10:5432/flexins"


class ServerDialog(QDialog):
    def __init__(self, session, parent=None):
        super().__init__(parent)
        require(session, "admin")
        self.session = session
        self.setWindowTitle("数据库服务器（多个窗口共用一份数据）")
        layout = QVBoxLayout(self)
        now = f"本窗口现在使用：{session.source_label}" if session.server else f"本窗口现在使用本机数据文件：{session.path}"
        self.current_label = QLabel(now, objectName="current_label", wordWrap=True)
        layout.addWidget(self.current_label)
        form = QFormLayout()
        self.url_edit = QLineEdit(objectName="url_edit", placeholderText=PLACEHOLDER)
        self.url_edit.setText(server_login.chosen_source() or "")
        self.url_error = QLabel(objectName="url_error", styleSheet="color: #b3261e;", wordWrap=True)
        self.password_edit = QLineEdit(objectName="password_edit", echoMode=QLineEdit.EchoMode.Password,
                                       placeholderText="数据库登录的密码（已保存的可不填）")
        self.password_note = QLabel(server_login.password_protection(), objectName="password_note", wordWrap=True)
        form.addRow("服务器地址", self.url_edit)
        form.addRow("", self.url_error)
        form.addRow("登录密码", self.password_edit)
        form.addRow("", self.password_note)
        layout.addLayout(form)
        self.result_label = QLabel(objectName="result_label", wordWrap=True)
        layout.addWidget(self.result_label)
        buttons = QHBoxLayout()
        self.test_button = QPushButton("测试连接(&T)", objectName="test_button", autoDefault=False)
        self.save_button = QPushButton("保存，下次启动时使用(&S)", objectName="save_button", default=True)
        self.local_button = QPushButton("改回使用本机数据文件(&L)", objectName="local_button", autoDefault=False)
        self.close_button = QPushButton("关闭", objectName="close_button", autoDefault=False)
        for button in (self.test_button, self.save_button, self.local_button, self.close_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.test_button.clicked.connect(self.test)
        self.save_button.clicked.connect(self.save)
        self.local_button.clicked.connect(self.use_local)
        self.close_button.clicked.connect(self.accept)
        self.resize(620, 260)

    def _address(self) -> str | None:
        self.url_error.setText("")
        try:
            return server_login.check_url(self.url_edit.text())
        except InputError as error:
            self.url_error.setText(error.message)
            self.url_edit.setFocus()
            return None

    def test(self) -> bool:
        url = self._address()
        if url is None:
            return False
        public = server_login.public_url(url)
        try:
            db = server_login.connect_server(url, password=self.password_edit.text() or None)
            try:
                empty = not db.table_names()
            finally:
                db.close()
        except StoreError as error:
            self.result_label.setText(error.message)
            return False
        self.result_label.setText(
            f"连接成功：{server_login.server_label(public)}。" + (
                "该数据库是空的：第一台电脑启动时会建立数据结构；已有数据文件的，请先用迁移命令把数据搬上去"
                "（见 docs/office-server.md）。" if empty else ""))
        return True

    def save(self) -> None:
        url = self._address()
        if url is None or not self.test():
            return
        server_login.choose_source(url, self.password_edit.text() or None)
        self.password_edit.clear()
        self.result_label.setText(self.result_label.text() + "已保存：本机下次启动时连接该服务器。")

    def use_local(self) -> None:
        server_login.choose_source(None)
        self.result_label.setText("已改回：本机下次启动时使用本机的数据文件。")
