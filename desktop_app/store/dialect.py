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

    def ledger_months_of_person(self) -> tuple[str, str]:
        """(a WITH prefix, a WHERE condition taking the person id) that read one person's ledger rows through
        the (month, person) index: one index search per month from the ledger's first month to its last."""
        if self.name == "sqlite":
            return ("WITH RECURSIVE span(month) AS (SELECT min(month) FROM ledger UNION ALL"
                    " SELECT strftime('%Y-%m', month || '-01', '+1 month') FROM span"
                    " WHERE month < (SELECT max(month) FROM ledger)) ", "month IN span AND person_id = ?")
        # An array of the months: PostgreSQL searches a btree once per element (a ScalarArrayOp index scan).
        return ("", "month = ANY(ARRAY(SELECT to_char(m, 'YYYY-MM') FROM generate_series("
                    "(SELECT to_date(min(month), 'YYYY-MM') FROM ledger),"
                    " (SELECT to_date(max(month), 'YYYY-MM') FROM ledger), interval '1 month') AS m)) AND person_id = ?")

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
