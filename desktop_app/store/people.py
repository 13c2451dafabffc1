"""The people table: one row per insured person, found by ID number or name."""

from __future__ import annotations

import json

from sqlite_utils import Database

from desktop_app.store import audit
from desktop_app.store.audit import Stamp
from desktop_app.store.db import insert_id
from desktop_app.store.dialect import dialect
from desktop_app.store.initials import initials

FIELDS = (
    "id_number", "name", "sex", "birth_date", "phone", "address", "category", "places",
    "employer_insured", "mode", "base_ratio", "jurisdiction", "first_month", "waiting_exempt", "payment_cycle",
    "status",
)


def _row(values) -> dict | None:
    if values is None:
        return None
    row = dict(values)
    row["places"] = json.loads(row["places"])
    row["employer_insured"] = bool(row["employer_insured"])
    row["waiting_exempt"] = bool(row["waiting_exempt"])
    return row


def _query(db: Database, where: str, params) -> list[dict]:
    return [_row(r) for r in db.query(f"SELECT * FROM people WHERE {where}", params)]


def get(db: Database, person_id: int) -> dict | None:
    rows = _query(db, "id = ?", [person_id])
    return rows[0] if rows else None


def by_id_number(db: Database, id_number: str) -> dict | None:
    rows = _query(db, "id_number = ?", [id_number])
    return rows[0] if rows else None


def search(db: Database, text: str, limit: int = 50, offset: int = 0) -> list[dict]:
    """Full ID number, ID prefix (digits), a mobile number, part of the name (spaces ignored), or 拼音首字母
    ("zw" for 张伟): the same name first, then names starting with the text (by name), then names containing
    it (by id). Every step is an index range (issue 7)."""
    text = "".join(text.split())
    if not text or limit <= 0:
        return []
    want = offset + limit
    if text.upper().rstrip("X").isdigit():
        found = []
        if len(text) == 11 and text.startswith("1"):   # a mobile number: the person who gave it, first
            found = _query(db, "phone = ? ORDER BY id LIMIT ?", [text, want])
        if len(found) < want:
            # the unique index on id_number serves a prefix range scan
            found += [r for r in _query(db, "id_number >= ? AND id_number < ? ORDER BY id_number LIMIT ?",
                                        [text.upper(), text.upper() + "\uffff", want])
                      if r["id"] not in {f["id"] for f in found}]
        return found[offset:want]
    if text.isascii() and text.isalpha():
        code = text.upper()
        return [_row(r) for r in db.query(
            "SELECT p.* FROM (SELECT DISTINCT person_id, min(initials) AS first FROM people_initials"
            " WHERE initials >= ? AND initials < ? GROUP BY person_id) i JOIN people p ON p.id = i.person_id"
            " ORDER BY i.first, p.id LIMIT ? OFFSET ?", [code, code + "\uffff", limit, offset])]
    found = _query(db, "name = ? ORDER BY id LIMIT ?", [text, want])
    if len(found) < want:
        found += _query(db, "name > ? AND name < ? ORDER BY name, id LIMIT ?", [text, text + _TOP, want - len(found)])
    if len(found) < want:
        found += [_row(r) for r in db.query(
            "SELECT p.* FROM people_name_grams g JOIN people p ON p.id = g.person_id"
            f" WHERE g.gram = ? AND {dialect(db).instr('p.name', '?')} > 1 ORDER BY g.person_id LIMIT ?",
            [_rarest_gram(db, text), text, want - len(found)])]
    return found[offset:want]


_TOP = "\U0010ffff"  # sorts after every character: the end of a prefix range


def _rarest_gram(db: Database, text: str) -> str:
    """The one- or two-character part of the text that the fewest names contain (counted up to a cap)."""
    grams = {text[i:i + 2] for i in range(max(len(text) - 1, 1))}
    if len(grams) == 1:
        return grams.pop()
    counts = {g: db.execute("SELECT count(*) FROM (SELECT 1 FROM people_name_grams WHERE gram = ? LIMIT 5000) AS g",
                            [g]).fetchone()[0] for g in grams}
    return min(sorted(counts), key=counts.get)


def insert(db: Database, stamp: Stamp, person: dict) -> int:
    row = {k: person.get(k) for k in FIELDS}
    row["places"] = json.dumps(list(row["places"] or []), ensure_ascii=False)
    row["employer_insured"] = int(bool(row["employer_insured"]))
    row["waiting_exempt"] = int(bool(row["waiting_exempt"]))
    row["phone"] = row["phone"] or ""
    row["address"] = row["address"] or ""
    row["base_ratio"] = None if row["base_ratio"] is None else str(row["base_ratio"])
    row["payment_cycle"] = row["payment_cycle"] or "monthly"
    row["status"] = row["status"] or "active"
    row.update(created_at=stamp.at, operator=stamp.operator)
    person_id = insert_id(db, f"INSERT INTO people ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                          list(row.values()))
    _index_initials(db, person_id, row["name"])
    audit.append(db, stamp, "person.create", f"people:{person_id}", None, get(db, person_id))
    return person_id


def _index_initials(db: Database, person_id: int, name: str) -> None:
    db.execute("DELETE FROM people_initials WHERE person_id = ?", [person_id])
    db.conn.executemany("INSERT INTO people_initials (initials, person_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                        [(code, person_id) for code in initials(name)])


def update(db: Database, stamp: Stamp, person_id: int, changes: dict) -> None:
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise KeyError(f"unknown person fields: {sorted(unknown)}")
    before = get(db, person_id)
    values = dict(changes)
    if "places" in values:
        values["places"] = json.dumps(list(values["places"]), ensure_ascii=False)
    for flag in ("employer_insured", "waiting_exempt"):
        if flag in values:
            values[flag] = int(bool(values[flag]))
    if values.get("base_ratio") is not None:
        values["base_ratio"] = str(values["base_ratio"])
    sets = ", ".join(f"{k} = ?" for k in values)
    db.execute(f"UPDATE people SET {sets} WHERE id = ?", [*values.values(), person_id])
    if "name" in changes:
        _index_initials(db, person_id, changes["name"])
    after = get(db, person_id)
    audit.append(db, stamp, "person.update", f"people:{person_id}",
                 {k: before[k] for k in changes}, {k: after[k] for k in changes})


def for_import(db: Database):
    """(id_number, id, name, jurisdiction, mode, base_ratio, first_month) of everyone: the tax import checks a
    million rows against them."""
    return db.execute("SELECT id_number, id, name, jurisdiction, mode, base_ratio, first_month FROM people")
