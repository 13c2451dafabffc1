"""Issued notices: the archived PDF, its sha256 and the inputs it was made from."""

from __future__ import annotations

import hashlib
import json

from sqlite_utils import Database

from desktop_app.store import audit
from desktop_app.store.audit import Stamp, canonical


def next_seq(db: Database, prefix: str) -> int:
    # a range on the unique index (LIKE cannot use it): one lookup however many notices the county issued
    row = db.execute(
        "SELECT serial FROM notices WHERE serial > ? AND serial < ? ORDER BY serial DESC LIMIT 1",
        [prefix + "-", prefix + "."],
    ).fetchone()
    return int(row[0].rsplit("-", 1)[1]) + 1 if row else 1


def insert(db: Database, stamp: Stamp, notice: dict) -> int:
    """notice: serial, person_id, kind, decision_id, inputs (dict), pdf (bytes), sha256, replaces, issued_on."""
    cursor = db.execute(
        "INSERT INTO notices (serial, person_id, kind, decision_id, inputs, pdf, sha256, replaces, issued_on,"
        " operator, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [notice["serial"], notice["person_id"], notice["kind"], notice.get("decision_id"),
         canonical(notice["inputs"]), notice["pdf"], notice["sha256"], notice.get("replaces"),
         notice["issued_on"], stamp.operator, stamp.at],
    )
    summary = {k: notice.get(k) for k in ("serial", "person_id", "kind", "decision_id", "sha256", "replaces",
                                          "issued_on")}
    summary["inputs_sha256"] = hashlib.sha256(canonical(notice["inputs"]).encode("utf-8")).hexdigest()
    audit.append(db, stamp, "notice.issue", f"notices:{notice['serial']}", None, summary)
    return cursor.lastrowid


def _row(row: dict) -> dict:
    row["inputs"] = json.loads(row["inputs"])
    return row


def by_serial(db: Database, serial: str) -> dict | None:
    rows = list(db.query("SELECT * FROM notices WHERE serial = ?", [serial]))
    return _row(rows[0]) if rows else None


def for_person(db: Database, person_id: int) -> list[dict]:
    """Without the PDF bytes: a list for the screen."""
    return list(db.query(
        "SELECT id, serial, kind, decision_id, sha256, replaces, issued_on, operator FROM notices"
        " WHERE person_id = ? ORDER BY id", [person_id]))
