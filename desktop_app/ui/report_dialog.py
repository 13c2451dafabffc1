"""月度统计报表: choose a month or a range; the figures with a chart (reportlab's, shown through QtPdf), the PDF report
and the .xlsx workbook; 查看人员 opens the people behind a figure, and a double click there opens the person."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from PySide6.QtCore import QBuffer, QByteArray, QDate, QIODevice, QPoint, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import (QAbstractItemView, QDateEdit, QDialog, QHBoxLayout, QLabel, QListWidget,
                               QListWidgetItem, QProgressBar, QPushButton, QTableWidget, QTableWidgetItem,
                               QVBoxLayout)

from desktop_app.services import report as report_service
from desktop_app.services.errors import InputError
from desktop_app.ui.field_errors import message_box
from desktop_app.ui.file_choosers import choose_save_file
from desktop_app.ui.worker import Task


def load_report(data_path, operator, first: date, last: date, today: date, progress, cancel):
    from desktop_app.services import outlook
    from desktop_app.services.session import on_own_connection

    session = on_own_connection(operator)   # its commits move the audit anchor on (issue 12)
    try:
        if outlook.pending(session, today):
            outlook.refresh(session, today, progress=progress, cancel=cancel)
        return report_service.monthly_report(session, first, last)
    finally:
        session.db.close()


def pdf_image(pdf: bytes, width: int) -> QImage:
    """Page 1 of a PDF (a chart) as an image `width` pixels wide, on white."""
    data = QByteArray(pdf)
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    points = document.pagePointSize(0)
    size = QSize(width, round(points.height() * width / points.width()))
    image = QImage(size, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.drawImage(QPoint(0, 0), document.render(0, size))
    painter.end()
    document.close()
    return image


def month_edit(value: date) -> QDateEdit:
    edit = QDateEdit(QDate(value.year, value.month, 1))
    edit.setDisplayFormat("yyyy年MM月")
    edit.setCalendarPopup(True)
    return edit


class ReportDialog(QDialog):
    person_requested = Signal(int)

    def __init__(self, session, clock=date.today, parent=None):
        super().__init__(parent)
        self.setWindowTitle("月度统计报表")
        self.session, self.clock = session, clock
        self.report: report_service.Report | None = None
        self.task: Task | None = None
        today = clock()
        last_month = date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 1)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.first_edit, self.last_edit = month_edit(last_month), month_edit(last_month)
        top.addWidget(QLabel("统计月份："))
        top.addWidget(self.first_edit)
        top.addWidget(QLabel("至"))
        top.addWidget(self.last_edit)
        self.run_button = QPushButton("生成(&G)", objectName="report_run")
        self.run_button.clicked.connect(self.run)
        top.addWidget(self.run_button)
        self.progress = QProgressBar()
        self.progress.hide()
        top.addWidget(self.progress)
        top.addStretch(1)
        layout.addLayout(top)
        body = QHBoxLayout()
        self.table = QTableWidget(0, 4, objectName="report_table")
        self.table.setHorizontalHeaderLabels(["类别", "项目", "数值", "单位"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _: self.show_people())
        body.addWidget(self.table, 3)
        self.chart = QLabel(objectName="report_chart")
        self.chart.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        self.chart.setMinimumWidth(520)
        body.addWidget(self.chart, 2)
        layout.addLayout(body, 1)
        self.status = QLabel(objectName="report_status")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        buttons = QHBoxLayout()
        self.people_button = QPushButton("查看人员(&V)…", objectName="report_people")
        self.people_button.clicked.connect(self.show_people)
        self.pdf_button = QPushButton("导出PDF报表…", objectName="report_pdf")
        self.pdf_button.clicked.connect(lambda: self.save_pdf())
        self.xlsx_button = QPushButton("导出Excel…", objectName="report_xlsx")
        self.xlsx_button.clicked.connect(lambda: self.save_xlsx())
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        for b in (self.people_button, self.pdf_button, self.xlsx_button, close):
            b.setAutoDefault(False)
            buttons.addWidget(b)
        for b in (self.people_button, self.pdf_button, self.xlsx_button):
            b.setEnabled(False)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.resize(1240, 700)

    def months(self) -> tuple[date, date]:
        a, b = self.first_edit.date(), self.last_edit.date()
        return date(a.year(), a.month(), 1), date(b.year(), b.month(), 1)

    def run(self) -> None:
        first, last = self.months()
        operator = replace(self.session, db=None, instance_lock=None)
        self.run_button.setEnabled(False)
        self.status.setText("正在统计…")
        self.task = Task("report", lambda progress, cancel: load_report(
            self.session.path, operator, first, last, self.clock(), progress, cancel), self)
        self.task.progress.connect(self._progress)
        self.task.done.connect(self._done)
        self.task.failed.connect(self._failed)
        self.task.start()

    def _progress(self, done, total) -> None:
        self.progress.show()
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.status.setText(f"正在更新 {total:,} 人的待遇状态…")

    def _failed(self, error) -> None:
        self.run_button.setEnabled(True)
        self.progress.hide()
        self.status.setText(error.message if isinstance(error, InputError) else f"统计失败：{error}")

    def _done(self, report) -> None:
        from desktop_app.notices.report_pdf import chart_pdf, charts

        self.report = report
        self.run_button.setEnabled(True)
        self.progress.hide()
        self.table.setRowCount(len(report.figures))
        for row, f in enumerate(report.figures):
            value = f"{f.value:,.2f}" if isinstance(f.value, Decimal) else f"{f.value:,}"
            for col, text in enumerate((f.section, f.label, value, f.unit)):
                item = QTableWidgetItem(text)
                if col == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, col, item)
        self.table.resizeColumnsToContents()
        images = [pdf_image(chart_pdf(d), 500) for d in charts(report)]
        canvas = QImage(QSize(500, sum(i.height() for i in images) + 10), QImage.Format.Format_ARGB32)
        canvas.fill(QColor("white"))
        painter = QPainter(canvas)
        y = 0
        for image in images:
            painter.drawImage(QPoint(0, y), image)
            y += image.height() + 10
        painter.end()
        self.chart.setPixmap(QPixmap.fromImage(canvas))
        for b in (self.people_button, self.pdf_button, self.xlsx_button):
            b.setEnabled(True)
        note = f"　另有 {report.incomplete} 人因缺少参数未计入。" if report.incomplete else ""
        self.status.setText(f"{report_service.period_text(report)}：双击一项或点“查看人员”列出该项人员。{note}")

    def figure(self):
        row = self.table.currentRow()
        return self.report.figures[row] if self.report and 0 <= row < len(self.report.figures) else None

    def show_people(self):
        figure = self.figure()
        if figure is None:
            return None
        ids = report_service.people_behind(self.session, self.report, figure)
        dialog = PeopleListDialog(self.session, f"{figure.section}：{figure.label}", ids, self)
        dialog.person_requested.connect(self.person_requested)
        dialog.open()
        self.people_dialog = dialog
        return dialog

    def save_pdf(self, path=None):
        from desktop_app.notices.report_pdf import report_pdf
        from desktop_app.services.list_export import _replace_atomically

        if self.report is None:
            return None
        period = report_service.period_text(self.report)
        target = path or choose_save_file(self, "report", "导出PDF报表", f"月度统计报表-{self.report.last}.pdf",
                                          "PDF 文件 (*.pdf)")
        if not target:
            return None
        pdf = report_pdf(self.report, self.session.office.name, period, self.clock())
        _replace_atomically(target, lambda temp: temp.write_bytes(pdf))
        self.status.setText(f"已导出：{target}")
        return target

    def save_xlsx(self, path=None):
        if self.report is None:
            return None
        target = path or choose_save_file(self, "report", "导出Excel", f"月度统计报表-{self.report.last}.xlsx",
                                          "Excel 工作簿 (*.xlsx)")
        if not target:
            return None
        try:
            report_service.workbook(self.report, target, self.session.office.name)
        except InputError as error:
            message_box(self, "导出失败", error.message)
            return None
        self.status.setText(f"已导出：{target}")
        return target

    def reject(self) -> None:
        if self.task is not None and self.task.running:
            self.task.stop(10)
        super().reject()


class PeopleListDialog(QDialog):
    """The people behind a figure; a double click opens the person in the window."""
    person_requested = Signal(int)

    def __init__(self, session, title: str, ids: list[int], parent=None):
        super().__init__(parent)
        from desktop_app.services.people import get_person, mask_id_number
        from desktop_app.services.permissions import may

        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"{title}：共 {len(ids)} 人（双击打开）"))
        self.list = QListWidget(objectName="people_list")
        full = may(session, "list_id_numbers")
        for person_id in ids[:2000]:
            p = get_person(session, person_id)
            item = QListWidgetItem(f"{p.name}　{p.id_number if full else mask_id_number(p.id_number)}")
            item.setData(Qt.ItemDataRole.UserRole, person_id)
            self.list.addItem(item)
        self.list.itemDoubleClicked.connect(self._open)
        layout.addWidget(self.list)
        self.resize(420, 520)

    def _open(self, item) -> None:
        self.person_requested.emit(item.data(Qt.ItemDataRole.UserRole))
        self.accept()
