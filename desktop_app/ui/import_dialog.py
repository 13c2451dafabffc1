"""Import of the tax bureau's payment file: a dry run that lists every row's problem, then the import."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QDialog, QFileDialog, QHeaderView, QVBoxLayout

from desktop_app.services.errors import InputError
from desktop_app.services.tax_import import import_tax_file
from desktop_app.ui.field_errors import message_box
from desktop_app.ui.forms import load_form
from desktop_app.ui.tab_base import BAD_STYLE, OK_STYLE, compact_rows

FILE_FILTER = "税务缴费文件 (*.csv *.xlsx);;所有文件 (*)"


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
        self.problems = QStandardItemModel(0, 3, self)
        self.problems.setHorizontalHeaderLabels(["行号", "列", "问题"])
        self.ui.problems_view.setModel(self.problems)
        compact_rows(self.ui.problems_view)
        header = self.ui.problems_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.ui.choose_button.clicked.connect(self.choose_file)
        self.ui.import_button.clicked.connect(self.do_import)
        self.ui.close_button.clicked.connect(self.accept)
        self.resize(820, 520)

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.parentWidget() or self, "选择税务缴费文件", "", FILE_FILTER)
        if path:
            self.check_file(Path(path))
            self.open()

    def check_file(self, path: Path) -> None:
        """Dry run: nothing is written; every row's problem is listed."""
        self.path = Path(path)
        self.ui.file_label.setText(f"文件：{self.path}")
        self.problems.removeRows(0, self.problems.rowCount())
        self.ui.import_button.setEnabled(False)
        try:
            report = import_tax_file(self.session, self.path, self.clock(), dry_run=True)
        except InputError as error:
            self.report = None
            self.ui.summary_label.setText(error.message)
            self.ui.summary_label.setStyleSheet(BAD_STYLE)
            return
        self._show_problems(report)

    def _show_problems(self, report) -> None:
        self.report = report
        self.problems.removeRows(0, self.problems.rowCount())
        for problem in report.problems:
            self.problems.appendRow([QStandardItem(str(problem.row_no) if problem.row_no else "整个文件"),
                                     QStandardItem(problem.column or ""), QStandardItem(problem.message)])
        # the service imports a file only when every row is clean (all or nothing)
        clean = report.clean
        self.ui.summary_label.setText("检查完毕，尚未写入任何数据。" + report.summary)
        self.ui.summary_label.setStyleSheet(OK_STYLE if clean else BAD_STYLE)
        self.ui.import_button.setEnabled(clean)
        if clean:
            self.ui.import_button.setFocus()

    def do_import(self) -> None:
        """The import itself: one transaction in the service."""
        if self.path is None:
            return
        try:
            report = import_tax_file(self.session, self.path, self.clock(), dry_run=False)
        except InputError as error:
            message_box(self, "导入失败", error.message)
            return
        self.report = report
        self.ui.import_button.setEnabled(False)
        if not report.imported:  # the file changed since the check: show why nothing went in
            self._show_problems(report)
            return
        self.ui.summary_label.setText(report.summary)
        self.ui.summary_label.setStyleSheet(OK_STYLE)
        self.imported.emit(report.imported)
