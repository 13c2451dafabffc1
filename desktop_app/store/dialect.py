"""The few SQL fragments that differ between the two engines (SQLite, PostgreSQL), in one small object each.

Most of the store's SQL is portable as written: `?` placeholders (store/pg.py turns them into psycopg's), INSERT
... ON CONFLICT, CASE, coalesce, substr, length, lower, EXISTS, IS DISTINCT FROM, WITH RECURSIVE. What is not
is asked of `dialect(db)` here, the way Django's `connection.ops` or SQLAlchemy's dialects keep their
engine-specific spellings: a store module writes `d = dialect(db)` and uses d.instr(...), d.temp, ...
A new table needs nothing here: its DDL is written once per engine (store/migrations.py for SQLite,
store/schema_pg.py for PostgreSQL; see docs/office-server.md, "A new table or migration").
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Dialect:
    name: str                 # 'sqlite' | 'postgresql'
    temp: str                 # schema prefix of this connection's own temporary tables
    without_rowid: str        # table suffix where a clustered primary key helps (SQLite only)
    cross_join: str           # a join whose order the query fixes (SQLite plans it as written)
    text: str                 # a text column that sorts and compares by code point, like SQLite's TEXT

    @property
    def server(self) -> bool:
        return self.name == "postgresql"

    # -- functions ---------------------------------------------------------------------------------------
    def instr(self, haystack: str, needle: str) -> str:
        """1-based position of needle in haystack, 0 when absent."""
        return f"instr({haystack}, {needle})" if self.name == "sqlite" else f"strpos({haystack}, {needle})"

    def json_text(self, column: str, key: str) -> str:
        """The text of a top-level key of a JSON object held as text (NULL when missing)."""
        if self.name == "sqlite":
            return f"json_extract({column}, '$.{key}')"
        return f"(CAST({column} AS jsonb) ->> '{key}')"

    def least(self, a: str, b: str) -> str:
        """The smaller of two values (SQLite's two-argument min(); PostgreSQL's min() is only an aggregate)."""
        return f"min({a}, {b})" if self.name == "sqlite" else f"LEAST({a}, {b})"

    def greatest(self, a: str, b: str) -> str:
        return f"max({a}, {b})" if self.name == "sqlite" else f"GREATEST({a}, {b})"

    def code_point(self, text: str) -> str:
        """The code point of the first character of text (PostgreSQL's ascii() gives it for any UTF-8 character)."""
        return f"unicode({text})" if self.name == "sqlite" else f"ascii({text})"

    def indexed_by(self, index: str) -> str:
        """A table's suffix that makes SQLite read it through `index` (its planner picks a worse one on a county's
        file); PostgreSQL's planner chooses by its statistics and has no such hint."""
        return f" INDEXED BY {index}" if self.name == "sqlite" else ""

    def json_flag(self, column: str, key: str) -> str:
        """A condition: the top-level key of a JSON object held as text is true."""
        if self.name == "sqlite":
            return f"json_extract({column}, '$.{key}') = 1"
        return f"(CAST({column} AS jsonb) ->> '{key}') IN ('true', '1')"

    def json_array_length(self, column: str, key: str) -> str:
        """The length of the array at a top-level key of a JSON object held as text (NULL when it is missing,
        0 when it is no array on PostgreSQL, whose jsonb_array_length refuses anything else)."""
        if self.name == "sqlite":
            return f"json_array_length({column}, '$.{key}')"
        return (f"(CASE jsonb_typeof(CAST({column} AS jsonb) -> '{key}') WHEN 'array'"
                f" THEN jsonb_array_length(CAST({column} AS jsonb) -> '{key}') END)")

    def ledger_month_span(self) -> tuple[str, str]:
        """(a WITH prefix, a WHERE condition on `month`) naming every month from the ledger's first to its last, so
        a read by person goes through the (month, person) index: one index search per month, never a table scan."""
        if self.name == "sqlite":
            return ("WITH RECURSIVE span(month) AS (SELECT min(month) FROM ledger UNION ALL"
                    " SELECT strftime('%Y-%m', month || '-01', '+1 month') FROM span"
                    " WHERE month < (SELECT max(month) FROM ledger)) ", "month IN span")
        # An array of the months: PostgreSQL searches a btree once per element (a ScalarArrayOp index scan).
        return ("", "month = ANY(ARRAY(SELECT to_char(m, 'YYYY-MM') FROM generate_series("
                    "(SELECT to_date(min(month), 'YYYY-MM') FROM ledger),"
                    " (SELECT to_date(max(month), 'YYYY-MM') FROM ledger), interval '1 month') AS m))")

    def ledger_months_of_person(self) -> tuple[str, str]:
        """(a WITH prefix, a WHERE condition taking the person id) that read one person's ledger rows through
        the (month, person) index."""
        span, months = self.ledger_month_span()
        return span, f"{months} AND person_id = ?"

    def parameter_uses(self) -> str:
        """Count the uses of parameter (?2) in the trace of jurisdiction (?1)'s decisions since (?3)."""
        if self.name == "sqlite":
            return ("SELECT COUNT(*) FROM decisions, json_each(decisions.decision, '$.parameters_used') AS p"
                    " WHERE json_extract(decisions.decision, '$.jurisdiction') = ?"
                    " AND json_extract(p.value, '$.name') = ? AND decisions.decided_on >= ?")
        return ("SELECT COUNT(*) FROM decisions CROSS JOIN LATERAL jsonb_array_elements(CASE"
                " WHEN jsonb_typeof(CAST(decisions.decision AS jsonb) -> 'parameters_used') = 'array'"
                " THEN CAST(decisions.decision AS jsonb) -> 'parameters_used' ELSE '[]'::jsonb END) AS p(value)"
                " WHERE CAST(decisions.decision AS jsonb) ->> 'jurisdiction' = ?"
                " AND p.value ->> 'name' = ? AND decisions.decided_on >= ?")

    # -- catalogue ---------------------------------------------------------------------------------------
    def table_names_sql(self) -> str:
        if self.name == "sqlite":
            return "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        return ("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
                " AND table_type = 'BASE TABLE' ORDER BY table_name")



SQLITE = Dialect("sqlite", temp="temp.", without_rowid=" WITHOUT ROWID", cross_join="CROSS JOIN", text="TEXT")
POSTGRESQL = Dialect("postgresql", temp="pg_temp.", without_rowid="", cross_join="JOIN", text='TEXT COLLATE "C"')


def dialect(db) -> Dialect:
    """The dialect of a store connection: a sqlite-utils Database, or store.pg.PgDatabase (which names its own)."""
    return getattr(db, "dialect", SQLITE)


def is_server(db) -> bool:
    return dialect(db).server
