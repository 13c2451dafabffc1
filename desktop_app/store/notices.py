"""Issued notices: the archived PDF, its sha256 and the inputs it was made from."""

from __future__ import annotations

import hashlib
import json

from sqlite_utils import Database

from desktop_app.store import audit
from desktop_app.store.audit import Stamp, canonical
from desktop_app.store.db import insert_id


def next_seq(db: Database, prefix: str) -> int:
    # a range on the unique index (LIKE cannot use it): one lookup however many notices the county issued
    row = db.execute(
        "SELECT serial FROM notices WHERE serial > ? AND serial < ? ORDER BY serial DESC LIMIT 1",
        [prefix + "-", prefix + "."],
    ).fetchone()
    issued = int(row[0].rsplit("-", 1)[1]) + 1 if row else 1
    # numbers a batch of reminders holds (issued or not) are never given again (m011)
    block = db.execute("SELECT max(last_seq) FROM notice_serial_blocks WHERE prefix = ?", [prefix]).fetchone()[0]
    return max(issued, (block or 0) + 1)


def reserve(db: Database, stamp: Stamp, prefix: str, count: int, purpose: str) -> tuple[int, int]:
    """Hold `count` serial numbers for a batch (inside the caller's transaction); (block id, first number)."""
    first = next_seq(db, prefix)
    block_id = insert_id(db, "INSERT INTO notice_serial_blocks (prefix, first_seq, last_seq, purpose, operator,"
                         " recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
                         [prefix, first, first + count - 1, purpose, stamp.operator, stamp.at])
    audit.append(db, stamp, "notice.reserve", f"notice_serial_blocks:{block_id}", None,
                 {"prefix": prefix, "first": first, "last": first + count - 1, "purpose": purpose})
    return block_id, first


def close_block(db: Database, stamp: Stamp, block_id: int, status: str, summary: dict) -> None:
    """A batch's numbers issued, or given up (a cancelled batch: the numbers stay unused, the reason recorded)."""
    db.execute("UPDATE notice_serial_blocks SET status = ? WHERE id = ?", [status, block_id])
    audit.append(db, stamp, "notice.batch", f"notice_serial_blocks:{block_id}", None, {"status": status, **summary})


def insert(db: Database, stamp: Stamp, notice: dict) -> int:
    """notice: serial, person_id, kind, decision_id, inputs (dict), pdf (bytes), sha256, replaces, issued_on."""
    notice_id = insert_id(
        db, "INSERT INTO notices (serial, person_id, kind, decision_id, inputs, pdf, sha256, replaces, issued_on,"
        " operator, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [notice["serial"], notice["person_id"], notice["kind"], notice.get("decision_id"),
         canonical(notice["inputs"]), notice["pdf"], notice["sha256"], notice.get("replaces"),
         notice["issued_on"], stamp.operator, stamp.at],
    )
    summary = {k: notice.get(k) for k in ("serial", "person_id", "kind", "decision_id", "sha256", "replaces",
                                          "issued_on")}
    summary["inputs_sha256"] = hashlib.sha256(canonical(notice["inputs"]).encode("utf-8")).hexdigest()
    audit.append(db, stamp, "notice.issue", f"notices:{notice['serial']}", None, summary)
    return notice_id


def _row(row: dict) -> dict:
    row["inputs"] = json.loads(row["inputs"])
    return row


def by_serial(db: Database, serial: str) -> dict | None:
    rows = list(db.query("SELECT * FROM notices WHERE serial = ?", [serial]))
    return _row(rows[0]) if rows else None


def for_person(db: Database, person_id: int) -> list[dict]:
    """Without the PDF bytes: a list for the screen, with the day its 回执 came back (None while it has not)."""
    return list(db.query(
        "SELECT n.id, n.serial, n.kind, n.decision_id, n.sha256, n.replaces, n.issued_on, n.operator,"
        " r.returned_on AS receipt_returned_on, r.operator AS receipt_operator FROM notices n"
        " LEFT JOIN notice_receipts r ON r.serial = n.serial WHERE n.person_id = ? ORDER BY n.id", [person_id]))


def receipt(db: Database, serial: str) -> dict | None:
    rows = list(db.query("SELECT * FROM notice_receipts WHERE serial = ?", [serial]))
    return rows[0] if rows else None


def insert_receipt(db: Database, stamp: Stamp, serial: str, returned_on: str) -> int:
    """The signed 回执 of notice `serial` is back (inside the caller's transaction, with its audit entry)."""
    receipt_id = insert_id(db, "INSERT INTO notice_receipts (serial, returned_on, operator, recorded_at)"
                           " VALUES (?, ?, ?, ?)", [serial, returned_on, stamp.operator, stamp.at])
    audit.append(db, stamp, "notice.receipt", f"notices:{serial}", None, {"serial": serial, "returned_on": returned_on})
    return receipt_id


def same_decision(db: Database, person_id: int, kind: str, decision: dict, decision_id: int | None) -> dict | None:
    """The latest notice of this kind already issued to the person for this decision (by its saved number, or
    else the same decision word for word), not itself replaced by a later one; None if there is none."""
    replaced = {r[0] for r in db.execute("SELECT replaces FROM notices WHERE person_id = ? AND replaces IS NOT NULL",
                                         [person_id])}
    wanted = canonical(decision)
    for row in reversed(list(db.query("SELECT serial, kind, decision_id, inputs, issued_on FROM notices"
                                      " WHERE person_id = ? AND kind = ? ORDER BY id", [person_id, kind]))):
        if row["serial"] in replaced:
            continue
        if decision_id is not None and row["decision_id"] == decision_id:
            return {k: row[k] for k in ("serial", "kind", "issued_on")}
        if canonical(json.loads(row["inputs"]).get("decision")) == wanted:
            return {k: row[k] for k in ("serial", "kind", "issued_on")}
    return None
