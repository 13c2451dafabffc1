"""What an attacker holding the data does, on either engine: a raw connection that bypasses the application
(sqlite3 on the file; psycopg as the server's owner), and an edit of the audit log with its guard triggers off."""

from __future__ import annotations

import sqlite3

from desktop_app.store.db import is_server_url


def raw_connect(source):
    """A DB-API connection to the data itself (placeholders: ? for SQLite, %s for PostgreSQL)."""
    if is_server_url(str(source)):
        import psycopg

        return psycopg.connect(str(source))
    return sqlite3.connect(source)


def raw_sql(source, sql: str) -> str:
    """`?` placeholders in the engine's own spelling."""
    return sql.replace("?", "%s") if is_server_url(str(source)) else sql


def tamper(source, sql: str, params=()) -> None:
    """Run `sql` with the audit log's append-only triggers out of the way, as someone holding the data can."""
    conn = raw_connect(source)
    if is_server_url(str(source)):
        conn.execute("ALTER TABLE audit DISABLE TRIGGER USER")
        conn.execute(raw_sql(source, sql), list(params))
        conn.execute("ALTER TABLE audit ENABLE TRIGGER USER")
    else:
        conn.execute("DROP TRIGGER IF EXISTS audit_no_update")
        conn.execute("DROP TRIGGER IF EXISTS audit_no_delete")
        conn.execute(sql, list(params))
    conn.commit()
    conn.close()
