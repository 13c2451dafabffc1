"""What the tax bureau's file may say (issue 12, points 8, 9 and 11): a mistyped month, a month beyond the
prepayment limit, an impossible time, an exponent for an amount, a file cut inside its last row: each is an
error on its own row, and nothing of the file is written."""

from datetime import date

import pytest

from desktop_app.services.people import get_person
from desktop_app.services.tax_check import parse_amount, parse_day, parse_month
from desktop_app.services.tax_import import import_tax_file
from tests.conftest import TODAY

HEADER = "身份证号,姓名,费款所属期,缴费日期,缴费金额,票据号"


@pytest.fixture
def person(session, enrolled):
    return get_person(session, enrolled(first_month=date(2025, 1, 1), name="李秀英"))


def check(session, tmp_path, rows: list[str], ending: str = "\r\n"):
    path = tmp_path / "tax.csv"
    path.write_bytes(("\r\n".join([HEADER] + rows) + ending).encode("utf-8"))
    before = session.db["ledger"].count
    report = import_tax_file(session, path, TODAY, dry_run=False)
    assert report.imported == 0 and session.db["ledger"].count == before
    return {(p.row_no, p.column): p.message for p in report.problems}


@pytest.mark.parametrize("month", ["2025-61", "202569", "2025-13", "2025/3", "2025年3月", "2025-03-01", "45717",
                                   "2025-3", "25-03"])
def test_a_mistyped_month_is_an_error_on_its_row(session, person, tmp_path, month):
    problems = check(session, tmp_path, [
        f"{person.id_number},李秀英,2025-02,2025-02-10,437.50,SW0001",
        f"{person.id_number},李秀英,{month},2025-03-10,437.50,SW0002"])
    assert list(problems) == [(3, "费款所属期")] and "YYYY-MM 或 YYYYMM" in problems[(3, "费款所属期")]


def test_only_yyyy_mm_yyyymm_or_an_excel_date_cell_is_a_month():
    assert parse_month("2025-03") == parse_month("202503") == "2025-03"
    for text in ("2025-61", "202569", "2025-13", "2025-6", "2025/3", "2025.03", "2025年3月", "2025-03-01"):
        assert parse_month(text) is None, text


def test_a_month_beyond_the_counters_prepayment_limit_is_refused(session, person, tmp_path):
    latest = f"{TODAY.year + 1}-{TODAY.month:02d}"  # twelve months ahead is still allowed
    problems = check(session, tmp_path, [
        f"{person.id_number},李秀英,2035-06,2025-06-10,437.50,SW0001",
        f"{person.id_number},李秀英,2099-12,2025-06-10,437.50,SW0002",
        f"{person.id_number},李秀英,{latest},2025-06-10,437.50,SW0003"])
    assert set(problems) >= {(2, "费款所属期"), (3, "费款所属期")} and (4, "费款所属期") not in problems
    zh_latest = f"{TODAY.year + 1}年{TODAY.month}月"   # months written as 2026年6月 (issue 13)
    assert "最多只能预缴12个月" in problems[(2, "费款所属期")] and zh_latest in problems[(2, "费款所属期")]


def test_an_impossible_time_and_an_exponent_are_errors_on_their_rows(session, person, tmp_path):
    problems = check(session, tmp_path, [
        f"{person.id_number},李秀英,2025-01,2025-06-10 99:99,437.50,SW0001",
        f"{person.id_number},李秀英,2025-02,2025-02-10,4.375E+2,SW0002",
        f"{person.id_number},李秀英,2025-03,2025-03-10 09:30,437.50,SW0003"])
    assert set(problems) == {(2, "缴费日期"), (3, "缴费金额")}
    assert parse_day("2025-06-10 23:59:59") == date(2025, 6, 10) and parse_day("2025-06-10 24:00") is None
    for text in ("4.375E+2", "1e3", "437.505", "-437.50", "+437.50", "0x1B5", "Infinity"):
        assert parse_amount(text) is None, text
    assert str(parse_amount("1,437.50元")) == "1437.50"


def test_a_file_cut_inside_its_last_receipt_number_is_an_error_on_that_row(session, person, tmp_path):
    rows = [f"{person.id_number},李秀英,2025-01,2025-01-10,437.50,SW20250110000001",
            f"{person.id_number},李秀英,2025-02,2025-02-10,437.50,SW2025021"]   # cut short: no line break
    problems = check(session, tmp_path, rows, ending="")
    assert list(problems) == [(3, None)] and "截断" in problems[(3, None)]
    # the same rows ending as every program ends a file: imported
    path = tmp_path / "whole.csv"
    path.write_text("\n".join([HEADER] + rows) + "\n", encoding="utf-8")
    assert import_tax_file(session, path, TODAY, dry_run=False).imported == 2


def test_a_problem_message_quotes_only_a_short_prefix_of_a_long_cell(session, person, tmp_path):
    problems = check(session, tmp_path, [f"{person.id_number},李秀英,{'9' * 5000},2025-01-10,437.50,SW0001"])
    message = problems[(2, "费款所属期")]
    assert len(message) < 120 and "…" in message
