"""Import of the tax bureau's payment file: a dry run that lists every row's problem, then the import.

Both run off the window's thread (ui/import_worker.py) with a progress bar; 取消 stops either one and the
service rolls back, so nothing is half-written. check_file and do_import return at once; `busy` is True
until the report (or the error) is shown.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDeadlineTimer, QEventLoop, Signal
from PySide6.QtWidgets import QApplication, QDialog, QVBoxLayout

from desktop_app.services.errors import InputError
from desktop_app.services.tax_import import ImportCancelled
from desktop_app.ui.field_errors import message_box
from desktop_app.ui.file_choosers import choose_open_file
from desktop_app.ui.forms import load_form
from desktop_app.ui.import_worker import ImportWorker
from desktop_app.ui.problems_model import ProblemsModel
from desktop_app.ui.tab_base import BAD_STYLE, OK_STYLE, compact_rows

FILE_FILTER = "税务缴费文件 (*.csv *.xlsx);;所有文件 (*)"
CANCELLED = "已取消，未写入任何记录。"


class ImportDialog(QDialog):
    imported = Signal(int)  # rows written

    def __init__(self, session, clock=date.today, parent=None):
        super().__init__(parent)
        self.setWindowTitle("导入税务缴费文件")
        QVBoxLayout(self).setContentsMargins(4, 4, 4, 4)
        self.ui = load_form("import_dialog.ui", self)
        self.session = session
        self.clock = clock
        self.path: Path | None = None
        self.report = None
        self.problems = ProblemsModel(self)
        self.ui.problems_view.setModel(self.problems)
        compact_rows(self.ui.problems_view)
        # Fixed widths from the font, not ResizeToContents: that measures every fetched row again as it scrolls.
        metrics = self.ui.problems_view.fontMetrics()
        header = self.ui.problems_view.horizontalHeader()
        header.resizeSection(0, metrics.horizontalAdvance("整个文件") + 16)
        header.resizeSection(1, metrics.horizontalAdvance("费款所属期") + 16)
        self.ui.choose_button.clicked.connect(self.choose_file)
        self.ui.import_button.clicked.connect(self.do_import)
        self.ui.close_button.clicked.connect(self.accept)
        self.ui.cancel_button.clicked.connect(self.cancel)
        self.ui.progress_bar.hide()
        self.job: str | None = None  # "check" or "import" while the worker runs it
        self.worker = ImportWorker(session, self)
        self.worker.progress.connect(self._progress)
        self.worker.done.connect(self._finished)
        self.worker.failed.connect(self._failed)
        self.resize(820, 520)

    @property
    def busy(self) -> bool:
        return self.job is not None

    def choose_file(self) -> None:
        path = choose_open_file(self.parentWidget() or self, "tax_file", "选择税务缴费文件", FILE_FILTER)
        if path:
            self.check_file(path)
            self.open()

    def check_file(self, path: Path) -> None:
        """Dry run: nothing is written; every row's problem is listed."""
        self.path = Path(path)
        self.ui.file_label.setText(f"文件：{self.path}")
        self.problems.set_rows([])
        self.report = None
        self._start("check", "正在检查文件，尚未写入任何数据…")

    def do_import(self) -> None:
        """The import itself: one transaction in the service, on the worker's connection."""
        if self.path is None or self.busy:
            return
        self._start("import", "正在导入…")

    def cancel(self) -> None:
        """取消: the service stops at its next look at the flag and rolls back."""
        if self.busy:
            self.worker.cancel.set()
            self.ui.cancel_button.setEnabled(False)
            self.ui.summary_label.setText("正在取消…")

    def wait(self, timeout_ms: int = 600_000) -> bool:
        """Until the report is shown (scripts and screenshots); events keep flowing. False on timeout."""
        deadline = QDeadlineTimer(timeout_ms)
        while self.busy and not deadline.hasExpired():
            QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            if self.worker.thread is not None:
                self.worker.thread.join(0.01)
        return not self.busy

    # -- the worker -----------------------------------------------------------------------------------
    def _start(self, job: str, label: str) -> None:
        self.job = job
        for button in (self.ui.import_button, self.ui.choose_button):
            button.setEnabled(False)
        self.ui.cancel_button.setEnabled(True)
        self.ui.progress_bar.setRange(0, 0)
        self.ui.progress_bar.setFormat("%p%")
        self.ui.progress_bar.show()
        self.ui.summary_label.setText(label)
        self.ui.summary_label.setStyleSheet("")
        self.worker.submit(self.path, self.clock(), dry_run=job == "check")

    def _progress(self, stage: str, done: int, total: int) -> None:
        if self.busy:
            self.ui.progress_bar.setRange(0, max(total, 1))
            self.ui.progress_bar.setValue(min(done, max(total, 1)))
            self.ui.progress_bar.setFormat(f"{stage} %p%")

    def _idle(self) -> str | None:
        job, self.job = self.job, None
        self.ui.cancel_button.setEnabled(False)
        self.ui.choose_button.setEnabled(True)
        return job

    def _finished(self, report) -> None:
        job = self._idle()
        if job == "check":
            self._show_problems(report)
        else:
            self._imported(report)

    def _failed(self, error) -> None:
        job = self._idle()
        self.ui.progress_bar.hide()
        cancelled = isinstance(error, ImportCancelled)
        message = CANCELLED if cancelled else (getattr(error, "message", None) or f"{type(error).__name__}: {error}")
        self.ui.summary_label.setText(message)
        self.ui.summary_label.setStyleSheet(BAD_STYLE)
        clean_check = self.report is not None and self.report.clean and self.report.dry_run
        self.ui.import_button.setEnabled(job == "import" and clean_check)
        if job == "import" and not cancelled and isinstance(error, InputError):
            message_box(self, "导入失败", message)
        elif not cancelled and not isinstance(error, InputError):
            message_box(self, "未完成", message)

    def _show_problems(self, report) -> None:
        self.report = report
        self.problems.set_rows(report.problems)
        # the service imports a file only when every row is clean (all or nothing)
        clean = report.clean
        self.ui.summary_label.setText("检查完毕，尚未写入任何数据。" + report.summary)
        self.ui.summary_label.setStyleSheet(OK_STYLE if clean else BAD_STYLE)
        self.ui.import_button.setEnabled(clean)
        if clean:
            self.ui.import_button.setFocus()

    def _imported(self, report) -> None:
        self.report = report
        self.ui.import_button.setEnabled(False)
        if not report.imported:  # the file changed since the check: show why nothing went in
            self._show_problems(report)
            return
        self.ui.summary_label.setText(report.summary)
        self.ui.summary_label.setStyleSheet(OK_STYLE)
        self.imported.emit(report.imported)

    def done(self, result: int) -> None:
        """Closing cancels what still runs (rolled back) and ends the worker's thread and connection."""
        self.worker.stop()
        self.job = None
        super().done(result)
