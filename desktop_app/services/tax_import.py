"""Import of the tax bureau's payment file: every row checked first; written only when every row is clean.

Choice (issue 3): the import is all or nothing. A file with any problem is refused as a whole and the
clerk gets every row's problem with its row number and column; after fixing the file it is imported
in one transaction. An office then never has to work out which half of a file went in.

Scale (issue 7): the file is read as a stream and its rows kept in this connection's temporary tables
(services/tax_check.py, store/import_rows.py). The import right after a clean dry run of the same file
does not read the rows again: inside its transaction it confirms that nothing the check relied on has
changed (when the audit chain's head moved: the people of the file, months paid since; always: the
standards), then writes in SQL; otherwise the file is checked again first. progress(stage, done, total) is
called along the way; cancel() returning True stops it with ImportCancelled, nothing written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from desktop_app.services.errors import InputError
from desktop_app.services.payments import contribution_case
from desktop_app.services.permissions import require
from desktop_app.services.rules_glue import ask
from desktop_app.services.session import Session
from desktop_app.services.tax_check import (MAX_PROBLEMS, Checked, ImportCancelled, RowProblem, check_file,
                                            parse_amount, parse_day, parse_month)
from desktop_app.services.tax_file import Progress
from desktop_app.store import audit
from desktop_app.store import decisions as decision_store
from desktop_app.store import import_rows
from desktop_app.store import ledger as ledger_store
from desktop_app.store import outlook as outlook_store
from desktop_app.store.db import Interrupted, atomic, interruptible, larger_cache

__all__ = ["ImportCancelled", "ImportReport", "MAX_PROBLEMS", "RowProblem", "import_tax_file", "imports",
           "parse_amount", "parse_day", "parse_month"]

WRITING = "写入缴费记录"
SEALING = "记入审计记录"
WRITE_PARTS = 20
CANCEL_OPS = 200_000  # SQLite steps between two looks at the cancel flag while writing (a server: between parts)
BULK_CACHE_MIB = 16


@dataclass
class ImportReport:
    total_rows: int
    ok_rows: int
    problems: list[RowProblem]
    imported: int
    problem_count: int = 0
    file_sha256: str = ""
    dry_run: bool = True
    import_id: int | None = None

    @property
    def clean(self) -> bool:
        return self.problem_count == 0 and self.total_rows > 0

    @property
    def summary(self) -> str:
        if self.imported:
            return f"已导入 {self.imported} 行缴费记录。"
        if self.total_rows == 0 and not self.problem_count:
            return "文件中没有缴费数据行。"
        if self.problem_count:
            more = "" if self.problem_count == len(self.problems) else f"（仅列出前 {len(self.problems)} 个）"
            return (f"共 {self.total_rows} 行，{self.ok_rows} 行无误，发现 {self.problem_count} 个问题{more}；"
                    "请修改文件后重新检查，文件全部无误时才能导入。")
        return f"共 {self.total_rows} 行，全部无误，可以导入。"


class _Stale(Exception):
    """Something the check relied on changed before the import: check again."""


def _sha256(path: Path) -> str:
    try:
        with path.open("rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest()
    except OSError as exc:
        raise InputError("path", f"无法读取文件 {path.name}：{exc.strerror or exc}") from None


def _report(checked: Checked, digest: str, dry_run: bool) -> ImportReport:
    return ImportReport(checked.total_rows, checked.ok_rows, checked.problems, 0, checked.problem_count, digest,
                        dry_run)


def import_tax_file(session: Session, path: Path, today: date, dry_run: bool = True,
                    progress: Progress | None = None, cancel: Callable[[], bool] | None = None) -> ImportReport:
    """Check (dry_run=True) or import the file. The import writes only a file whose every row is clean,
    in one transaction with one audit entry; otherwise it writes nothing and returns the problems."""
    require(session, "counter")
    path = Path(path)
    digest = _sha256(path)
    with larger_cache(session.db, BULK_CACHE_MIB):
        return _import(session, path, digest, today, dry_run, progress, cancel)


def _import(session: Session, path: Path, digest: str, today: date, dry_run: bool, progress: Progress | None,
            cancel: Callable[[], bool] | None) -> ImportReport:
    db = session.db
    if dry_run:
        return _report(check_file(session, path, digest, today, progress, cancel), digest, True)
    state = import_rows.state(db)
    fresh = state is None or state["sha256"] != digest or state["today"] != today.isoformat() or not state["clean"]
    for _ in range(2):
        if fresh:
            checked = check_file(session, path, digest, today, progress, cancel)
            if checked.problem_count or not checked.total_rows:
                return _report(checked, digest, False)
            state = import_rows.state(db)
        try:
            import_id = _write(session, path.name, digest, state, today, progress, cancel)
        except _Stale:
            fresh = True
            continue
        report = ImportReport(state["total_rows"], state["ok_rows"], [], state["ok_rows"], 0, digest, False,
                              import_id)
        import_rows.drop(db)
        return report
    raise InputError("path", "导入期间数据文件被其他操作改动，请稍后重新检查并导入。")


def _write(session: Session, file_name: str, digest: str, state: dict, today: date, progress: Progress | None,
           cancel: Callable[[], bool] | None) -> int:
    stamp = session.stamp()
    db = session.db
    rows = state["ok_rows"]
    try:
        with interruptible(db, cancel, CANCEL_OPS), atomic(db):
            if import_rows.audit_head(db) != state["audit_head"] and (
                    import_rows.people_changed(db) or import_rows.mark_paid(db)):
                raise _Stale()  # something the check relied on was written since (every write is audited)
            decisions = []
            for key_no, jurisdiction, mode, ratio, month, amount in import_rows.keys(db):
                case = contribution_case({"jurisdiction": jurisdiction, "mode": mode, "base_ratio": ratio}, month,
                                         today)
                decision = ask(session, case, "months")
                if decision["monthly_amount"] != amount:
                    raise _Stale()  # the office changed a parameter since the check
                decisions.append((key_no, case, decision))
            import_id = import_rows.record_import(db, file_name, digest, rows, today.isoformat(), stamp.operator,
                                                  stamp.at)
            decision_ids = []
            for key_no, case, decision in sorted(decisions, key=lambda d: _key_order(d[1])):
                decision_id = decision_store.insert(db, stamp, None, "contribution", {"case": case}, decision,
                                                    today.isoformat(), audited=False)
                import_rows.set_decision(db, key_no, decision_id)
                decision_ids.append(decision_id)
            parts = import_rows.write_parts(db, WRITE_PARTS)
            written = 0
            for done, (month, first, last) in enumerate(parts):
                if cancel is not None and cancel():
                    raise ImportCancelled()
                written += import_rows.write_ledger(db, month, first, last, import_id, stamp.operator, stamp.at)
                if progress is not None:
                    progress(WRITING, done + 1, len(parts))
            if written != rows:
                raise _Stale()
            outlook_store.mark_stale_from(db, f"SELECT DISTINCT person_id FROM {import_rows.rows_table(db)}")
            # The rows just written have consecutive ids (this transaction holds the write turn): their digest
            # lets the audit check see an edit of any of them (issue 12), as the decisions' digest does for the
            # standards they cite.
            ids = import_rows.written_ids(db, import_id, rows)
            if ids is None:
                raise _Stale()
            first_id, last_id = ids
            if progress is not None:
                progress(SEALING, 0, 1)
            audit.append(db, stamp, "ledger.import", f"imports:{import_id}", None, {
                "file_name": file_name, "file_sha256": digest, "rows": rows, "rows_sha256": state["rows_sha256"],
                "decision_ids": sorted(decision_ids), "people": state["people"],
                "decisions_sha256": ledger_store.decision_digest(db, decision_ids),
                "ledger_ids": [first_id, last_id],
                "ledger_sha256": ledger_store.range_digest(db, first_id, last_id)})
            if progress is not None:
                progress(SEALING, 1, 1)
    except Interrupted:
        raise ImportCancelled() from None
    return import_id


def _key_order(case: dict) -> tuple:
    """The order the decisions are saved in: jurisdiction, mode, base ratio, month."""
    return (case["jurisdiction"], case["mode"], (case.get("parameters") or {}).get("base_ratio") or "",
            case["month"])


def imports(session: Session) -> list[dict]:
    """Files imported so far, newest first."""
    require(session, "read")
    return import_rows.imports(session.db)
