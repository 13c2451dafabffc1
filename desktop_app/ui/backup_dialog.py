"""备份与恢复 (administrator): backup folder and count, backup now, restore from a backup, export to CSV.

Every long job runs off the window's thread (ui/worker.py) with a progress bar; a backup or an export can be
stopped with 取消 and leaves nothing half-written. Restoring asks for a confirmation first, is not stopped half
way, and ends with a new login (the restored file has the operators of its own time).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QDialog, QHeaderView, QMessageBox, QVBoxLayout

from desktop_app.services import backup, export, restore
from desktop_app.services.errors import InputError, StoreError
from desktop_app.services.settings import get_setting, set_setting
from desktop_app.ui.field_errors import FieldErrors, message_box
from desktop_app.ui.file_choosers import choose_folder, choose_open_file, refusal
from desktop_app.ui.forms import load_form
from desktop_app.ui.tab_base import compact_rows
from desktop_app.ui.worker import Task


class BackupDialog(QDialog):
    restored = Signal(object)   # restore.RestoreResult, after finish_restore: the caller asks for a login

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("备份与恢复")
        QVBoxLayout(self).setContentsMargins(6, 6, 6, 6)
        self.ui = load_form("backup_dialog.ui", self)
        self.errors = FieldErrors(self.ui, {"backup_keep": "keep", "backup_folder": "folder", "backup": "backup",
                                            "folder": "folder"})
        self.task: Task | None = None
        self.confirm_box: QMessageBox | None = None
        self.last_result = None
        self.folder = None
        ui = self.ui
        ui.progress_bar.hide()
        ui.cancel_button.hide()
        ui.cancel_button.clicked.connect(self.cancel)
        self.model = QStandardItemModel(0, 3, self)
        self.model.setHorizontalHeaderLabels(["备份时间", "类型", "大小"])
        ui.backups_view.setModel(self.model)
        compact_rows(ui.backups_view)
        ui.backups_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        ui.backups_view.selectionModel().selectionChanged.connect(self._on_selection)
        ui.folder_edit.setText(get_setting(session, "backup_folder") or "")
        ui.folder_edit.setPlaceholderText(f"未设置：暂存在 {backup.default_folder(session.path)}（建议改为U盘或网络共享文件夹）")
        ui.keep_spin.setValue(int(get_setting(session, "backup_keep")))
        ui.browse_folder_button.clicked.connect(self._browse_folder)
        ui.save_settings_button.clicked.connect(self.save_settings)
        ui.passphrase_button.clicked.connect(self.ask_passphrase)
        ui.backup_now_button.clicked.connect(self.backup_now)
        ui.restore_button.clicked.connect(lambda: self.restore_from(self.selected_backup()))
        ui.restore_file_button.clicked.connect(self._browse_backup)
        ui.export_button.clicked.connect(self._browse_export)
        ui.close_button.clicked.connect(self.close)
        self.resize(760, 560)
        self.refresh()

    # -- the list -------------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.model.removeRows(0, self.model.rowCount())
        try:
            self.folder = backup.backup_folder(self.session)
        except InputError:  # everybody logged out after a restore: the folder the dialog showed
            pass
        folder = self.folder
        self.backups = backup.list_backups(folder, self.session.path)
        for item in self.backups:
            cells = [QStandardItem(f"{item.made_at:%Y-%m-%d %H:%M:%S}"),
                     QStandardItem(backup.TAGS.get(item.tag, item.tag)), QStandardItem(f"{item.size / 1048576:.1f} MB")]
            cells[0].setData(str(item.path), Qt.ItemDataRole.UserRole)
            self.model.appendRow(cells)
        where = f"备份位置：{folder}" + ("" if folder.is_dir() else "（文件夹暂不可用：U盘是否插好？）")
        try:
            keyed = backup.has_backup_key(self.session)
        except InputError:
            keyed = True
        note = "" if keyed else "　尚未设置备份口令：备份用它加密，设置前不能备份。"
        self.ui.status_label.setText(f"{where}　共 {len(self.backups)} 份备份。{note}")
        self._on_selection()

    def selected_backup(self) -> Path | None:
        rows = self.ui.backups_view.selectionModel().selectedRows()
        return Path(self.model.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)) if rows else None

    def _on_selection(self, *_args) -> None:
        self.ui.restore_button.setEnabled(self.selected_backup() is not None and not self.busy)

    @property
    def busy(self) -> bool:
        return self.task is not None and self.task.running

    # -- settings -------------------------------------------------------------------------------------
    def _browse_folder(self) -> None:
        folder = choose_folder(self, "backup_folder", "选择备份文件夹", self.ui.folder_edit.text().strip())
        if folder:
            self.ui.folder_edit.setText(str(folder))

    def save_settings(self) -> bool:
        self.errors.clear()
        text = self.ui.folder_edit.text().strip()
        try:
            if text:
                if refusal(text):  # typed by hand: the program's own folder is no place for backups
                    raise InputError("folder", refusal(text))
                backup.check_backup_folder(text)
            set_setting(self.session, "backup_folder", text)
            set_setting(self.session, "backup_keep", self.ui.keep_spin.value())
        except (InputError, StoreError) as error:
            self.errors.show(error)
            return False
        self.refresh()
        self.ui.status_label.setText("设置已保存。" + self.ui.status_label.text())
        return True

    def ask_passphrase(self):
        """设置备份口令 (ui/passphrase_dialog.py): the backups made from now on are encrypted with it (issue 12)."""
        from desktop_app.ui.passphrase_dialog import PassphraseDialog

        dialog = PassphraseDialog(self.session, self)
        dialog.accepted.connect(lambda: (self.refresh(), self.ui.status_label.setText(
            "备份口令已设置，此后的备份用它加密。" + self.ui.status_label.text())))
        dialog.open()
        self.passphrase_dialog = dialog
        return dialog

    def set_passphrase(self, text: str, repeat: str) -> bool:
        self.errors.clear()
        try:
            backup.set_backup_passphrase(self.session, text, repeat)
        except (InputError, StoreError) as error:
            message_box(self, "备份口令未设置", error.message)
            return False
        self.refresh()
        self.ui.status_label.setText("备份口令已设置，此后的备份用它加密。" + self.ui.status_label.text())
        return True

    # -- jobs -----------------------------------------------------------------------------------------
    def _start(self, name: str, fn, on_done, label: str) -> Task | None:
        if self.busy:
            return None
        self.errors.clear()
        for button in (self.ui.backup_now_button, self.ui.restore_button, self.ui.restore_file_button,
                       self.ui.export_button):
            button.setEnabled(False)
        self.ui.progress_bar.setRange(0, 0)
        self.ui.progress_bar.show()
        # A restore is not stopped half way (see closeEvent); a backup or an export leaves nothing when stopped.
        self.ui.cancel_button.setVisible(name != "restore")
        self.ui.cancel_button.setEnabled(True)
        self.ui.status_label.setText(label)
        self.task = Task(name, fn, self)
        self.task.progress.connect(self._progress)
        self.task.done.connect(on_done)
        self.task.failed.connect(self._failed)
        self.task.done.connect(self._idle)
        self.task.failed.connect(self._idle)
        return self.task.start()

    def _progress(self, done: int, total: int) -> None:
        self.ui.progress_bar.setRange(0, max(total, 1))
        self.ui.progress_bar.setValue(done)

    def cancel(self) -> None:
        """取消: the job stops at its next step and removes what it had written (services/backup.py, export.py)."""
        if self.busy and self.task.name != "restore":
            self.task.cancel.set()
            self.ui.cancel_button.setEnabled(False)
            self.ui.status_label.setText("正在取消…")

    def _idle(self, *_args) -> None:
        self.ui.progress_bar.hide()
        self.ui.cancel_button.hide()
        for button in (self.ui.backup_now_button, self.ui.restore_file_button, self.ui.export_button):
            button.setEnabled(True)
        self._on_selection()

    def _failed(self, error) -> None:
        if isinstance(error, backup.Cancelled):
            what = "导出" if self.task is not None and self.task.name == "export" else "备份"
            self.ui.status_label.setText(f"已取消{what}，没有留下不完整的文件。")
            return
        if self.task is not None and self.task.name == "restore" and self._ask_again(error):
            return
        message = getattr(error, "message", None) or f"{type(error).__name__}: {error}"
        self.ui.status_label.setText("未完成：" + message)
        if isinstance(error, InputError) and error.field == "backup":
            self.errors.show(error)
        else:
            message_box(self, "未完成", message)

    def backup_now(self) -> Task | None:
        try:
            job = backup.plan_backup(self.session, manual=True)
        except InputError as error:
            self.errors.show(error)
            return None
        return self._start("backup", lambda progress, cancel: backup.run_backup(job, progress, cancel),
                           self._backed_up, "正在备份…")

    def _backed_up(self, result) -> None:
        self.last_result = result
        self.refresh()
        note = f"注意：{result.warning}。" if result.warning else ""
        self.ui.status_label.setText(f"已备份到 {result.path}（{result.size / 1048576:.1f} MB，用时 {result.seconds:.1f} 秒）。"
                                     + (f"已删除 {len(result.pruned)} 份较早的备份。" if result.pruned else "") + note)

    def _browse_backup(self) -> None:
        path = choose_open_file(self, "backup_file", "选择备份文件", "经办台备份 (*.fxbak *.sqlite3);;所有文件 (*)",
                                backup.backup_folder(self.session))
        if path:
            self.restore_from(path)

    def restore_from(self, path: Path | None) -> QMessageBox | None:
        """Ask first (window-modal, not blocking): the current data is replaced by the backup's."""
        if path is None or self.busy:
            return None
        try:
            job = restore.plan_restore(self.session, path)
        except InputError as error:
            self.errors.show(error)
            return None
        box = QMessageBox(QMessageBox.Icon.Warning, "从备份恢复",
                          f"将用备份 {path.name} 中的数据替换当前数据。\n\n恢复前会先检查该备份是否完好，"
                          "并把当前数据另存为一份备份（“恢复前自动保存”），需要时可以再恢复回来。\n"
                          "恢复后请重新登录。确定恢复吗？",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.button(QMessageBox.StandardButton.Yes).setText("恢复(&Y)")
        self.restore_job, self.passphrase, self.confirmed = job, None, ()
        box.accepted.connect(self._start_restore)
        self.confirm_box = box
        box.open()
        return box

    def _start_restore(self) -> Task | None:
        job, passphrase, confirmed = self.restore_job, self.passphrase, self.confirmed
        return self._start("restore", lambda progress, cancel: restore.run_restore(
            job, progress, cancel, passphrase=passphrase, confirmed=confirmed), self._restored, "正在检查备份并恢复…")

    def _ask_again(self, error) -> bool:
        """A restore that needs the backup's passphrase, or the administrator's confirmation of what the check
        found (another office, a shorter audit): asked here, then the restore runs again (issue 12)."""
        if isinstance(error, restore.NeedsConfirmation):
            box = QMessageBox(QMessageBox.Icon.Warning, "从备份恢复", error.message + "\n\n确认后仍要恢复吗？（确认会记入审计记录）",
                              QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
            box.setDefaultButton(QMessageBox.StandardButton.Cancel)
            box.button(QMessageBox.StandardButton.Yes).setText("确认并恢复(&Y)")

            def confirmed():
                self.confirmed = error.warnings
                self._start_restore()
            box.accepted.connect(confirmed)
            self.confirm_box = box
            box.open()
            return True
        if isinstance(error, InputError) and error.field == "passphrase":
            from PySide6.QtWidgets import QInputDialog, QLineEdit

            text, ok = QInputDialog.getText(self, "备份口令", error.message + "\n备份口令：", QLineEdit.EchoMode.Password)
            if ok and text:
                self.passphrase = text
                QTimer.singleShot(0, self._start_restore)   # after this failed job's own clean-up
            return True
        return False

    def _restored(self, result) -> None:
        restore.finish_restore(self.session)
        self.last_result = result
        self.refresh()
        self.ui.status_label.setText(f"已恢复。{result.check.message} 恢复前的数据已另存为 {result.saved_current}。请重新登录。")
        self.restored.emit(result)

    def _browse_export(self) -> None:
        folder = choose_folder(self, "export_folder", "选择导出到哪个文件夹")
        if folder:
            self.export_to(folder)

    def export_to(self, folder: Path) -> Task | None:
        try:
            job = export.plan_export(self.session, folder, self.ui.full_ids_check.isChecked())
        except InputError as error:
            self.errors.show(error)
            return None
        return self._start("export", lambda progress, cancel: export.run_export(job, progress, cancel),
                           self._exported, "正在导出…")

    def _exported(self, result) -> None:
        self.last_result = result
        rows = sum(result.files.values())
        ids = "身份证号已部分隐藏" if result.masked else "含完整身份证号，请妥善保管"
        self.ui.status_label.setText(f"已导出 {len(result.files)} 个表、{rows} 行到 {result.folder}（{ids}）。")

    def closeEvent(self, event) -> None:
        if self.busy and self.task.name == "restore":
            event.ignore()  # a restore is not stopped half way
            return
        if self.busy:
            self.task.stop()
        super().closeEvent(event)
