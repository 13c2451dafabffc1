"""The monthly ledger: one row per person and month, with its source, operator and time."""

from __future__ import annotations

import hashlib
import heapq

from sqlite_utils import Database

from desktop_app.store import audit
from desktop_app.store import outlook
from desktop_app.store.audit import Stamp, canonical
from desktop_app.store.db import insert_id, stream
from desktop_app.store.dialect import dialect

COLUMNS = ("person_id", "month", "paid_on", "amount", "receipt_no", "source", "mode", "decision_id", "import_id",
           "late_fee")


# The ledger is keyed by (month, person) (m006) and has no index by person: one person's rows are found with
# one index search per month from the ledger's first month to its last (a few hundred), never a table scan.
def rows(db: Database, person_id: int) -> list[dict]:
    span, of_person = dialect(db).ledger_months_of_person()
    return list(db.query(f"{span}SELECT * FROM ledger WHERE {of_person} ORDER BY month", [person_id]))


def months(db: Database, person_id: int) -> set[str]:
    span, of_person = dialect(db).ledger_months_of_person()
    return {r[0] for r in db.execute(f"{span}SELECT month FROM ledger WHERE {of_person}", [person_id])}


def payments_between(db: Database, low: int, high: int) -> list[tuple[int, str, str]]:
    """(person id, month, paid_on) of the people with ids low..high, read through the (month, person) index."""
    span, months = dialect(db).ledger_month_span()
    return db.execute(f"{span}SELECT person_id, month, paid_on FROM ledger WHERE {months}"
                      " AND person_id BETWEEN ? AND ?", [low, high]).fetchall()


def insert(db: Database, stamp: Stamp, person_id: int, entries: list[dict], action: str = "ledger.record") -> list[int]:
    """Add months for one person (inside the caller's transaction) with one audit entry listing them."""
    ids = []
    for entry in entries:
        row = {k: entry.get(k) for k in COLUMNS}
        row.update(person_id=person_id, operator=stamp.operator, recorded_at=stamp.at)
        row["amount"] = None if row["amount"] is None else str(row["amount"])
        row["late_fee"] = None if row["late_fee"] is None else str(row["late_fee"])
        row["receipt_no"] = row["receipt_no"] or ""
        ids.append(insert_id(db, f"INSERT INTO ledger ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                             list(row.values())))
    after = [
        {k: e.get(k) for k in ("month", "paid_on", "amount", "receipt_no", "source", "decision_id", "mode")}
        | ({"late_fee": str(e["late_fee"])} if e.get("late_fee") is not None else {}) for e in entries
    ]
    for item in after:  # what the row's decision said, so an edit of an unaudited decision shows (issue 12)
        if item["decision_id"] is not None:
            item["decision_sha256"] = decision_digest(db, [item["decision_id"]])
    audit.append(db, stamp, action, f"people:{person_id}/ledger", None, after)
    outlook.mark_stale(db, [person_id])
    return ids


def void(db: Database, stamp: Stamp, person_id: int, month: str, reason: str, voided_on: str) -> int:
    """Take a month out of the ledger, keeping the whole row and the reason in ledger_voids."""
    found = list(db.query("SELECT * FROM ledger WHERE month = ? AND person_id = ?", [month, person_id]))
    if not found:
        raise KeyError(month)
    row = found[0]
    void_id = insert_id(
        db, "INSERT INTO ledger_voids (ledger_id, person_id, month, row, reason, voided_on, operator, recorded_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [row["id"], person_id, month, canonical(row), reason, voided_on, stamp.operator, stamp.at],
    )
    db.execute("DELETE FROM ledger WHERE id = ?", [row["id"]])
    audit.append(db, stamp, "ledger.void", f"people:{person_id}/ledger:{month}", row,
                 {"voided": True, "reason": reason, "void_id": void_id})
    return void_id


def decision_digest(db: Database, ids: list[int]) -> str:
    """sha256 of the decisions (id, inputs, decision, decided_on) in id order: the entry of the rows that cite
    them keeps it, since these decisions are written without an entry of their own."""
    digest = hashlib.sha256()
    for chunk in range(0, len(ids), 500):
        part = sorted(ids)[chunk:chunk + 500]
        for row in db.execute(f"SELECT id, inputs, decision, decided_on FROM decisions WHERE id IN"
                              f" ({', '.join('?' * len(part))}) ORDER BY id", part):
            digest.update(("|".join(str(v) for v in row) + "\n").encode("utf-8"))
    return digest.hexdigest()


# The late fee (m008) ends the line only when there is one, so that the digests of rows written before it stay
# what their audit entries recorded.
ROW_LINE = ("id || '|' || person_id || '|' || month || '|' || paid_on || '|' || coalesce(amount, '') || '|' ||"
            " receipt_no || '|' || source || '|' || coalesce(mode, '') || '|' ||"
            " coalesce(CAST(decision_id AS TEXT), '') || '|' || coalesce(CAST(import_id AS TEXT), '') || '|' ||"
            " operator || '|' || recorded_at || coalesce('|' || late_fee, '')")
ROW_COLUMNS = ("id", "person_id", "month", "paid_on", "amount", "receipt_no", "source", "mode", "decision_id",
               "import_id", "operator", "recorded_at")


def row_line(row: dict) -> str:
    """The line ROW_LINE makes in SQL, for a row held in Python (a voided row, kept in its audit entry)."""
    line = "|".join("" if row.get(k) is None else str(row.get(k)) for k in ROW_COLUMNS)
    return line if row.get("late_fee") is None else f"{line}|{row['late_fee']}"


def range_digest(db: Database, first: int, last: int, extra: list[dict] = ()) -> str:
    """sha256 of the ledger rows with ids first..last, a line each in id order (the rows of one import, written
    in one transaction, have consecutive ids); `extra`: rows of the range since voided, put back in place."""
    digest = hashlib.sha256()
    missing = sorted((r["id"], row_line(r)) for r in extra)
    cursor = stream(db, f"SELECT id, {ROW_LINE} FROM ledger WHERE id BETWEEN ? AND ? ORDER BY id", [first, last])
    for _id, line in heapq.merge(cursor, missing):
        digest.update((line + "\n").encode("utf-8"))
    return digest.hexdigest()


def voids(db: Database, person_id: int) -> list[dict]:
    return list(db.query("SELECT * FROM ledger_voids WHERE person_id = ? ORDER BY id", [person_id]))
