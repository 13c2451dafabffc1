"""Import of the tax bureau's payment file: every row checked first; written only when every row is clean.

Choice (issue 3): the import is all or nothing. A file with any problem is refused as a whole and the
clerk gets every row's problem with its row number and column; after fixing the file it is imported
in one transaction. An office then never has to work out which half of a file went in.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from desktop_app.services.errors import InputError
from desktop_app.services.permissions import require
from desktop_app.services.payments import contribution_case
from desktop_app.services.rules_glue import ask, month_str
from desktop_app.services.session import Session
from desktop_app.services.tax_file import FileProblem, cell_text, read_rows
from desktop_app.store import audit
from desktop_app.store import decisions as decision_store
from desktop_app.store import ledger as ledger_store
from desktop_app.store import people as people_store
from desktop_app.store.db import atomic

MAX_PROBLEMS = 50_000  # listed; the count goes on beyond
_MONTH = re.compile(r"^(\d{4})(?:[-/.年]?)(\d{1,2})月?$")
_DAY = re.compile(r"^(\d{4})[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_AMOUNT_JUNK = str.maketrans("", "", ",，¥￥元 ")
_RECEIPT = re.compile(r"^[0-9A-Za-z\-_/]{1,40}$")


@dataclass(frozen=True)
class RowProblem:
    row_no: int          # the row number in the file (the header is a row), 0 for the file as a whole
    column: str | None   # the column's Chinese name
    message: str


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


def parse_month(text: str) -> str | None:
    m = _MONTH.match(text)
    if not m or not 1 <= int(m.group(2)) <= 12:
        return None
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"


def parse_day(text: str) -> date | None:
    m = _DAY.match(text)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def parse_amount(text: str) -> Decimal | None:
    try:
        value = Decimal(text.translate(_AMOUNT_JUNK))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


class _Checker:
    """Checks rows against the people on file, the ledger and the standards, caching what repeats."""

    def __init__(self, session: Session, today: date):
        self.session, self.today = session, today
        self.people = people_store.id_index(session.db)
        self.first_months = dict(session.db.execute("SELECT id, first_month FROM people").fetchall())
        self.paid = ledger_store.paid_pairs(session.db)
        self.seen: dict[tuple[int, str], int] = {}
        self.standards: dict[tuple, tuple[dict, dict] | InputError] = {}

    def standard(self, person: tuple, month: str):
        pid, _, jurisdiction, mode, ratio = person
        key = (jurisdiction, mode, ratio, month)
        if key not in self.standards:
            p = {"jurisdiction": jurisdiction, "mode": mode, "base_ratio": ratio}
            case = contribution_case(p, month, self.today)
            try:
                self.standards[key] = (case, ask(self.session, case, "months"))
            except InputError as error:
                self.standards[key] = error
        return key, self.standards[key]

    def check(self, row_no: int, cells: list, index: dict, problems: list) -> tuple | None:
        def get(col):
            i = index[col]
            return cell_text(cells[i]) if i < len(cells) else ""

        def problem(col, message):
            problems.append(RowProblem(row_no, col, message))

        start = len(problems)
        raw_id, name = get("身份证号").upper(), get("姓名")
        person = self.people.get(raw_id)
        if person is None and len(raw_id) == 15:
            person = self.people.get(_upgrade(raw_id))
        if not raw_id:
            problem("身份证号", "身份证号为空")
        elif person is None:
            problem("身份证号", _unknown_id_message(raw_id, cells[index["身份证号"]]))
        elif name != person[1]:
            problem("姓名", f"姓名“{name}”与登记信息不一致（登记为“{person[1]}”）" if name else "姓名为空")

        month_problems = len(problems)
        month_cell = cells[index["费款所属期"]] if index["费款所属期"] < len(cells) else None
        month = month_str(month_cell) if isinstance(month_cell, date) else parse_month(get("费款所属期"))
        if month is None:
            problem("费款所属期", f"费款所属期“{get('费款所属期')}”不正确，应为 YYYY-MM 或 YYYYMM")
        elif person is not None:
            pid = person[0]
            if month < self.first_months[pid]:
                problem("费款所属期", f"{month} 早于该参保人的首次缴费月份 {self.first_months[pid]}")
            elif (pid, month) in self.paid:
                problem("费款所属期", f"{month} 已有缴费记录，不能重复导入")
            elif (pid, month) in self.seen:
                problem("费款所属期", f"与第 {self.seen[(pid, month)]} 行重复（同一人同一月份）")
            else:
                self.seen[(pid, month)] = row_no

        month_ok = month is not None and len(problems) == month_problems
        paid_on = parse_day(get("缴费日期"))
        if paid_on is None:
            problem("缴费日期", f"缴费日期“{get('缴费日期')}”不正确，应为存在的日期，如 2024-03-15")
        elif paid_on > self.today:
            problem("缴费日期", f"缴费日期 {paid_on.isoformat()} 晚于今天")
        elif paid_on.year < 2000:
            problem("缴费日期", f"缴费日期 {paid_on.isoformat()} 不正确")

        amount = parse_amount(get("缴费金额"))
        key = None
        if amount is None or amount <= 0:
            problem("缴费金额", f"缴费金额“{get('缴费金额')}”不正确，应为正数，如 437.50")
        elif person is not None and month_ok:  # a refused month has no standard worth comparing
            key, standard = self.standard(person, month)
            if isinstance(standard, InputError):
                problem("缴费金额", f"无法核定 {month} 的缴费标准：{standard.message}")
            elif amount != Decimal(standard[1]["monthly_amount"]):
                problem("缴费金额", f"缴费金额 {amount} 元与 {month} 的缴费标准 {standard[1]['monthly_amount']} 元不符")

        receipt = get("票据号")
        if not receipt:
            problem("票据号", "票据号为空")
        elif not _RECEIPT.match(receipt):
            problem("票据号", f"票据号“{receipt[:20]}”只能由数字、字母和“-”组成，最长40位")

        if len(problems) > start:
            return None
        # The standard's own spelling ("437.50"), which the file's amount equals.
        return (person[0], month, paid_on.isoformat(), standard[1]["monthly_amount"], receipt, person[3], key)


def _upgrade(raw: str) -> str:
    from desktop_app.rules import RuleError, parse_id_number

    try:
        return parse_id_number(raw).number
    except RuleError:
        return raw


def _unknown_id_message(raw: str, cell) -> str:
    from desktop_app.rules import RuleError, parse_id_number

    if isinstance(cell, (int, float)):
        return "身份证号被 Excel 存成了数字（末几位可能已丢失），请将该列设为文本格式后重新导出"
    try:
        parse_id_number(raw)
    except RuleError as error:
        return f"身份证号“{raw}”不正确：{error.message}"
    return f"未找到身份证号为 {raw} 的参保人，请先办理参保登记"


def import_tax_file(session: Session, path: Path, today: date, dry_run: bool = True) -> ImportReport:
    """Check (dry_run=True) or import the file. The import writes only a file whose every row is clean,
    in one transaction with one audit entry; otherwise it writes nothing and returns the problems."""
    require(session, "counter")
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError("path", f"无法读取文件 {path.name}：{exc.strerror or exc}") from None
    digest = hashlib.sha256(data).hexdigest()
    report = ImportReport(0, 0, [], 0, 0, digest, dry_run)
    problems: list[RowProblem] = []
    good: list[tuple] = []
    try:
        index, rows = read_rows(path)
        checker = _Checker(session, today)
        for row_no, cells in rows:
            report.total_rows += 1
            before = len(problems)
            checked = checker.check(row_no, cells, index, problems)
            if checked is None:
                report.problem_count += len(problems) - before
                del problems[MAX_PROBLEMS:]
            else:
                good.append(checked)
    except FileProblem as fp:
        problems.append(RowProblem(fp.row_no, fp.column, fp.message))
        report.problem_count += 1
    report.problems, report.ok_rows = problems, len(good)
    if dry_run or not report.clean:
        return report
    report.import_id = _write(session, path.name, digest, good, checker, today)
    report.imported = len(good)
    return report


def _write(session: Session, file_name: str, digest: str, good: list[tuple], checker: _Checker, today: date) -> int:
    stamp = session.stamp()
    db = session.db
    with atomic(db):
        import_id = db.execute(
            "INSERT INTO imports (file_name, sha256, rows, imported_on, operator, recorded_at)"
            " VALUES (?, ?, ?, ?, ?, ?)", [file_name, digest, len(good), today.isoformat(), stamp.operator, stamp.at]
        ).lastrowid
        decision_ids = {}
        for key in sorted({g[6] for g in good}):
            case, decision = checker.standards[key]
            decision_ids[key] = decision_store.insert(db, stamp, None, "contribution", {"case": case}, decision,
                                                      today.isoformat(), audited=False)
        rows_hash = hashlib.sha256()

        def values():
            for pid, month, paid_on, amount, receipt, mode, key in good:
                rows_hash.update(f"{pid}|{month}|{paid_on}|{amount}|{receipt}\n".encode())
                yield (pid, month, paid_on, amount, receipt, "tax_import", mode, decision_ids[key], import_id)

        ledger_store.insert_many(db, stamp, values())
        audit.append(db, stamp, "ledger.import", f"imports:{import_id}", None, {
            "file_name": file_name, "file_sha256": digest, "rows": len(good), "rows_sha256": rows_hash.hexdigest(),
            "decision_ids": sorted(decision_ids.values()), "people": len({g[0] for g in good})})
    return import_id


def imports(session: Session) -> list[dict]:
    """Files imported so far, newest first."""
    return list(session.db.query("SELECT * FROM imports ORDER BY id DESC"))
