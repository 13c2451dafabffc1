"""Any list exports to .xlsx and CSV: ID numbers masked for a clerk, cells a spreadsheet would run as formulas
neutralised, the file written whole or not at all, and the export audited."""

from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from desktop_app.services import list_export, worklists
from desktop_app.services.errors import InputError
from desktop_app.store import audit

TODAY = date(2025, 6, 16)
ATTACKS = ["=HYPERLINK(\"http://x\",\"点我\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def test_a_clerk_exports_masked_id_numbers_a_reviewer_full_ones(demo, tmp_path):
    demo.role = "clerk"
    rows = worklists.worklist(demo, "stop_next_month", TODAY)
    headers, cells = worklists.table(rows, "stop_next_month")
    path = list_export.export_list(demo, "次月将停止待遇", headers, cells, tmp_path / "clerk.xlsx")
    ws = load_workbook(path).active
    numbers = [row[1].value for row in ws.iter_rows(min_row=3)]
    assert numbers and all(n[4:14] == "*" * 10 for n in numbers)
    amounts = [row[4] for row in ws.iter_rows(min_row=3)]
    assert all(isinstance(c.value, float) and c.number_format == "#,##0.00" for c in amounts)
    entry = demo.db.execute("SELECT action, after FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    assert entry[0] == "export.list" and '"id_numbers":"masked"' in entry[1]
    demo.role = "reviewer"
    rows = worklists.worklist(demo, "stop_next_month", TODAY)
    assert all("*" not in r.id_number for r in rows)
    assert audit.verify(demo.db).ok


def test_cells_a_spreadsheet_would_run_are_written_as_text(session, tmp_path):
    rows = [[a, Decimal("12.50"), date(2025, 6, 30)] for a in ATTACKS]
    xlsx = list_export.export_list(session, "测试", ["事项", "金额", "日期"], rows, tmp_path / "a.xlsx")
    ws = load_workbook(xlsx).active
    for row, attack in zip(ws.iter_rows(min_row=3), ATTACKS):
        # (XML keeps a carriage return as a line feed)
        assert row[0].data_type == "s" and row[0].value == "'" + attack.replace("\r", "\n")
        assert row[2].number_format == "yyyy-mm-dd"
    csv_text = list_export.export_list(session, "测试", ["事项", "金额", "日期"], rows, tmp_path / "a.csv", "csv") \
        .read_bytes().decode("utf-8-sig")
    import csv
    import io

    parsed = list(csv.reader(io.StringIO(csv_text, newline="")))[1:]
    assert [r[0] for r in parsed] == ["'" + a for a in ATTACKS]


def test_a_failed_export_leaves_no_file_half_written(session, tmp_path, monkeypatch):
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "list.xlsx"
    target.write_bytes(b"the previous export")
    import openpyxl.workbook.workbook as wb

    def broken(self, filename):
        with open(filename, "wb") as f:
            f.write(b"PK half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(wb.Workbook, "save", broken)
    with pytest.raises(InputError):
        list_export.export_list(session, "测试", ["a"], [["1"]], target)
    assert target.read_bytes() == b"the previous export"
    assert [p.name for p in folder.iterdir()] == ["list.xlsx"]
    with pytest.raises(InputError):
        list_export.export_list(session, "测试", ["a"], [["1"]], tmp_path / "missing" / "x.xlsx")
