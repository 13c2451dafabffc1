"""The program's first start, driven as the office's administrator would, with a screenshot of each screen.

Test only (installer/test-under-wine copies it into the Wine prefix; it is never shipped). Run with the installed
Python:   python.exe first_start.py OUTDIR
It starts the program exactly as the Start-menu entry does (desktop_app.__main__.main, the default data file),
and a timer plays the administrator: the initial password and Enter, the new password and Enter, the office
(信阳市, a name) and the first average wage in 设置, the backup passphrase, then the main window once the check
and the backup at start have run. Each screen is saved as OUTDIR/NN-name.png; OUTDIR/first-start.json says what was seen. Exit 0 when
every step was seen and no screen showed an error.
"""

import json
import os
import sys
import time
import traceback
from datetime import date
from pathlib import Path

OUT = Path(sys.argv[1])
OUT.mkdir(parents=True, exist_ok=True)
NEW_PASSWORD = "Xinyang2026a"
BACKUP_PASSPHRASE = "浉河区医保窗口 2026 备份口令"
OFFICE_NAME = "信阳市浉河区医疗保障服务中心（测试）"
WAGE = ("78000", "河南省统计局公布的上年度全省城镇单位就业人员平均工资（测试值）")
DEADLINE_S = 240

report = {"ok": False, "steps": [], "problems": [], "screens": [], "seen": {}}
started = time.monotonic()


def save_report() -> None:
    (OUT / "first-start.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")


def main() -> int:
    import desktop_app.ui  # noqa: F401  (before any Qt call, as desktop_app.__main__ does)
    from PySide6.QtCore import QEvent, Qt, QTimer
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

    from desktop_app import __main__ as entry
    from desktop_app.ui.app import create_application
    from desktop_app.ui.login_dialog import LoginDialog
    from desktop_app.ui.main_window import MainWindow
    from desktop_app.ui.passphrase_dialog import PassphraseDialog
    from desktop_app.ui.settings_dialog import SettingsDialog

    app = create_application(sys.argv[:1])
    done: set[str] = set()
    state = {"since": time.monotonic(), "main_seen": None}

    def shot(widget, name: str) -> None:
        """The window as it is on the screen, frame included; the widget's own rendering if the screen is blank."""
        until = time.monotonic() + 0.4  # let the layout and the window manager catch up
        while time.monotonic() < until:
            app.processEvents()
            time.sleep(0.02)
        frame = widget.frameGeometry()
        image = widget.screen().grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height()).toImage()
        how = "screen"
        if image.isNull() or len({image.pixel(x, y) for x in range(0, image.width(), 37)
                                  for y in range(0, image.height(), 37)}) < 3:
            image, how = widget.grab().toImage(), "widget"
        path = OUT / f"{len(report['screens']) + 1:02d}-{name}.png"
        image.save(str(path))
        report["screens"].append({"file": path.name, "title": widget.windowTitle(), "from": how,
                                  "size": [image.width(), image.height()]})

    def key(widget, code, text: str = "") -> None:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, code, Qt.KeyboardModifier.NoModifier, text))

    def type_text(edit, text: str) -> None:
        edit.setFocus()
        edit.clear()
        for ch in text:
            key(edit, Qt.Key(ord(ch.upper())) if ch.isascii() and ch.isalnum() else Qt.Key.Key_unknown, ch)

    def errors(ui) -> dict:
        return {name: getattr(ui, name).text() for name in dir(ui)
                if name.endswith("_error") and getattr(ui, name).text()}

    def settled(ms: int = 600) -> bool:
        return (time.monotonic() - state["since"]) * 1000 >= ms

    def moved_on(step: str) -> None:
        done.add(step)
        report["steps"].append(step)
        state["since"] = time.monotonic()

    def step() -> None:
        modal = QApplication.activeModalWidget()
        if isinstance(modal, LoginDialog) and modal.isVisible() and settled():
            ui = modal.ui
            if ui.pages.currentIndex() == 0 and "login" not in done:
                report["seen"]["login_hint"] = ui.hint_label.text()
                shot(modal, "login")
                type_text(ui.password_edit, "admin")
                key(ui.password_edit, Qt.Key.Key_Return)  # one Enter: one attempt (issue 18, point 1)
                moved_on("login")
            elif ui.pages.currentIndex() == 1 and "password" not in done:
                shown = errors(ui)
                report["seen"]["password_page_errors"] = shown
                if shown:
                    report["problems"].append(f"the password change opened showing {shown}")
                shot(modal, "password-change")
                type_text(ui.new_password_edit, NEW_PASSWORD)
                key(ui.new_password_edit, Qt.Key.Key_Return)   # moves on to 再输一次
                type_text(ui.repeat_password_edit, NEW_PASSWORD)
                key(ui.repeat_password_edit, Qt.Key.Key_Return)
                moved_on("password")
        elif isinstance(modal, SettingsDialog) and modal.isVisible() and settled():
            ui = modal.ui
            if "office" not in done:
                ui.jurisdiction_combo.setCurrentIndex(ui.jurisdiction_combo.findData("xinyang"))
                ui.office_name_edit.setFocus()
                ui.office_name_edit.setText(OFFICE_NAME)
                ui.office_save_button.click()
                ui.parameter_combo.setCurrentIndex(ui.parameter_combo.findData("avg_wage_annual"))
                report["seen"]["office"] = ui.document_label.text()
                report["seen"]["wage_valid_from"] = ui.valid_from_edit.date().toString("yyyy-MM-dd")
                this_year = f"{date.today().year}-01-01"  # the year the office needs first (issue 18, point 3)
                if report["seen"]["wage_valid_from"] != this_year:
                    report["problems"].append(f"生效日期 offered {report['seen']['wage_valid_from']}, not {this_year}")
                ui.value_edit.setText(WAGE[0])
                ui.source_edit.setText(WAGE[1])
                shot(modal, "office-setup")
                moved_on("office")
            elif "wage" not in done:
                ui.add_parameter_button.click()
                report["seen"]["wage_saved"] = ui.parameter_result_label.text()
                if errors(ui):
                    report["problems"].append(f"设置 shows {errors(ui)}")
                shot(modal, "office-setup-saved")
                moved_on("wage")
            elif settled(300):
                modal.accept()
        elif isinstance(modal, PassphraseDialog) and modal.isVisible() and settled() and "passphrase" not in done:
            ui = modal.ui
            type_text(ui.passphrase_edit, BACKUP_PASSPHRASE)
            key(ui.passphrase_edit, Qt.Key.Key_Return)       # moves on to 再输一次
            type_text(ui.repeat_edit, BACKUP_PASSPHRASE)
            shot(modal, "backup-passphrase")
            key(ui.repeat_edit, Qt.Key.Key_Return)
            moved_on("passphrase")
        elif isinstance(modal, QMessageBox) and settled():
            report["problems"].append(f"a message: {modal.windowTitle()}: {modal.text()}")
            shot(modal, "message")
            modal.done(0)
            state["since"] = time.monotonic()
        elif modal is None:
            window = next((w for w in QApplication.topLevelWidgets()
                           if isinstance(w, MainWindow) and w.isVisible()), None)
            if window is not None and "main" not in done:
                if state["main_seen"] is None:
                    state["main_seen"] = time.monotonic()
                status = window.findChild(QLabel, "safety_status")
                text = status.text() if status is not None else ""
                # the check and the backup at start run after the window shows: wait for their word
                if "已自动备份" in text or "失败" in text or time.monotonic() - state["main_seen"] > 30:
                    report["seen"]["main_title"] = window.windowTitle()
                    report["seen"]["main_status"] = text
                    report["seen"]["tabs"] = [window.ui.tab_widget.tabText(i)
                                              for i in range(window.ui.tab_widget.count())]
                    report["seen"]["font"] = window.font().family()
                    if "已自动备份" not in text:
                        report["problems"].append(f"the backup at start did not report: {text!r}")
                    shot(window, "main-window")
                    moved_on("main")
                    window.close()
        if time.monotonic() - started > DEADLINE_S:
            report["problems"].append(f"stuck after {report['steps']} (modal: {type(modal).__name__})")
            save_report()
            os._exit(3)

    def tick() -> None:
        try:
            step()
        except Exception:  # noqa: BLE001  (a robot's failure is reported, then the program ends)
            report["problems"].append(traceback.format_exc())
            save_report()
            os._exit(4)

    timer = QTimer(app, interval=250, timeout=tick)
    timer.start()
    code = entry.main([])
    report["exit_code"] = code
    report["ok"] = (code == 0 and not report["problems"]
                    and report["steps"] == ["login", "password", "office", "wage", "passphrase", "main"])
    save_report()
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
