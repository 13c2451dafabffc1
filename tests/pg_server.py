"""A real PostgreSQL server for the tests, started by the tests themselves (Debian's `postgresql` package,
installed by scripts/setup): initdb into a temporary folder, pg_ctl start on a free loopback port, password
login (scram-sha-256) like an office's server. As root (CI, this machine) the server runs as the `postgres`
user the package creates, through runuser; PostgreSQL refuses to run as root.

One server per test run; a test gets a fresh database copied from a template (CREATE DATABASE ... TEMPLATE),
which takes a few tens of milliseconds. Durability is switched off (fsync, synchronous_commit): a test
server's crash loses nothing anyone needs.

Also usable by hand: `python -m tests.pg_server` starts one and prints its URL (Ctrl-C stops it).
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

SUPERUSER = "postgres"
PASSWORD = "flexins-test-" + secrets.token_hex(4)


def _bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def available() -> str | None:
    """None when a server can be started here, else why not (a Chinese-free note for pytest's skip)."""
    if _bindir() is None:
        return "PostgreSQL server binaries not found (scripts/setup installs Debian's postgresql package)"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    def __init__(self):
        self.bindir = _bindir()
        self.root = Path(tempfile.mkdtemp(prefix="flexins-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.password = PASSWORD
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            self.as_user = ["runuser", "-u", SUPERUSER, "--"]
        self._started = False

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run([*self.as_user, *args], check=check, capture_output=True, text=True)

    def start(self) -> "PgServer":
        self._sweep()
        (self.root / "owner.pid").write_text(str(os.getpid()))
        os.chmod(self.root, 0o755)
        pwfile = self.root / "pw"
        pwfile.write_text(PASSWORD + "\n")
        if self.as_user:
            shutil.chown(self.root, user=SUPERUSER)
            shutil.chown(pwfile, user=SUPERUSER)
        self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", SUPERUSER, "--pwfile", str(pwfile),
                  "-A", "scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
        settings = {"port": self.port, "listen_addresses": "'127.0.0.1'", "unix_socket_directories": f"'{self.root}'",
                    "fsync": "off", "synchronous_commit": "off", "full_page_writes": "off", "max_connections": 60,
                    "shared_buffers": "256MB", "max_wal_size": "2GB", "checkpoint_timeout": "30min"}
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write("".join(f"{k} = {v}\n" for k, v in settings.items()))
        self.pg_ctl("start")
        self._started = True
        return self

    def _sweep(self) -> None:
        """Servers left by a test run that was killed (its pid gone): stopped, their folders removed."""
        for folder in glob.glob(os.path.join(tempfile.gettempdir(), "flexins-pg-*")):
            folder = Path(folder)
            if folder == self.root:
                continue
            try:
                owner = int((folder / "owner.pid").read_text())
                os.kill(owner, 0)
                continue   # its run is still going
            except ProcessLookupError:
                pass
            except (OSError, ValueError):
                continue
            if (folder / "data" / "postmaster.pid").exists():
                self._run(str(self.bindir / "pg_ctl"), "-D", str(folder / "data"), "-m", "immediate", "stop",
                          check=False)
            shutil.rmtree(folder, ignore_errors=True)

    def url(self, dbname: str = "postgres", user: str = SUPERUSER, password: str | None = PASSWORD) -> str:
        auth = f"{user}:{password}" if password else user
        return f"postgresql://{auth}@127.0.0.1:{self.port}/{dbname}"

    def admin(self):
        import psycopg

        return psycopg.connect(self.url(), autocommit=True)

    def create_database(self, name: str, template: str | None = None) -> str:
        """A new database (a copy of `template`, which nobody may be connected to); returns its URL."""
        with self.admin() as conn:
            if template:
                conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY')
            else:
                conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\'')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        with self.admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        if self._started:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop", check=False)
            self._started = False
        shutil.rmtree(self.root, ignore_errors=True)

    def pg_ctl(self, action: str) -> None:
        """start or stop (a server gone away and back, for the recovery tests)."""
        extra = ["-m", "fast"] if action == "stop" else ["-l", str(self.root / "log"), "-t", "60"]
        result = self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), *extra, "-w", action, check=False)
        if result.returncode != 0:
            log = (self.root / "log").read_text() if (self.root / "log").exists() else ""
            raise RuntimeError(f"pg_ctl {action} failed: {result.stdout}{result.stderr}\n{log[-2000:]}")

class ExternalServer:
    """A server someone else started, named by a superuser's URL in EXTERNAL_ENV: installer/test-under-wine
    starts one on Linux (PgServer, as here) and the tests on the installed Windows Python connect to it over
    the loopback, since Wine runs no PostgreSQL server of its own. Databases are made and dropped as on PgServer;
    the server itself is left running (its starter stops it)."""

    def __init__(self, url: str):
        from psycopg.conninfo import conninfo_to_dict

        parts = conninfo_to_dict(url)
        self.host = parts.get("host") or "127.0.0.1"
        self.port = int(parts.get("port") or 5432)
        self.user = parts.get("user") or SUPERUSER
        self.password = parts.get("password") or ""

    def url(self, dbname: str = "postgres", user: str | None = None, password: str | None = None) -> str:
        user = user or self.user
        password = self.password if password is None else password
        auth = f"{user}:{password}" if password else user
        return f"postgresql://{auth}@{self.host}:{self.port}/{dbname}"

    def admin(self):
        import psycopg

        return psycopg.connect(self.url(), autocommit=True)

    def create_database(self, name: str, template: str | None = None) -> str:
        with self.admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')   # one a killed run left
        return PgServer.create_database(self, name, template)

    def drop_database(self, name: str) -> None:
        PgServer.drop_database(self, name)

    def stop(self) -> None:
        pass


EXTERNAL_ENV = "FLEXINS_TEST_PG_URL"


def for_tests():
    """The server a test run uses: the one named in EXTERNAL_ENV, else one started here. Returns (server, why
    not): why not is None when there is one."""
    url = os.environ.get(EXTERNAL_ENV)
    if url:
        return ExternalServer(url), None
    why = available()
    if why:
        return None, why
    return PgServer().start(), None


if __name__ == "__main__":
    import signal
    import sys

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))   # `kill` stops the server too (the finally below)
    server = PgServer().start()
    print(server.url(), flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
