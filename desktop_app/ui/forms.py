"""Load a Qt Designer form at runtime into a host widget (no generated code)."""

from __future__ import annotations

from PySide6.QtCore import QFile, QIODevice
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import QVBoxLayout, QWidget

from desktop_app.ui.assets import form_path


def load_form(name: str, host: QWidget) -> QWidget:
    """Load forms/<name> as a child of host, placed in host's layout; named children become attributes.

    Raises RuntimeError when the file is missing or does not parse.
    """
    path = form_path(name)
    if not path.is_file():
        raise RuntimeError(f"form not found: {path}")
    file = QFile(str(path))
    if not file.open(QIODevice.OpenModeFlag.ReadOnly):
        raise RuntimeError(f"cannot open form {path}: {file.errorString()}")
    try:
        loader = QUiLoader()
        form = loader.load(file, host)
    finally:
        file.close()
    if form is None:
        raise RuntimeError(f"cannot load form {path}: {loader.errorString()}")
    layout = host.layout()
    if layout is None:
        layout = QVBoxLayout(host)
        layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(form)
    return form
