"""python -m desktop_app.audit verify DATABASE: exit 0 for an intact chain, 1 naming the first bad entry."""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path

from sqlite_utils import Database

from desktop_app.store import audit
from desktop_app.store.db import readonly_uri


def verify_file(path: Path) -> audit.ChainCheck:
    # Read-only: checking must never change the file it checks (no migration, no new entry).
    conn = sqlite3.connect(readonly_uri(path), uri=True)
    try:
        return audit.verify(Database(conn, execute_plugins=False))
    finally:
        conn.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m desktop_app.audit", description="审计记录校验")
    sub = parser.add_subparsers(dest="command", required=True)
    verify = sub.add_parser("verify", help="校验审计记录链是否完整")
    verify.add_argument("database", type=Path, help="数据文件路径")
    args = parser.parse_args(argv)

    if not args.database.is_file():
        print(f"找不到数据文件：{args.database}", file=sys.stderr)
        return 2
    try:
        result = verify_file(args.database)
    except sqlite3.DatabaseError as exc:
        print(f"无法读取数据文件 {args.database} 的审计记录：{exc}", file=sys.stderr)
        return 2
    print(result.message)
    return 0 if result.ok else 1


if __name__ == "__main__":
    from desktop_app.console import utf8_console

    utf8_console()
    sys.exit(main())
