"""The tax bureau's file fuzzed (hypothesis): office encodings (GBK, UTF-8 with and without BOM), extra,
missing and reordered columns, title and blank lines, Excel dates, amounts with commas, full-width digits or
a currency sign, random bytes; and 20,000 rows. Every problem names its row and column in Chinese; nothing is
written unless the whole file is clean; no file crashes the import."""

import random
import re
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_app.services.errors import InputError
from desktop_app.services.payments import contribution_case
from desktop_app.services.rules_glue import ask
from desktop_app.services.tax_file import COLUMNS
from desktop_app.services.tax_import import import_tax_file
from desktop_app.store import audit
from desktop_app.store.db import atomic
from tests.conftest import TODAY

CHINESE = re.compile(r"[\u4e00-\u9fff]")
FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
MONTHS = [date(2025, m, 1) for m in range(1, 7)]
FULL = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
EXCEL_EPOCH = date(1899, 12, 30)


def serial(d: date) -> str:
    return str((d - EXCEL_EPOCH).days)


# How office software writes the same valid value.
def id_spellings(number):
    return [number, number.lower(), f" {number} ", number.translate(FULL)]


def month_spellings(m: date):
    # YYYY-MM or YYYYMM only (issue 12): 2025/3 or 2025年3月 are refused, not guessed
    return [f"{m:%Y-%m}", f"{m:%Y%m}", f" {m:%Y-%m} ", f"{m:%Y-%m}".translate(FULL)]


def day_spellings(d: date):
    return [d.isoformat(), f"{d.year}/{d.month}/{d.day}", f"{d.year}年{d.month}月{d.day}日", f"{d:%Y%m%d}",
            f"{d.isoformat()} 00:00:00", serial(d), d.isoformat().translate(FULL)]


def amount_spellings(amount: str):
    plain = amount.rstrip("0").rstrip(".") if "." in amount else amount
    return [amount, plain, f"{amount}元", f"￥{amount}", amount.translate(FULL), f" {amount} ",
            f"{int(float(amount)):,}{amount[amount.index('.'):]}" if "." in amount else amount]


BAD = {"身份证号": ["", "12345", "41150219900101123Y", "abc"], "姓名": ["", "别人"],
       "费款所属期": ["", "2025-13", "202513", "明年", "1899-12", "45658x", "2025-61", "202569", "2025/3",
                 "2035-06", "2099-12"],
       "缴费日期": ["", "2025-02-30", "2099-01-01", "昨天", "99999999", "2025-06-10 99:99"],
       "缴费金额": ["", "abc", "-437.50", "0", "1e999", "NaN", "437.50.1", "999999", "4.375E+2"],
       "票据号": ["", "票据一号", "A" * 41]}


@pytest.fixture
def office(session, enrolled):
    """Three people enrolled from 2025-01, nothing paid; the monthly standard per month."""
    people = [session.db["people"].get(enrolled(first_month=date(2025, 1, 1), name=n)) for n in ("王建国", "李秀英", "张伟")]
    standard = {m: ask(session, contribution_case(people[0], f"{m:%Y-%m}", TODAY))["monthly_amount"] for m in MONTHS}
    return session, people, standard


@st.composite
def files(draw, office, valid_only: bool):
    session, people, standard = office
    pairs = draw(st.lists(st.tuples(st.sampled_from(range(len(people))), st.sampled_from(MONTHS)),
                          unique=True, min_size=1, max_size=12))
    order = draw(st.permutations(list(COLUMNS)))
    extra = draw(st.lists(st.sampled_from(["备注", "单位", "序号", ""]), max_size=2))
    header = [{"身份证号": draw(st.sampled_from(["身份证号", "身份证号码", "公民身份号码", " 身份证号 "])),
               "缴费金额": draw(st.sampled_from(["缴费金额", "缴费金额(元)", "实缴金额"]))}.get(c, c) for c in order]
    if not valid_only and draw(st.booleans()):
        gone = draw(st.integers(0, len(header) - 1))  # a missing column
        header.pop(gone)
        order.pop(gone)
    lines = []
    if draw(st.booleans()):
        lines += [["2025年灵活就业人员医保缴费明细"], []]
    lines.append(header + extra)
    for i, m in pairs:
        person = people[i]
        paid_on = date(m.year, m.month, draw(st.integers(1, 28)))
        cells = {"身份证号": draw(st.sampled_from(id_spellings(person["id_number"]))), "姓名": person["name"],
                 "费款所属期": draw(st.sampled_from(month_spellings(m))),
                 "缴费日期": draw(st.sampled_from(day_spellings(min(paid_on, TODAY)))),
                 "缴费金额": draw(st.sampled_from(amount_spellings(standard[m]))),
                 "票据号": draw(st.sampled_from([f"R{i}{m:%Y%m}", f"Ｒ{i}{m:%Y%m}"]))}
        if not valid_only and draw(st.integers(0, 3)) == 0:
            column = draw(st.sampled_from(list(BAD)))
            cells[column] = draw(st.sampled_from(BAD[column]))
        lines.append([cells[c] for c in order] + ["第一行\n第二行, 逗号" if e == "备注" else "x" for e in extra])
        if draw(st.integers(0, 5)) == 0:
            lines.append([])  # a blank line
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gbk"]))
    delimiter = draw(st.sampled_from([",", "\t"]))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return lines, encoding, delimiter, newline, pairs


def write(path, lines, encoding, delimiter, newline):
    import csv
    import io

    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator=newline).writerows(lines)
    path.write_bytes(out.getvalue().encode(encoding))


def state(session):
    return tuple(session.db[t].count for t in ("ledger", "imports", "decisions", "audit"))


def check_report(report, lines_in_file: int):
    for problem in report.problems:
        assert CHINESE.search(problem.message), problem
        assert 0 <= problem.row_no <= lines_in_file + 1, problem
        assert problem.column is None or problem.column in COLUMNS, problem


@FUZZ
@given(data=st.data())
def test_every_spelling_office_software_writes_is_accepted(office, tmp_path, data):
    session = office[0]
    lines, encoding, delimiter, newline, pairs = data.draw(files(office, valid_only=True))
    path = tmp_path / "tax.csv"
    write(path, lines, encoding, delimiter, newline)
    report = import_tax_file(session, path, TODAY, dry_run=True)
    assert report.clean, [p.message for p in report.problems[:3]]
    assert report.ok_rows == len(pairs)


@FUZZ
@given(data=st.data())
def test_bad_rows_are_named_and_a_file_with_any_is_not_imported(office, tmp_path, data):
    session = office[0]
    lines, encoding, delimiter, newline, pairs = data.draw(files(office, valid_only=False))
    path = tmp_path / "tax.csv"
    write(path, lines, encoding, delimiter, newline)
    before = state(session)
    report = import_tax_file(session, path, TODAY, dry_run=False)
    check_report(report, len(lines))
    if report.problem_count:
        assert report.imported == 0 and state(session) == before
    else:
        assert report.imported == report.total_rows == len(pairs)
        # what went in is what the file said, in whatever spelling: each person's month at its standard amount
        _, people, standard = office
        got = set(session.db.execute("SELECT person_id, month, amount, source FROM ledger WHERE import_id = ?",
                                     [report.import_id]).fetchall())
        assert got == {(people[i]["id"], f"{m:%Y-%m}", standard[m], "tax_import") for i, m in pairs}
        # take it out again so the next example starts from the same ledger (its rows first: they refer to it)
        with atomic(session.db):
            session.db.execute("DELETE FROM ledger WHERE import_id = ?", [report.import_id])
            session.db.execute("DELETE FROM imports WHERE id = ?", [report.import_id])
    assert audit.verify(session.db).ok


@FUZZ
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".csv", ".xlsx", ".txt", ".xls", ".pdf", ""]))
def test_random_bytes_get_a_message_not_a_crash(session, tmp_path, data, suffix):
    path = tmp_path / f"random{suffix}"
    path.write_bytes(data)
    before = state(session)
    try:
        report = import_tax_file(session, path, TODAY, dry_run=False)
    except InputError as error:
        assert CHINESE.search(error.message)
    else:
        check_report(report, data.count(b"\n") + 1)
        assert report.imported == 0
    assert state(session) == before


def test_an_xlsx_with_real_excel_date_cells_serials_and_numbers(office, tmp_path):
    from datetime import datetime

    from openpyxl import Workbook

    session, people, standard = office
    book = Workbook()
    sheet = book.active
    sheet.append(["2025年缴费明细"])
    sheet.append(list(COLUMNS))
    sheet.append([people[0]["id_number"], people[0]["name"], datetime(2025, 1, 1), datetime(2025, 1, 10),
                  float(standard[MONTHS[0]]), "R1"])
    sheet.append([people[1]["id_number"], people[1]["name"], 202502, int(serial(date(2025, 2, 11))),
                  standard[MONTHS[1]], "R2"])
    sheet.append([])
    sheet.append([people[2]["id_number"], people[2]["name"], "2025-03", "2025/3/12", standard[MONTHS[2]], 12345])
    path = tmp_path / "tax.xlsx"
    book.save(path)
    report = import_tax_file(session, path, TODAY, dry_run=False)
    assert report.imported == 3, [p.message for p in report.problems]


def test_twenty_thousand_rows_in_gbk_with_every_spelling_go_in_whole(session, tmp_path):
    """The bulk of a county's month: 2,000 people × 10 months, written the ways office software writes them."""
    from desktop_app.services.demo_people import check_digit
    from desktop_app.store.db import atomic

    stamp = session.stamp()
    people = []
    for i in range(2000):
        first17 = f"411503{1970 + i % 25}{i % 12 + 1:02d}{i % 28 + 1:02d}{i // 400:03d}"
        people.append((first17 + check_digit(first17), f"赵{'甲乙丙丁戊己庚辛壬癸'[i % 10]}{i:04d}"))
    with atomic(session.db):
        session.db.conn.executemany(
            "INSERT INTO people (id_number, name, sex, birth_date, category, places, mode, jurisdiction,"
            " first_month, created_at, operator) VALUES (?, ?, 'M', '1980-01-01', 'freelancer', '[\"hukou\"]',"
            " 'with_account', 'xinyang', '2024-07', ?, 'test')", [(n, name, stamp.at) for n, name in people])
        audit.append(session.db, stamp, "demo.build", "people", None, {"people": len(people)})
    months = [date(2024, 7 + k, 1) if k < 6 else date(2025, k - 5, 1) for k in range(10)]
    person = session.db["people"].get(1)
    standard = {m: ask(session, contribution_case(person, f"{m:%Y-%m}", TODAY))["monthly_amount"] for m in months}
    rng = random.Random(6)
    lines = [["2024年7月至2025年4月 灵活就业人员缴费明细（税务局导出）"], [], ["序号"] + list(COLUMNS) + ["备注"]]
    for i, (number, name) in enumerate(people):
        for m in months:
            paid = date(m.year, m.month, rng.randrange(1, 28))
            lines.append([str(len(lines)), rng.choice(id_spellings(number)), name, rng.choice(month_spellings(m)),
                          rng.choice(day_spellings(paid)), rng.choice(amount_spellings(standard[m])),
                          f"S{i:05d}{m:%Y%m}", "正常"])
            if rng.random() < 0.01:
                lines.append([])
    path = tmp_path / "税务缴费明细.csv"
    write(path, lines, "gbk", ",", "\r\n")
    report = import_tax_file(session, path, TODAY, dry_run=False)
    assert report.imported == 20_000, [p.message for p in report.problems[:5]]
    assert session.db.execute("SELECT COUNT(*) FROM ledger WHERE source = 'tax_import'").fetchone()[0] == 20_000
    assert audit.verify(session.db).ok
