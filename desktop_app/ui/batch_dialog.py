"""批量出具: 缴费提醒 / 催缴通知书 for the people chosen in a worklist, rendered off the window's thread with a progress
bar and 取消 (services.reminders: nothing is archived until every notice is ready); then the print file, the 签收登记
and the call list are saved where the clerk chooses. Nothing is sent anywhere."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (QComboBox, QDialog, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout)

from desktop_app.services import reminders
from desktop_app.services.errors import InputError
from desktop_app.ui.field_errors import message_box
from desktop_app.ui.file_choosers import choose_save_file
from desktop_app.ui.worker import Task


class BatchDialog(QDialog):
    def __init__(self, session, list_kind: str, rows: list, clock=date.today, parent=None):
        super().__init__(parent)
        self.setWindowTitle("批量出具缴费提醒 / 催缴通知书")
        self.session, self.clock, self.rows = session, clock, list(rows)
        self.task: Task | None = None
        self.result: reminders.BatchResult | None = None
        layout = QVBoxLayout(self)
        self.summary = QLabel(objectName="batch_summary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        row = QHBoxLayout()
        row.addWidget(QLabel("通知书："))
        self.kind_combo = QComboBox(objectName="batch_kind")
        for key, text in reminders.KINDS.items():
            self.kind_combo.addItem(text, key)
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(reminders.FOR_LIST.get(list_kind, "payment_reminder")))
        row.addWidget(self.kind_combo, 1)
        layout.addLayout(row)
        self.progress = QProgressBar(objectName="batch_progress")
        self.progress.hide()
        layout.addWidget(self.progress)
        self.status = QLabel(objectName="batch_status")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        buttons = QHBoxLayout()
        self.start_button = QPushButton("出具(&S)", objectName="batch_start")
        self.start_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("取消", objectName="batch_cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.setEnabled(False)
        self.pdf_button = QPushButton("保存打印文件(&P)…", objectName="batch_pdf")
        self.sign_button = QPushButton("保存签收登记表…", objectName="batch_sign")
        self.call_button = QPushButton("保存电话联系清单(Excel)…", objectName="batch_calls")
        self.close_button = QPushButton("关闭", objectName="batch_close")
        self.pdf_button.clicked.connect(lambda: self.save_pdf())
        self.sign_button.clicked.connect(lambda: self.save_sign_list())
        self.call_button.clicked.connect(lambda: self.save_call_list())
        self.close_button.clicked.connect(self.reject)
        for b in (self.start_button, self.cancel_button, self.pdf_button, self.sign_button, self.call_button,
                  self.close_button):
            b.setAutoDefault(False)
            buttons.addWidget(b)
        for b in (self.pdf_button, self.sign_button, self.call_button):
            b.setEnabled(False)
        layout.addLayout(buttons)
        total = sum((r.amount or 0) for r in self.rows)
        self.summary.setText(f"将为 {len(self.rows)} 人出具通知书（今日应缴合计 {total:,.2f} 元）。每份通知书编号、存档，"
                             "可在“人员 → 已出具的告知书”中重印；程序不发送任何短信或电话。")
        self.resize(760, 240)

    @property
    def busy(self) -> bool:
        return self.task is not None and self.task.running

    def start(self) -> None:
        from desktop_app.notices.issue import render, render_batch

        try:
            plan = reminders.plan_batch(self.session, self.kind_combo.currentData(),
                                        [r.person_id for r in self.rows], self.clock())
        except InputError as error:
            message_box(self, "无法出具", error.message)
            return
        self.start_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.show()
        self.progress.setRange(0, 0)
        self.status.setText("正在测算并生成通知书，尚未存档…")
        self.task = Task("reminders", lambda progress, cancel: reminders.run_batch(
            plan, render, render_batch, progress, cancel), self)
        self.task.progress.connect(self._progress)
        self.task.done.connect(self._done)
        self.task.failed.connect(self._failed)
        self.task.start()

    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)

    def _done(self, result: reminders.BatchResult) -> None:
        self.result = result
        self.progress.setValue(self.progress.maximum())
        self.cancel_button.setEnabled(False)
        text = (f"已出具并存档 {len(result.serials)} 份（编号 {result.serials[0]} 至 {result.serials[-1]}），"
                f"用时 {result.seconds:.1f} 秒。")
        if result.skipped:
            text += f"另有 {len(result.skipped)} 人未出具：" + "；".join(m for _, m in result.skipped[:3])
        self.status.setText(text)
        for b in (self.pdf_button, self.sign_button, self.call_button):
            b.setEnabled(True)

    def _failed(self, error) -> None:
        self.cancel_button.setEnabled(False)
        self.start_button.setEnabled(True)
        self.progress.hide()
        if isinstance(error, reminders.BatchCancelled):
            self.status.setText("已取消，未存档任何通知书。")
        elif isinstance(error, InputError):
            self.status.setText(error.message)
        else:
            self.status.setText(f"出具失败，未存档任何通知书：{error}")

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel.set()

    def _target(self, path, purpose: str, name: str, filters: str) -> Path | None:
        if path is not None:
            return Path(path)
        return choose_save_file(self, purpose, "保存", name, filters)

    def save_pdf(self, path=None) -> Path | None:
        target = self._target(path, "batch_pdf", f"通知书-{self.clock():%Y%m%d}.pdf", "PDF 文件 (*.pdf)")
        if target is None or self.result is None:
            return None
        from desktop_app.services.list_export import _replace_atomically

        _replace_atomically(target, lambda temp: temp.write_bytes(self.result.pdf))
        self.status.setText(f"打印文件已保存：{target}")
        return target

    def save_sign_list(self, path=None) -> Path | None:
        target = self._target(path, "batch_sign", f"签收登记-{self.clock():%Y%m%d}.pdf", "PDF 文件 (*.pdf)")
        if target is None or self.result is None:
            return None
        from desktop_app.notices.sheets import table_sheet
        from desktop_app.services.list_export import _replace_atomically

        kind = reminders.KINDS[self.kind_combo.currentData()]
        rows = [[*r[:4], f"{r[4]:,.2f}", r[5], r[6]] for r in self.result.sign_rows]
        pdf = table_sheet(f"{kind}签收登记表", self.session.office.name, reminders.SIGN_HEADERS, rows,
                          widths=(0.17, 0.1, 0.19, 0.2, 0.12, 0.11, 0.11), on=self.clock(),
                          before=[f"出具日期：{self.clock():%Y年%m月%d日}　共 {len(rows)} 份"],
                          after=["经办人：＿＿＿＿＿＿　　复核人：＿＿＿＿＿＿"])
        _replace_atomically(target, lambda temp: temp.write_bytes(pdf))
        self.status.setText(f"签收登记表已保存：{target}")
        return target

    def save_call_list(self, path=None) -> Path | None:
        target = self._target(path, "batch_calls", f"电话联系清单-{self.clock():%Y%m%d}.xlsx", "Excel 工作簿 (*.xlsx)")
        if target is None or self.result is None:
            return None
        from desktop_app.services.list_export import export_list

        kind = reminders.KINDS[self.kind_combo.currentData()]
        try:
            written = export_list(self.session, f"{kind}电话联系清单", reminders.CALL_HEADERS, self.result.call_rows,
                                  target, "xlsx", note="供经办人员电话或短信提醒使用，程序不发送任何信息。")
        except InputError as error:
            message_box(self, "保存失败", error.message)
            return None
        self.status.setText(f"电话联系清单已保存：{written}")
        return written

    def reject(self) -> None:
        if self.busy:
            self.cancel()
            self.task.stop(10)
        super().reject()
