"""A crafted file's cost: python -m bench.probe_files DB prints "PROBE {json}" with the peak memory growth of the
dry run of a 110 KB .xlsx whose one 2 MB shared string fills 20,000 rows (issue 12: it grew to 5.8 GB)."""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROWS = 20_000
CELL = "张" * 2_000_000


def crafted_xlsx(folder: Path) -> Path:
    from openpyxl import Workbook

    from desktop_app.services.tax_file import COLUMNS

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(list(COLUMNS))
    for i in range(ROWS):
        sheet.append(["411502199001011234", CELL, "2025-01", "2025-01-10", "437.50", f"R{i}"])
    path = folder / "crafted.xlsx"
    book.save(path)
    return path


def main(argv: list[str]) -> int:
    from bench.probe_app import _reset_peak_rss, _rss, _rss_now
    from desktop_app.services.session import open_session
    from desktop_app.services.tax_import import import_tax_file

    session = open_session(Path(argv[0]), operator="性能测试员", check=False)
    with tempfile.TemporaryDirectory() as folder:
        path = crafted_xlsx(Path(folder))
        before = _rss_now()
        _reset_peak_rss()
        t0 = time.perf_counter()
        report = import_tax_file(session, path, date(2026, 10, 31), dry_run=True)
        seconds = time.perf_counter() - t0
        result = {"file_kb": round(path.stat().st_size / 1024, 1), "rows": ROWS, "seconds": round(seconds, 2),
                  "problems": report.problem_count, "rss_growth_mb": round(_rss() - before, 1)}
    session.close()
    print("PROBE " + json.dumps(result), flush=True)
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
