"""操作员管理 (administrator): the operators with their roles; add, change role, reset password, unlock, disable."""

from __future__ import annotations

from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QDialog, QHeaderView, QInputDialog, QLineEdit, QVBoxLayout

from desktop_app.services import operators
from desktop_app.services.errors import InputError, StoreError
from desktop_app.services.permissions import ROLES
from desktop_app.services.settings import get_setting, set_setting
from desktop_app.ui.field_errors import FieldErrors
from desktop_app.ui.forms import load_form
from desktop_app.ui.tab_base import compact_rows

COLUMNS = ("用户名", "姓名", "角色", "状态", "最近登录")


def _status(row) -> str:
    if not row.active:
        return "已停用"
    if row.locked_until:
        return f"已锁定（至 {row.locked_until[11:16]}）"
    if row.must_change_password:
        return "待修改初始密码"
    return "正常"


class OperatorsDialog(QDialog):
    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("操作员管理")
        QVBoxLayout(self).setContentsMargins(6, 6, 6, 6)
        self.ui = load_form("operators_dialog.ui", self)
        self.errors = FieldErrors(self.ui)
        self.password_dialog: QInputDialog | None = None
        ui = self.ui
        for key, label in ROLES.items():
            ui.role_combo.addItem(label, key)
            ui.role_change_combo.addItem(label, key)
        self.model = QStandardItemModel(0, len(COLUMNS), self)
        self.model.setHorizontalHeaderLabels(list(COLUMNS))
        ui.operators_view.setModel(self.model)
        compact_rows(ui.operators_view)
        ui.operators_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        ui.operators_view.selectionModel().selectionChanged.connect(self._on_selection)
        ui.add_button.clicked.connect(self.add)
        ui.initial_password_edit.returnPressed.connect(self.add)
        ui.set_role_button.clicked.connect(self.set_role)
        ui.reset_password_button.clicked.connect(self.ask_reset_password)
        ui.unlock_button.clicked.connect(self.unlock)
        ui.toggle_active_button.clicked.connect(self.toggle_active)
        ui.close_button.clicked.connect(self.close)
        ui.idle_lock_minutes_spin.setValue(int(get_setting(session, "idle_lock_minutes")))
        ui.login_lock_minutes_spin.setValue(int(get_setting(session, "login_lock_minutes")))
        ui.save_security_button.clicked.connect(self.save_security)
        self.resize(760, 600)
        self.refresh()

    def refresh(self, select_id: int | None = None) -> None:
        self.rows = operators.list_operators(self.session)
        self.model.removeRows(0, self.model.rowCount())
        for row in self.rows:
            self.model.appendRow([QStandardItem(row.username), QStandardItem(row.full_name),
                                  QStandardItem(row.role_label), QStandardItem(_status(row)),
                                  QStandardItem((row.last_login_at or "从未登录").replace("T", " "))])
        if select_id is not None:
            for i, row in enumerate(self.rows):
                if row.id == select_id:
                    self.ui.operators_view.selectRow(i)
        self._on_selection()

    def selected(self):
        rows = self.ui.operators_view.selectionModel().selectedRows()
        return self.rows[rows[0].row()] if rows else None

    def _on_selection(self, *_args) -> None:
        row = self.selected()
        for button in (self.ui.set_role_button, self.ui.reset_password_button, self.ui.unlock_button,
                       self.ui.toggle_active_button):
            button.setEnabled(row is not None)
        if row is not None:
            self.ui.toggle_active_button.setText("启用(&D)" if not row.active else "停用(&D)")
            self.ui.unlock_button.setEnabled(bool(row.locked_until))
            self.ui.role_change_combo.setCurrentIndex(self.ui.role_change_combo.findData(row.role))

    def _do(self, action, done: str) -> bool:
        self.errors.clear()
        try:
            result = action()
        except (InputError, StoreError) as error:
            self.errors.set("operator", error.message)  # about the selected operator, under the list
            return False
        self.refresh(getattr(result, "id", None))
        self.ui.status_label.setText(done)
        return True

    def add(self) -> bool:
        ui = self.ui
        self.errors.clear()
        try:
            row = operators.create_operator(self.session, ui.username_edit.text(), ui.full_name_edit.text(),
                                            ui.role_combo.currentData(), ui.initial_password_edit.text())
        except (InputError, StoreError) as error:
            self.errors.show(error)
            return False
        for edit in (ui.username_edit, ui.full_name_edit, ui.initial_password_edit):
            edit.clear()
        self.refresh(row.id)
        ui.status_label.setText(f"已新增{row.role_label} {row.username}（{row.full_name}），首次登录时须修改初始密码。")
        return True

    def set_role(self) -> bool:
        row = self.selected()
        role = self.ui.role_change_combo.currentData()
        return row is not None and self._do(lambda: operators.update_operator(self.session, row.id, role=role),
                                            f"{row.username} 已改为{ROLES[role]}。")

    def unlock(self) -> bool:
        row = self.selected()
        return row is not None and self._do(lambda: operators.unlock_operator(self.session, row.id),
                                            f"{row.username} 的账户已解锁。")

    def toggle_active(self) -> bool:
        row = self.selected()
        return row is not None and self._do(
            lambda: operators.update_operator(self.session, row.id, active=not row.active),
            f"{row.username} 已{'启用' if not row.active else '停用'}。")

    def save_security(self) -> bool:
        """自动锁定 and 密码错误锁定 minutes (settings, validated and audited by the service)."""
        self.errors.clear()
        try:
            for key in ("idle_lock_minutes", "login_lock_minutes"):
                set_setting(self.session, key, getattr(self.ui, f"{key}_spin").value())
        except (InputError, StoreError) as error:
            self.errors.show(error)
            return False
        self.ui.status_label.setText("锁定设置已保存。")
        return True

    def ask_reset_password(self) -> QInputDialog | None:
        row = self.selected()
        if row is None:
            return None
        dialog = QInputDialog(self)
        dialog.setWindowTitle("重置密码")
        dialog.setLabelText(f"为 {row.username}（{row.full_name}）设置新的初始密码（首次登录时须修改）：")
        dialog.setTextEchoMode(QLineEdit.EchoMode.Password)
        dialog.textValueSelected.connect(lambda text: self._do(
            lambda: operators.reset_password(self.session, row.id, text), f"{row.username} 的密码已重置。"))
        self.password_dialog = dialog
        dialog.open()
        return dialog
