"""Bad .xlsx files must not hurt (issue 12, point 12): sizes limited before anything is decompressed, a long
cell kept only as a short prefix, a damaged part said in Chinese. How much memory an import takes is a
benchmark figure (python -m bench: import_rss_mb, bad_xlsx_rss_mb), not measured here."""

import shutil
import zipfile
from datetime import date

import pytest
from openpyxl import Workbook

from desktop_app.services import tax_file
from desktop_app.services.people import get_person
from desktop_app.services.tax_file import COLUMNS
from desktop_app.services.tax_import import import_tax_file
from tests.conftest import TODAY


@pytest.fixture
def person(session, enrolled):
    return get_person(session, enrolled(first_month=date(2025, 1, 1), name="李秀英"))


def workbook(path, rows) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append(row)
    book.save(path)


def test_one_huge_shared_string_in_every_row_is_refused_row_by_row_with_short_messages(session, person, tmp_path):
    huge = "张" * 2_000_000     # one 2 MB (6 MB in UTF-8) shared string, referenced by 2,000 rows
    path = tmp_path / "crafted.xlsx"
    workbook(path, [[person.id_number, huge, huge, "2025-01-10", "437.50", f"R{i}"] for i in range(2000)])
    assert path.stat().st_size < 1_000_000
    report = import_tax_file(session, path, TODAY, dry_run=True)
    assert not report.clean and report.problem_count >= 4000
    assert {p.column for p in report.problems} >= {"姓名", "费款所属期"}
    assert max(len(p.message) for p in report.problems) < 150
    assert all("张" * 21 not in p.message for p in report.problems)
    assert "过长" in report.problems[0].message


def test_a_long_cell_in_a_csv_is_cut_to_a_prefix_and_a_giant_one_named(session, person, tmp_path):
    path = tmp_path / "long.csv"
    path.write_text(",".join(COLUMNS) + "\n" + f"{person.id_number},{'王' * 5000},2025-01,2025-01-10,437.50,R1\n",
                    encoding="utf-8")
    report = import_tax_file(session, path, TODAY, dry_run=True)
    assert [p.column for p in report.problems] == ["姓名"] and len(report.problems[0].message) < 150
    path.write_text(",".join(COLUMNS) + "\n" + f"{person.id_number},{'王' * 200_000},2025-01,2025-01-10,437.50,R1\n",
                    encoding="utf-8")
    report = import_tax_file(session, path, TODAY, dry_run=True)
    assert report.problems[0].row_no == 2 and "过长" in report.problems[0].message


def inflate_sheet(source, target, pad_bytes: int) -> None:
    """The same workbook with its sheet padded by whitespace: a part that inflates to pad_bytes from a few KB."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * pad_bytes, 1)
            new.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)


def test_a_zip_bomb_is_refused_before_it_is_decompressed(session, person, tmp_path, monkeypatch):
    plain = tmp_path / "plain.xlsx"
    workbook(plain, [[person.id_number, "李秀英", "2025-01", "2025-01-10", "437.50", "R1"]])
    bomb = tmp_path / "bomb.xlsx"
    inflate_sheet(plain, bomb, 40 * 2 ** 20)         # 40 MB of XML from a file of some 60 KB
    assert bomb.stat().st_size < 100_000
    # the limits scaled down 100 times (1 GiB for a part): the same refusal, without a gigabyte of test data
    monkeypatch.setattr(tax_file, "XLSX_MAX_PART_BYTES", 10 * 2 ** 20)
    reads = []
    real_open = zipfile.ZipFile.open
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda self, name, *a, **k: reads.append(name) or
                        real_open(self, name, *a, **k))
    report = import_tax_file(session, bomb, TODAY, dry_run=True)
    assert report.problem_count == 1 and "压缩炸弹" in report.problems[0].message
    assert "sheet1.xml" in report.problems[0].message and "40 MB" in report.problems[0].message
    assert not any("sheet1" in str(n) for n in reads)   # refused from the zip's directory alone
    monkeypatch.setattr(tax_file, "XLSX_MAX_PART_BYTES", 1 << 30)
    assert import_tax_file(session, bomb, TODAY, dry_run=True).clean   # within the real limit it is read


def test_a_damaged_part_gets_a_chinese_message_not_a_zlib_error(session, person, tmp_path):
    path = tmp_path / "damaged.xlsx"
    workbook(path, [[person.id_number, "李秀英", "2025-01", "2025-01-10", f"{437.5 + i}", f"R{i:06d}x{i * 7919}"]
                    for i in range(3000)])
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    middle = start + info.compress_size // 2
    data[middle:middle + 64] = bytes(64)           # a damaged stretch inside the sheet's deflate stream
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(bytes(data))
    report = import_tax_file(session, broken, TODAY, dry_run=True)
    messages = [p.message for p in report.problems]
    assert not report.clean and any("Excel 文件已损坏" in m for m in messages), messages[:3]
    assert not any("Error -3" in m or "decompress" in m for m in messages)
    shutil.copy(path, tmp_path / "whole.xlsx")
