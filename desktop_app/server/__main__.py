"""python -m desktop_app.server COMMAND — the administrator's commands for the office's server (issue 17).

  migrate --from FILE --to postgresql://user@host:port/db
      move an office's data file onto an empty server database: counts and the audit chain checked on both sides
  backup postgresql://... --to FOLDER [--passphrase TEXT]
      a pg_dump backup, encrypted with the backup passphrase's key, catalogued in FOLDER
  restore BACKUP --to postgresql://.../new_empty_db [--passphrase TEXT]
      a server backup restored into an empty database, then checked (chain, tables, the count it recorded)
  login postgresql://user@host:port/db
      keep this PC's password for that login (protected by Windows), asked without echo

The password of an address comes from this PC's credential store (`login`), or PGPASSWORD.
Exit 0: done and checked; 1: done but a check failed; 2: refused (the message says why).
"""

from __future__ import annotations

import argparse
import getpass
import sys
import tempfile
from datetime import datetime
from pathlib import Path

from desktop_app.services.backup_crypto import BackupCryptoError
from desktop_app.services.errors import InputError, StoreError


def _key(url: str, passphrase: str | None):
    from desktop_app.services import backup, backup_crypto, server_login

    db = server_login.connect_server(url)
    try:
        key = backup.current_key(db)
        if key is not None and passphrase is None:
            return key
        row = db.execute("SELECT key_id, salt, n, r, p FROM backup_keys ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        db.close()
    if row is None:
        raise InputError("backup_passphrase", backup.NO_KEY)
    passphrase = passphrase or getpass.getpass("备份口令：")
    key = backup_crypto.derive(passphrase, row[1], row[2], row[3], row[4])
    if key.key_id != row[0]:
        raise InputError("backup_passphrase", "备份口令不正确。")
    return key


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m desktop_app.server", description="经办台数据库服务器管理命令")
    sub = parser.add_subparsers(dest="command", required=True)
    move = sub.add_parser("migrate", help="把本机数据文件迁移到服务器上新建的空数据库")
    move.add_argument("--from", dest="source", required=True, help="数据文件路径")
    move.add_argument("--to", dest="target", required=True, help="postgresql://用户名@服务器:端口/数据库")
    dump = sub.add_parser("backup", help="用 pg_dump 备份服务器数据（加密）")
    dump.add_argument("url")
    dump.add_argument("--to", dest="folder", required=True, type=Path, help="备份文件夹（U盘或网络共享）")
    dump.add_argument("--passphrase", help="备份口令（不给则在本机已保存密钥时不问，否则提示输入）")
    back = sub.add_parser("restore", help="把服务器备份恢复到新建的空数据库并核对")
    back.add_argument("backup", type=Path)
    back.add_argument("--to", dest="target", required=True)
    back.add_argument("--passphrase")
    login = sub.add_parser("login", help="在本机保存连接服务器的密码（由 Windows 加密）")
    login.add_argument("url")
    args = parser.parse_args(argv)

    try:
        if args.command == "migrate":
            from desktop_app.services.server_migration import move_file_to_server

            result = move_file_to_server(Path(args.source), args.target,
                                         progress=lambda table, n: print(f"  {table}: {n} 行", flush=True))
            for table, (a, b) in result.counts.items():
                print(f"  {table}: 数据文件 {a} 行，服务器 {b} 行")
            print(result.message)
            return 0 if result.ok else 1
        if args.command == "backup":
            from desktop_app.services import server_login
            from desktop_app.services.backup import BackupJob
            from desktop_app.services.server_backup import run_server_backup
            from desktop_app.store.audit import Stamp

            public = server_login.public_url(args.url)
            job = BackupJob(server_login.local_place(public), args.folder, None,
                            Stamp("管理员（命令行备份）", datetime.now().isoformat(timespec="seconds")), "manual",
                            _key(args.url, args.passphrase), public)
            made = run_server_backup(job, args.url)
            print(f"已备份：{made.path}（{made.size / 1048576:.1f} MB，{made.seconds:.1f} 秒）")
            return 0
        if args.command == "restore":
            from desktop_app.services.backup_crypto import derive, read_header
            from desktop_app.services.server_backup import restore_into

            header = read_header(args.backup)
            passphrase = args.passphrase or getpass.getpass("备份口令：")
            key = derive(passphrase, header["salt"], header["n"], header["r"], header["p"])
            with tempfile.TemporaryDirectory() as scratch:
                result = restore_into(args.backup, args.target, key, Path(scratch))
            print(result.message)
            return 0 if result.ok else 1
        if args.command == "login":
            from desktop_app.services import server_login

            public = server_login.public_url(server_login.check_url(args.url))
            server_login.save_password(public, getpass.getpass(f"{public} 的密码："))
            print(f"已保存（{server_login.password_protection()}）。")
            return 0
    except (InputError, StoreError, BackupCryptoError) as error:
        print(error.message, file=sys.stderr)
        return 2
    return 2


if __name__ == "__main__":
    from desktop_app.console import utf8_console

    utf8_console()
    sys.exit(main())
