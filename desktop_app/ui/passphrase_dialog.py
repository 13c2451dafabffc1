"""设置备份口令: typed twice; the backups made from then on are encrypted with it (issue 12). Asked at the first
start too, so an office's first backup is not left undone for want of it."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QVBoxLayout

from desktop_app.services import backup
from desktop_app.services.errors import InputError, StoreError
from desktop_app.ui.enter_key import enter_moves_to
from desktop_app.ui.field_errors import FieldErrors
from desktop_app.ui.forms import load_form


class PassphraseDialog(QDialog):
    def __init__(self, session, parent=None, first_start: bool = False):
        super().__init__(parent)
        self.setWindowTitle("设置备份口令")
        QVBoxLayout(self).setContentsMargins(12, 10, 12, 10)
        self.ui = load_form("passphrase_dialog.ui", self)
        self.session = session
        self.errors = FieldErrors(self.ui, {"backup_passphrase": "passphrase", "backup_passphrase_repeat": "repeat"})
        if first_start:
            self.ui.hint_label.setText("首次使用：请设置备份口令，程序随后每天自动备份。" + self.ui.hint_label.text())
        self.ui.later_button.setVisible(first_start)
        self.ui.save_button.clicked.connect(self.save)
        self.ui.later_button.clicked.connect(self.reject)
        enter_moves_to(self.ui.passphrase_edit, self.ui.repeat_edit)
        self.setMinimumWidth(460)

    def save(self) -> None:
        self.errors.clear()
        try:
            backup.set_backup_passphrase(self.session, self.ui.passphrase_edit.text(), self.ui.repeat_edit.text())
        except InputError as error:
            if self.errors.label(error.field) is None:
                error.field = "backup_passphrase"
            self.errors.show(error)
            return
        except StoreError as error:
            self.errors.set("passphrase", error.message)
            return
        self.accept()
