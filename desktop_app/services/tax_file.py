"""Reading the tax bureau's payment file: CSV (UTF-8 with or without BOM, GBK) or .xlsx, header found by name."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

COLUMNS = ("身份证号", "姓名", "费款所属期", "缴费日期", "缴费金额", "票据号")
# Header spellings seen in office exports, after normalising (spaces, "*", a unit in brackets dropped).
ALIASES = {"身份证号码": "身份证号", "公民身份号码": "身份证号", "证件号码": "身份证号", "所属期": "费款所属期",
           "票据号码": "票据号", "缴费额": "缴费金额", "实缴金额": "缴费金额"}
HEADER_SEARCH_ROWS = 10


class FileProblem(Exception):
    """The file as a whole cannot be read: .message Chinese, .row_no / .column where known."""

    def __init__(self, message: str, row_no: int = 0, column: str | None = None):
        super().__init__(message)
        self.message, self.row_no, self.column = message, row_no, column


def _header_name(cell) -> str:
    text = unicodedata.normalize("NFKC", str(cell or "")).replace("\ufeff", "")
    text = re.sub(r"[\s*]", "", text)
    text = re.sub(r"\((元|人民币|YYYY-?MM|yyyy-?mm|YYYYMM)\)$", "", text)
    return ALIASES.get(text, text)


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")  # a superset of GBK, which office software writes
    except UnicodeDecodeError:
        raise FileProblem("文件编码无法识别：请另存为 UTF-8 或 GBK 编码的 CSV 文件，或 Excel（.xlsx）文件") from None


def _csv_rows(path: Path) -> Iterator[tuple[int, list]]:
    try:
        text = _decode(path.read_bytes())
    except UnicodeDecodeError:
        raise FileProblem("文件不是有效的 UTF-8 编码（开头有 UTF-8 标记但内容无法解码）") from None
    if "\x00" in text:
        raise FileProblem("文件中含有空字符（NUL），不是文本格式的 CSV 文件；Excel 文件请使用 .xlsx 格式")
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            yield reader.line_num, row
    except csv.Error as exc:
        raise FileProblem(f"CSV 格式错误：{exc}", reader.line_num) from None


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileProblem(f"无法读取 Excel 文件（{type(exc).__name__}）：请确认是 .xlsx 格式且未损坏") from None
    try:
        sheet = book.worksheets[0]
        for i, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield i, list(row)
    finally:
        book.close()


def read_rows(path: Path) -> tuple[dict[str, int], Iterator[tuple[int, list]]]:
    """({column: index}, the data rows as (row number in the file, cells)). Blank rows are left out."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        rows = _xlsx_rows(path)
    elif suffix in (".csv", ".txt", ""):
        rows = _csv_rows(path)
    elif suffix == ".xls":
        raise FileProblem("不支持旧版 Excel（.xls）文件：请在 Excel 中另存为 .xlsx 或 CSV 后再导入")
    else:
        raise FileProblem(f"不支持的文件类型“{path.suffix}”：请使用 CSV 或 .xlsx 文件")
    for row_no, cells in rows:
        names = [_header_name(c) for c in cells]
        if "身份证号" in names:
            index = {}
            for i, name in enumerate(names):
                if name in COLUMNS and name not in index:
                    index[name] = i
            missing = [c for c in COLUMNS if c not in index]
            if missing:
                raise FileProblem("缺少列：" + "、".join(f"“{c}”" for c in missing), row_no, missing[0])
            return index, _data(rows)
        if row_no >= HEADER_SEARCH_ROWS:
            break
    raise FileProblem("找不到表头：文件前10行中应有一行列名，包括 " + "、".join(COLUMNS))


def _data(rows: Iterator[tuple[int, list]]) -> Iterator[tuple[int, list]]:
    for row_no, cells in rows:
        if any(c is not None and str(c).strip() for c in cells):
            yield row_no, cells


def cell_text(value) -> str:
    """A cell as the clerk sees it: full-width digits and letters made half-width, spaces trimmed."""
    if type(value) is str:  # the common case, a million times over: skip normalising plain ASCII
        return value.strip() if value.isascii() else unicodedata.normalize("NFKC", value).strip()
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()
