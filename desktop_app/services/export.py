"""Export everything to a folder of CSV files (UTF-8 with BOM, so Excel shows the Chinese correctly).

One consistent snapshot (one read transaction), one CSV per table, a 说明.txt. ID numbers are masked
(4115**********1237) everywhere, inside JSON columns and the audit log too, unless the administrator asks for
full numbers; the audit entry records which. A masked number keeps its first and last four digits, so what
would give back the hidden ten goes as well (issue 12: 206 of 206 numbers were rebuilt from the birth date,
the check digit and the address's district): birth dates, addresses and retirement months (the birth month
plus the statutory age), in their columns and inside JSON. Password hashes and archived PDF bytes are never
exported. Long digit strings get a leading tab so Excel keeps them as text instead of 4.11502E+17 (a tab and
digits only: nothing Excel could run); any other cell that Excel or another spreadsheet would read as a
formula (=, +, -, @, tab, CR first) gets a leading ' (issue 12, CSV injection).
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from desktop_app.services.backup import Cancelled, Progress, done_partial, note_partial
from desktop_app.services.errors import InputError
from desktop_app.services.permissions import require
from desktop_app.services.session import Session, connect_data
from desktop_app.store import audit, files
from desktop_app.store.audit import Stamp
from desktop_app.store.db import StoreError, atomic

TABLE_NAMES = {"people": "参保人员", "ledger": "缴费记录", "ledger_voids": "作废的缴费记录", "decisions": "经办决定",
               "corrections": "缴费年限更正", "notices": "告知书存档", "parameters": "本机构参数", "imports": "税务导入批次",
               "settings": "设置", "operators": "操作员", "audit": "审计记录", "_sqlite_migrations": "数据结构版本"}
HEADERS = {"id": "序号", "id_number": "身份证号", "name": "姓名", "sex": "性别", "birth_date": "出生日期", "phone": "联系电话",
           "address": "地址", "category": "人员类别", "places": "本地参保关系", "employer_insured": "有单位参保",
           "mode": "参保模式", "base_ratio": "缴费基数档次", "jurisdiction": "统筹地区", "first_month": "首次缴费月份",
           "waiting_exempt": "免等待期", "created_at": "登记时间", "operator": "经办人", "person_id": "人员序号",
           "month": "费款所属期", "paid_on": "缴费日期", "amount": "缴费金额", "receipt_no": "票据号", "source": "来源",
           "decision_id": "决定序号", "recorded_at": "录入时间", "import_id": "导入批次", "question": "事项",
           "inputs": "输入", "decision": "决定", "rule_version": "规则版本", "decided_on": "决定日期", "kind": "类型",
           "months": "月数", "reason": "原因", "voids": "撤销的记录", "serial": "编号", "sha256": "SHA-256校验值",
           "replaces": "替代编号", "issued_on": "出具日期", "valid_from": "生效日期", "value": "数值", "demo": "示例",
           "entered_by": "录入人", "entered_at": "录入时间", "file_name": "文件名", "rows": "行数",
           "imported_on": "导入日期", "key": "设置项", "at": "时间", "action": "操作", "entity": "对象",
           "before": "修改前", "after": "修改后", "prev_hash": "前一条校验值", "hash": "校验值",
           "username": "用户名", "full_name": "姓名", "role": "角色", "active": "启用", "ledger_id": "原记录序号",
           "row": "原记录", "voided_on": "作废日期"}
NEVER = {("operators", "password_hash")}
_ID18 = re.compile(r"(?<![0-9A-Za-z])(\d{4})\d{10}(\d{3}[\dXx])(?![0-9A-Za-z])")
_ID15 = re.compile(r"(?<![0-9A-Za-z])(\d{4})\d{7}(\d{4})(?![0-9A-Za-z])")
_LONG_DIGITS = re.compile(r"^\d{12,}$")
_NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?$")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# What rebuilds a masked ID number: the birth date (digits 7-14), the district (digits 5-6, from the address),
# the retirement month (birth month + statutory age). Removed wherever they appear when numbers are masked.
REVEALING_COLUMNS = {("people", "birth_date"), ("people", "address")}
REVEALING_KEYS = {"birth_date", "birth", "address", "retirement_month", "retirement_date"}
JSON_COLUMNS = {("decisions", "inputs"), ("decisions", "decision"), ("notices", "inputs"), ("audit", "before"),
                ("audit", "after"), ("ledger_voids", "row"), ("people", "places")}
HIDDEN = "（已隐藏）"


def mask_ids(text: str) -> str:
    """Every 18- or 15-digit ID number in a text, masked like services.people.mask_id_number."""
    text = _ID18.sub(lambda m: m.group(1) + "*" * 10 + m.group(2), text)
    return _ID15.sub(lambda m: m.group(1) + "*" * 7 + m.group(2), text)


@dataclass(frozen=True)
class ExportJob:
    data_path: Path
    folder: Path
    full_id_numbers: bool
    stamp: Stamp
    source: str | None = None    # the office's server (session.source), None for a data file


@dataclass(frozen=True)
class ExportResult:
    folder: Path
    files: dict            # table -> rows written
    masked: bool
    seconds: float


def plan_export(session: Session, folder: Path | str, full_id_numbers: bool = False) -> ExportJob:
    """导出CSV (管理员). The folder must exist; the export goes into a new sub-folder named by the time."""
    require(session, "admin")
    folder = Path(str(folder or "").strip())
    if not str(folder) or not folder.is_dir():
        raise InputError("folder", "请选择一个已存在的文件夹用于导出")
    return ExportJob(Path(session.path), folder, bool(full_id_numbers), session.stamp(), session.source)


def _redact(value):
    """A JSON value with what rebuilds a masked ID number taken out, every ID number in it masked."""
    if isinstance(value, dict):
        return {k: (HIDDEN if k in REVEALING_KEYS and v not in (None, "") else _redact(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact(v) for v in value]
    if isinstance(value, str):
        return mask_ids(value)
    return value


def safe_text(text: str) -> str:
    """A cell no spreadsheet runs: a leading ' before =, +, -, @, tab or CR, except for plain numbers (-5) and the
    tab this export puts before long digit strings itself."""
    if text.startswith(FORMULA_START) and not _NUMBER.match(text) and not (
            text.startswith("\t") and _LONG_DIGITS.match(text[1:])):
        return "'" + text
    return text


def _cell(table: str, column: str, value, mask: bool):
    if value is None:
        return ""
    if isinstance(value, bytes):
        return f"（{len(value)} 字节，见程序内存档）"
    if mask and (table, column) in REVEALING_COLUMNS and value != "":
        return HIDDEN
    text = str(value)
    if mask and isinstance(value, str):
        if (table, column) in JSON_COLUMNS or (table == "settings" and column == "value"):
            try:
                text = json.dumps(_redact(json.loads(text)), ensure_ascii=False, separators=(",", ":"))
            except ValueError:
                text = mask_ids(text)
        else:
            text = mask_ids(text)
    if _LONG_DIGITS.match(text):
        text = "\t" + text  # Excel would show 4.11502E+17 and drop the last digits
    return safe_text(text)


def _tables(snapshot: files.ReadSnapshot) -> list[str]:
    names = snapshot.table_names()
    known = [t for t in TABLE_NAMES if t in names]
    return known + [t for t in names if t not in TABLE_NAMES]


def run_export(job: ExportJob, progress: Progress | None = None, cancel: threading.Event | None = None,
               now: Callable[[], datetime] = datetime.now) -> ExportResult:
    """Any thread (own connections). Writes into a hidden partial folder, renamed when complete."""
    started = time.monotonic()
    target = job.folder / f"经办台导出-{now():%Y%m%d-%H%M%S}"
    partial = target.with_name("." + target.name + ".partial")
    mask = not job.full_id_numbers
    snapshot = (files.ServerSnapshot(connect_data(job.source)) if job.source else files.ReadSnapshot(job.data_path))
    written: dict[str, int] = {}
    note_partial(job.data_path, partial)   # a kill half way: the next start removes it (issue 12)
    try:
        partial.mkdir(parents=True)
        snapshot.begin()  # one snapshot for every table
        tables = _tables(snapshot)
        total = sum(snapshot.count(t) for t in tables) or 1
        done = 0
        for table in tables:
            columns, cursor = snapshot.rows(table)
            keep = [i for i, c in enumerate(columns) if (table, c) not in NEVER]
            name = f"{TABLE_NAMES.get(table, table)}.csv"
            with open(partial / name, "w", encoding="utf-8-sig", newline="") as f:
                writer = csv.writer(f)
                writer.writerow([HEADERS.get(columns[i], columns[i]) for i in keep])
                count = 0
                for row in cursor:
                    writer.writerow([_cell(table, columns[i], row[i], mask) for i in keep])
                    count += 1
                    if count % 5000 == 0:
                        if cancel is not None and cancel.is_set():
                            raise Cancelled()
                        if progress is not None:
                            progress(done + count, total)
            written[table] = count
            done += count
            if progress is not None:
                progress(done, total)
        (partial / "说明.txt").write_text(_readme(job, written), encoding="utf-8-sig")
        os.replace(partial, target)
    except OSError as exc:
        shutil.rmtree(partial, ignore_errors=True)
        raise StoreError(f"导出失败：文件夹 {job.folder} 无法写入（{exc.strerror or exc}）。") from exc
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    finally:
        snapshot.close()
        done_partial(job.data_path, partial)
    db = connect_data(job.source or job.data_path)
    try:
        with atomic(db):
            audit.append(db, job.stamp, "export.csv", f"exports:{target.name}", None,
                         {"folder": str(target), "rows": written, "id_numbers": "masked" if mask else "full"})
    finally:
        db.close()
    return ExportResult(target, written, mask, time.monotonic() - started)


def _readme(job: ExportJob, written: dict) -> str:
    lines = ["灵活就业参保经办台 数据导出", f"数据文件：{job.data_path}", f"导出人：{job.stamp.operator}　时间：{job.stamp.at}",
             "身份证号：" + ("完整（请妥善保管，防止泄露）" if job.full_id_numbers else
                         "已部分隐藏（如 4115**********1237）；可据以推出完整号码的出生日期、地址和退休年月也已隐藏"),
             "以 = + - @ 开头的文字前加了一个 ' 号，以免电子表格把它当作公式执行。",
             "编码：UTF-8（带BOM），可直接用 Excel 打开；较长的数字（身份证号、票据号）前有一个制表符，以免 Excel 改成科学计数法。",
             "说明：本导出供查阅和统计，不能用于恢复数据；恢复请使用备份文件。", "", "文件："]
    lines += [f"  {TABLE_NAMES.get(t, t)}.csv　{n} 行" for t, n in written.items()]
    return "\r\n".join(lines) + "\r\n"
