"""Print preview of an issued notice: QPdfView at a fixed zoom, print through QPrinter, save as PDF."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QMessageBox, QVBoxLayout

from desktop_app.ui.citation_links import link_citations, set_citations
from desktop_app.ui.file_choosers import choose_save_file
from desktop_app.ui.forms import load_form

ZOOM_STEPS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0)
PRINT_DPI = 300


class NoticeDialog(QDialog):
    """Shows one notice. `pdf` is the archived bytes; `serial` the notice number printed on it; `citations`
    the clauses it prints, shown under it as links to the texts."""

    def __init__(self, pdf: bytes, title: str, serial: str = "", suggested_name: str = "notice.pdf",
                 parent=None, citations: list[str] | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        QVBoxLayout(self)
        self.ui = load_form("notice_dialog.ui", self)
        self.pdf = pdf
        self.suggested_name = suggested_name
        self.ui.serial_label.setText(f"告知书编号：{serial}" if serial else title)
        if citations:
            link_citations(self.ui.citations_label)
            set_citations(self.ui.citations_label, citations, "适用条款（点击查看原文）：")
            self.ui.citations_label.setVisible(True)

        self._bytes = QByteArray(pdf)
        self._buffer = QBuffer(self._bytes, self)  # the document reads from it: keep it alive
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(self)
        self.document.load(self._buffer)
        self.pdf_view = QPdfView(self.ui.pdf_host)
        self.pdf_view.setObjectName("pdf_view")
        self.pdf_view.setDocument(self.document)
        self.pdf_view.setPageMode(QPdfView.PageMode.MultiPage)
        self.pdf_view.setZoomMode(QPdfView.ZoomMode.Custom)  # fit modes stall headless
        self._zoom = 2  # index into ZOOM_STEPS
        self.pdf_view.setZoomFactor(ZOOM_STEPS[self._zoom])
        self.ui.pdf_host.layout().addWidget(self.pdf_view)
        self.printer: QPrinter | None = None  # kept: a temporary QPrinter crashes the print dialog

        self.ui.zoom_in_button.clicked.connect(lambda: self._step_zoom(1))
        self.ui.zoom_out_button.clicked.connect(lambda: self._step_zoom(-1))
        self.ui.print_button.clicked.connect(self.print_notice)
        self.ui.save_pdf_button.clicked.connect(self.save_as)
        self.ui.close_button.clicked.connect(self.accept)
        self.resize(900, 700)
        self.ui.print_button.setFocus()

    def page_count(self) -> int:
        return self.document.pageCount()

    def _step_zoom(self, step: int) -> None:
        self._zoom = max(0, min(len(ZOOM_STEPS) - 1, self._zoom + step))
        self.pdf_view.setZoomFactor(ZOOM_STEPS[self._zoom])

    def render_page(self, page: int, dpi: int = 96) -> QImage:
        """The page on white (QPdfDocument renders onto a transparent background)."""
        points = self.document.pagePointSize(page)
        size = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
        image = QImage(size, QImage.Format.Format_ARGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.drawImage(QPoint(0, 0), self.document.render(page, size))
        painter.end()
        return image

    def print_to(self, printer: QPrinter) -> None:
        painter = QPainter()
        if not painter.begin(printer):
            raise RuntimeError("打印机无法开始打印。")
        try:
            for page in range(self.page_count()):
                if page:
                    printer.newPage()
                image = self.render_page(page, PRINT_DPI)
                target = painter.viewport()
                scaled = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
                painter.drawImage(QRect(QPoint(0, 0), scaled), image)
        finally:
            painter.end()

    def print_notice(self) -> None:
        if self.printer is None:
            self.printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(self.printer, self)
        dialog.setWindowTitle("打印告知书")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            self.print_to(self.printer)
        except RuntimeError as error:
            QMessageBox.warning(self, "打印失败", str(error))

    def save_as(self) -> Path | None:
        path = choose_save_file(self, "notice_pdf", "另存为PDF", self.suggested_name, "PDF 文件 (*.pdf)")
        if path is None:
            return None
        return self.save_to(path)

    def save_to(self, path: Path) -> Path:
        if path.suffix.lower() != ".pdf":
            path = path.with_suffix(".pdf")
        path.write_bytes(self.pdf)
        return path
