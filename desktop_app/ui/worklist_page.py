"""今日待办: the day's worklists with their counts, shown when the window opens; a double click opens the person.

The outlooks are brought up to date and the lists read off the window's thread (ui/worker.Task, its own
connection), with a progress bar and 取消 when many people need it (after a tax import, on an upgraded file).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QListWidget,
                               QListWidgetItem, QProgressBar, QPushButton, QSpinBox, QSplitter, QTableView,
                               QVBoxLayout, QWidget)

from desktop_app.rules import JURISDICTIONS
from desktop_app.services import worklists
from desktop_app.services.enrolment import CATEGORIES
from desktop_app.services.errors import InputError
from desktop_app.ui.tab_base import compact_rows
from desktop_app.ui.table_model import RowsModel
from desktop_app.ui.worker import Task

FIRST_LOAD_MS = 800


def load_lists(data_path, operator_session, today: date, filters: worklists.Filters, kind: str, progress, cancel):
    """On the worker thread: refresh the outlooks that need it, then the counts and the chosen list."""
    from desktop_app.services import outlook
    from desktop_app.services.session import on_own_connection

    session = on_own_connection(operator_session)   # its commits move the audit anchor on (issue 12)
    try:
        if outlook.pending(session, today):
            outlook.refresh(session, today, progress=progress, cancel=cancel)
        counts, rows = worklists.day(session, today, kind, filters)
        return counts, rows, worklists.operators(session)
    finally:
        session.db.close()


class WorkModel(RowsModel):
    KEY = "person_id"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.kind = "arrears_closing"
        self.cells: list[list] = []
        self.COLUMNS = tuple(worklists.table([], self.kind)[0])

    def set_list(self, kind: str, rows: list) -> None:
        self.beginResetModel()
        self.kind = kind
        self.rows = list(rows)
        headers, self.cells = worklists.table(self.rows, kind)
        self.COLUMNS = tuple(headers)
        self.endResetModel()

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        value = self.cells[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if value is None:
                return ""
            return f"{value:,.2f}" if isinstance(value, Decimal) else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(value, Decimal):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and self.COLUMNS[index.column()] in ("事项", "说明"):
            return str(value or "")
        return None

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        name = self.COLUMNS[column]
        key = {"姓名": "name", "统筹地区": "jurisdiction", "人员类别": "category", "期限": "by_when",
               "应缴金额（元）": "amount", "经办人": "operator"}.get(name, "by_when")
        self.set_list(self.kind, worklists.sort_rows(self.rows, key, order == Qt.SortOrder.DescendingOrder))


class WorklistPage(QWidget):
    person_requested = Signal(int)
    batch_requested = Signal(str, object)   # list kind, the rows chosen

    def __init__(self, session, clock=date.today, parent=None):
        super().__init__(parent)
        self.session = session
        self.clock = clock
        self.task: Task | None = None
        self.counts: dict[str, int] = {}
        self.loaded = False
        self._pending = False
        self._again = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.title = QLabel(objectName="worklist_title")
        self.title.setStyleSheet("font-size: 15px; font-weight: bold;")
        top.addWidget(self.title)
        top.addStretch(1)
        self.status = QLabel(objectName="worklist_status")
        top.addWidget(self.status)
        self.progress = QProgressBar(objectName="worklist_progress")
        self.progress.setMaximumWidth(220)
        self.progress.hide()
        top.addWidget(self.progress)
        self.cancel_button = QPushButton("取消", objectName="worklist_cancel")
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(self.cancel)
        top.addWidget(self.cancel_button)
        self.refresh_button = QPushButton("刷新(&U)", objectName="worklist_refresh")
        self.refresh_button.clicked.connect(self.reload)
        top.addWidget(self.refresh_button)
        layout.addLayout(top)

        filters = QHBoxLayout()
        self.jurisdiction_combo = QComboBox(objectName="worklist_jurisdiction")
        self.jurisdiction_combo.addItem("全部统筹地区", None)
        for key, j in JURISDICTIONS.items():
            self.jurisdiction_combo.addItem(j.name, key)
        self.category_combo = QComboBox(objectName="worklist_category")
        self.category_combo.addItem("全部人员类别", None)
        for key, text in CATEGORIES.items():
            self.category_combo.addItem(text, key)
        self.operator_combo = QComboBox(objectName="worklist_operator")
        self.operator_combo.addItem("全部经办人", None)
        self.days_spin = QSpinBox(objectName="worklist_days")
        self.days_spin.setRange(1, 366)
        self.days_spin.setValue(worklists.DEFAULT_DAYS)
        self.days_spin.setSuffix(" 天内到期")
        self.days_spin.setToolTip("补缴期限将至：补缴期限在多少天内届满")
        for caption, widget in (("统筹地区：", self.jurisdiction_combo), ("人员类别：", self.category_combo),
                                ("经办人：", self.operator_combo), ("补缴期限：", self.days_spin)):
            filters.addWidget(QLabel(caption))
            filters.addWidget(widget)
        filters.addStretch(1)
        for widget in (self.jurisdiction_combo, self.category_combo, self.operator_combo):
            widget.currentIndexChanged.connect(self.reload)
        self.days_spin.editingFinished.connect(self.reload)
        layout.addLayout(filters)

        split = QSplitter(Qt.Orientation.Horizontal)
        self.lists = QListWidget(objectName="worklist_lists")
        for kind, (title, what) in worklists.KINDS.items():
            item = QListWidgetItem(title)
            item.setData(Qt.ItemDataRole.UserRole, kind)
            item.setToolTip(what)
            self.lists.addItem(item)
        self.lists.setCurrentRow(0)
        self.lists.currentRowChanged.connect(self.reload)
        self.lists.setMinimumWidth(190)
        split.addWidget(self.lists)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.about = QLabel(objectName="worklist_about")
        self.about.setWordWrap(True)
        right_layout.addWidget(self.about)
        self.model = WorkModel(self)
        self.view = QTableView(objectName="worklist_view")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        header = self.view.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.sectionClicked.connect(self._sort_by)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setStretchLastSection(True)
        compact_rows(self.view)
        self.view.doubleClicked.connect(self._open)
        self.view.activated.connect(self._open)
        right_layout.addWidget(self.view, 1)
        buttons = QHBoxLayout()
        self.open_button = QPushButton("打开人员(&O)", objectName="worklist_open")
        self.open_button.clicked.connect(lambda: self._open(self.view.currentIndex()))
        self.batch_button = QPushButton("批量出具缴费提醒(&B)…", objectName="worklist_batch")
        self.batch_button.setToolTip("为所选人员（未选则为整个清单）出具缴费提醒或催缴通知书")
        self.batch_button.clicked.connect(self._batch)
        self.xlsx_button = QPushButton("导出Excel(&X)…", objectName="worklist_xlsx")
        self.xlsx_button.clicked.connect(lambda: self.export("xlsx"))
        self.csv_button = QPushButton("导出CSV…", objectName="worklist_csv")
        self.csv_button.clicked.connect(lambda: self.export("csv"))
        for b in (self.open_button, self.batch_button, self.xlsx_button, self.csv_button):
            b.setAutoDefault(False)
            buttons.addWidget(b)
        buttons.addStretch(1)
        right_layout.addLayout(buttons)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        split.setSizes([200, 900])
        layout.addWidget(split, 1)
        self._title()

    # -- loading --------------------------------------------------------------------------------------------
    @property
    def kind(self) -> str:
        item = self.lists.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else "arrears_closing"

    def filters(self) -> worklists.Filters:
        return worklists.Filters(self.jurisdiction_combo.currentData(), self.category_combo.currentData(),
                                 self.operator_combo.currentData(), self.days_spin.value())

    def _title(self) -> None:
        today = self.clock()
        self.title.setText(f"今日待办　{today.year}年{today.month}月{today.day}日")

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self.loaded:
            self.loaded = True
            self.status.setText("正在读取待办清单…")
            # a moment after the window shows, so its first paint and the start-up work go first
            QTimer.singleShot(FIRST_LOAD_MS, self.reload)

    @property
    def busy(self) -> bool:
        """A read is under way or its result not shown yet."""
        return self._pending

    def reload(self, *_) -> None:
        if self._pending:
            self._again = True
            return
        self._again = False
        self._pending = True
        self._title()
        kind, filters, today = self.kind, self.filters(), self.clock()
        operator = replace(self.session, db=None, instance_lock=None)
        self.status.setText("正在读取待办清单…")
        self.task = Task("worklists", lambda progress, cancel: load_lists(
            self.session.path, operator, today, filters, kind, progress, cancel), self)
        self.task.progress.connect(self._progress)
        self.task.done.connect(lambda result: self._loaded(kind, result))
        self.task.failed.connect(self._failed)
        self.task.start()

    def _fill_operators(self, names: list[str]) -> None:
        if self.operator_combo.count() > 1:
            return
        self.operator_combo.blockSignals(True)
        for name in names:
            self.operator_combo.addItem(name, name)
        self.operator_combo.blockSignals(False)

    def _progress(self, done: int, total: int) -> None:
        if total > 0:
            self.progress.show()
            self.cancel_button.show()
            self.progress.setRange(0, total)
            self.progress.setValue(done)
            self.status.setText(f"正在更新 {total:,} 人的待遇状态（缴费记录有变化）…")

    def _end_task(self) -> None:
        self._pending = False
        self.progress.hide()
        self.cancel_button.hide()
        if self._again:
            self.reload()

    def _loaded(self, kind: str, result) -> None:
        counts, rows, operators = result
        self._fill_operators(operators)
        self.counts = counts
        for i in range(self.lists.count()):
            item = self.lists.item(i)
            key = item.data(Qt.ItemDataRole.UserRole)
            item.setText(f"{worklists.KINDS[key][0]}（{counts.get(key, 0)}）")
        self.model.set_list(kind, rows)
        self.view.resizeColumnsToContents()
        header = self.view.horizontalHeader()
        for i in range(self.model.columnCount()):
            header.resizeSection(i, min(header.sectionSize(i), 260))
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        title, what = worklists.KINDS[kind]
        self.about.setText(f"<b>{title}</b>：{what.replace('N天', f'{self.days_spin.value()}天')}。共 {len(rows)} 人，"
                           "双击一行打开该人员。")
        self.status.setText(f"共 {sum(counts.values())} 项待办")
        self.batch_button.setEnabled(kind in worklists.PRICED and bool(rows))
        self._end_task()

    def _failed(self, error) -> None:
        from desktop_app.services.outlook import Cancelled

        if isinstance(error, Cancelled):
            self.status.setText("已取消：部分人员的待遇状态尚未更新，清单可能不完整。")
        elif isinstance(error, InputError):
            self.status.setText(error.message)
        else:
            self.status.setText(f"读取待办清单失败：{error}")
        self._end_task()

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel.set()

    def stop(self) -> None:
        """The window closes: a refresh stops after its chunk (what it saved stays, correct)."""
        self._again = False
        if self.task is not None and self.task.running:
            self.task.stop(10)

    def _sort_by(self, column: int) -> None:
        header = self.view.horizontalHeader()
        order = header.sortIndicatorOrder() if header.sortIndicatorSection() == column else Qt.SortOrder.AscendingOrder
        self.model.sort(column, order)

    # -- actions --------------------------------------------------------------------------------------------
    def _open(self, index: QModelIndex) -> None:
        if index.isValid():
            self.person_requested.emit(self.model.rows[index.row()].person_id)

    def selected_rows(self) -> list:
        chosen = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        return [self.model.rows[i] for i in chosen] if chosen else list(self.model.rows)

    def _batch(self) -> None:
        self.batch_requested.emit(self.kind, self.selected_rows())

    def export(self, fmt: str, path=None):
        """导出: the list as shown (filters, order) to .xlsx or .csv; returns the file written or None."""
        from desktop_app.services.list_export import export_list
        from desktop_app.ui.field_errors import message_box
        from desktop_app.ui.file_choosers import choose_save_file

        title = worklists.KINDS[self.model.kind][0]
        today = self.clock()
        if path is None:
            name = f"{title}-{today:%Y%m%d}.{fmt}"
            path = choose_save_file(self, "worklist_export", "导出清单", name,
                                    "Excel 工作簿 (*.xlsx)" if fmt == "xlsx" else "CSV 文件 (*.csv)")
            if not path:
                return None
        headers, cells = worklists.table(self.model.rows, self.model.kind)
        try:
            written = export_list(self.session, f"{title}（{today.isoformat()}）", headers, cells, path, fmt)
        except InputError as error:
            message_box(self, "导出失败", error.message)
            return None
        self.status.setText(f"已导出 {len(cells)} 行：{written}")
        return written
