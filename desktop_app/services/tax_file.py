"""Reading the tax bureau's payment file: CSV (UTF-8 with or without BOM, GBK) or .xlsx, header found by name."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path

COLUMNS = ("身份证号", "姓名", "费款所属期", "缴费日期", "缴费金额", "票据号")
# Read when the file has them (issue 13: the 滞纳金 the tax bureau collected with a month paid late is recorded).
OPTIONAL_COLUMNS = ("滞纳金",)
# Header spellings seen in office exports, after normalising (spaces, "*", a unit in brackets dropped).
ALIASES = {"身份证号码": "身份证号", "公民身份号码": "身份证号", "证件号码": "身份证号", "所属期": "费款所属期",
           "票据号码": "票据号", "缴费额": "缴费金额", "实缴金额": "缴费金额", "滞纳金额": "滞纳金",
           "加收滞纳金": "滞纳金"}
HEADER_SEARCH_ROWS = 10
READING = "读取并检查文件"
PROGRESS_ROWS = 20_000
ENCODING_NAMES = {"utf-8-sig": " UTF-8 ", "utf-8": " UTF-8 ", "gb18030": " GBK "}
# progress(stage, done, total): stage a Chinese label; done and total in the stage's own unit (bytes, rows)
Progress = Callable[[str, int, int], None]


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


SNIFF_BYTES = 1 << 16


def sniff_encoding(path: Path) -> str:
    """utf-8-sig, utf-8 or gb18030 (a superset of GBK, which office software writes), from the file's start: the
    header row is Chinese, so its bytes tell the encoding. The file is then read as a stream (issue 7)."""
    with path.open("rb") as f:
        head = f.read(SNIFF_BYTES)
    if head.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    else:
        encoding = "utf-8"
        try:
            codecs.getincrementaldecoder("utf-8")().decode(head, final=len(head) < SNIFF_BYTES)
        except UnicodeDecodeError:
            encoding = "gb18030"
    try:
        codecs.getincrementaldecoder(encoding)().decode(head, final=len(head) < SNIFF_BYTES)
    except UnicodeDecodeError:
        if encoding == "utf-8-sig":
            raise FileProblem("文件不是有效的 UTF-8 编码（开头有 UTF-8 标记但内容无法解码）") from None
        raise FileProblem("文件编码无法识别：请另存为 UTF-8 或 GBK 编码的 CSV 文件，或 Excel（.xlsx）文件") from None
    if b"\x00" in head:
        raise FileProblem("文件中含有空字符（NUL），不是文本格式的 CSV 文件；Excel 文件请使用 .xlsx 格式")
    return encoding


class _Counting(io.RawIOBase):
    """The file's bytes as read, counted, for a progress bar."""

    def __init__(self, path: Path):
        self._f = path.open("rb")
        self.done = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self._f.readinto(buffer)
        self.done += n
        return n

    def close(self) -> None:
        self._f.close()
        super().close()


def _delimiter(head: list[str]) -> str:
    """Tab for Excel's "Unicode text", else comma: decided on the header line (a title line above it has neither)."""
    header = next((line for line in head if "身份证" in line), None)
    lines = [header] if header is not None else head
    tabs, commas = sum(line.count("\t") for line in lines), sum(line.count(",") for line in lines)
    return "\t" if tabs > commas else ","


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as f:
        if f.seek(0, 2) == 0:
            return True
        f.seek(-1, 2)
        return f.read(1) in (b"\n", b"\r")


CUT_SHORT = ("文件在这一行的中间结束（最后一行末尾没有换行），可能在复制或下载时被截断，该行的票据号等内容可能不完整："
             "请重新导出完整的文件。如确认文件完整，请在文件末尾加一个换行后再导入。")


def _csv_rows(path: Path, progress: Progress | None = None) -> Iterator[tuple[int, list]]:
    encoding = sniff_encoding(path)
    whole = _ends_with_newline(path)  # every program that writes CSV ends its last row with a line break
    raw = _Counting(path)
    total = path.stat().st_size
    with io.TextIOWrapper(io.BufferedReader(raw, 1 << 20), encoding=encoding, newline="") as text:
        head = [text.readline() for _ in range(HEADER_SEARCH_ROWS)]
        reader = csv.reader(itertools.chain(head, text), delimiter=_delimiter(head))
        # Row numbers as Excel shows them: a cell with a line break inside quotes is still one row.
        row_no = last = 0
        try:
            for row_no, row in enumerate(reader, start=1):
                if row:
                    last = row_no
                yield row_no, _short(row)
                if progress is not None and row_no % PROGRESS_ROWS == 0:
                    progress(READING, raw.done, total)
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise FileProblem(f"有一个单元格过长（超过 {csv.field_size_limit():,} 字），不是缴费数据：请检查文件",
                                  row_no + 1) from None
            raise FileProblem(f"CSV 格式错误（第 {row_no + 1} 行附近，引号或分隔符不配对）：请用 Excel 打开后另存为 CSV",
                              row_no + 1) from None
        except UnicodeDecodeError:
            raise FileProblem(f"第 {reader.line_num + 1} 行附近的文字无法按{ENCODING_NAMES[encoding]}编码读取：文件中混有"
                              "不同编码，请另存为 UTF-8 或 GBK 编码的 CSV 文件", reader.line_num + 1) from None
        if not whole and last > 1:
            raise FileProblem(CUT_SHORT, last)  # a file cut inside its last row (issue 12)
    if progress is not None:
        progress(READING, total, total)


# An .xlsx is a zip of XML parts. Their sizes are checked as declared in the zip before anything is read
# (zipfile stops at the declared size, so a part cannot inflate beyond it): a 1 MB zip bomb must not become
# 5 GB (issue 12). A county's million-row month is ~300 MB of sheet XML and ~100 MB of shared strings.
XLSX_MAX_PART_BYTES = 1 << 30
XLSX_MAX_STRINGS_BYTES = 256 << 20
XLSX_MAX_TOTAL_BYTES = 2 << 30
MAX_CELL_CHARS = 256   # the longest cell the file needs is a receipt number (40); a title row is ~60
XLSX_DAMAGED = "Excel 文件已损坏，无法读取{where}：请在 Excel 中打开该文件，另存为 .xlsx 后再导入"


class LongCell(str):
    """A cell longer than MAX_CELL_CHARS, kept as a short prefix: every check then refuses it on its row, and
    no message, cache or copy holds the whole text (a 2 MB cell in 20,000 rows grew to 5.8 GB before)."""

    def __new__(cls, text: str):
        cell = super().__new__(cls, text[:QUOTE_CHARS] + f"…（共{len(text):,}字，过长）")
        cell.length = len(text)
        return cell


def _short(cells: list) -> list:
    for i, value in enumerate(cells):
        if type(value) is str and len(value) > MAX_CELL_CHARS:
            cells[i] = LongCell(value)
    return cells


def _mb(n: int) -> str:
    return f"{n / 2 ** 20:,.0f} MB"


def check_xlsx_sizes(path: Path) -> None:
    """Refuse an .xlsx whose parts would inflate beyond the limits, before any part is decompressed."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise FileProblem(XLSX_DAMAGED.format(where="（不是有效的 .xlsx 压缩包）")) from None
    total = sum(p.file_size for p in parts)
    for part in parts:
        limit = XLSX_MAX_STRINGS_BYTES if part.filename.endswith("sharedStrings.xml") else XLSX_MAX_PART_BYTES
        if part.file_size > limit:
            raise FileProblem(f"Excel 文件中的“{quote(part.filename, 40)}”解压后有 {_mb(part.file_size)}，超过上限 "
                              f"{_mb(limit)}：这不是正常的缴费明细文件（可能是压缩炸弹），已拒绝读取")
    if total > XLSX_MAX_TOTAL_BYTES:
        raise FileProblem(f"Excel 文件解压后共有 {_mb(total)}，超过上限 {_mb(XLSX_MAX_TOTAL_BYTES)}：请按月份拆分后分别导入")


def _xlsx_rows(path: Path, progress: Progress | None = None) -> Iterator[tuple[int, list]]:
    import zipfile
    import zlib
    from xml.etree.ElementTree import ParseError

    from openpyxl import load_workbook

    damaged = (zipfile.BadZipFile, zlib.error, EOFError, KeyError, OSError, ValueError, ParseError, IndexError)
    check_xlsx_sizes(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except damaged:
        raise FileProblem(XLSX_DAMAGED.format(where="")) from None
    i = 0
    try:
        sheet = book.worksheets[0]
        total = sheet.max_row or 0
        for i, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield i, _short(list(row))
            if progress is not None and i % PROGRESS_ROWS == 0:
                progress(READING, i, max(total, i))
    except damaged:
        # "Error -3 while decompressing data" and the like: a damaged part, said in Chinese on the row it hit
        raise FileProblem(XLSX_DAMAGED.format(where=f"（第 {i + 1} 行附近）"), i + 1) from None
    finally:
        book.close()


def read_rows(path: Path, progress: Progress | None = None) -> tuple[dict[str, int], Iterator[tuple[int, list]]]:
    """({column: index}, the data rows as (row number in the file, cells)), read as a stream; blank rows
    (is_blank) are the reader's to skip. progress(stage, bytes or rows done, total) every PROGRESS_ROWS rows."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        rows = _xlsx_rows(path, progress)
    elif suffix in (".csv", ".txt", ""):
        rows = _csv_rows(path, progress)
    elif suffix == ".xls":
        raise FileProblem("不支持旧版 Excel（.xls）文件：请在 Excel 中另存为 .xlsx 或 CSV 后再导入")
    else:
        raise FileProblem(f"不支持的文件类型“{path.suffix}”：请使用 CSV 或 .xlsx 文件")
    for row_no, cells in rows:
        names = [_header_name(c) for c in cells]
        if "身份证号" in names:
            index = {}
            for i, name in enumerate(names):
                if (name in COLUMNS or name in OPTIONAL_COLUMNS) and name not in index:
                    index[name] = i
            missing = [c for c in COLUMNS if c not in index]
            if missing:
                raise FileProblem("缺少列：" + "、".join(f"“{c}”" for c in missing), row_no, missing[0])
            return index, rows
        if row_no >= HEADER_SEARCH_ROWS:
            break
    raise FileProblem("找不到表头：文件前10行中应有一行列名，包括 " + "、".join(COLUMNS))


QUOTE_CHARS = 20


def quote(text: str, limit: int = QUOTE_CHARS) -> str:
    """At most a short prefix of a cell in a problem message: a crafted 2 MB cell must not be copied into
    every problem of 20,000 rows (issue 12)."""
    if isinstance(text, LongCell):
        return text  # already its prefix, with its length
    return text if len(text) <= limit else text[:limit] + "…"


def is_blank(cells: list) -> bool:
    """A row with nothing in it (the reader of read_rows skips it: it is no row of the file's data)."""
    return not any(c is not None and str(c).strip() for c in cells)


def cell_text(value) -> str:
    """A cell as the clerk sees it: full-width digits and letters made half-width, spaces trimmed."""
    if type(value) is str:  # the common case, a million times over: skip normalising plain ASCII
        return value.strip() if value.isascii() else unicodedata.normalize("NFKC", value).strip()
    if isinstance(value, LongCell):
        return value
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()
