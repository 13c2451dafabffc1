"""The office's own dated parameter values; a change is a new row, the old one stays as history."""

from __future__ import annotations

from sqlite_utils import Database

from desktop_app.store import audit
from desktop_app.store.audit import Stamp
from desktop_app.store.db import insert_id


def rows(db: Database, jurisdiction: str | None = None) -> list[dict]:
    where, params = ("WHERE jurisdiction = ?", [jurisdiction]) if jurisdiction else ("", [])
    return list(db.query(f"SELECT * FROM parameters {where} ORDER BY jurisdiction, name, valid_from, id", params))


def current_rows(db: Database, jurisdiction: str) -> list[dict]:
    """For each (name, valid_from) the latest row entered: a re-entry replaces, the history remains."""
    latest: dict[tuple[str, str], dict] = {}
    for row in rows(db, jurisdiction):
        latest[(row["name"], row["valid_from"])] = row
    return sorted(latest.values(), key=lambda r: (r["name"], r["valid_from"]))


def office_table(db: Database, jurisdiction: str) -> dict[str, list[dict]]:
    """In the shape rules.decide(office_parameters=...) takes."""
    table: dict[str, list[dict]] = {}
    for row in current_rows(db, jurisdiction):
        table.setdefault(row["name"], []).append(
            {"from": row["valid_from"], "value": row["value"], "source": row["source"], "demo": bool(row["demo"])}
        )
    return table


def insert(db: Database, stamp: Stamp, name: str, jurisdiction: str, valid_from: str, value: str, source: str,
           demo: bool = False) -> int:
    before = [
        {"value": r["value"], "source": r["source"], "demo": bool(r["demo"])}
        for r in current_rows(db, jurisdiction) if r["name"] == name and r["valid_from"] == valid_from
    ]
    parameter_id = insert_id(
        db, "INSERT INTO parameters (name, jurisdiction, valid_from, value, source, demo, entered_by, entered_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [name, jurisdiction, valid_from, value, source, int(demo), stamp.operator, stamp.at],
    )
    audit.append(db, stamp, "parameter.set", f"parameters:{jurisdiction}/{name}/{valid_from}",
                 before[0] if before else None, {"value": value, "source": source, "demo": demo})
    return parameter_id
