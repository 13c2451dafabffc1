"""Where the file choosers open, and the one folder nothing may be saved in.

A chooser given no folder opens in the current folder, which for the Start-menu entry is the install folder
(desktop_app, forms, packages, python): a clerk could put backups, an export with ID numbers or a notice among the
program files, where an upgrade or an uninstall leaves them behind or mixes them up (issue 18). Choosers open in
the folder last used for the same purpose (remembered in QSettings), else in the user's 文档 folder; a folder
inside the install folder is refused with a message saying why.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from desktop_app.ui.assets import root

KEY = "file_choosers/{}"   # QSettings key of the last folder used, per purpose


def install_folder() -> Path:
    """The folder the program runs from: the installed program's folder, or the repository from source."""
    return root().resolve()


def documents_folder() -> Path:
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    folder = Path(location) if location else Path.home()
    return folder if folder.is_dir() else Path.home()


def inside_install_folder(path) -> bool:
    folder = os.path.normcase(str(install_folder()))
    target = os.path.normcase(str(Path(path).resolve()))
    return target == folder or target.startswith(folder.rstrip(os.sep) + os.sep)


def refusal(path) -> str | None:
    """The message for a place nothing may be saved in, or None."""
    if path and inside_install_folder(path):
        return (f"不能保存在程序的安装文件夹（{install_folder()}）中：这里只放程序文件，升级或卸载程序时可能被清理。"
                "请选择“文档”文件夹、U盘或网络共享文件夹。")
    return None


def start_folder(purpose: str, current=None) -> Path:
    """`current` (e.g. the backup folder already set) when usable, else the folder last used for `purpose`,
    else 文档; never the install folder."""
    remembered = QSettings().value(KEY.format(purpose))
    for candidate in (current, remembered):
        if candidate and Path(candidate).is_dir() and not inside_install_folder(candidate):
            return Path(candidate)
    return documents_folder()


def remember(purpose: str, folder: Path) -> None:
    QSettings().setValue(KEY.format(purpose), str(folder))


def _refused(parent: QWidget | None, path: Path) -> bool:
    message = refusal(path)
    if message:
        QMessageBox.warning(parent, "不能保存到这里", message)
    return bool(message)


def choose_folder(parent: QWidget | None, purpose: str, title: str, current=None) -> Path | None:
    """A folder to write into; None when cancelled or refused (the message says why)."""
    chosen = QFileDialog.getExistingDirectory(parent, title, str(start_folder(purpose, current)))
    if not chosen or _refused(parent, Path(chosen)):
        return None
    remember(purpose, Path(chosen))
    return Path(chosen)


def choose_save_file(parent: QWidget | None, purpose: str, title: str, name: str, filters: str) -> Path | None:
    """A file to write; None when cancelled or refused."""
    chosen, _ = QFileDialog.getSaveFileName(parent, title, str(start_folder(purpose) / name), filters)
    if not chosen or _refused(parent, Path(chosen).parent):
        return None
    remember(purpose, Path(chosen).parent)
    return Path(chosen)


def choose_open_file(parent: QWidget | None, purpose: str, title: str, filters: str, current=None) -> Path | None:
    """A file to read (reading is harmless anywhere: nothing refused)."""
    chosen, _ = QFileDialog.getOpenFileName(parent, title, str(start_folder(purpose, current)), filters)
    if not chosen:
        return None
    remember(purpose, Path(chosen).parent)
    return Path(chosen)
