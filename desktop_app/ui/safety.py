"""Issue 6 in the window: the 管理 menu, what each role sees, idle lock, backups at start and daily, the
integrity check after the window shows, and a clear message for an error no screen caught.

The main window knows nothing of this; `SafetyControls(window, session)` is attached by the start-up code
(desktop_app/__main__.py), so the counter tabs' tests run without timers or backups.
"""

from __future__ import annotations

import sys
import time
import traceback
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QMenu, QMessageBox, QProgressBar

from desktop_app.services import auth, backup
from desktop_app.services.audit_log import verify_chain
from desktop_app.services.errors import InputError, StoreError
from desktop_app.services.integrity import check_integrity
from desktop_app.services.permissions import may
from desktop_app.services.settings import get_setting
from desktop_app.ui.field_errors import message_box
from desktop_app.ui.login_dialog import LoginDialog
from desktop_app.ui.worker import Task

ACTIVITY = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel}
IDLE_CHECK_MS = 15_000
BACKUP_CHECK_MS = 3_600_000
START_BACKUP_MIN_HOURS = 1.0   # several starts within the hour make one backup, not one each
CORRECTION_WIDGETS = ("kind_caption", "kind_combo", "months_caption", "months_spin", "reason_caption", "reason_edit",
                      "add_correction_button", "void_correction_button")
FOLDER_KEY = "backup/last_folder"  # QSettings: where to look for backups when the data file cannot be opened


class SafetyControls(QObject):
    locked = Signal()
    unlocked = Signal()
    logged_out = Signal()

    def __init__(self, window, session, *, demo: bool = False, settings: QSettings | None = None,
                 now: Callable[[], datetime] = datetime.now, monotonic: Callable[[], float] = time.monotonic,
                 auto_backup: bool = True):
        super().__init__(window)
        self.window, self.session, self.demo = window, session, demo
        self.settings, self.now, self.monotonic = settings, now, monotonic
        self.auto_backup = auto_backup and not demo
        self.last_activity = monotonic()
        self.tasks: dict[str, Task] = {}
        self.integrity = None           # the start-up check's result
        self.backup_result = None       # the last automatic backup's result (or error)
        self.lock_dialog: LoginDialog | None = None
        self.dialog = None              # the last admin dialog opened
        self._build_menu()
        self._build_status()
        self.apply_role()
        QApplication.instance().installEventFilter(self)
        self.idle_timer = QTimer(self, interval=IDLE_CHECK_MS, timeout=self.check_idle)
        self.backup_timer = QTimer(self, interval=BACKUP_CHECK_MS, timeout=self.backup_if_due)

    # -- menu and what the role sees ------------------------------------------------------------------
    def _build_menu(self) -> None:
        bar = self.window.menuBar()
        menu = self.menu = QMenu("管理(&M)", self.window)
        existing = bar.actions()
        if existing:  # before 帮助, which stays last
            bar.insertMenu(existing[-1], menu)
        else:
            bar.addMenu(menu)

        def action(text, slot, shortcut=None):
            act = QAction(text, self.window)
            if shortcut:
                act.setShortcut(QKeySequence(shortcut))
            act.triggered.connect(slot)
            menu.addAction(act)
            return act

        self.operators_action = action("操作员管理(&O)…", self.open_operators)
        self.backup_action = action("备份与恢复(&B)…", self.open_backups)
        self.verify_action = action("校验审计记录(&V)", self.verify_audit)
        menu.addSeparator()
        self.password_action = action("修改密码(&P)…", self.change_password)
        self.lock_action = action("锁定窗口(&L)", self.lock, "Ctrl+L")
        self.logout_action = action("注销 / 切换操作员(&S)", self.logout)

    def _build_status(self) -> None:
        bar = self.window.statusBar()
        self.safety_status = QLabel(objectName="safety_status")
        self.progress = QProgressBar(objectName="backup_progress", maximumWidth=160, textVisible=False)
        self.progress.hide()
        bar.addWidget(self.safety_status)
        bar.addWidget(self.progress)

    def apply_role(self) -> None:
        """Show only what the logged-in role may do (the services refuse the rest anyway)."""
        admin, correct = may(self.session, "admin"), may(self.session, "correct")
        for act in (self.operators_action, self.backup_action, self.verify_action,
                    getattr(self.window, "settings_action", None), getattr(self.window, "server_action", None)):
            if act is not None:
                act.setVisible(admin)
        personal = self.session.role not in (None, "system") and not self.session.demo_login
        for act in (self.password_action, self.lock_action, self.logout_action):
            act.setVisible(personal)
        self.window.payments_tab.ui.void_button.setVisible(correct)
        for name in CORRECTION_WIDGETS:
            widget = getattr(self.window.retirement_tab.ui, name, None)
            if widget is not None:
                widget.setVisible(correct)
        self.window.refresh_status()
        hide_empty_menus(self.window.menuBar())
        if self.session.demo_login:
            self.safety_status.setText("示例模式：已自动以示例管理员身份登录")

    # -- start -----------------------------------------------------------------------------------------
    def start(self) -> None:
        """After the window shows: the integrity check off the UI thread, then the backup at start."""
        self.idle_timer.start()
        self.backup_timer.start()
        self.sweep()
        self.safety_status.setText(self.safety_status.text() or "正在检查数据文件…")
        path = self.session.data_source
        self._run("integrity", lambda progress, cancel: check_integrity(path, quick=True, cancel=cancel),
                  self._checked, self._check_failed)

    def sweep(self) -> list:
        """What a crash left half-written (a backup, its temporary copy, an export folder) goes at the next start."""
        try:
            folders = [backup.backup_folder(self.session)]
        except (InputError, StoreError):
            folders = []
        self.swept = backup.sweep_leftovers(self.session.path, folders)
        return self.swept

    def _run(self, name: str, fn, done, failed=None) -> Task | None:
        if name in self.tasks and self.tasks[name].running:
            return None
        task = Task(name, fn, self)
        task.done.connect(done)
        task.failed.connect(failed or (lambda error: self._note(f"{name} 失败：{error}")))
        self.tasks[name] = task
        return task.start()

    def _note(self, text: str, bad: bool = False) -> None:
        self.safety_status.setStyleSheet("color: #b3261e;" if bad else "")
        self.safety_status.setText(text)

    def _checked(self, result) -> None:
        self.integrity = result
        if result.ok is None:
            return
        if not result.ok:
            self._note("数据文件已损坏，请立即从备份恢复", bad=True)
            self.show_damaged(result)
            return
        if self.session.server:
            self._note(result.message)
        elif not self.session.demo_login:
            self._note(f"数据文件检查通过（{result.seconds:.1f} 秒）")
        if self.auto_backup:
            self.backup_if_due(START_BACKUP_MIN_HOURS)

    def _check_failed(self, error) -> None:
        self._note(f"数据文件检查未完成：{error}", bad=True)

    def show_damaged(self, result) -> QMessageBox:
        text = result.message
        if not may(self.session, "admin"):
            text += "\n\n请立即通知管理员。在恢复之前办理的业务可能无法保存。"
        box = QMessageBox(QMessageBox.Icon.Critical, "数据文件已损坏", text, QMessageBox.StandardButton.Close,
                          self.window)
        if may(self.session, "admin"):
            restore_button = box.addButton("从备份恢复(&R)…", QMessageBox.ButtonRole.AcceptRole)
            restore_button.clicked.connect(self.open_backups)
        self.damaged_box = box
        box.open()
        return box

    # -- backups ---------------------------------------------------------------------------------------
    def backup_if_due(self, hours: float = 24) -> Task | None:
        if not self.auto_backup or self.session.role is None or self.session.locked:
            return None
        try:
            job = backup.plan_backup(self.session)
        except InputError as error:
            if error.field == "backup_passphrase":  # said, not silent: no backup is made until it is set
                self._note("未能自动备份：" + error.message, bad=True)
            return None
        except StoreError:
            return None
        if not backup.backup_due(job.folder, job.data_path, self.now(), hours):
            return None
        self.progress.setRange(0, 0)
        self.progress.show()
        self._note("正在自动备份…")

        def progress(done, total):
            self.progress.setRange(0, max(total, 1))
            self.progress.setValue(done)

        task = self._run("backup", lambda progress, cancel: backup.run_backup(job, progress, cancel),
                         self._backed_up, self._backup_failed)
        if task is not None:
            task.progress.connect(progress)
            if self.settings is not None:
                self.settings.setValue(FOLDER_KEY, str(job.folder))
        return task

    def _backed_up(self, result) -> None:
        self.progress.hide()
        self.backup_result = result
        if result.warning:   # the backup is good, but something the administrator must see
            self._note(f"已自动备份（{self.now():%H:%M}），但{result.warning}", bad=True)
        else:
            self._note(f"已自动备份（{result.path.parent}，{self.now():%H:%M}）")
        self.safety_status.setToolTip(str(result.path))

    def _backup_failed(self, error) -> None:
        self.progress.hide()
        self.backup_result = error
        self._note("自动备份失败：" + (getattr(error, "message", None) or str(error)), bad=True)

    # -- idle lock, logout, password -------------------------------------------------------------------
    def eventFilter(self, watched, event) -> bool:
        if event.type() in ACTIVITY:
            self.last_activity = self.monotonic()
        return False

    def idle_minutes(self) -> int:
        return int(get_setting(self.session, "idle_lock_minutes"))

    def check_idle(self) -> bool:
        """Lock when nobody touched the keyboard or mouse for the set minutes (not the demo's auto-login)."""
        if self.session.demo_login or self.session.role in (None, "system") or self.session.locked:
            return False
        if self.monotonic() - self.last_activity < self.idle_minutes() * 60:
            return False
        self.lock()
        return True

    def _hide_work(self, hidden: bool) -> None:
        # the screen shows people's records: nothing of them stays visible behind the lock
        self.window.centralWidget().setVisible(not hidden)
        self.window.menuBar().setEnabled(not hidden)

    def lock(self) -> LoginDialog | None:
        if self.session.role in (None, "system") or self.session.demo_login:
            return None
        try:
            auth.lock(self.session)
        except StoreError:
            self.session.locked = True  # the screen locks even when the file cannot take the entry
        return self._ask_login("unlock")

    def logout(self) -> LoginDialog:
        auth.logout(self.session)
        self.logged_out.emit()
        return self._ask_login("login")

    def relogin(self, *_args) -> LoginDialog:
        """After a restore: the restored file's operators log in afresh."""
        return self._ask_login("login")

    def _ask_login(self, mode: str) -> LoginDialog:
        self._hide_work(True)
        if mode == "login":  # another operator: start from no person selected
            self.window.set_person(None)
        dialog = LoginDialog(self.session, mode, self.window)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.accepted.connect(self._logged_in)
        dialog.rejected.connect(self._quit)
        self.lock_dialog = dialog
        self.locked.emit()
        dialog.open()
        return dialog

    def _logged_in(self) -> None:
        self.last_activity = self.monotonic()
        self._hide_work(False)
        self.apply_role()
        self.unlocked.emit()

    def _quit(self) -> None:
        self.window.close()

    def change_password(self) -> None:
        from PySide6.QtWidgets import QInputDialog, QLineEdit

        old, ok = QInputDialog.getText(self.window, "修改密码", "原密码：", QLineEdit.EchoMode.Password)
        if not ok:
            return
        new, ok = QInputDialog.getText(self.window, "修改密码", "新密码（至少10位，含字母和数字，不能太常见）：", QLineEdit.EchoMode.Password)
        if not ok:
            return
        repeat, ok = QInputDialog.getText(self.window, "修改密码", "再输一次新密码：", QLineEdit.EchoMode.Password)
        if not ok:
            return
        try:
            auth.change_password(self.session, old, new, repeat)
        except (InputError, StoreError) as error:
            message_box(self.window, "密码未修改", error.message)
            return
        message_box(self.window, "修改密码", "密码已修改。", QMessageBox.Icon.Information)

    # -- administrator's dialogs ------------------------------------------------------------------------
    def open_operators(self):
        from desktop_app.ui.operators_dialog import OperatorsDialog

        self.dialog = OperatorsDialog(self.session, self.window)
        self.dialog.open()
        return self.dialog

    def open_backups(self):
        from desktop_app.ui.backup_dialog import BackupDialog

        self.dialog = BackupDialog(self.session, self.window)
        self.dialog.restored.connect(self._restored)
        self.dialog.open()
        return self.dialog

    def _restored(self, _result) -> None:
        if self.dialog is not None:
            self.dialog.close()
        self.relogin()

    def verify_audit(self) -> Task | None:
        """The whole check (integrity, chain, tables, anchors) off the window's thread: minutes on a county's file."""
        session = self.session
        try:
            from desktop_app.services.permissions import require

            require(session, "admin")
        except InputError as error:
            self.verify_box = message_box(self.window, "校验审计记录", error.message)
            return None
        self._note("正在校验数据文件和审计记录…")
        return self._run("verify", lambda progress, cancel: verify_chain(session, cancel), self._verified,
                         lambda error: self._verified(None, error))

    def _verified(self, check, error=None) -> None:
        if check is None:
            self.verify_box = message_box(self.window, "校验审计记录",
                                          getattr(error, "message", None) or f"{type(error).__name__}: {error}")
            return
        self._note("审计记录校验完成" if check.ok else "审计记录校验未通过", bad=not check.ok)
        icon = QMessageBox.Icon.Information if check.ok else QMessageBox.Icon.Critical
        text = check.message + ("" if check.ok else "\n\n数据文件或审计记录被改动过。请保留现场（先复制一份数据文件），"
                                "立即报告上级，并用备份逐份校验，找出改动前的那份。")
        text += "\n\n" + "\n".join(check.lines)
        self.verify_box = message_box(self.window, "校验审计记录", text, icon)

    def shutdown(self) -> None:
        """Closing: stop the background check, let a backup end cleanly (cancelled, nothing half-written),
        and record the logout."""
        QApplication.instance().removeEventFilter(self)
        self.idle_timer.stop()
        self.backup_timer.stop()
        for task in self.tasks.values():
            if task.running:
                task.stop()
        try:
            auth.logout(self.session, "退出程序")
        except StoreError:
            pass


def hide_empty_menus(bar) -> None:
    """A menu whose every action the role hides is hidden too: a clerk sees no empty 设置 menu (issue 13)."""
    for top in bar.actions():
        menu = top.menu()
        if menu is not None:
            top.setVisible(any(a.isVisible() and not a.isSeparator() for a in menu.actions()))


def install_excepthook(parent_of_boxes: Callable[[], object] | None = None) -> Callable:
    """An error no screen caught still gets a Chinese message (a full disk, a read-only folder), not silence."""
    previous = sys.excepthook

    def hook(kind, error, tb):
        if isinstance(error, (StoreError, InputError)):
            text = error.message
        else:
            previous(kind, error, tb)
            text = ("程序遇到意外错误，本次操作可能未完成（已保存的数据不受影响）。\n"
                    f"{kind.__name__}: {error}\n请记下此信息并联系技术支持。")
        app = QApplication.instance()
        if app is not None:
            parent = parent_of_boxes() if parent_of_boxes else None
            hook.last_box = message_box(parent, "无法完成操作", text, QMessageBox.Icon.Critical)
        else:
            traceback.print_exception(kind, error, tb)

    hook.last_box = None
    sys.excepthook = hook
    return hook
