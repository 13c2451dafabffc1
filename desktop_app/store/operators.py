"""Operators who log in: username, role, password hash and the failed-login counter; every change audited."""

from __future__ import annotations

import hashlib

from sqlite_utils import Database

from desktop_app.store import audit
from desktop_app.store.audit import Stamp
from desktop_app.store.db import insert_id

FIELDS = ("username", "full_name", "role", "password_hash", "must_change_password", "failed_logins", "locked_until",
          "active", "demo", "password_changed_at", "last_login_at")
_FLAGS = ("must_change_password", "active", "demo")


def _row(values) -> dict | None:
    if values is None:
        return None
    row = dict(values)
    for flag in _FLAGS:
        row[flag] = bool(row[flag])
    return row


def _public(row: dict | None) -> dict | None:
    """What the audit log keeps of a row: never the hash itself, only that it changed."""
    if row is None:
        return None
    out = {k: v for k, v in row.items() if k != "password_hash"}
    if "password_hash" in row:
        out["password"] = row["password_hash"].split("$", 1)[0] + "$…"
        out["password_sha256"] = password_digest(row["password_hash"])
    return out


def password_digest(password_hash: str) -> str:
    """What the audit log keeps of a password hash: its sha256 (no help to a guesser, who needs the salt and the
    scrypt digest), so that a hash written into the file by hand no longer matches its entry (issue 12)."""
    return hashlib.sha256(password_hash.encode("utf-8")).hexdigest()


def all_rows(db: Database) -> list[dict]:
    return [_row(r) for r in db.query("SELECT * FROM operators ORDER BY active DESC, role DESC, username")]


def get(db: Database, operator_id: int) -> dict | None:
    rows = list(db.query("SELECT * FROM operators WHERE id = ?", [operator_id]))
    return _row(rows[0]) if rows else None


def by_username(db: Database, username: str) -> dict | None:
    rows = list(db.query("SELECT * FROM operators WHERE lower(username) = lower(?)", [username]))
    return _row(rows[0]) if rows else None


def active_by_username(db: Database, username: str) -> dict | None:
    """An enabled operator by username, in any letter case."""
    rows = list(db.query("SELECT * FROM operators WHERE lower(username) = lower(?) AND active = 1", [username]))
    return _row(rows[0]) if rows else None


def count(db: Database, role: str | None = None, active_only: bool = True) -> int:
    where, params = ["1 = 1"], []
    if role:
        where.append("role = ?")
        params.append(role)
    if active_only:
        where.append("active = 1")
    return db.execute(f"SELECT COUNT(*) FROM operators WHERE {' AND '.join(where)}", params).fetchone()[0]


def insert(db: Database, stamp: Stamp, row: dict, action: str = "operator.create") -> int:
    values = {k: row.get(k) for k in FIELDS if k in row}
    for flag in _FLAGS:
        if flag in values:
            values[flag] = int(bool(values[flag]))
    values.update(created_at=stamp.at, created_by=stamp.operator)
    operator_id = insert_id(
        db, f"INSERT INTO operators ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
        list(values.values()))
    audit.append(db, stamp, action, f"operators:{values['username']}", None, _public(get(db, operator_id)))
    return operator_id


def update(db: Database, stamp: Stamp, operator_id: int, changes: dict, action: str, note: dict | None = None) -> None:
    """Change an operator's row with one audit entry (before/after of the changed fields, hash left out)."""
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise KeyError(f"unknown operator fields: {sorted(unknown)}")
    before = get(db, operator_id)
    values = {k: int(bool(v)) if k in _FLAGS else v for k, v in changes.items()}
    db.execute(f"UPDATE operators SET {', '.join(f'{k} = ?' for k in values)} WHERE id = ?",
               [*values.values(), operator_id])
    after = get(db, operator_id)
    changed_after = _public({k: after[k] for k in changes})
    if note:
        changed_after.update(note)
    audit.append(db, stamp, action, f"operators:{before['username']}", _public({k: before[k] for k in changes}),
                 changed_after)
