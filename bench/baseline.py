"""The limit of this design: raw sqlite3 executemany of the tax file's rows into the ledger, same file, same run."""

from __future__ import annotations

import csv
import time
from pathlib import Path

from bench.generate import OPERATOR
from desktop_app.store.db import connect
from desktop_app.store.ledger import COLUMNS


def tax_rows(db, csv_path: Path, import_id: int, decision_id: int, recorded_at: str) -> list[tuple]:
    """The file's rows as ledger tuples (prepared before the clock starts)."""
    people = {n: (pid, mode) for n, pid, mode in db.execute("SELECT id_number, id, mode FROM people")}
    rows = []
    with csv_path.open(encoding="gbk", newline="") as f:
        reader = csv.reader(f)
        next(reader)
        for number, _name, month, paid_on, amount, receipt in reader:
            pid, mode = people[number]
            rows.append((pid, f"{month[:4]}-{month[4:]}", paid_on, amount, receipt, "tax_import", mode, decision_id,
                         import_id, OPERATOR, recorded_at))
    return rows


def raw_insert(db_path: Path, csv_path: Path, order: str = "file") -> dict:
    """Time BEGIN; executemany; COMMIT on a connection set up as the application's (WAL, synchronous=FULL,
    foreign keys on), then take the rows out again (not timed) so the import can be measured on the same file.
    order "file": the rows as the file has them; "ledger": sorted by person and month, the ledger index's own
    order, which touches each index page once (the faster of the two, so the stricter baseline)."""
    db = connect(db_path)
    conn = db.conn
    recorded_at = "2026-10-31T09:00:00"
    conn.execute("BEGIN IMMEDIATE")
    import_id = conn.execute("INSERT INTO imports (file_name, sha256, rows, imported_on, operator, recorded_at)"
                             " VALUES ('raw', '', 0, '2026-10-31', ?, ?)", [OPERATOR, recorded_at]).lastrowid
    decision_id = conn.execute("SELECT max(id) FROM decisions WHERE question = 'contribution'").fetchone()[0]
    conn.execute("COMMIT")
    rows = tax_rows(conn, csv_path, import_id, decision_id, recorded_at)
    if order == "ledger":
        rows.sort(key=lambda r: (r[0], r[1]))
    first_new = conn.execute("SELECT max(id) FROM ledger").fetchone()[0] + 1
    columns = [c for c in COLUMNS if c != "late_fee"]   # a tax-bureau row has no late fee of its own
    sql = (f"INSERT INTO ledger ({', '.join(columns)}, operator, recorded_at)"
           f" VALUES ({', '.join('?' * (len(columns) + 2))})")
    t0 = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(sql, rows)
    conn.execute("COMMIT")
    seconds = time.perf_counter() - t0
    t1 = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("DELETE FROM ledger WHERE id >= ?", [first_new])
    conn.execute("DELETE FROM imports WHERE id = ?", [import_id])
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    cleanup = time.perf_counter() - t1
    db.close()
    return {"rows": len(rows), "seconds": seconds, "cleanup_s": cleanup, "order": order}
