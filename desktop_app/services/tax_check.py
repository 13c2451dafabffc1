"""Checking a tax-bureau file: row by row in one streaming pass (what repeats is parsed once), then the
person-and-month checks against the ledger in SQL (store/import_rows.py)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

from desktop_app.services.errors import InputError
from desktop_app.services.payments import contribution_case
from desktop_app.services.permissions import require
from desktop_app.services.rules_glue import add_months, ask, month_str, parameter_in_force
from desktop_app.services.session import Session
from desktop_app.services.tax_file import (COLUMNS, OPTIONAL_COLUMNS, FileProblem, Progress, cell_text, is_blank, quote,
                                          read_rows)
from desktop_app.store import import_rows
from desktop_app.store import people as people_store

def zh(month: str) -> str:
    return f"{int(month[:4])}年{int(month[5:7])}月"


MAX_PROBLEMS = 50_000  # listed; the count goes on beyond
CANCEL_EVERY = 5_000   # rows between two looks at the cancel flag
LATE_FEE = OPTIONAL_COLUMNS[0]   # 滞纳金
_UNSEEN = object()     # a 滞纳金 cell the fast path has not seen: the row takes the full check
AGAINST_LEDGER = "核对已缴记录"
# 费款所属期: YYYY-MM or YYYYMM only (or an Excel date cell); 2025-61 is a typing error, not June (issue 12)
_MONTH = re.compile(r"^(\d{4})-?(\d{2})$")
_DAY = re.compile(r"^(\d{4})[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})日?(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_AMOUNT_JUNK = str.maketrans("", "", ",，¥￥元 ")
_AMOUNT = re.compile(r"^\d{1,9}(?:\.\d{1,2})?$")  # yuan and fen; 4.375E+2 is no amount a clerk wrote
_RECEIPT = re.compile(r"^[0-9A-Za-z\-_/]{1,40}$")


def _receipt_ok(text: str) -> bool:
    # Letters and digits only, the common case, without the regular expression (a million times over).
    return (text.isalnum() and text.isascii() and len(text) <= 40) or _RECEIPT.match(text) is not None


EXCEL_EPOCH, EXCEL_FIRST, EXCEL_LAST = date(1899, 12, 30), 36526, 73050
_ORDER = {c: i for i, c in enumerate(COLUMNS)}


class ImportCancelled(InputError):
    """The clerk cancelled: nothing was written."""

    def __init__(self):
        super().__init__(None, "已取消，没有写入任何数据。")


@dataclass(frozen=True)
class RowProblem:
    row_no: int          # the row number in the file (the header is a row), 0 for the file as a whole
    column: str | None   # the column's Chinese name
    message: str


@dataclass
class Checked:
    total_rows: int = 0
    ok_rows: int = 0
    problem_count: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    rows_sha256: str = ""


def excel_serial(text: str) -> date | None:
    """A date Excel wrote as its day number (a date column formatted as a number, then saved as CSV): five
    digits from 36526 (2000-01-01) to 73050 (2099-12-31). YYYYM spellings (19901–20999) never fall in it."""
    if len(text) == 5 and text.isdigit() and EXCEL_FIRST <= int(text) <= EXCEL_LAST:
        return EXCEL_EPOCH + timedelta(days=int(text))
    return None


def parse_month(text: str) -> str | None:
    """2024-03 or 202403 (an Excel date cell comes as a date: tax_check takes its month). Anything else is None:
    2024/3, 2025-61 or 2025-13 are typing errors for the clerk to fix, never guessed (issue 12)."""
    m = _MONTH.match(text)
    if m and 1 <= int(m.group(2)) <= 12:
        return f"{m.group(1)}-{m.group(2)}"
    return None


def parse_day(text: str) -> date | None:
    """A date, with a time of day that exists if one is given (2025-06-10 99:99 is no time)."""
    m = _DAY.match(text)
    if not m:
        return excel_serial(text)
    hour, minute, second = (int(g) if g else 0 for g in m.group(4, 5, 6))
    if hour > 23 or minute > 59 or second > 59:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def parse_amount(text: str) -> Decimal | None:
    """Yuan with at most two decimals (commas, ￥ and 元 allowed); exponents, signs and text are refused."""
    plain = text.translate(_AMOUNT_JUNK)
    if not _AMOUNT.match(plain):
        return None
    try:
        return Decimal(plain)
    except InvalidOperation:
        return None


class _Caches:
    """A million rows repeat a few hundred months, days, amounts and standards: each is worked out once."""

    def __init__(self, session: Session, today: date):
        self.session, self.today = session, today
        self.months: dict[str, str | None] = {}
        self.days: dict[str, tuple[str | None, str | None]] = {}
        self.amounts: dict[str, Decimal | None] = {}
        self.standards: dict[tuple, int | InputError] = {}
        self.keys: list[tuple] = []  # (key_no, jurisdiction, mode, base_ratio, month, amount)
        self.amount_ok: dict[tuple[str, int], bool] = {}
        # the counter's prepayment limit (the rule module's prepay_limit_months) applies to files too; an office
        # that has not entered it accepts no month after this one
        limit = parameter_in_force(session, "prepay_limit_months", today) if session.office.jurisdiction else None
        self.prepay = 0 if limit is None else int(limit)
        self.latest = month_str(add_months(today, self.prepay))

    def month(self, text: str) -> str | None:
        found = self.months.get(text, False)
        if found is False:
            found = self.months[text] = parse_month(text)
        return found

    def day(self, text: str) -> tuple[str | None, str | None]:
        """(ISO date, None) or (None, the problem)."""
        found = self.days.get(text)
        if found is None:
            paid_on = parse_day(text)
            if paid_on is None:
                found = (None, f"缴费日期“{quote(text)}”不正确，应为存在的日期，如 2024-03-15")
            elif paid_on > self.today:
                found = (None, f"缴费日期 {paid_on.isoformat()} 晚于今天")
            elif paid_on.year < 2000:
                found = (None, f"缴费日期 {paid_on.isoformat()} 不正确")
            else:
                found = (paid_on.isoformat(), None)
            self.days[text] = found
        return found

    def amount(self, text: str) -> Decimal | None:
        found = self.amounts.get(text, False)
        if found is False:
            found = self.amounts[text] = parse_amount(text)
        return found

    def standard(self, combo: tuple, month: str) -> int | InputError:
        """The key number of the contribution standard for a (jurisdiction, mode, base_ratio) in month."""
        key = (*combo, month)
        found = self.standards.get(key)
        if found is None:
            p = {"jurisdiction": key[0], "mode": key[1], "base_ratio": key[2]}
            case = contribution_case(p, month, self.today)
            try:
                decision = ask(self.session, case, "months")
            except InputError as error:
                found = error
            else:
                found = len(self.keys)
                self.keys.append((found, *key[:3], month, decision["monthly_amount"]))
            self.standards[key] = found
        return found

    def matches(self, text: str, amount: Decimal, key_no: int) -> bool:
        found = self.amount_ok.get((text, key_no))
        if found is None:
            found = self.amount_ok[(text, key_no)] = amount == Decimal(self.keys[key_no][5])
        return found


def people_index(session: Session) -> tuple[dict[str, tuple], list[tuple]]:
    """id_number -> (id, name, combination number, first_month), and the (jurisdiction, mode, base_ratio)
    combinations: a few hundred of them for two hundred thousand people."""
    combos: dict[tuple, int] = {}
    months: dict[str, str] = {}
    out = {}
    for number, pid, name, jurisdiction, mode, ratio, first in people_store.for_import(session.db):
        combo = combos.setdefault((jurisdiction, mode, ratio), len(combos))
        out[number] = (pid, name, combo, months.setdefault(first, first))
    return out, list(combos)


class Checker:
    """One full check of a file into this connection's temporary tables."""

    def __init__(self, session: Session, today: date, cancel: Callable[[], bool] | None = None):
        self.session, self.today, self.cancel = session, today, cancel
        self.caches = _Caches(session, today)
        self.people, self.combos = people_index(session)
        self.result = Checked()
        self.amount_problems: dict[int, RowProblem] = {}  # rows also in the table: dropped if flagged there
        self.hash = hashlib.sha256()
        self.person_ids: set[int] = set()  # the people of the rows kept: the snapshot, the audit entry
        # The cells exactly as read, for rows a clean earlier row already vouched for (the fast path).
        self.fast_month: dict[str, str] = {}
        self.fast_day: dict[str, str] = {}
        self.fast_key: dict[tuple, int] = {}
        self.fast_fee: dict[str, str | None] = {"": None}   # a 滞纳金 cell as read -> the fee recorded

    def people_used(self) -> Iterator[tuple]:
        """(person_id, name, jurisdiction, mode, base_ratio, first_month) of the file's people, as checked."""
        seen = self.person_ids
        for pid, name, combo, first_month in self.people.values():
            if pid in seen:
                yield (pid, name, *self.combos[combo], first_month)

    def problem(self, row_no: int, column: str | None, message: str) -> RowProblem | None:
        """Count it; list it while the list is shorter than MAX_PROBLEMS."""
        self.result.problem_count += 1
        if len(self.result.problems) < MAX_PROBLEMS:
            listed = RowProblem(row_no, column, message)
            self.result.problems.append(listed)
            return listed
        return None

    def rows(self, rows: Iterator[tuple[int, list]], index: dict[str, int]) -> Iterator[tuple]:
        """Check each row; yield (row_no, person_id, month, paid_on, receipt, key_no, clean, late_fee) for the rows with a
        known person and a possible month (already paid, twice in the file: the SQL checks that follow)."""
        i_id, i_name, i_month, i_day, i_amount, i_receipt = (index[c] for c in COLUMNS)
        i_fee = index.get(LATE_FEE)
        width = max(index.values()) + 1
        people_get, month_get, day_get, key_get = (self.people.get, self.fast_month.get, self.fast_day.get,
                                                   self.fast_key.get)
        fee_get = self.fast_fee.get
        receipt_ok, cancel, keys, seen = _receipt_ok, self.cancel, self.caches.keys, self.person_ids.add
        lines: list[str] = []
        total = ok = 0
        try:
            for row_no, cells in rows:
                # The fast path: every cell as a clean row before it had it; anything else takes the full check.
                if len(cells) >= width:
                    person = people_get(cells[i_id])
                    if person is not None and cells[i_name] == person[1]:
                        month = month_get(cells[i_month])
                        if month is not None and month >= person[3]:
                            paid_on = day_get(cells[i_day])
                            key_no = key_get((cells[i_amount], person[2], month))
                            receipt = cells[i_receipt]
                            fee = None if i_fee is None else fee_get(cells[i_fee], _UNSEEN)
                            if paid_on is not None and key_no is not None and receipt_ok(receipt) and \
                                    fee is not _UNSEEN:
                                total += 1
                                ok += 1
                                lines.append(f"{person[0]}|{month}|{paid_on}|{keys[key_no][5]}|{receipt}\n"
                                             if fee is None else
                                             f"{person[0]}|{month}|{paid_on}|{keys[key_no][5]}|{receipt}|{fee}\n")
                                seen(person[0])
                                if total % CANCEL_EVERY == 0:
                                    self._every(lines, cancel)
                                yield row_no, person[0], month, paid_on, receipt, key_no, 1, fee
                                continue
                if is_blank(cells):
                    continue
                total += 1
                if total % CANCEL_EVERY == 0:
                    self._every(lines, cancel)
                checked = self._check(row_no, cells, i_id, i_name, i_month, i_day, i_amount, i_receipt, i_fee,
                                      width)
                if checked is not None:
                    seen(checked[1])
                    if checked[6]:
                        ok += 1
                        fee = "" if checked[7] is None else f"|{checked[7]}"
                        lines.append(f"{checked[1]}|{checked[2]}|{checked[3]}|{keys[checked[5]][5]}|{checked[4]}{fee}\n")
                    yield checked
        finally:
            self.result.total_rows += total
            self.result.ok_rows += ok
            self.hash.update("".join(lines).encode())

    def _every(self, lines: list[str], cancel) -> None:
        self.hash.update("".join(lines).encode())
        lines.clear()
        if cancel is not None and cancel():
            raise ImportCancelled()

    def _check(self, row_no, cells, i_id, i_name, i_month, i_day, i_amount, i_receipt, i_fee,
               width) -> tuple | None:
        """The full check of one row: every problem with its column; the caches of the fast path filled."""
        caches = self.caches
        if len(cells) < width:
            cells = list(cells) + [""] * (width - len(cells))
        found: list[tuple[str, str]] = []
        raw_id, name = cell_text(cells[i_id]).upper(), cell_text(cells[i_name])
        person = self.people.get(raw_id)
        if person is None and len(raw_id) == 15:
            person = self.people.get(_upgrade(raw_id))
        if not raw_id:
            found.append(("身份证号", "身份证号为空"))
        elif person is None:
            found.append(("身份证号", _unknown_id_message(raw_id, cells[i_id])))
        elif name != person[1]:
            found.append(("姓名", f"姓名“{quote(name)}”与登记信息不一致（登记为“{person[1]}”）" if name else "姓名为空"))

        month_cell = cells[i_month]
        month_text = "" if isinstance(month_cell, date) else cell_text(month_cell)
        month = month_str(month_cell) if isinstance(month_cell, date) else caches.month(month_text)
        listed = False
        if month is None:
            found.append(("费款所属期", f"费款所属期“{quote(month_text)}”不正确，应为 YYYY-MM 或 YYYYMM，如 2025-03"))
        elif month > caches.latest:
            found.append(("费款所属期", f"费款所属期{zh(month)}晚于{zh(caches.latest)}：最多只能预缴{caches.prepay}个月"
                                       if caches.prepay else f"费款所属期{zh(month)}晚于本月：本机构未录入可预缴的月数"))
        else:
            if type(month_cell) is str:
                self.fast_month[month_cell] = month
            if person is not None:
                if month < person[3]:
                    found.append(("费款所属期", f"{zh(month)}早于该参保人的首次缴费月份{zh(person[3])}"))
                else:
                    listed = True  # already paid / twice in the file: found in SQL

        paid_on, day_problem = caches.day(cell_text(cells[i_day]))
        if day_problem:
            found.append(("缴费日期", day_problem))
        elif type(cells[i_day]) is str:
            self.fast_day[cells[i_day]] = paid_on

        amount_text = cell_text(cells[i_amount])
        amount = caches.amount(amount_text)
        key_no = None
        if amount is None or amount <= 0:
            found.append(("缴费金额", f"缴费金额“{quote(amount_text)}”不正确，应为元（最多两位小数），如 437.50"))
        elif listed:  # a refused month has no standard worth comparing
            key_no = caches.standard(self.combos[person[2]], month)
            if isinstance(key_no, InputError):
                found.append(("缴费金额", f"无法核定 {month} 的缴费标准：{key_no.message}"))
                key_no = None
            elif not caches.matches(amount_text, amount, key_no):
                found.append(("缴费金额", f"缴费金额 {amount} 元与 {month} 的缴费标准 {caches.keys[key_no][5]} 元不符"))
            elif type(cells[i_amount]) is str:
                self.fast_key[(cells[i_amount], person[2], month)] = key_no

        receipt = cell_text(cells[i_receipt])
        if not receipt:
            found.append(("票据号", "票据号为空"))
        elif not _RECEIPT.match(receipt):
            found.append(("票据号", f"票据号“{quote(receipt)}”只能由数字、字母和“-”组成，最长40位"))

        fee = None
        if i_fee is not None:
            fee_text = cell_text(cells[i_fee])
            fee_amount = caches.amount(fee_text) if fee_text else Decimal(0)
            if fee_amount is None:
                found.append((LATE_FEE, f"滞纳金“{quote(fee_text)}”不正确，应为元（最多两位小数），如 12.30；没有滞纳金时留空"))
            else:
                fee = f"{fee_amount:.2f}" if fee_amount else None   # 0 or blank: no late fee, as at the counter
                if type(cells[i_fee]) is str:
                    self.fast_fee[cells[i_fee]] = fee

        for column, message in found:
            listed_problem = self.problem(row_no, column, message)
            if listed and column == "缴费金额" and listed_problem is not None:
                self.amount_problems[row_no] = listed_problem
        if not listed:
            return None
        return row_no, person[0], month, paid_on, receipt, key_no, 0 if found else 1, fee


def check_file(session: Session, path: Path, sha256: str, today: date, progress: Progress | None = None,
               cancel: Callable[[], bool] | None = None) -> Checked:
    """Every row checked; the rows kept in this connection's temporary tables for the import that may follow.
    Only temporary tables are written, in a transaction of their own (never left open: the next counter
    action must start its own)."""
    require(session, "counter")
    db = session.db
    own = not db.conn.in_transaction
    try:
        result = _check(session, path, sha256, today, progress, cancel)
    except BaseException:
        if own and db.conn.in_transaction:
            db.conn.rollback()
        import_rows.drop(db)
        raise
    if own and db.conn.in_transaction:
        db.conn.commit()
    return result


def _check(session: Session, path: Path, sha256: str, today: date, progress: Progress | None,
           cancel: Callable[[], bool] | None) -> Checked:
    db = session.db
    import_rows.create(db)
    checker = Checker(session, today, cancel)
    try:
        index, rows = read_rows(path, progress)
        import_rows.add_rows(db, checker.rows(rows, index))
    except FileProblem as fp:
        checker.problem(fp.row_no, fp.column, fp.message)
    result = checker.result
    import_rows.add_keys(db, checker.caches.keys)
    if progress is not None:
        progress(AGAINST_LEDGER, 0, 1)
    unique = import_rows.index(db)
    flagged = import_rows.mark_paid(db)
    if not unique:
        flagged += import_rows.mark_duplicates(db)
    if flagged:
        _merge_flagged(db, checker)
    result.rows_sha256 = checker.hash.hexdigest()
    result.problems.sort(key=lambda p: (p.row_no, _ORDER.get(p.column, -1)))
    import_rows.snapshot_people(db, checker.people_used())
    clean = result.problem_count == 0 and result.total_rows > 0
    import_rows.save_state(db, sha256, today.isoformat(), clean, result.total_rows, result.ok_rows,
                           result.rows_sha256, len(checker.person_ids))
    if progress is not None:
        progress(AGAINST_LEDGER, 1, 1)
    return result


def _merge_flagged(db, checker: Checker) -> None:
    """Problems found in SQL join the row-by-row ones; a flagged month's amount is not compared (as before)."""
    result = checker.result
    result.ok_rows -= import_rows.flagged_clean(db)
    drop = set()
    for row_no, month, paid, dup_of in import_rows.flagged(db, MAX_PROBLEMS):
        if paid:
            checker.problem(row_no, "费款所属期", f"{month} 已有缴费记录，不能重复导入")
        else:
            checker.problem(row_no, "费款所属期", f"与第 {dup_of} 行重复（同一人同一月份）")
        if row_no in checker.amount_problems:
            drop.add(id(checker.amount_problems[row_no]))
    if drop:
        result.problems = [p for p in result.problems if id(p) not in drop]
        result.problem_count -= len(drop)


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
        return f"身份证号“{quote(raw)}”不正确：{error.message}"
    return f"未找到身份证号为 {raw} 的参保人，请先办理参保登记"
