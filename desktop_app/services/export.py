"""Export everything to a folder of CSV files (UTF-8 with BOM, so Excel shows the Chinese correctly).

One consistent snapshot (one read transaction), one CSV per table, a 说明.txt. ID numbers are masked
(4115**********1237) everywhere, inside JSON columns and the audit log too, unless the administrator asks for
full numbers; the audit entry records which. Password hashes and archived PDF bytes are never exported.
Long digit strings get a leading tab so Excel keeps them as text instead of 4.11502E+17.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from desktop_app.services.backup import Cancelled, Progress
from desktop_app.services.errors import InputError
from desktop_app.services.permissions import require
from desktop_app.services.session import Session
from desktop_app.store import audit, files
from desktop_app.store.audit import Stamp
from desktop_app.store.db import StoreError, atomic, connect

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
    return ExportJob(Path(session.path), folder, bool(full_id_numbers), session.stamp())


def _cell(table: str, value, mask: bool):
    if value is None:
        return ""
    if isinstance(value, bytes):
        return f"（{len(value)} 字节，见程序内存档）"
    text = str(value)
    if mask and isinstance(value, str):
        text = mask_ids(text)
    if _LONG_DIGITS.match(text):
        text = "\t" + text  # Excel would show 4.11502E+17 and drop the last digits
    return text


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
    snapshot = files.ReadSnapshot(job.data_path)
    written: dict[str, int] = {}
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
                    writer.writerow([_cell(table, row[i], mask) for i in keep])
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
    db = connect(job.data_path)
    try:
        with atomic(db):
            audit.append(db, job.stamp, "export.csv", f"exports:{target.name}", None,
                         {"folder": str(target), "rows": written, "id_numbers": "masked" if mask else "full"})
    finally:
        db.close()
    return ExportResult(target, written, mask, time.monotonic() - started)


def _readme(job: ExportJob, written: dict) -> str:
    lines = ["灵活就业参保经办台 数据导出", f"数据文件：{job.data_path}", f"导出人：{job.stamp.operator}　时间：{job.stamp.at}",
             "身份证号：" + ("完整（请妥善保管，防止泄露）" if job.full_id_numbers else "已部分隐藏（如 4115**********1237）"),
             "编码：UTF-8（带BOM），可直接用 Excel 打开；较长的数字（身份证号、票据号）前有一个制表符，以免 Excel 改成科学计数法。",
             "说明：本导出供查阅和统计，不能用于恢复数据；恢复请使用备份文件。", "", "文件："]
    lines += [f"  {TABLE_NAMES.get(t, t)}.csv　{n} 行" for t, n in written.items()]
    return "\r\n".join(lines) + "\r\n"
