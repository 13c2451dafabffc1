"""The audit check and the audit log for the administrator's screen.

check_file() is what `python -m desktop_app.audit verify DATABASE` and 管理 → 校验审计记录 run (issue 12):
1. SQLite's full integrity_check (a file that fails it is not intact, whatever the chain says);
2. the chain: every entry carries the hash of the one before (store/audit.py);
3. the tables: every person, ledger row, operator, parameter, notice … equals what the entries say
   (store/verify.py);
4. the anchors outside the file (services/anchors.py): the settings anchor beside it, the backups' catalogue,
   and the daily close sheet's `N:HASH` when given: a chain cut short or re-hashed from an edited entry on
   is caught there.
The first problem is named (the entry, the row or the anchor that disagrees); the rest of the report says
what was checked.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path

from desktop_app.services import anchors
from desktop_app.services.backup import catalogue_anchor, catalogue_signed, current_key, default_folder, read_catalogue
from desktop_app.services.permissions import require
from desktop_app.services.session import Session
from desktop_app.store import audit, files
from desktop_app.store import settings as settings_store
from desktop_app.store.db import is_server_url
from desktop_app.store.verify import check_tables


@dataclass(frozen=True)
class FileCheck:
    ok: bool
    message: str                        # Chinese: the verdict and the first problem, or what holds
    lines: list[str] = field(default_factory=list)   # each step, in Chinese
    entries: int = 0
    head: str = ""
    first_bad_id: int | None = None


@dataclass(frozen=True)
class CloseSheetAnchor:
    entries: int
    head: str
    text: str   # what the daily close sheet prints for the 复核员 to sign


def _folders(db, data_path: Path, extra: list[Path]) -> list[Path]:
    out = [default_folder(data_path)]
    chosen = (settings_store.get(db, "backup_folder") or "").strip()
    if chosen:
        out.append(Path(chosen).expanduser())
    return list(dict.fromkeys([*out, *extra]))


def check_file(path: Path | str, backup_folders: list[Path] = (), paper: str | None = None,
               cancel: threading.Event | None = None) -> FileCheck:
    """Every check on the file, read-only (nothing is written, no migration). Raises sqlite3.DatabaseError only
    for a file SQLite cannot open at all. `path` may be the office's server (postgresql://...): its pages are
    the server's own to check, the rest is the same, with this PC's anchor of that server."""
    lines: list[str] = []
    problems: list[tuple[str, int | None]] = []
    if is_server_url(path):
        from desktop_app.services import server_login

        db = server_login.connect_server(str(path), readonly=True)
        lines.append("数据保存在服务器上：数据页的完整性由 PostgreSQL 服务器自身保证（另见服务器的备份与校验）。")
        return _check_chain(db, server_login.local_place(server_login.public_url(path)), backup_folders, paper,
                            lines, problems)
    path = Path(path)
    conn = files.connect_readonly(path)
    try:
        found = files.integrity_check(conn, quick=False, max_problems=5,
                                      stop=None if cancel is None else cancel.is_set)
    except sqlite3.DatabaseError as exc:
        found = [str(exc)]
    finally:
        conn.close()
    if found == ["ok"]:
        lines.append("数据文件完整性检查（integrity_check）通过。")
    else:
        problems.append((f"数据文件已损坏（SQLite 完整性检查未通过：{'；'.join(found[:3])}），请从备份恢复。", None))
        lines.append(problems[-1][0])
    return _check_chain(files.open_readonly(path), path, backup_folders, paper, lines, problems)


def _check_chain(db, path: Path, backup_folders, paper, lines: list[str],
                 problems: list[tuple[str, int | None]]) -> FileCheck:
    """The chain, the tables and the anchors (path: the data file, or this PC's place for a server)."""
    try:
        chain = audit.verify(db)
        lines.append(chain.message)
        if not chain.ok:
            problems.append((chain.message, chain.first_bad_id))
        tables = check_tables(db)
        lines.append(tables.message)
        if not tables.ok:
            problems.append((tables.message, tables.entry_id))
        entries, head = anchors.head(db)
        held = []
        anchor, trouble = anchors.read(path)
        if trouble:
            problems.append((trouble, None))
        if anchor is None and trouble is None:
            lines.append("本机设置中没有该数据文件的锚点（本机第一次打开它，或锚点文件被删除）。")
        elif anchor is not None:
            held.append(anchor)
        key = current_key(db)
        for folder in _folders(db, path, list(backup_folders)):
            doc = read_catalogue(folder, path)
            if doc.get("unreadable"):
                problems.append((f"备份目录 {folder} 中的目录文件无法读取（被改动或损坏）。", None))
                continue
            if catalogue_signed(doc, key) is False:
                problems.append((f"备份目录 {folder} 中的目录文件被改动过（签名不符）。", None))
                continue
            found_anchor = catalogue_anchor(folder, path)
            if found_anchor is not None:
                held.append(found_anchor)
        if paper:
            try:
                held.append(anchors.parse_paper(paper))
            except ValueError:
                problems.append((f"日结单锚点“{paper[:40]}”格式不对，应为 条数:校验值（至少16位）。", None))
        for item in held:
            problem = (anchors.paper_disagreement(db, item) if item.where == "日结单"
                       else anchors.disagreement(db, item))
            if problem:
                problems.append((problem, None))
                lines.append(problem)
            else:
                lines.append(f"与{item.where}记下的锚点一致（第 {item.entries} 条）。")
        if not held:
            lines.append("没有可核对的锚点：审计记录被整段截短或改写时无法发现，请设置备份文件夹并按日打印日结单。")
    finally:
        db.close()
    if problems:
        first, bad_id = problems[0]
        return FileCheck(False, f"校验未通过：{first}", lines, entries, head, bad_id)
    return FileCheck(True, f"审计记录完整：共 {entries} 条，校验链无断点，数据与审计记录一致，"
                           f"{len(held)} 处锚点核对无误。最后一条校验值 {head[:16]}…", lines, entries, head)


def verify_chain(session: Session, cancel: threading.Event | None = None) -> FileCheck:
    """管理 → 校验审计记录: check_file on the session's file. 管理员 only. Any thread (its own connections)."""
    require(session, "admin")
    return check_file(session.data_source, cancel=cancel)


def close_sheet_anchor(session: Session) -> CloseSheetAnchor:
    """The anchor the daily close sheet prints (the sheet itself comes with a later issue): the chain's count and
    head now, as `N:HASH`; `python -m desktop_app.audit verify DB --anchor N:HASH` holds the file against it."""
    require(session, "read")
    entries, head = anchors.head(session.db)
    return CloseSheetAnchor(entries, head, f"审计记录锚点：共 {entries} 条，最后一条校验值 {head}"
                                           f"（核对时输入 {entries}:{head[:16]}）")


def audit_entries(session: Session, limit: int = 200) -> list[dict]:
    """Newest first, each with `label`: the action in Chinese. 管理员 only."""
    require(session, "admin")
    rows = audit.entries(session.db, limit)
    for row in rows:
        row["label"] = audit.ACTION_LABELS.get(row["action"], row["action"])
    return rows
