"""The counter window: person search above four tabs that act on the selected person; status bar."""

from __future__ import annotations

from datetime import date
from typing import Callable

from PySide6.QtCore import QEvent, QItemSelectionModel, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMessageBox, QSizePolicy, QStackedWidget, QWidget

from desktop_app.rules import JURISDICTIONS, RULES_VERSION
from desktop_app.services import parameters as parameter_service
from desktop_app.services import payments as payments_service
from desktop_app.services import people as people_service
from desktop_app.services.errors import InputError
from desktop_app.services.settings import get_office
from desktop_app.ui.elision import ElidedLabel
from desktop_app.ui.enrolment_tab import EnrolmentTab
from desktop_app.ui.forms import load_form
from desktop_app.ui.labels import CATEGORIES, SEXES, date_text, month_text
from desktop_app.ui.notices_dialog import NoticesDialog
from desktop_app.ui.payments_tab import PaymentsTab
from desktop_app.ui.people_model import PAGE, PeopleModel
from desktop_app.ui.mode_change_dialog import ModeChangeDialog
from desktop_app.ui.person_change_dialog import PersonChangeDialog
from desktop_app.ui.policy_dialog import open_policy_texts
from desktop_app.ui.retirement_tab import RetirementTab
from desktop_app.ui.settings_dialog import SettingsDialog
from desktop_app.ui.status_dialog import StatusDialog
from desktop_app.ui.tab_base import compact_rows
from desktop_app.ui.transfer_tab import TransferTab
from desktop_app.ui.worklist_page import WorklistPage

TITLE = "灵活就业参保经办台"
TAB_TITLES = ("参保登记", "缴费记录", "转移接续", "退休资格")
DEMO_MARK = "示例"


class MainWindow(QMainWindow):
    person_selected = Signal(object)  # person id or None

    def __init__(self, session, *, demo: bool = False, clock: Callable[[], date] = date.today,
                 settings: QSettings | None = None, parent=None):
        super().__init__(parent)
        self.session = session
        self.demo = demo
        self.clock = clock
        self._settings = settings
        self.person_id: int | None = None
        central = QWidget(self)
        self.setCentralWidget(central)
        self.ui = load_form("main_window.ui", central)

        self.people_model = PeopleModel(self, lambda person_id: payments_service.unpaid_due(
            self.session, person_id, self.clock()))
        self.ui.results_view.setModel(self.people_model)
        compact_rows(self.ui.results_view)
        self.ui.results_view.horizontalHeader().resizeSection(0, 80)
        self.ui.splitter.setStretchFactor(0, 0)

        self.enrolment_tab = EnrolmentTab(session, clock, self)
        self.payments_tab = PaymentsTab(session, clock, self)
        self.transfer_tab = TransferTab(session, clock, self)
        self.retirement_tab = RetirementTab(session, clock, self)
        self.tabs = (self.enrolment_tab, self.payments_tab, self.transfer_tab, self.retirement_tab)
        for tab, title in zip(self.tabs, TAB_TITLES):
            self.ui.tab_widget.addTab(tab, title)
        self.ui.tab_widget.setCurrentIndex(0)

        # 今日待办 in front when the window opens; opening a person (or any counter tab) brings the tabs back
        self.worklist_page = WorklistPage(session, clock, self)
        self.work_stack = QStackedWidget(self)
        self.ui.splitter.replaceWidget(1, self.work_stack)
        self.work_stack.addWidget(self.worklist_page)
        self.work_stack.addWidget(self.ui.work_panel)
        self.worklist_page.person_requested.connect(self.open_person)
        self.worklist_page.batch_requested.connect(self.batch_reminders)
        self.ui.tab_widget.currentChanged.connect(self.show_tabs)

        self.ui.search_edit.returnPressed.connect(self.search)
        self.ui.search_edit.installEventFilter(self)
        self.ui.search_button.clicked.connect(self.search)
        self.ui.new_person_button.clicked.connect(self.new_person)
        self.ui.results_view.selectionModel().currentRowChanged.connect(self._on_result_row)
        self.enrolment_tab.person_opened.connect(self.open_person)
        for tab in self.tabs:
            tab.records_changed.connect(self._on_records_changed)

        self.ui.splitter.setStretchFactor(0, 0)
        self.ui.splitter.setStretchFactor(1, 1)
        self.ui.splitter.setSizes([270, 1080])
        self._build_menus()
        self._build_status_bar()
        self.refresh_status()
        self._restore_geometry()

    # -- window furniture -------------------------------------------------------------------------
    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("文件(&F)")
        self.import_action = QAction("导入税务缴费文件(&I)…", self)
        self.import_action.setShortcut(QKeySequence("Ctrl+I"))
        self.import_action.triggered.connect(self.import_tax_file)
        file_menu.addAction(self.import_action)
        file_menu.addSeparator()
        quit_action = QAction("退出(&X)", self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        person_menu = self.menuBar().addMenu("人员(&P)")
        find_action = QAction("查找人员(&F)", self)
        find_action.setShortcut(QKeySequence("Ctrl+F"))
        find_action.triggered.connect(self.focus_search)
        person_menu.addAction(find_action)
        new_action = QAction("新参保登记(&N)", self)
        new_action.setShortcut(QKeySequence("Ctrl+N"))
        new_action.triggered.connect(self.new_person)
        person_menu.addAction(new_action)
        self.notices_action = QAction("已出具的告知书(&R)…", self)
        self.notices_action.setShortcut(QKeySequence("Ctrl+R"))
        self.notices_action.triggered.connect(self.show_notices)
        self.notices_action.setEnabled(False)
        person_menu.addAction(self.notices_action)
        self.change_action = QAction("信息变更(&C)…", self)
        self.change_action.setShortcut(QKeySequence("Ctrl+E"))
        self.change_action.triggered.connect(self.change_person)
        self.change_action.setEnabled(False)
        person_menu.addAction(self.change_action)
        self.status_action = QAction("停保、恢复、终止参保(&S)…", self)
        self.status_action.triggered.connect(self.change_status)
        self.mode_action = QAction("参保方式变更(&M)…", self)
        self.mode_action.triggered.connect(self.change_mode)
        for action in (self.status_action, self.mode_action):
            action.setEnabled(False)
            person_menu.addAction(action)
        person_menu.addSeparator()
        for index, title in enumerate(TAB_TITLES):
            action = QAction(f"{title}(&{index + 1})", self)
            action.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
            action.triggered.connect(lambda _=False, i=index: self._tab(i))
            person_menu.addAction(action)

        office_menu = self.menuBar().addMenu("办公(&O)")
        self.worklist_action = QAction("今日待办(&T)", self)
        self.worklist_action.setShortcut(QKeySequence("Ctrl+0"))
        self.worklist_action.triggered.connect(self.show_worklists)
        office_menu.addAction(self.worklist_action)
        self.report_action = QAction("月度统计报表(&M)…", self)
        self.report_action.triggered.connect(self.open_report)
        office_menu.addAction(self.report_action)
        self.close_action = QAction("日结(&D)…", self)
        self.close_action.triggered.connect(self.open_daily_close)
        office_menu.addAction(self.close_action)

        settings_menu = self.menuBar().addMenu("设置(&S)")
        self.settings_action = QAction("经办机构与政策参数(&P)…", self)
        self.settings_action.triggered.connect(self.open_settings)
        settings_menu.addAction(self.settings_action)
        self.server_action = QAction("数据库服务器(&D)…", self)   # several counters on one server (issue 17)
        self.server_action.triggered.connect(self.open_server_settings)
        settings_menu.addAction(self.server_action)

        help_menu = self.menuBar().addMenu("帮助(&H)")
        self.policy_action = QAction("政策文件(&D)…", self)
        self.policy_action.setShortcut(QKeySequence("F1"))
        self.policy_action.setToolTip("本程序所依据的政策文件原文，按条款查看")
        self.policy_action.triggered.connect(self.show_policy_texts)
        help_menu.addAction(self.policy_action)
        help_menu.addSeparator()
        about_action = QAction("关于(&A)", self)
        about_action.triggered.connect(self.about)
        help_menu.addAction(about_action)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        # elided, not cut: the window fits a 1024-pixel screen and the whole text is in each tooltip
        self.office_status = ElidedLabel(objectName="office_status")
        self.operator_status = ElidedLabel(objectName="operator_status")
        self.parameters_status = ElidedLabel(objectName="parameters_status")
        self.data_status = ElidedLabel(objectName="data_status")
        for label in (self.office_status, self.operator_status, self.parameters_status, self.data_status):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            bar.addPermanentWidget(label)
        bar.addPermanentWidget(self.data_status, 1)
        # what gives way first when the bar is short: the data file's path, then the rule version; the operator
        # is always shown whole
        self.data_status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.parameters_status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.operator_status.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Preferred)
        self.operator_status.MIN_WIDTH = 10_000   # its minimum is its text: never elided

    def refresh_status(self) -> None:
        office = get_office(self.session)
        jurisdiction = JURISDICTIONS.get(office.jurisdiction)
        place = jurisdiction.name if jurisdiction else (office.jurisdiction or "未设置")
        self.office_status.setText(f"经办机构：{office.name or '未设置'}（{place}）")
        self.operator_status.setText(f"操作员：{self.session.operator}" + self._role_text())
        self.parameters_status.setText(self._parameter_version_text())
        if self.session.server:   # the office's server: its address and database, never the password
            self.data_status.setText(f"数据库：{self.session.source_label}")
            self.data_status.setToolTip(f"{self.session.source_label}（多个窗口共用；登录 {self.session.source}）")
        else:
            self.data_status.setText(f"数据文件：{self.session.path}")
        title = f"{TITLE} — {office.name or place}"
        if self.demo:
            title += f"（{DEMO_MARK}数据库，数据非真实）"
            self.office_status.setText(f"【{DEMO_MARK}】" + self.office_status.text())
        self.setWindowTitle(title)

    def _role_text(self) -> str:
        """（经办员） after a logged-in operator's name; nothing for the trusted system session of tests."""
        from desktop_app.services.permissions import ROLES

        role = getattr(self.session, "role", None)
        if role not in ROLES:
            return ""
        name = getattr(self.session, "full_name", "")
        return (f" {name}" if name and name != self.session.operator else "") + f"（{ROLES[role]}）"

    def _parameter_version_text(self) -> str:
        """Rule version plus the date of the newest parameter value in force today (and whether it is demo)."""
        today = self.clock()
        try:
            rows = parameter_service.parameter_rows(self.session)
        except InputError:
            rows = []
        in_force = [r for r in rows if r.valid_from <= today]
        text = f"规则版本：{RULES_VERSION}"
        if in_force:
            newest = max(r.valid_from for r in in_force)
            text += f"，最新参数自 {date_text(newest)} 起施行"
        if any(r.demo for r in in_force):
            text += f"（含{DEMO_MARK}参数）"
        return text

    def _restore_geometry(self) -> None:
        self.resize(1366, 740)
        if self._settings is not None:
            geometry = self._settings.value("main_window/geometry")
            if geometry is not None:
                self.restoreGeometry(geometry)

    def resizeEvent(self, event) -> None:  # noqa: N802
        """On a narrow screen (1024 pixels) the results list gives its width to the tabs, once per narrowing."""
        super().resizeEvent(event)
        narrow = event.size().width() < 1200
        if narrow != getattr(self, "_narrow", None):
            self._narrow = narrow
            left = 140 if narrow else 270
            self.ui.splitter.setSizes([left, max(self.ui.splitter.width() - left, 400)])

    def closeEvent(self, event) -> None:
        self.worklist_page.stop()
        if self._settings is not None:
            self._settings.setValue("main_window/geometry", self.saveGeometry())
        super().closeEvent(event)

    # -- search and selection -----------------------------------------------------------------------
    def eventFilter(self, watched, event) -> bool:
        """↓ in the search box goes to the results list."""
        if (watched is self.ui.search_edit and event.type() == QEvent.Type.KeyPress
                and event.key() == Qt.Key.Key_Down and self.people_model.rowCount()):
            self.ui.results_view.setFocus()
            if not self.ui.results_view.currentIndex().isValid():
                self._select_row(0)
            return True
        return super().eventFilter(watched, event)

    def show_worklists(self) -> None:
        """今日待办 in front (Ctrl+0); the lists are read again."""
        self.work_stack.setCurrentWidget(self.worklist_page)
        if self.worklist_page.loaded:
            self.worklist_page.reload()

    def show_tabs(self, *_) -> None:
        self.work_stack.setCurrentWidget(self.ui.work_panel)

    def _tab(self, index: int) -> None:
        self.show_tabs()
        self.ui.tab_widget.setCurrentIndex(index)

    def batch_reminders(self, kind: str, rows: list):
        from desktop_app.ui.batch_dialog import BatchDialog

        self.batch_dialog = BatchDialog(self.session, kind, rows, self.clock, self)
        self.batch_dialog.open()
        return self.batch_dialog

    def open_report(self):
        from desktop_app.ui.report_dialog import ReportDialog

        self.report_dialog = ReportDialog(self.session, self.clock, self)
        self.report_dialog.person_requested.connect(self.open_person)
        self.report_dialog.open()
        return self.report_dialog

    def open_daily_close(self):
        from desktop_app.ui.daily_close_dialog import DailyCloseDialog

        self.close_dialog = DailyCloseDialog(self.session, self.clock, self)
        self.close_dialog.open()
        return self.close_dialog

    def focus_search(self) -> None:
        self.ui.search_edit.setFocus()
        self.ui.search_edit.selectAll()

    def search(self) -> None:
        """Enter in the search box (a card reader ends with Enter): list hits; a single hit is selected."""
        text = self.ui.search_edit.text().strip()
        if not text:
            self.people_model.set_rows([])
            self.ui.results_label.setText("查找结果")
            return
        try:
            hits = people_service.search_people(self.session, text, PAGE)
        except InputError as error:
            self.statusBar().showMessage(error.message, 8000)
            return
        # the list fetches the next people as the clerk scrolls down to them (issue 7)
        self._show_results(hits, lambda offset, limit: people_service.search_people(self.session, text, limit, offset))
        if len(hits) == 1:
            self._select_row(0)
            self.ui.search_edit.selectAll()  # the next card swipe replaces the text
        elif not hits:
            self._offer_enrolment(text)
        else:
            self.set_person(None)  # several hits: the clerk picks one (↓ moves into the list)
            self.statusBar().showMessage(f"找到 {len(hits)} 人，请按↓键或用鼠标选择。", 8000)

    def _show_results(self, hits, more=None) -> None:
        """The list and its heading always agree: the count is of the rows shown (and more to come)."""
        self.people_model.set_rows(hits, more)
        shown = self.people_model.rowCount()
        if not shown:
            self.ui.results_label.setText("查找结果：未找到")
        elif self.people_model.complete:
            self.ui.results_label.setText(f"查找结果：{shown} 人")
        else:
            self.ui.results_label.setText(f"查找结果：{shown} 人以上（向下滚动显示更多）")

    def _offer_enrolment(self, text: str) -> None:
        """No one on file: a full valid ID goes to the enrolment form, ready to register."""
        if self.enrolment_tab.prefill_id_number(text):
            self.set_person(None)
            self.show_tabs()
            self.ui.tab_widget.setCurrentWidget(self.enrolment_tab)
            self.statusBar().showMessage("未找到此身份证号的参保人员，已转到参保登记页。", 8000)
        else:
            self.statusBar().showMessage(f"未找到“{text}”。", 8000)

    def _select_row(self, row: int) -> None:
        index = self.people_model.index(row, 0)
        self.ui.results_view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)

    def _on_result_row(self, current, _previous) -> None:
        if current.isValid():
            self.set_person(self.people_model.person_at(current.row()).id)

    def open_person(self, person_id: int) -> None:
        """Show a person (e.g. just enrolled, or already on file) in the results and select it."""
        person = people_service.get_person(self.session, person_id)
        self.ui.search_edit.setText(person.id_number)
        self._show_results(people_service.search_people(self.session, person.id_number))
        row = self.people_model.row_of(person_id)
        if row >= 0:
            self._select_row(row)
        else:
            self.set_person(person_id)

    def new_person(self) -> None:
        self.show_tabs()
        self.ui.results_view.clearSelection()
        self.set_person(None)
        self.enrolment_tab.clear()
        self.ui.tab_widget.setCurrentWidget(self.enrolment_tab)
        self.enrolment_tab.ui.id_number_edit.setFocus()

    def set_person(self, person_id: int | None) -> None:
        self.person_id = person_id
        if person_id is not None:
            self.show_tabs()
        if person_id is None:
            self.ui.person_label.setText("未选择人员：请先查找，或在“参保登记”页登记新人员。")
        else:
            self.ui.person_label.setText(self._person_text(person_id))
        for tab in self.tabs:
            tab.set_person(person_id)
        self.notices_action.setEnabled(person_id is not None)
        self.change_action.setEnabled(person_id is not None)
        self.status_action.setEnabled(person_id is not None)
        self.mode_action.setEnabled(person_id is not None and self._has_two_modes(person_id))
        self.person_selected.emit(person_id)

    def _person_text(self, person_id: int) -> str:
        person = people_service.get_person(self.session, person_id)
        parts = [f"<b>{person.name}</b>", SEXES.get(person.sex, person.sex or ""),
                 f"出生 {date_text(person.birth_date)}",
                 f"身份证号 {people_service.shown_id_number(self.session, person.id_number)}"]
        category = getattr(person, "category", None)
        if category:
            parts.append(CATEGORIES.get(category, category))
        jurisdiction = JURISDICTIONS.get(getattr(person, "jurisdiction", None) or "")
        if jurisdiction:
            parts.append(f"参保地 {jurisdiction.name}")
        first = getattr(person, "first_month", None) or getattr(person, "enrolled_month", None)
        if first:
            parts.append(f"参保起始 {month_text(first)}")
        return "当前人员：" + "　".join(parts)

    def _on_records_changed(self, person_id: int) -> None:
        """A tab wrote records: the other tabs reload the person so every view agrees."""
        sender = self.sender()
        for tab in self.tabs:
            if tab is not sender and self.person_id == person_id:
                tab.set_person(person_id)
        if self.person_id == person_id:
            self.ui.person_label.setText(self._person_text(person_id))

    # -- actions ------------------------------------------------------------------------------------
    def import_tax_file(self) -> None:
        """The tax bureau's file concerns many people: the payments tab runs it and refreshes the others."""
        self.ui.tab_widget.setCurrentWidget(self.payments_tab)
        self.payments_tab.import_file()

    def show_notices(self):
        """The person's notices, for a byte-identical reprint from the archive."""
        if self.person_id is None:
            return None
        self.notices_dialog = NoticesDialog(self.session, self.person_id, self.ui.person_label.text(), self,
                                            clock=self.clock)
        self.notices_dialog.open()
        return self.notices_dialog

    def change_person(self):
        """信息变更 of the selected person; the tabs reload after each change."""
        if self.person_id is None:
            return None
        self.change_dialog = PersonChangeDialog(self.session, self.person_id, self.clock, self)
        self.change_dialog.changed.connect(self._on_records_changed)
        self.change_dialog.open()
        return self.change_dialog

    def _has_two_modes(self, person_id: int) -> bool:
        """参保方式变更 only where the jurisdiction has two modes (the rule module's capabilities)."""
        person = people_service.get_person(self.session, person_id)
        jurisdiction = JURISDICTIONS.get(person.jurisdiction)
        return bool(jurisdiction and len(jurisdiction.modes) > 1)

    def change_status(self):
        if self.person_id is None:
            return None
        self.status_dialog = StatusDialog(self.session, self.person_id, self.clock, self)
        self.status_dialog.changed.connect(self._on_records_changed)
        self.status_dialog.open()
        return self.status_dialog

    def change_mode(self):
        if self.person_id is None:
            return None
        self.mode_dialog = ModeChangeDialog(self.session, self.person_id, self.clock, self.payments_tab.issue_and_show,
                                            self)
        self.mode_dialog.changed.connect(self._on_records_changed)
        self.mode_dialog.open()
        return self.mode_dialog

    def open_settings(self) -> None:
        dialog = SettingsDialog(self.session, self.clock, self)
        dialog.exec()
        self.refresh_status()
        self.enrolment_tab.office_changed()

    def open_server_settings(self):
        from desktop_app.ui.server_dialog import ServerDialog

        dialog = ServerDialog(self.session, self)
        dialog.exec()
        return dialog

    def show_policy_texts(self):
        """帮助 → 政策文件: the shipped texts by clause (a citation on a tab opens the same viewer)."""
        return open_policy_texts(self)

    def about(self) -> None:
        from desktop_app import __version__

        QMessageBox.about(
            self, "关于",
            f"<b>{TITLE}</b> {__version__}<br>规则版本 {RULES_VERSION}<br>"
            + (f"数据库：{self.session.source_label}<br>数据保存在本办公室的服务器上，不连接互联网。" if self.session.server
               else f"数据文件：{self.session.path}<br>离线运行，数据只保存在本机。"))
