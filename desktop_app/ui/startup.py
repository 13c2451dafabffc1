"""Opening the data file at start: one program per file, and a restore offer when the file cannot be opened.

The quick integrity check is not run here (it runs after the window shows: ui/safety.py), so a big file
starts at once; a file too damaged to open at all gets the restore dialog straight away.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (QApplication, QDialog, QHeaderView, QInputDialog, QLineEdit, QMessageBox, QProgressDialog,
                               QVBoxLayout)

from desktop_app.services import backup, instance_lock, restore
from desktop_app.services.errors import DiskFull, InputError, StoreError
from desktop_app.services.session import Session, open_session, pending_upgrade
from desktop_app.ui.enter_key import enter_moves_to
from desktop_app.ui.field_errors import FieldErrors
from desktop_app.ui.file_choosers import choose_open_file
from desktop_app.ui.forms import load_form
from desktop_app.ui.tab_base import compact_rows


class RestoreAtStartDialog(QDialog):
    """The data file cannot be opened: pick a backup, give its administrator's password, restore."""

    def __init__(self, data_path: Path, problem: str, folders: list[Path], parent=None):
        super().__init__(parent)
        self.data_path = Path(data_path)
        self.result_ = None
        self.setWindowTitle("数据文件无法打开")
        QVBoxLayout(self).setContentsMargins(12, 10, 12, 10)
        self.ui = load_form("restore_start_dialog.ui", self)
        self.errors = FieldErrors(self.ui)
        self.ui.message_label.setText(
            f"数据文件 {self.data_path} 无法打开：\n{problem}\n\n可以从备份恢复：损坏的文件会原样改名保留，"
            "然后用所选备份代替它。请选择最近的一份备份。")
        self.model = QStandardItemModel(0, 3, self)
        self.model.setHorizontalHeaderLabels(["备份时间", "类型", "位置"])
        self.ui.backups_view.setModel(self.model)
        compact_rows(self.ui.backups_view)
        self.ui.backups_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        seen = set()
        for folder in folders:
            for item in backup.list_backups(folder, self.data_path):
                if item.path not in seen:
                    seen.add(item.path)
                    self._add(item.path, f"{item.made_at:%Y-%m-%d %H:%M:%S}", backup.TAGS.get(item.tag, item.tag))
        self.model.sort(0, Qt.SortOrder.DescendingOrder)
        if self.model.rowCount():
            self.ui.backups_view.selectRow(0)
        else:
            self.errors.set("backup", "在默认备份位置没有找到备份，请点击“选择其他备份文件”（如U盘上的备份）。")
        self.ui.browse_button.clicked.connect(self._browse)
        self.ui.restore_button.clicked.connect(self.restore)
        self.ui.quit_button.clicked.connect(self.reject)
        # Enter in the password presses 恢复并启动 (the default button) once; nothing is connected to returnPressed
        enter_moves_to(self.ui.username_edit, self.ui.password_edit)
        self.resize(720, 480)

    def _add(self, path: Path, when: str, kind: str) -> None:
        cells = [QStandardItem(when), QStandardItem(kind), QStandardItem(str(path.parent))]
        cells[0].setData(str(path), Qt.ItemDataRole.UserRole)
        self.model.appendRow(cells)

    def _browse(self) -> None:
        path = choose_open_file(self, "backup_file", "选择备份文件", "经办台备份 (*.fxbak *.sqlite3);;所有文件 (*)")
        if path:
            self.choose(path)

    def choose(self, path: Path) -> None:
        self._add(path, "（手动选择）", "备份文件")
        self.ui.backups_view.selectRow(self.model.rowCount() - 1)

    def selected(self) -> Path | None:
        rows = self.ui.backups_view.selectionModel().selectedRows()
        return Path(self.model.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)) if rows else None

    def restore(self) -> bool:
        self.errors.clear()
        chosen = self.selected()
        if chosen is None:
            self.errors.set("backup", "请选择一份备份")
            return False
        self.ui.status_label.setText("正在检查备份并恢复，请稍候…")
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        QApplication.processEvents()
        try:
            self.result_ = restore.restore_damaged_file(self.data_path, chosen, self.ui.username_edit.text(),
                                                        self.ui.password_edit.text(),
                                                        passphrase=self.ui.passphrase_edit.text())
        except (InputError, StoreError) as error:
            self.ui.status_label.setText("")
            self.errors.show(error)
            return False
        finally:
            QApplication.restoreOverrideCursor()
        QMessageBox.information(self, "已恢复", f"已从备份恢复。{self.result_.check.message}\n"
                                               f"损坏的文件已改名保留为 {self.result_.saved_current}。")
        self.accept()
        return True


UPGRADE_NOTICE_BYTES = 50 * 2 ** 20  # smaller files upgrade in a moment: nothing to say


def _upgrade_notice(path: Path) -> QProgressDialog | None:
    """A big file from an earlier version is upgraded once, on this thread, before the window: say so, so
    nobody takes the wait for a hang and closes the program (closing is safe, but the upgrade starts over)."""
    if not path.is_file() or path.stat().st_size < UPGRADE_NOTICE_BYTES or not pending_upgrade(path):
        return None
    notice = QProgressDialog("正在升级数据文件（新版本只需升级一次；文件较大，可能需要几分钟）。\n"
                             "请勿关闭程序或关机，完成后将自动进入登录界面。", "", 0, 0)
    notice.setWindowTitle("升级数据文件")
    notice.setCancelButton(None)
    notice.setMinimumDuration(0)
    notice.show()
    QApplication.processEvents()
    return notice


def open_server(url: str, ask=None, retry=None) -> Session | None:
    """Open the office's server (operator None: a login follows). A missing or wrong password is asked for and
    kept protected on this PC; a server that cannot be reached is said so, with 重试 (never a silent fallback to
    a file on this PC). None when the program should end. `ask(label) -> str | None` and `retry(message) -> bool`
    replace the dialogs (tests)."""
    from desktop_app.services import server_login
    from desktop_app.services.errors import ServerUnavailable

    public = server_login.public_url(url)
    label = server_login.server_label(public)

    def ask_password(text: str) -> str | None:
        password, ok = QInputDialog.getText(None, "连接数据库服务器", text, QLineEdit.EchoMode.Password)
        return password if ok and password else None

    def ask_retry(message: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Critical, "无法连接数据库服务器",
                          message + "\n\n本机不会改用自己的数据文件：请检查网络或联系管理员，服务器恢复后点“重试”。",
                          QMessageBox.StandardButton.Retry | QMessageBox.StandardButton.Close)
        return box.exec() == QMessageBox.StandardButton.Retry

    ask, retry = ask or ask_password, retry or ask_retry
    while True:
        try:
            return open_session(url, operator=None, check=False)
        except ServerUnavailable as error:
            cause = str(error.__cause__ or "").lower()
            if "password" in cause:   # none kept on this PC yet, or changed at the server
                password = ask(f"{label}\n请输入数据库登录的密码（本机将加密保存，下次不再询问）：")
                if password is None:
                    return None
                server_login.save_password(public, password)
                continue
            if not retry(error.message):
                return None
        except StoreError as error:
            QMessageBox.critical(None, "无法打开数据库", f"{label}\n{error.message}")
            return None


def open_data_file(path: Path, backup_folders: list[Path] | None = None) -> Session | None:
    """Lock the file for this program, open it (operator None: a login follows); offer a restore when it
    cannot be opened. None when the program should end (message already shown). A postgresql:// address
    opens the office's server instead (open_server)."""
    from desktop_app.services.server_login import is_server_url

    if is_server_url(str(path)):
        return open_server(str(path))
    path = Path(path)
    try:
        lock = instance_lock.acquire(path)
    except StoreError as error:  # InstanceLocked, or a folder that cannot take the lock file
        QMessageBox.critical(None, "无法启动", error.message)
        return None
    notice = _upgrade_notice(path)
    while True:
        try:
            session = open_session(path, check=False)
        except StoreError as error:
            if isinstance(error, DiskFull) or "更新版本" in error.message:  # not damaged: no restore to offer
                QMessageBox.critical(None, "磁盘空间不足" if isinstance(error, DiskFull) else "无法打开数据文件",
                                     f"{path}\n{error.message}")
                lock.release()
                return None
            folders = [backup.default_folder(path)] + list(backup_folders or [])
            if RestoreAtStartDialog(path, error.message, folders).exec() != QDialog.DialogCode.Accepted:
                lock.release()
                return None
            continue
        finally:
            if notice is not None:
                notice.close()
                notice = None
        lock.refresh()   # a restore at start replaced the file: lock the one now at the path
        session.instance_lock = lock
        return session
