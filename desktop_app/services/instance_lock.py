"""One program per data file: an exclusive OS lock on a sidecar file, released by the OS when the process dies.

A second start on the same file (the same PC, or another PC through a network share) is refused with a
message naming who holds it; a crashed or killed program leaves no stale lock behind, because the lock is the
operating system's (flock / LockFileEx through msvcrt), not the file's existence.
"""

from __future__ import annotations

import getpass
import json
import os
import socket
import sys
from datetime import datetime
from pathlib import Path

from desktop_app.store.db import StoreError

INFO_OFFSET = 16  # the holder's details are written past the locked byte, where others may read them


class InstanceLocked(StoreError):
    """Another program holds this data file."""


def lock_path(data_path: Path) -> Path:
    return Path(data_path).with_name(Path(data_path).name + ".lock")


class InstanceLock:
    def __init__(self, data_path: Path):
        self.path = lock_path(data_path)
        self._file = None

    def acquire(self) -> "InstanceLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            handle = open(self.path, "a+b")
        except OSError as exc:
            raise StoreError(f"无法在数据文件夹中创建锁文件 {self.path}（{exc.strerror or exc}）。"
                             "数据文件夹可能是只读的，请联系管理员检查文件夹权限。") from exc
        if not _try_lock(handle):
            holder = _read_holder(self.path)
            handle.close()
            raise InstanceLocked("该数据文件已由另一个经办台程序打开" + (f"（{holder}）" if holder else "")
                             + "。同一数据文件同时只能由一个程序使用，以免数据互相覆盖；请先关闭另一个程序。")
        self._file = handle
        info = {"pid": os.getpid(), "host": socket.gethostname(), "user": _user(),
                "since": datetime.now().isoformat(timespec="seconds")}
        try:
            handle.seek(INFO_OFFSET)
            handle.truncate()
            handle.write(json.dumps(info, ensure_ascii=False).encode("utf-8"))
            handle.flush()
        except OSError:
            pass  # the lock holds even if the note cannot be written
        return self

    def release(self) -> None:
        if self._file is None:
            return
        try:
            _unlock(self._file)
        finally:
            self._file.close()
            self._file = None

    @property
    def held(self) -> bool:
        return self._file is not None

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc):
        self.release()


def acquire(data_path: Path) -> InstanceLock:
    """Take the lock for this data file or raise StoreError (Chinese message naming the holder)."""
    return InstanceLock(data_path).acquire()


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in the environment: the lock still works
        return ""


def _read_holder(path: Path) -> str:
    try:
        with open(path, "rb") as f:
            f.seek(INFO_OFFSET)
            info = json.loads(f.read(4096).decode("utf-8"))
    except (OSError, ValueError):
        return ""
    return f"计算机 {info.get('host', '?')}，用户 {info.get('user', '?')}，{str(info.get('since', ''))[:16].replace('T', ' ')} 起"


if sys.platform == "win32":
    import msvcrt

    def _try_lock(handle) -> bool:
        handle.seek(0)
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(handle) -> None:
        handle.seek(0)
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        except OSError:
            pass
else:
    import fcntl

    def _try_lock(handle) -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

    def _unlock(handle) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
