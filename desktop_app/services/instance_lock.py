"""One program per data file: an exclusive OS lock on a sidecar file, released by the OS when the process dies.

A second start on the same file is refused with a message naming who holds it; a crashed or killed program
leaves no stale lock behind, because the lock is the operating system's (flock / LockFileEx through msvcrt),
not the file's existence. The data file itself is locked too (flock; on Windows a byte far past its end, where
SQLite never reads or locks): deleting the sidecar while it is held no longer lets a second program in
(issue 12). A data folder on a network share is refused: SQLite's write-ahead log needs shared memory that a
network file system does not give, so two PCs would damage the file (sqlite.org/wal.html).
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
DATA_LOCK_OFFSET = 1 << 40   # Windows: the byte locked in the data file, far past any page SQLite uses
NETWORK_FS = {"nfs", "nfs4", "cifs", "smb3", "smbfs", "fuse.sshfs", "sshfs", "9p", "afs", "ncpfs", "davfs",
              "fuse.davfs2", "glusterfs", "ceph", "fuse.rclone"}
NETWORK_REFUSED = ("数据文件夹 {folder} 位于网络共享上。经办台的数据文件必须放在本机硬盘上：SQLite 的预写日志（WAL）在网络"
                   "共享上不能正常工作，多台电脑同时使用会损坏数据。请把数据文件夹改到本机（默认位置即可），备份文件夹"
                   "可以放在网络共享上；几个窗口要共用同一份数据时，请按 docs/data-safety.md“数据文件夹不能放在网络共享上"
                   "（办公室服务器）”一节办理。")


class InstanceLocked(StoreError):
    """Another program holds this data file."""


class NetworkFolder(StoreError):
    """The data folder is on a network share: refused."""


def lock_path(data_path: Path) -> Path:
    return Path(data_path).with_name(Path(data_path).name + ".lock")


class InstanceLock:
    def __init__(self, data_path: Path):
        self.data_path = Path(data_path)
        self.path = lock_path(data_path)
        self._file = None
        self._data = None

    def acquire(self) -> "InstanceLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if is_network_folder(self.path.parent):
            raise NetworkFolder(NETWORK_REFUSED.format(folder=self.path.parent))
        try:
            handle = open(self.path, "a+b")
        except OSError as exc:
            raise StoreError(f"无法在数据文件夹中创建锁文件 {self.path}（{exc.strerror or exc}）。"
                             "数据文件夹可能是只读的，请联系管理员检查文件夹权限。") from exc
        if not _try_lock(handle):
            holder = _read_holder(self.path)
            handle.close()
            raise _locked(holder)
        data = _lock_data_file(self.data_path)
        if data is False:  # the sidecar was deleted while another program held it: the data file still says so
            _unlock(handle)
            handle.close()
            raise _locked("")
        self._data = data
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
        if self._data is not None:
            try:
                _unlock_data(self._data)
            finally:
                _close_data(self._data)
                self._data = None
        if self._file is None:
            return
        try:
            _unlock(self._file)
        finally:
            self._file.close()
            self._file = None

    def refresh(self) -> None:
        """After the data file was replaced under this program (a restore at start renamed the damaged one aside,
        its lock with it): lock the file now at the path."""
        if self._data is not None:
            _unlock_data(self._data)
            _close_data(self._data)
            self._data = None
        data = _lock_data_file(self.data_path)
        self._data = data if data is not False else None

    @property
    def held(self) -> bool:
        return self._file is not None

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc):
        self.release()


def _locked(holder: str) -> InstanceLocked:
    return InstanceLocked("该数据文件已由另一个经办台程序打开" + (f"（{holder}）" if holder else "")
                          + "。同一数据文件同时只能由一个程序使用，以免数据互相覆盖；请先关闭另一个程序。")


def is_network_folder(folder: Path, mounts: str | None = None) -> bool:
    """A UNC path or a mapped network drive (Windows); a folder on an NFS, SMB/CIFS, sshfs … mount (Linux)."""
    text = str(folder)
    if text.startswith(("\\\\", "//")) and not text.startswith(("\\\\?\\", "\\\\.\\")):
        return True
    if sys.platform == "win32":
        import ctypes

        drive = os.path.splitdrive(os.path.abspath(text))[0]
        return bool(drive) and ctypes.windll.kernel32.GetDriveTypeW(drive + "\\") == 4  # DRIVE_REMOTE
    if mounts is None:
        try:
            with open("/proc/self/mounts", encoding="utf-8", errors="replace") as f:
                mounts = f.read()
        except OSError:
            return False
    target = os.path.realpath(text)
    best, kind = "", ""
    for line in mounts.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        point = parts[1].replace("\\040", " ")
        if (target == point or target.startswith(point.rstrip("/") + "/")) and len(point) >= len(best):
            best, kind = point, parts[2]
    return kind in NETWORK_FS


def acquire(data_path: Path) -> InstanceLock:
    """Take the lock for this data file or raise StoreError (Chinese message naming the holder)."""
    return InstanceLock(data_path).acquire()


def _user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no login name in the environment: the lock still works
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

    def _lock_data_file(path: Path):
        """fd of the data file with one byte far past its end locked; False when another program holds it.
        Opened with FILE_SHARE_DELETE so that a restore at start can still rename a damaged file aside."""
        import _winapi

        try:
            handle = _winapi.CreateFile(str(path), 0x80000000 | 0x40000000, 0x1 | 0x2 | 0x4, 0, 4, 0x80, 0)
        except OSError:
            return None  # no data file can be opened here: open_session says why
        fd = msvcrt.open_osfhandle(handle, os.O_RDWR)
        os.lseek(fd, DATA_LOCK_OFFSET, 0)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            os.close(fd)
            return False
        return fd

    def _unlock_data(fd) -> None:
        os.lseek(fd, DATA_LOCK_OFFSET, 0)
        try:
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        except OSError:
            pass

    def _close_data(fd) -> None:
        os.close(fd)
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

    def _lock_data_file(path: Path):
        """fd of the data file under flock (SQLite itself uses fcntl locks, which flock does not touch);
        False when another program holds it."""
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        return fd

    def _unlock_data(fd) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)

    def _close_data(fd) -> None:
        os.close(fd)
