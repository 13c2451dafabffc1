"""Is the data file sound? SQLite's quick_check (or the full integrity_check) on its own read-only connection.

Runs in any thread: on a file of several GB the check takes minutes, so the application starts at once and
runs it in the background after the window shows (issue 7: start within a second); `cancel` stops it when
the program closes first.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from desktop_app.store import files
from desktop_app.store.db import StoreError, is_server_url

DAMAGED_ADVICE = "请立即由管理员从最近的备份恢复（菜单“管理 → 备份与恢复”），并检查硬盘或U盘。"


@dataclass(frozen=True)
class IntegrityResult:
    ok: bool | None          # None: the check was cancelled before it finished
    message: str             # Chinese, for the administrator
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0


def check_integrity(path: Path | str, quick: bool = True, cancel: threading.Event | None = None,
                    max_problems: int = 20) -> IntegrityResult:
    """quick=True: quick_check (pages and structure, no index-to-table cross check), enough at start;
    quick=False: integrity_check, for a backup about to be restored."""
    started = time.monotonic()
    if is_server_url(path):
        return _check_server(str(path), started)
    path = Path(path)
    if not path.is_file():
        return IntegrityResult(False, f"找不到数据文件 {path}。")
    if cancel is not None and cancel.is_set():
        return IntegrityResult(None, "数据文件检查已取消。", [], 0.0)
    try:
        conn = files.connect_readonly(path)
    except sqlite3.Error as exc:
        return IntegrityResult(False, f"数据文件无法打开（{exc}）。{DAMAGED_ADVICE}", [str(exc)])
    try:
        rows = files.integrity_check(conn, quick, max_problems, None if cancel is None else cancel.is_set)
    except sqlite3.OperationalError as exc:
        if cancel is not None and cancel.is_set():
            return IntegrityResult(None, "数据文件检查已取消。", [], time.monotonic() - started)
        return _damaged([str(exc)], started)
    except sqlite3.DatabaseError as exc:
        return _damaged([str(exc)], started)
    finally:
        conn.close()
    if rows == ["ok"]:
        kind = "快速检查" if quick else "完整性检查"
        return IntegrityResult(True, f"数据文件{kind}通过。", [], time.monotonic() - started)
    return _damaged(rows, started)


def _check_server(url: str, started: float) -> IntegrityResult:
    """A server keeps its own pages sound (and is checked by its administrator): here, that it answers."""
    from desktop_app.services.server_login import connect_server

    try:
        db = connect_server(url)
        try:
            db.execute("SELECT count(*) FROM audit").fetchone()
        finally:
            db.close()
    except StoreError as error:
        return IntegrityResult(None, error.message, [], time.monotonic() - started)
    return IntegrityResult(True, "数据库服务器连接正常。", [], time.monotonic() - started)


def _damaged(problems: list[str], started: float) -> IntegrityResult:
    shown = "；".join(problems[:3]) + ("……" if len(problems) > 3 else "")
    return IntegrityResult(False, f"数据文件已损坏（{shown}）。{DAMAGED_ADVICE}", problems,
                           time.monotonic() - started)
