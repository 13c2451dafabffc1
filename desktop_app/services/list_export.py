"""Any list on screen to an .xlsx workbook (openpyxl) or a CSV file, for the office to print, phone or file.

ID numbers arrive masked or not as the lists give them (by role, services/permissions.py); a cell starting with
= + - @, a tab or a carriage return is written as text with a leading apostrophe so a spreadsheet never runs it as a
formula; the file is written beside its target and renamed into place, so a cancelled or failed export leaves no
half file. Each export has its audit entry (who, which list, how many rows, whether ID numbers were full).
"""

from __future__ import annotations

import csv
import os
import tempfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from desktop_app.services.errors import InputError
from desktop_app.services.permissions import may, require
from desktop_app.services.session import Session
from desktop_app.store import audit
from desktop_app.store.db import atomic

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"


def neutral(value):
    """A cell as it is safe to write: text that a spreadsheet would read as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    text = str(neutral(value))
    if text.isdigit() and len(text) >= 12:
        text = "\t" + text   # Excel would show 4.11502E+17 (the tab is not a formula start once quoted)
    return text


def _target(path: Path | str, suffix: str) -> Path:
    path = Path(str(path or "").strip())
    if not str(path) or path.is_dir():
        raise InputError("path", "请选择要保存的文件")
    if path.suffix.lower() != suffix:
        path = path.with_name(path.name + suffix)
    if not path.parent.is_dir():
        raise InputError("path", f"文件夹 {path.parent} 不存在")
    return path


def _replace_atomically(path: Path, write) -> None:
    handle, temp = tempfile.mkstemp(prefix="." + path.name + ".", suffix=".partial", dir=path.parent)
    os.close(handle)
    try:
        write(Path(temp))
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise InputError("path", f"无法写入 {path}（{exc.strerror or exc}）") from exc
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_xlsx(path: Path, title: str, headers: list[str], rows: list[list], note: str = "") -> None:
    """One sheet: a title line, the header row (bold, frozen, filtered), amounts as numbers with two decimals,
    dates as dates, long digit strings as text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append([neutral(title)])
    ws["A1"].font = Font(bold=True, size=13)
    if note:
        ws.append([neutral(note)])
    ws.append(headers)
    head = ws.max_row
    for cell in ws[head]:
        cell.font = Font(bold=True)
    widths = [len(h) * 2 + 2 for h in headers]
    for values in rows:
        ws.append([float(v) if isinstance(v, Decimal) else neutral(v) for v in values])
        for i, (cell, value) in enumerate(zip(ws[ws.max_row], values)):
            if isinstance(value, Decimal):
                cell.number_format = MONEY_FORMAT
            elif isinstance(value, (date, datetime)):
                cell.number_format = DATE_FORMAT
            elif isinstance(value, str):
                cell.data_type = "s"   # digits of an ID number stay text
            widths[i] = min(max(widths[i], len(str(value or "")) * 2 if isinstance(value, str) else 12), 60)
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = ws.cell(row=head + 1, column=1)
    if rows:
        ws.auto_filter.ref = f"A{head}:{get_column_letter(len(headers))}{ws.max_row}"
    _replace_atomically(path, lambda temp: wb.save(temp))


def write_csv(path: Path, headers: list[str], rows: list[list]) -> None:
    def write(temp: Path) -> None:
        with open(temp, "w", encoding="utf-8-sig", newline="") as f:
            out = csv.writer(f)
            out.writerow(headers)
            out.writerows([_csv_cell(v) for v in row] for row in rows)

    _replace_atomically(path, write)


def export_list(session: Session, title: str, headers: list[str], rows: list[list], path: Path | str,
                fmt: str = "xlsx", note: str = "") -> Path:
    """导出清单 (any operator): the rows as shown, to `path` (.xlsx or .csv); returns the file written."""
    require(session, "read")
    if fmt not in ("xlsx", "csv"):
        raise InputError("format", "请选择导出格式（Excel 或 CSV）")
    target = _target(path, "." + fmt)
    if fmt == "xlsx":
        write_xlsx(target, title, headers, rows, note)
    else:
        write_csv(target, headers, rows)
    with atomic(session.db):
        audit.append(session.db, session.stamp(), "export.list", f"exports:{target.name}", None,
                     {"title": title, "rows": len(rows), "format": fmt,
                      "id_numbers": "full" if may(session, "list_id_numbers") else "masked"})
    return target
