"""Each person's outlook (m011): what the rule module says about the months from the last write on, kept so the
office's worklists and the monthly report read one row per person instead of deciding 200,000 timelines.

A row is month-indexed (year * 12 + month - 1). `seq_state` / `seq_flags` / `seq_pay_by` hold one entry per month
from `base_index` on (as seen in that month); the last entry holds for every later month. `states` holds the
months from `first_index` to `base_index` as seen at the base month. A row is used only when it is not stale,
its base month is not after the month asked about, and `valid_to` is not before it.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlite_utils import Database

from desktop_app.store.dialect import dialect

# seq_flags: one character per month, chr(FLAG_BASE + bits)
FLAG_BASE = 64
ARREARS = 1        # arrears that paying this month still heals
STOP_NEXT = 2      # benefits now, none next month if this month stays unpaid
WAITING_ENDS = 4   # a waiting period ends this month
QUARTER_DUE = 8    # a quarterly payer's quarter falls due this month, unpaid
RECENT_LAPSE = 16  # lapsed, the lapse began within the last three months
BENEFITS = 32      # benefits this month
PAY_BY_WIDTH = 8   # seq_pay_by: YYYYMMDD per month, "--------" when nothing is payable

COLUMNS = ("person_id", "stale", "jurisdiction", "category", "operator", "base_index", "first_index", "valid_to", "states", "seq_state", "seq_flags",
           "seq_pay_by", "schedule", "lapses", "resumes", "retirement_month", "retirement_month_alt", "retirement_note", "shortfall_months",
           "transfer_open", "error", "refreshed_at")


def month_index(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def index_month(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def at(db: Database, column: str, width: int = 1) -> str:
    """SQL for the entry of `column` (o.seq_*) for the month index bound as :p (the last entry past its end)."""
    d = dialect(db)
    pos = f"({d.least(d.greatest(':p - o.base_index', '0'), f'length(o.{column}) / {width} - 1')} * {width} + 1)"
    return f"substr(o.{column}, {pos}, {width})"


def flags_at(db: Database) -> str:
    """SQL for the flag bits (ARREARS ...) of the month index bound as :p."""
    return f"({dialect(db).code_point(at(db, 'seq_flags'))} - {FLAG_BASE})"


def state_at(db: Database, m: str = ":m") -> str:
    """SQL for the state code (W, A, S, L, T, U; '' before the first month) of month index `m` as the person's
    timeline shows it: from the base month on as seen in that month, an earlier month as seen at the base month."""
    d = dialect(db)
    return (f"CASE WHEN {m} >= o.base_index THEN substr(o.seq_state,"
            f" {d.least(f'{m} - o.base_index', 'length(o.seq_state) - 1')} + 1, 1)"
            f" WHEN {m} >= o.first_index THEN substr(o.states, {m} - o.first_index + 1, 1) ELSE '' END")


def scanned(db: Database) -> str:
    """`person_outlook o` read through the index that covers the lists' one pass (idx_person_outlook_scan)."""
    return f"person_outlook o{dialect(db).indexed_by('idx_person_outlook_scan')}"


USABLE = "o.stale = 0 AND o.base_index <= :p AND o.valid_to >= :p AND o.error IS NULL"


def mark_stale(db: Database, person_ids: Iterable[int]) -> None:
    """Inside the caller's transaction: these people's outlooks are decided again before they are used."""
    db.conn.executemany("INSERT INTO person_outlook (person_id, stale) VALUES (?, 1)"
                        " ON CONFLICT (person_id) DO UPDATE SET stale = person_outlook.stale + 1", [(i,) for i in person_ids])


def mark_stale_from(db: Database, select_person_ids: str) -> None:
    """Bulk form for the tax import's people: appended to outlook_marks (updating 200,000 indexed outlook rows in the
    import's transaction would cost it seconds); fold_marks moves them onto the rows before the next refresh."""
    # WHERE true: SQLite would read ON CONFLICT as the join's ON without it
    db.execute(f"INSERT INTO outlook_marks (person_id) SELECT person_id FROM ({select_person_ids}) AS marked"
               " WHERE true ORDER BY person_id ON CONFLICT (person_id) DO NOTHING")


FOLD_STEP = 20_000   # person ids per transaction when folding marks (each a second or less on a county file)


def fold_marks(db: Database, atomic) -> int:
    """Mark stale every outlook whose person a tax import marked, in short transactions; returns how many."""
    done = 0
    while True:
        row = db.execute("SELECT min(person_id), max(person_id) FROM (SELECT person_id FROM outlook_marks"
                         f" ORDER BY person_id LIMIT {FOLD_STEP}) AS step").fetchone()
        if row[0] is None:
            return done
        with atomic(db):
            db.execute("INSERT INTO person_outlook (person_id, stale) SELECT person_id, 1 FROM outlook_marks"
                       " WHERE person_id BETWEEN ? AND ? ON CONFLICT (person_id) DO UPDATE SET stale = person_outlook.stale + 1",
                       [row[0], row[1]])
            done += db.execute("DELETE FROM outlook_marks WHERE person_id BETWEEN ? AND ?", list(row)).rowcount


def needing_refresh(db: Database, p: int, limit: int | None = None) -> list[tuple[int, int | None]]:
    """(person id, its stale count or None when it has no row) of the people whose outlook is missing, stale,
    decided for a later month or too short for month index p."""
    found = [(r[0], r[1]) for r in db.execute(
        "SELECT person_id, stale FROM person_outlook WHERE stale > 0 OR valid_to < :p OR base_index > :p", {"p": p})]
    if db.execute("SELECT count(*) FROM people").fetchone()[0] > db.execute(
            "SELECT count(*) FROM person_outlook").fetchone()[0]:
        found += [(r[0], None) for r in db.execute(
            "SELECT id FROM people WHERE id NOT IN (SELECT person_id FROM person_outlook)")]
    found.sort()
    return found if limit is None else found[:limit]


def count_needing_refresh(db: Database, p: int) -> int:
    """Counted from the indexes: people without a row (a trigger gives every enrolled person one; a file from before
    m011 or the benchmark's generator has none), and rows stale, decided for a later month or too short."""
    missing = db.execute("SELECT count(*) FROM people").fetchone()[0] - \
        db.execute("SELECT count(*) FROM person_outlook").fetchone()[0]
    return max(missing, 0) + db.execute("SELECT count(*) FROM outlook_marks").fetchone()[0] + db.execute(
        "SELECT count(*) FROM person_outlook WHERE stale > 0 OR valid_to < :p OR base_index > :p",
        {"p": p}).fetchone()[0]


def save(db: Database, rows: list[dict]) -> int:
    """Store freshly decided rows (inside the caller's transaction). Each row carries `read_stale`, the stale count
    seen before its ledger was read: a row a write marked again since is left stale, to be decided once more.
    Returns the rows saved."""
    cols = [c for c in COLUMNS if c not in ("person_id", "stale")]
    sets = ", ".join(f"{c} = ?" for c in cols)
    saved = 0
    for row in rows:
        values = [row.get(c) for c in cols]
        if row["read_stale"] is None:
            cursor = db.execute(f"INSERT INTO person_outlook (person_id, stale, {', '.join(cols)}) VALUES"
                                f" (?, 0, {', '.join('?' * len(cols))}) ON CONFLICT (person_id) DO NOTHING",
                                [row["person_id"], *values])
        else:
            cursor = db.execute(f"UPDATE person_outlook SET stale = 0, {sets} WHERE person_id = ? AND stale = ?",
                                [*values, row["person_id"], row["read_stale"]])
        saved += cursor.rowcount
    return saved
