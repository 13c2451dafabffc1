"""日结: choose a day and an operator; the figures from the audit log, 签字确认 by a 复核员 (audited), one printed page."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDateEdit, QDialog, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout)

from desktop_app.services import daily_close as service
from desktop_app.services.errors import InputError
from desktop_app.services.permissions import may
from desktop_app.ui.file_choosers import choose_save_file


class DailyCloseDialog(QDialog):
    def __init__(self, session, clock=date.today, parent=None):
        super().__init__(parent)
        self.setWindowTitle("日结")
        self.session, self.clock = session, clock
        self.close_data: service.DailyClose | None = None
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        today = clock()
        self.day_edit = QDateEdit(QDate(today.year, today.month, today.day), objectName="close_day")
        self.day_edit.setCalendarPopup(True)
        self.day_edit.setDisplayFormat("yyyy-MM-dd")
        self.day_edit.dateChanged.connect(self._fill_operators)
        self.operator_combo = QComboBox(objectName="close_operator")
        self.operator_combo.currentIndexChanged.connect(self.load)
        top.addWidget(QLabel("日期："))
        top.addWidget(self.day_edit)
        top.addWidget(QLabel("操作员："))
        top.addWidget(self.operator_combo, 1)
        layout.addLayout(top)
        self.table = QTableWidget(0, 2, objectName="close_table")
        self.table.setHorizontalHeaderLabels(["项目", "数量"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        self.status = QLabel(objectName="close_status")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        note_row = QHBoxLayout()
        note_row.addWidget(QLabel("复核备注："))
        self.note_edit = QLineEdit(objectName="close_note")
        note_row.addWidget(self.note_edit, 1)
        layout.addLayout(note_row)
        buttons = QHBoxLayout()
        self.sign_button = QPushButton("复核签字确认(&S)", objectName="close_sign")
        self.sign_button.setToolTip("复核员核对无误后签字确认（记入审计记录）")
        self.sign_button.clicked.connect(self.sign)
        self.print_button = QPushButton("打印日结单（PDF）…", objectName="close_print")
        self.print_button.clicked.connect(lambda: self.save_pdf())
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        for b in (self.sign_button, self.print_button, close):
            b.setAutoDefault(False)
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.sign_button.setVisible(may(self.session, "correct"))
        self._fill_operators()
        self.resize(560, 560)

    def day(self) -> date:
        d = self.day_edit.date()
        return date(d.year(), d.month(), d.day())

    def _fill_operators(self, *_):
        self.operator_combo.blockSignals(True)
        self.operator_combo.clear()
        for name in service.operators_of_day(self.session, self.day()):
            self.operator_combo.addItem(name, name)
        self.operator_combo.blockSignals(False)
        self.load()

    def load(self, *_):
        operator = self.operator_combo.currentData()
        if not operator:
            self.close_data = None
            self.table.setRowCount(0)
            self.status.setText("该日没有业务记录。")
            self.sign_button.setEnabled(False)
            self.print_button.setEnabled(False)
            return
        self.close_data = c = service.daily_close(self.session, self.day(), operator)
        self.table.setRowCount(len(service.LINES))
        for row, (key, label) in enumerate(service.LINES):
            value = c.figures[key]
            self.table.setItem(row, 0, QTableWidgetItem(label))
            self.table.setItem(row, 1, QTableWidgetItem(f"{value:,.2f}" if isinstance(value, Decimal) else f"{value:,}"))
        self.table.resizeColumnsToContents()
        signed = (f"已由{c.signed[-1]['signed_by']}于{c.signed[-1]['signed_at'].replace('T', ' ')}签字确认。"
                  if c.signed else "尚未签字确认。")
        self.status.setText(f"据审计记录 {c.entries} 条统计。{signed}{c.anchor}")
        self.sign_button.setEnabled(True)
        self.print_button.setEnabled(True)

    def sign(self):
        from desktop_app.ui.field_errors import message_box

        if self.close_data is None:
            return None
        try:
            row = service.sign_off(self.session, self.close_data, self.note_edit.text())
        except InputError as error:
            message_box(self, "无法签字确认", error.message)
            return None
        self.load()
        return row

    def save_pdf(self, path=None):
        from desktop_app.notices.sheets import daily_close_sheet
        from desktop_app.notices.titles import TITLES
        from desktop_app.services.list_export import _replace_atomically

        if self.close_data is None:
            return None
        c = self.close_data
        target = path or choose_save_file(self, "daily_close", "打印日结单", f"日结单-{c.day:%Y%m%d}-{c.operator}.pdf",
                                          "PDF 文件 (*.pdf)")
        if not target:
            return None
        pdf = daily_close_sheet(c, self.session.office.name, service.LINES, TITLES)
        _replace_atomically(target, lambda temp: temp.write_bytes(pdf))
        self.status.setText(f"日结单已保存：{target}")
        return target
