"""File choosers open in 文档 or the folder last used for the same purpose, never in the program's folder, and
refuse to save inside it (issue 18, point 2: 选择备份文件夹 opened on desktop_app, forms, packages, python)."""

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from auth_fixtures import ADMIN_PASSWORD, staffed, staffed_path, staffed_template  # noqa: F401
from desktop_app.services import auth
from desktop_app.ui.assets import root
from desktop_app.ui.file_choosers import documents_folder, inside_install_folder, install_folder
from ui_fixtures import click, type_into

INSTALL = root().resolve()


@pytest.fixture
def profile(tmp_path, monkeypatch):
    """A user profile of its own: HOME with a 文档 folder (Documents), QSettings in it, and the program started
    from its install folder (the Start-menu entry's working folder), which a chooser without a folder opens."""
    home = tmp_path / "张三"
    (home / "Documents").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(home / ".config"))
    monkeypatch.chdir(INSTALL)
    yield home
    default = str(Path.home() / ".config")
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, default)


class Chooser:
    """Answers the next file chooser like a clerk: notes where it opened, then picks `pick` (or cancels); then
    notes and closes the message that may follow."""

    def __init__(self, pick: Path | None = None):
        self.pick = pick
        self.opened_in: Path | None = None
        self.offered: list[str] = []
        self.messages: list[str] = []
        QTimer.singleShot(0, self._answer)

    def _answer(self) -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog):
            QTimer.singleShot(30, self._answer)
            return
        self.opened_in = Path(dialog.directory().absolutePath())
        self.offered = dialog.selectedFiles()
        if self.pick is None:
            dialog.reject()
            return
        QTimer.singleShot(0, self._message)
        if self.pick.is_dir():
            dialog.setDirectory(str(self.pick))
        else:
            dialog.selectFile(str(self.pick))
        dialog.accept()

    def _message(self, tries: int = 20) -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            self.messages.append(box.text())
            box.accept()
        elif tries:
            QTimer.singleShot(30, lambda: self._message(tries - 1))


def _ready():
    from desktop_app.ui.app import setup_application

    setup_application(QApplication.instance())


@pytest.fixture
def backup_dialog(qtbot, staffed, profile):
    from desktop_app.ui.backup_dialog import BackupDialog

    _ready()
    auth.login(staffed, "admin", ADMIN_PASSWORD)
    dialog = BackupDialog(staffed)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_the_install_folder_is_where_the_program_runs_from():
    assert (install_folder() / "desktop_app" / "__main__.py").is_file()
    assert (install_folder() / "forms").is_dir() and (install_folder() / "resources").is_dir()
    assert inside_install_folder(install_folder() / "forms") and inside_install_folder(install_folder())
    assert not inside_install_folder(install_folder().parent / (install_folder().name + "-backups"))


def test_the_backup_folder_chooser_opens_in_documents_and_refuses_the_program_folder(qtbot, backup_dialog, profile):
    ui = backup_dialog.ui
    assert ui.folder_edit.text() == ""
    chooser = Chooser(INSTALL / "forms")
    click(qtbot, ui.browse_folder_button)
    assert chooser.opened_in == profile / "Documents" == documents_folder()
    assert len(chooser.messages) == 1 and "不能保存在程序的安装文件夹" in chooser.messages[0]
    assert ui.folder_edit.text() == ""                     # nothing taken over from the refused choice
    usb = profile / "U盘备份"
    usb.mkdir()
    chooser = Chooser(usb)
    click(qtbot, ui.browse_folder_button)
    assert chooser.opened_in == profile / "Documents" and chooser.messages == []
    assert ui.folder_edit.text() == str(usb)
    chooser = Chooser(None)
    click(qtbot, ui.browse_folder_button)                  # the folder already set comes first
    assert chooser.opened_in == usb


def test_a_backup_folder_typed_into_the_program_folder_is_refused_at_the_field(qtbot, backup_dialog):
    ui = backup_dialog.ui
    type_into(qtbot, ui.folder_edit, str(INSTALL / "packages"))
    assert backup_dialog.save_settings() is False
    assert "不能保存在程序的安装文件夹" in ui.folder_error.text()


def test_the_export_chooser_remembers_its_own_last_folder(qtbot, backup_dialog, profile):
    chooser = Chooser(INSTALL)
    click(qtbot, backup_dialog.ui.export_button)
    assert chooser.opened_in == profile / "Documents"
    assert "不能保存在程序的安装文件夹" in chooser.messages[0]
    assert backup_dialog.task is None                      # nothing exported there
    exports = profile / "Documents" / "导出"
    exports.mkdir()
    chooser = Chooser(exports)
    click(qtbot, backup_dialog.ui.export_button)
    with qtbot.waitSignal(backup_dialog.task.done, timeout=20_000):
        pass
    assert len(list(exports.glob("经办台导出-*"))) == 1
    chooser = Chooser(None)
    click(qtbot, backup_dialog.ui.export_button)
    assert chooser.opened_in == exports                    # remembered for exports...
    chooser = Chooser(None)
    click(qtbot, backup_dialog.ui.browse_folder_button)
    assert chooser.opened_in == profile / "Documents"      # ...not for the backup folder


def test_a_notice_is_saved_from_documents_never_into_the_program_folder(qtbot, profile):
    from test_ui_enter_key import _pdf

    from desktop_app.ui.notice_dialog import NoticeDialog

    _ready()
    dialog = NoticeDialog(_pdf(), "待遇享受等待期告知书", "2025XY-000001", "等待期告知书-张三.pdf")
    qtbot.addWidget(dialog)
    dialog.show()
    chooser = Chooser(INSTALL / "notice.pdf")
    assert dialog.save_as() is None
    assert chooser.offered == [str(profile / "Documents" / "等待期告知书-张三.pdf")]
    assert "不能保存在程序的安装文件夹" in chooser.messages[0] and not (INSTALL / "notice.pdf").exists()
    target = profile / "告知书" / "张三.pdf"
    target.parent.mkdir()
    chooser = Chooser(target)
    assert dialog.save_as() == target and target.read_bytes() == dialog.pdf
    chooser = Chooser(None)
    dialog.save_as()
    assert chooser.opened_in == target.parent


def test_the_files_to_read_are_chosen_from_documents_too(qtbot, staffed, profile, tmp_path):
    from desktop_app.ui.import_dialog import ImportDialog
    from desktop_app.ui.startup import RestoreAtStartDialog

    _ready()
    auth.login(staffed, "admin", ADMIN_PASSWORD)
    importer = ImportDialog(staffed)
    qtbot.addWidget(importer)
    chooser = Chooser(None)
    importer.choose_file()
    assert chooser.opened_in == profile / "Documents"
    restore = RestoreAtStartDialog(tmp_path / "broken.sqlite3", "文件已损坏", [])
    qtbot.addWidget(restore)
    restore.show()
    chooser = Chooser(None)
    click(qtbot, restore.ui.browse_button)
    assert chooser.opened_in == profile / "Documents"
