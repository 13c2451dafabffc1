"""A crafted file's cost: python -m bench.probe_files DB prints "PROBE {json}" with the peak memory growth of the
dry run of a crafted .xlsx (~0.5 MB) whose one 2 MB shared string fills 20,000 rows (issue 12: such a file grew
to 5.8 GB)."""

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
    """Written part by part, as the issue's file was: one shared string of 2 MB that every row's name refers to
    (openpyxl would write the text into every cell instead)."""
    import zipfile
    from xml.sax.saxutils import escape

    from desktop_app.services.tax_file import COLUMNS

    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    strings = list(COLUMNS) + [CELL]
    sst = (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{main}" count="{len(strings)}" '
           f'uniqueCount="{len(strings)}">' + "".join(f"<si><t>{escape(t)}</t></si>" for t in strings) + "</sst>")
    header = "".join(f'<c r="{chr(65 + i)}1" t="s"><v>{i}</v></c>' for i in range(len(COLUMNS)))
    rows = [f'<row r="1">{header}</row>']
    for r in range(2, ROWS + 2):
        rows.append(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>411502199001011234</t></is></c>'
                    f'<c r="B{r}" t="s"><v>{len(COLUMNS)}</v></c><c r="C{r}" t="inlineStr"><is><t>2025-01</t></is></c>'
                    f'<c r="D{r}" t="inlineStr"><is><t>2025-01-10</t></is></c><c r="E{r}"><v>437.5</v></c>'
                    f'<c r="F{r}" t="inlineStr"><is><t>R{r}</t></is></c></row>')
    sheet = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{main}"><sheetData>{"".join(rows)}</sheetData></worksheet>'
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml"'
        ' ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
        '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet'
        '+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.sharedStrings+xml"/></Types>',
        "_rels/.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        f'package/2006/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>",
        "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
        '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        f'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/worksheet" Target='
        f'"worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>",
        "xl/worksheets/sheet1.xml": sheet,
        "xl/sharedStrings.xml": sst,
    }
    path = folder / "crafted.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in parts.items():
            archive.writestr(name, text.encode("utf-8"))
    return path


def main(argv: list[str]) -> int:
    from bench.probe_app import _reset_peak_rss, _rss, _rss_now
    from desktop_app.services.session import open_trusted_session
    from desktop_app.services.tax_import import import_tax_file
    from desktop_app.store.db import is_server_url

    where = argv[0] if is_server_url(argv[0]) else Path(argv[0])
    session = open_trusted_session(where, "性能测试员", check=False)
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
