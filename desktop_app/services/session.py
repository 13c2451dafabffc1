"""A clerk's working session on one data source: the database (a file, or the office's PostgreSQL server),
the office, the operator and a clock."""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from sqlite_utils import Database

from desktop_app.services import anchors, instance_lock
from desktop_app.store import audit, settings
from desktop_app.store.db import DiskFull, StoreError, connect, is_server_url, quick_check, server_label
from desktop_app.store.migrations import migrate, pending, upgrade_bytes

APP_FOLDER = "灵活就业参保经办台"
DATA_FILE = "flexins.sqlite3"
DATA_DIR_ENV = "FLEXINS_DATA_DIR"
# The role of trusted code that opens a file with open_trusted_session (tests, the self-check, the demo builder,
# the benchmark): every permission. open_session gives no role at all: the application logs someone in
# (services/auth.py), so a person at the counter always acts with a role, never with rights by default.
SYSTEM_ROLE = "system"
NOBODY = "（未登录）"


@dataclass(frozen=True)
class Office:
    jurisdiction: str | None
    name: str


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


@dataclass
class Session:
    db: Database
    path: Path
    office: Office
    operator: str
    # Wall-clock time for "recorded at" stamps only; business dates always come in as `today`.
    clock: Callable[[], datetime] = field(default=_now)
    role: str | None = None              # 'clerk' | 'reviewer' | 'admin' | SYSTEM_ROLE; None: nobody logged in
    operator_id: int | None = None       # operators.id of the logged-in operator
    full_name: str = ""
    locked: bool = False                 # idle lock: every action refused until the password is given again
    must_change_password: bool = False   # first login with an initial password: only the change is allowed
    demo_login: bool = False             # logged in automatically on the demo database
    # The demo database: only the file at demo_data_path() (where `--demo` builds it), never anything written
    # inside a file (issue 12: one settings row must not give an administrator without a password).
    demo: bool = False
    instance_lock: object | None = field(default=None, repr=False)
    # The office's server (postgresql://user@host:port/db, never the password), None for a data file. On a
    # server, `path` is this PC's own place for what belongs beside the data (the audit anchor, default backup
    # folder): services/server_login.py local_place().
    source: str | None = None

    @property
    def server(self) -> bool:
        return self.source is not None

    @property
    def source_label(self) -> str:
        """What the status bar shows: 服务器 host:port/db, or the data file's path."""
        return server_label(self.source) if self.source else str(self.path)

    @property
    def data_source(self):
        """What another connection of this session's data opens (a worker thread, a check): URL or path."""
        return self.source if self.source else self.path

    def stamp(self) -> audit.Stamp:
        return audit.Stamp(self.operator or NOBODY, self.clock().isoformat(timespec="seconds"))

    def close(self) -> None:
        self.db.close()
        if self.instance_lock is not None:
            self.instance_lock.release()
            self.instance_lock = None


def default_data_path() -> Path:
    """The data file in the user's own data folder, never the install folder (which the uninstaller removes)."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override).expanduser() / DATA_FILE
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / APP_FOLDER / DATA_FILE


DEMO_JURISDICTIONS = ("huainan", "jiangsu", "jilin", "xinyang")


def demo_data_path(jurisdiction: str | None = None) -> Path:
    """Where `--demo` builds the demo database of one office of `jurisdiction` (issue 13: an office decides under
    its own document): demo-<jurisdiction>.sqlite3 beside the real file, never over it. Without a jurisdiction:
    demo.sqlite3, the single demo file of earlier versions."""
    name = f"demo-{jurisdiction}.sqlite3" if jurisdiction else "demo.sqlite3"
    return default_data_path().with_name(name)


def is_demo_path(path: Path) -> bool:
    """A demo database is a file at one of the demo_data_path()s, whatever any file says about itself."""
    try:
        where = Path(path).resolve()
        return any(where == demo_data_path(j).resolve() for j in (None, *DEMO_JURISDICTIONS))
    except OSError:
        return False


def load_office(db: Database) -> Office:
    return Office(settings.get(db, "office_jurisdiction"), settings.get(db, "office_name"))


def pending_upgrade(path: Path) -> list[str]:
    """The schema changes an existing file still needs (the next open_session applies them, once; on a
    county-sized file that can take minutes: m006 rebuilds the ledger). Empty for a new or current file,
    and for one that cannot be read (open_session then says why)."""
    path = Path(path)
    if not path.is_file():
        return []
    try:
        db = connect(path)
    except StoreError:
        return []
    try:
        return pending(db)
    except sqlite3.DatabaseError:
        return []
    finally:
        db.close()


def free_bytes(folder: Path) -> int:
    return shutil.disk_usage(folder).free


def check_upgrade_space(db: Database, path: Path) -> None:
    """Before a schema upgrade starts: enough free space on the data file's disk, or DiskFull saying how much
    is needed (issue 12: m006 rebuilds the ledger, about its size twice over while it runs)."""
    names = pending(db)
    if not names:
        return
    needed, free = upgrade_bytes(db, names), free_bytes(path.parent)
    if free < needed:
        raise DiskFull(f"磁盘空间不足：升级数据文件（新版本只需升级一次）约需 {_mb(needed)} 可用空间，"
                       f"数据文件所在磁盘（{path.parent}）现只有 {_mb(free)}。请清理磁盘后重新启动本程序；"
                       "数据文件尚未改动，已保存的数据不受影响。")


def _mb(n: int) -> str:
    return f"{n / 2 ** 20:,.0f} MB" if n >= 2 ** 20 else f"{n / 2 ** 20:.1f} MB"


def open_session(path: Path | str, operator: str | None = None, clock: Callable[[], datetime] = _now, *,
                 check: bool = True, exclusive: bool = False, password: str | None = None) -> Session:
    """Open or create the file, check it, bring its schema up to date and load the office settings.

    path: the data file, or the office's server as postgresql://user@host:port/db (its password from
    `password` or this PC's credential store, services/server_login.py). A server is shared by several
    counters: no instance lock, no file check; its audit anchor lives on this PC.

    The session has no rights (role None): the application logs an operator in with services.auth, and only
    that gives a role. `operator` names who opened the file on a schema upgrade's audit entry, nothing more;
    trusted code that acts without a login uses open_trusted_session. check=False skips store.db.quick_check
    (the application runs services.integrity.check_integrity after its window shows: slow on a big file).
    exclusive=True refuses a second program on the same file (services.instance_lock).
    Raises store.db.StoreError (Chinese .message) when the file is damaged, read-only, from a newer version
    or already open in another program; ServerUnavailable when the server cannot be reached."""
    if is_server_url(path):
        return _open_server(str(path), operator, clock, password)
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"无法创建数据文件夹 {path.parent}（{exc.strerror or exc}）。") from exc
    lock = instance_lock.acquire(path) if exclusive else None
    try:
        db = connect(path)
    except BaseException:
        if lock is not None:
            lock.release()
        raise
    try:
        if check:
            quick_check(db)
        check_upgrade_space(db, path)
        anchors.keep_after_commits(db, path)  # the audit chain's head, anchored beside the file (issue 12)
        stamp = audit.Stamp(operator or NOBODY, clock().isoformat(timespec="seconds"))
        migrate(db, lambda names: audit.append(db, stamp, "schema.migrate", "schema", None, {"applied": names}))
        session = Session(db, path, load_office(db), operator or "", clock, role=None, instance_lock=lock,
                          demo=is_demo_path(path))
        if not anchors.anchor_path(path).exists():
            try:
                anchors.record(db, path)  # a file new to this PC: anchored from now on
            except OSError:
                pass  # a read-only folder: the audit check says the anchor is missing
    except BaseException:
        db.close()
        if lock is not None:
            lock.release()
        raise
    return session


def connect_data(source):
    """Another connection to a session's data (session.data_source): the file, or the server with this PC's
    password for it. For jobs that run on their own thread (imports, exports, checks)."""
    if is_server_url(source):
        from desktop_app.services import server_login

        return server_login.connect_server(str(source))
    return connect(source)


def _open_server(url: str, operator: str | None, clock: Callable[[], datetime], password: str | None) -> Session:
    from desktop_app.services import server_login

    public, written = server_login.split_password(url)
    server_login.remember(public, password or written)   # for this session's other connections (jobs)
    db = connect(public, password=password or written or server_login.saved_password(public),
                 label=server_label(public))
    try:
        place = server_login.local_place(public)
        anchors.keep_after_commits(db, place)   # this PC's anchor of the office's chain (issue 17)
        stamp = audit.Stamp(operator or NOBODY, clock().isoformat(timespec="seconds"))
        migrate(db, lambda names: audit.append(db, stamp, "schema.migrate", "schema", None, {"applied": names}))
        session = Session(db, place, load_office(db), operator or "", clock, role=None, source=public)
        if not anchors.anchor_path(place).exists():
            try:
                anchors.record(db, place)   # a server new to this PC: anchored from now on
            except OSError:
                pass
    except BaseException:
        db.close()
        raise
    return session


def open_trusted_session(path: Path | str, operator: str, clock: Callable[[], datetime] = _now, *,
                         check: bool = True, exclusive: bool = False, password: str | None = None) -> Session:
    """open_session for trusted code that acts without a login (tests, the self-check, the demo builder, the
    benchmark): the session has the system role, every permission, and stamps `operator` on what it writes.
    Never called by the application's window, which logs a person in."""
    if not isinstance(operator, str) or not operator.strip():
        raise ValueError("open_trusted_session needs the name of who acts (stamped on every audit entry)")
    session = open_session(path, operator, clock, check=check, exclusive=exclusive, password=password)
    session.role = SYSTEM_ROLE
    return session


def on_own_connection(session: Session) -> Session:
    """The same operator (role, office, clock) on a connection of its own to the same data (file or server), for
    work on another thread: a connection never crosses threads. Commits on it move the audit anchor on, as the
    window's do. Opened, used and closed (`.db.close()`) on that thread; it holds no instance lock of its own."""
    db = connect_data(session.data_source)
    anchors.keep_after_commits(db, session.path)
    return replace(session, db=db, instance_lock=None)
