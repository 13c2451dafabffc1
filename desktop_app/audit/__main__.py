"""python -m desktop_app.audit verify DATABASE [--backups FOLDER] [--anchor N:HASH]

DATABASE: the data file, or the office's server as postgresql://user@host:port/db (password from this PC's
credential store, or PGPASSWORD).
Exit 0: the data is intact (SQLite's integrity check, the audit chain, the tables against the entries, the
anchors outside the data); 1: it is not, the first problem named; 2: it cannot be read at all."""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path

from desktop_app.services.audit_log import FileCheck, check_file
from desktop_app.store.db import StoreError, is_server_url


def verify_file(path: Path | str, backups: list[Path] = (), anchor: str | None = None) -> FileCheck:
    # Read-only: checking must never change the file it checks (no migration, no new entry).
    return check_file(path, list(backups), anchor)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m desktop_app.audit", description="审计记录校验")
    sub = parser.add_subparsers(dest="command", required=True)
    verify = sub.add_parser("verify", help="校验数据文件、审计记录链、数据与审计记录是否一致，以及锚点")
    verify.add_argument("database", help="数据文件路径，或服务器地址 postgresql://用户名@服务器:端口/数据库")
    verify.add_argument("--backups", type=Path, action="append", default=[], metavar="FOLDER",
                        help="另一个备份文件夹（其中的备份目录记有审计记录的锚点），可多次给出")
    verify.add_argument("--anchor", metavar="N:HASH", help="日结单上打印的锚点：条数:校验值（至少前16位）")
    args = parser.parse_args(argv)

    server = is_server_url(args.database)
    if not server and not Path(args.database).is_file():
        print(f"找不到数据文件：{args.database}", file=sys.stderr)
        return 2
    try:
        result = verify_file(args.database if server else Path(args.database), args.backups, args.anchor)
    except sqlite3.DatabaseError as exc:
        print(f"无法读取数据文件 {args.database} 的审计记录：{exc}", file=sys.stderr)
        return 2
    except StoreError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    print(result.message)
    for line in result.lines:
        print("  " + line)
    return 0 if result.ok else 1


if __name__ == "__main__":
    from desktop_app.console import utf8_console

    utf8_console()
    sys.exit(main())
