"""python -m desktop_app [--demo [huainan|jiangsu|jilin|xinyang] | --db PATH | --db postgresql://user@host:port/db]
                        [--selftest OUTDIR]

Without --db: the server this PC was pointed at in 设置 → 数据库服务器, else the data file on this PC."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m desktop_app", description="灵活就业参保经办台")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--demo", nargs="?", const="", default=None, metavar="JURISDICTION",
                       choices=("", "huainan", "jiangsu", "jilin", "xinyang"),
                       help="open the demo database of one office (built on first use) in the user's data folder;"
                            " without a jurisdiction the office is chosen on screen")
    where.add_argument("--db", metavar="PATH|URL",
                       help="open this data file, or the office's server (postgresql://user@host:port/db)")
    where.add_argument("--selftest", type=Path, metavar="OUTDIR",
                       help="self-check on a fresh database in OUTDIR; writes OUTDIR/result.json")
    return parser.parse_args(argv)


def _fatal(message: str) -> int:
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.critical(None, "无法打开数据文件", message)
    return 1


def _build_demo(app, path: Path, jurisdiction: str) -> None:
    """The demo database takes a few seconds to build: say so on screen meanwhile."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLabel

    from desktop_app.notices.issue import render
    from desktop_app.services.demo import build_demo_database

    note = QLabel("正在生成示例数据库（约100名虚构参保人），请稍候…")
    note.setWindowTitle("灵活就业参保经办台")
    note.setAlignment(Qt.AlignmentFlag.AlignCenter)
    note.setMinimumSize(420, 120)
    note.show()
    app.processEvents()
    try:
        build_demo_database(path, date.today(), render, jurisdiction=jurisdiction)
    finally:
        note.close()


def main(argv: list[str] | None = None) -> int:
    from desktop_app.console import utf8_console

    utf8_console()  # before argparse: its help and errors are Chinese too
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from desktop_app.ui.app import create_application

    app = create_application(sys.argv[:1])
    if args.selftest is not None:
        from desktop_app.ui.selftest import run

        result = run(args.selftest, app)
        print(("selftest ok: " if result["ok"] else "selftest FAILED: ") + str(Path(args.selftest) / "result.json"))
        if not result["ok"]:
            print(result.get("error", ""), file=sys.stderr)
        return 0 if result["ok"] else 1

    return run_window(app, args)


def run_window(app, args: argparse.Namespace) -> int:
    """Open the file (one program per file, restore offered when it cannot open), log in, show the window;
    the integrity check and the backup at start run after it shows (ui/safety.py)."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QDialog, QMessageBox

    from desktop_app.services import auth
    from desktop_app.services.permissions import may
    from desktop_app.services.session import default_data_path, demo_data_path
    from desktop_app.services.settings import get_office
    from desktop_app.services.errors import InputError
    from desktop_app.store.db import StoreError
    from desktop_app.ui.login_dialog import LoginDialog
    from desktop_app.ui.main_window import MainWindow
    from desktop_app.ui.safety import FOLDER_KEY, SafetyControls, install_excepthook
    from desktop_app.ui.settings_dialog import SettingsDialog
    from desktop_app.ui.startup import open_data_file

    if args.demo is not None:
        jurisdiction = args.demo
        if not jurisdiction:
            from desktop_app.ui.demo_chooser import DemoChooser

            chooser = DemoChooser()
            if chooser.exec() != QDialog.DialogCode.Accepted or chooser.choice is None:
                return 0
            jurisdiction = chooser.choice
        path = demo_data_path(jurisdiction)
        if not path.exists():
            _build_demo(app, path, jurisdiction)
    else:
        from desktop_app.services.server_login import chosen_source
        from desktop_app.store.db import is_server_url

        if args.db:
            path = args.db if is_server_url(args.db) else Path(args.db)
        else:
            path = chosen_source() or default_data_path()
    settings = QSettings()
    remembered = settings.value(FOLDER_KEY)
    session = open_data_file(path, [Path(remembered)] if remembered else [])
    if session is None:
        return 1
    window = None
    install_excepthook(lambda: window)
    try:
        demo = session.demo  # the demo file's own path (--demo), never what a file says about itself
        try:
            if demo:  # a demo file (never real data) logs in as the demo administrator, and says so
                auth.demo_login(session)
            else:
                auth.ensure_first_admin(session)
                if LoginDialog(session).exec() != QDialog.DialogCode.Accepted:
                    return 0
        except (StoreError, InputError) as error:
            return _fatal(f"{path}\n{error.message}")
        if not get_office(session).jurisdiction:
            if may(session, "admin"):
                # first start on a new data file: the administrator sets the office before anything else,
                # then the backup passphrase (no backup is made without it: issue 12)
                SettingsDialog(session, date.today).exec()
                from desktop_app.services.backup import has_backup_key
                from desktop_app.ui.passphrase_dialog import PassphraseDialog

                if not has_backup_key(session):
                    PassphraseDialog(session, first_start=True).exec()
            else:
                QMessageBox.information(None, "尚未设置经办机构", "请管理员先登录，在“设置”中选择统筹地区并填写经办机构名称。")
        window = MainWindow(session, demo=demo, settings=settings)
        safety = SafetyControls(window, session, demo=demo, settings=settings)
        window.show()
        safety.start()
        try:
            return app.exec()
        finally:
            safety.shutdown()
    finally:
        session.close()


if __name__ == "__main__":
    sys.exit(main())
