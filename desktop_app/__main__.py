"""python -m desktop_app [--demo | --db PATH] [--operator NAME] [--selftest OUTDIR]"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m desktop_app", description="灵活就业参保经办台")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--demo", action="store_true",
                       help="open the demo database (built on first use) in the user's data folder")
    where.add_argument("--db", type=Path, metavar="PATH", help="open this data file instead of the default")
    where.add_argument("--selftest", type=Path, metavar="OUTDIR",
                       help="self-check on a fresh database in OUTDIR; writes OUTDIR/result.json")
    parser.add_argument("--operator", default="管理员", help="operator name recorded with every action")
    return parser.parse_args(argv)


def _fatal(message: str) -> int:
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.critical(None, "无法打开数据文件", message)
    return 1


def _build_demo(app, path: Path) -> None:
    """The demo database takes a few seconds to build: say so on screen meanwhile."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLabel

    from desktop_app.services.demo import build_demo_database

    note = QLabel("正在生成示例数据库（约200名虚构参保人），请稍候…")
    note.setWindowTitle("灵活就业参保经办台")
    note.setAlignment(Qt.AlignmentFlag.AlignCenter)
    note.setMinimumSize(420, 120)
    note.show()
    app.processEvents()
    try:
        build_demo_database(path, date.today())
    finally:
        note.close()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    import desktop_app.ui  # noqa: F401  (works around PySide6 6.12 on CPython 3.11 before any Qt call)
    from desktop_app.ui.app import create_application

    app = create_application(sys.argv[:1])
    if args.selftest is not None:
        from desktop_app.ui.selftest import run

        result = run(args.selftest, app)
        print(("selftest ok: " if result["ok"] else "selftest FAILED: ") + str(Path(args.selftest) / "result.json"))
        if not result["ok"]:
            print(result.get("error", ""), file=sys.stderr)
        return 0 if result["ok"] else 1

    from PySide6.QtCore import QSettings

    from desktop_app.services.session import default_data_path, demo_data_path, open_session
    from desktop_app.services.settings import get_office, get_setting
    from desktop_app.store.db import StoreError
    from desktop_app.ui.main_window import MainWindow
    from desktop_app.ui.settings_dialog import SettingsDialog

    if args.demo:
        path = demo_data_path()
        if not path.exists():
            _build_demo(app, path)
    else:
        path = args.db or default_data_path()
    try:
        session = open_session(path, operator=args.operator)
    except StoreError as error:
        return _fatal(f"{path}\n{error.message}")
    demo = args.demo or bool(get_setting(session, "demo"))
    if not get_office(session).jurisdiction:
        # first start on a new data file: the administrator sets the office before anything else
        SettingsDialog(session, date.today).exec()
    window = MainWindow(session, demo=demo, settings=QSettings())
    window.show()
    try:
        return app.exec()
    finally:
        session.close()


if __name__ == "__main__":
    sys.exit(main())
