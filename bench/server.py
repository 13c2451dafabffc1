"""python -m bench --engine postgresql: the same generated county on a PostgreSQL server over the loopback.

A test server is started (tests/pg_server.py: initdb, pg_ctl, a free port; durability off as for the tests,
which favours neither engine's reads and only the server's writes a little), the county's data file is copied
onto it with the administrator's migration (services/server_migration.py, checks skipped: the bench's file is
known good), an administrator is given a password the start probe types in, and the probes run against the URL.
"""

from __future__ import annotations

import time
from pathlib import Path

PASSWORD = "Bench2026-server"


def county_on_server(sqlite_path: Path, log) -> tuple[object, str]:
    """(the server, the URL of its database holding the county)."""
    from desktop_app.services import auth
    from desktop_app.services.server_migration import _copy
    from desktop_app.services.session import open_session
    from desktop_app.store import files
    from desktop_app.store.db import connect
    from tests.pg_server import PgServer

    server = PgServer().start()
    url = server.create_database("county")
    t0 = time.perf_counter()
    source = files.open_readonly(sqlite_path)
    target = connect(url)
    try:
        tables = [r[0] for r in source.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        _copy(source, target, tables, lambda table, n: log(f"  copied {table}: {n:,} rows"))
        target.execute("ANALYZE")
    finally:
        source.close()
        target.close()
    log(f"county copied onto the server in {time.perf_counter() - t0:.1f} s")
    session = open_session(url, operator=None)
    try:
        auth.ensure_first_admin(session)
        if session.db.execute("SELECT must_change_password FROM operators WHERE username = 'admin'").fetchone()[0]:
            auth.login(session, "admin", "admin")
            auth.change_password(session, "admin", PASSWORD)
    finally:
        session.close()
    return server, url


def size_mb(url: str) -> float:
    from desktop_app.store.db import connect

    db = connect(url)
    try:
        return db.execute("SELECT pg_database_size(current_database())").fetchone()[0] / 2 ** 20
    finally:
        db.close()
