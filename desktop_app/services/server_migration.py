"""Moving an office's data file onto its new server (issue 17): one administrator command,
`python -m desktop_app.server migrate --from FILE --to postgresql://...`.

1. The file is brought to the current schema (as any start of the program would) and checked: the audit chain
   and every table against it (the same check as `python -m desktop_app.audit verify`). A file that fails is
   not moved: its problem is named and it is restored from a backup first.
2. The server's database must be empty; the schema is created (store/schema_pg.py), then every row is copied
   with its own id (COPY, table by table, in the order the references need), the audit log entry for entry: the
   chain is not re-written, it is the same chain. All of it in one transaction: a failure leaves the server
   empty. The identities then continue after the highest id copied.
3. Both sides are counted and checked again: the same rows in every table, the same chain head, and the
   server passes the audit check too. This PC anchors the server's chain from then on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from desktop_app.services import anchors, server_login
from desktop_app.services.errors import InputError
from desktop_app.store import audit, files
from desktop_app.store.db import StoreError, atomic
from desktop_app.store.migrations import migrate
from desktop_app.store.verify import check_tables

# Copied in this order (what a row refers to comes first); tables not listed (a later migration's) follow.
ORDER = ("settings", "operators", "people", "imports", "decisions", "ledger", "ledger_voids", "corrections",
         "notices", "notice_receipts", "parameters", "backup_keys", "person_changes", "mode_differences",
         "people_initials", "audit")
NOT_COPIED = {"name_gram_spans", "people_name_grams",   # made by the schema and by the people trigger
              "_sqlite_migrations", "schema_migrations"}
# Rows the server's triggers make while the tables before them are copied (a stale outlook for each person enrolled,
# decided about or sent a notice): emptied before the file's own rows are copied in, so the server's are the file's.
MADE_BY_TRIGGERS = {"person_outlook"}


@dataclass
class Moved:
    ok: bool
    message: str                                      # Chinese
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)   # table -> (file, server)
    entries: int = 0
    head: str = ""


def _check(db, where: str) -> tuple[int, str]:
    chain = audit.verify(db)
    if not chain.ok:
        raise InputError("source", f"{where}的审计记录校验未通过：{chain.message}")
    tables = check_tables(db)
    if not tables.ok:
        raise InputError("source", f"{where}的数据与审计记录不一致：{tables.message}")
    return anchors.head(db)


def _columns(db, table: str) -> list[str]:
    cursor = db.execute(f'SELECT * FROM "{table}" LIMIT 0')
    return [d[0] for d in cursor.description]


def move_file_to_server(path: Path, url: str, operator: str = "管理员（迁移）",
                        progress=None) -> Moved:
    """The whole move; raises InputError (Chinese) when the file or the server is not fit for it."""
    from desktop_app.services.session import open_session

    path = Path(path)
    if not path.is_file():
        raise InputError("source", f"找不到数据文件 {path}")
    session = open_session(path, operator=operator)   # the current schema (an upgrade is audited as usual)
    session.close()
    source = files.open_readonly(path)
    try:
        entries, head = _check(source, "数据文件")
        tables = [r[0] for r in source.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        server = server_login.connect_server(url)
        try:
            if server.table_names():
                raise InputError("target", "服务器上的这个数据库不是空的：请新建一个空数据库再迁移"
                                           "（见 docs/office-server.md），迁移不会覆盖已有数据。")
            counts = _copy(source, server, tables, progress)
            server_entries, server_head = _check(server, "服务器")
            anchors.record(server, server_login.local_place(server_login.public_url(url)))
        finally:
            server.close()
    finally:
        source.close()
    if (server_entries, server_head) != (entries, head):
        return Moved(False, f"服务器上的审计记录（{server_entries} 条）与数据文件（{entries} 条）不一致。", counts,
                     server_entries, server_head)
    different = [t for t, (a, b) in counts.items() if a != b]
    if different:
        return Moved(False, "以下表的行数两边不一致：" + "、".join(different), counts, entries, head)
    return Moved(True, f"迁移完成：{len(counts)} 张表、审计记录 {entries} 条，两边行数一致，审计链与数据核对无误"
                       f"（最后一条校验值 {head[:16]}…）。", counts, entries, head)


def _copy(source, server, tables: list[str], progress) -> dict[str, tuple[int, int]]:
    counts: dict[str, tuple[int, int]] = {}
    order = [t for t in ORDER if t in tables] + sorted(t for t in tables if t not in ORDER and t not in NOT_COPIED)
    with atomic(server):
        migrate(server)   # the schema, without an entry of its own: the chain is the file's, copied as it is
        on_server = set(server.table_names())
        for table in order:
            if table not in on_server:
                raise StoreError(f"服务器的数据结构中没有表 {table}：请先升级服务器上的程序版本。")
            columns = [c for c in _columns(source, table) if c in set(_columns(server, table))]
            quoted = ", ".join(f'"{c}"' for c in columns)
            key = "id" if "id" in columns else columns[0]
            rows = source.execute(f'SELECT {quoted} FROM "{table}" ORDER BY "{key}"')
            if table in MADE_BY_TRIGGERS:
                server.execute(f'DELETE FROM "{table}"')
            copied = server.copy_rows(table, columns, (tuple(bytes(v) if isinstance(v, memoryview) else v
                                                             for v in row) for row in rows))
            if progress is not None:
                progress(table, copied)
            if "id" in columns:
                identity = server.execute("SELECT pg_get_serial_sequence(?, 'id')", [table]).fetchone()[0]
                if identity:
                    server.execute(f'SELECT setval(?, (SELECT coalesce(max(id), 0) + 1 FROM "{table}"), false)',
                                   [identity])
        for table in order:
            counts[table] = (files.row_count(source, table), server[table].count)
    return counts
