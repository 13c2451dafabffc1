"""A clerk's working session on one data file: the database, the office, the operator and a clock."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlite_utils import Database

from desktop_app.store import audit, settings
from desktop_app.store.db import atomic, connect, quick_check
from desktop_app.store.migrations import migrate

APP_FOLDER = "灵活就业参保经办台"
DATA_FILE = "flexins.sqlite3"
DATA_DIR_ENV = "FLEXINS_DATA_DIR"


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

    def stamp(self) -> audit.Stamp:
        return audit.Stamp(self.operator, self.clock().isoformat(timespec="seconds"))

    def close(self) -> None:
        self.db.close()


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


def demo_data_path() -> Path:
    """Where `--demo` builds its demo database: beside the real file, never over it."""
    return default_data_path().with_name("demo.sqlite3")


def load_office(db: Database) -> Office:
    return Office(settings.get(db, "office_jurisdiction"), settings.get(db, "office_name"))


def open_session(path: Path, operator: str = "管理员", clock: Callable[[], datetime] = _now) -> Session:
    """Open or create the file, check it, bring its schema up to date and load the office settings.

    Raises store.db.StoreError (Chinese .message) when the file is damaged, read-only or from a newer version."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = connect(path)
    try:
        quick_check(db)
        applied = migrate(db)
        session = Session(db, path, load_office(db), operator, clock)
        if applied:
            with atomic(db):
                audit.append(db, session.stamp(), "schema.migrate", "schema", None, {"applied": applied})
    except BaseException:
        db.close()
        raise
    return session
