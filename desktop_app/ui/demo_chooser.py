"""--demo without a jurisdiction: choose which office's demo to open (one office, one 统筹地区: issue 13)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QVBoxLayout

from desktop_app.rules import JURISDICTIONS
from desktop_app.services.demo import OFFICES


class DemoChooser(QDialog):
    """Four buttons, one per office; chosen() is the jurisdiction key, or None when closed."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("打开示例数据库")
        self.choice: str | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("示例数据库模拟一个经办机构，按其统筹地区的文件办理。请选择："))
        self.buttons: dict[str, QPushButton] = {}
        for key, office in OFFICES.items():
            j = JURISDICTIONS[key]
            button = QPushButton(f"{office}　——　{j.document}", self)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _=False, k=key: self._choose(k))
            layout.addWidget(button)
            self.buttons[key] = button
        self.buttons["xinyang"].setDefault(True)

    def _choose(self, key: str) -> None:
        self.choice = key
        self.accept()
