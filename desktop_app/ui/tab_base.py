"""What every counter tab shares: its form, the session and clock, field errors, the notice preview."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Callable

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractItemView, QDateEdit, QLabel, QMessageBox, QVBoxLayout, QWidget

from desktop_app.services.errors import InputError
from desktop_app.ui.field_errors import FieldErrors, message_box
from desktop_app.notices import TITLES
from desktop_app.ui.forms import load_form
from desktop_app.ui.notice_dialog import NoticeDialog

NOTICE_TITLES = TITLES  # the titles printed on the notices
OK_STYLE = "color: #1b5e20; font-weight: bold;"
BAD_STYLE = "color: #b3261e; font-weight: bold;"


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def month_of(edit: QDateEdit) -> date:
    """The first day of the month shown in a 'yyyy-MM' date edit."""
    value = edit.date()
    return date(value.year(), value.month(), 1)


def show_flag(label: QLabel, text: str, good: bool) -> None:
    label.setText(text)
    label.setStyleSheet(OK_STYLE if good else BAD_STYLE)


def money(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def compact_rows(view: QAbstractItemView) -> None:
    """Rows one line of text high: more months of the ledger fit on a 768-pixel screen."""
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)


class CounterTab(QWidget):
    """Base of the four tabs. Subclasses set FORM and implement set_person."""

    FORM = ""
    ALIASES: dict[str, str] = {}
    records_changed = Signal(int)  # person id whose records this tab wrote

    def __init__(self, session, clock: Callable[[], date] = date.today, parent=None):
        super().__init__(parent)
        QVBoxLayout(self).setContentsMargins(0, 0, 0, 0)
        self.ui = load_form(self.FORM, self)
        self.session = session
        self.clock = clock
        self.person_id: int | None = None
        self.errors = FieldErrors(self.ui, self.ALIASES)
        self.last_notice: NoticeDialog | None = None
        self._reload_on_show = False

    def set_person(self, person_id: int | None) -> None:
        raise NotImplementedError

    def reload(self) -> None:
        """Show the selected person's records again (tabs with records to show implement it)."""

    def reload_when_shown(self) -> None:
        """Reload now if the tab is on screen, else when it is next shown: selecting a person then waits only
        for the tab in front, not for a hidden tab's rule decisions (issue 7)."""
        self._reload_on_show = self.isHidden()
        if not self._reload_on_show:
            self.reload()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._reload_on_show:
            self._reload_on_show = False
            self.reload()

    def shortcut(self, keys: str, slot) -> QShortcut:
        """A key combination active while this tab is shown (e.g. Ctrl+Return to save)."""
        short = QShortcut(QKeySequence(keys), self)
        short.activated.connect(slot)
        return short

    def save_shortcuts(self, slot) -> None:
        """Ctrl+Return, and Ctrl+Enter on the number pad, save."""
        self.shortcut("Ctrl+Return", slot)
        self.shortcut("Ctrl+Enter", slot)

    def fail(self, error: InputError) -> None:
        self.errors.show(error)

    def need_person(self) -> bool:
        if self.person_id is None:
            message_box(self.window(), "未选择人员", "请先在上方查找并选择人员。", QMessageBox.Icon.Information)
            return False
        return True

    def issue_and_show(self, kind: str, decision: dict, decision_id: int | None = None,
                       replaces: str | None = None, ask: bool = True, related: dict | None = None):
        """Issue (archive) a notice through the service, then open the print preview. A notice already issued
        for the same decision is not issued twice: the clerk chooses 重印 (the archived original) or 更正.
        `related`: decisions the notice also prints (paying next month instead, this month's contribution)."""
        from desktop_app.notices.issue import issue_notice, notice_citations
        from desktop_app.services.notices import earlier_notice

        if ask and replaces is None:
            earlier = earlier_notice(self.session, self.person_id, kind, decision, decision_id)
            if earlier is not None:
                return self._ask_reprint_or_correct(kind, decision, decision_id, earlier, related)
        try:
            issued = issue_notice(self.session, self.person_id, kind, decision, self.clock(),
                                  decision_id=decision_id, replaces=replaces, related=related)
        except InputError as error:
            self.fail(error)
            return None
        return self._preview(kind, issued.pdf, issued.serial, notice_citations(self.session, issued.serial))

    def _preview(self, kind: str, pdf: bytes, serial: str, citations, reprint: bool = False) -> NoticeDialog:
        title = NOTICE_TITLES.get(kind, "告知书")
        dialog = NoticeDialog(pdf, title + ("（重新打印）" if reprint else ""), serial, f"{title}-{serial}.pdf", self,
                              citations)
        self.last_notice = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()  # window-modal without blocking the caller
        return dialog

    def _ask_reprint_or_correct(self, kind: str, decision: dict, decision_id, earlier: dict,
                                related: dict | None = None) -> QMessageBox:
        from desktop_app.notices.issue import notice_citations
        from desktop_app.services.notices import reprint_notice
        from desktop_app.services.permissions import may

        title = NOTICE_TITLES.get(kind, "告知书")
        box = QMessageBox(QMessageBox.Icon.Question, "已出具过该通知书",
                          f"第{earlier['serial']}号{title}已于{earlier['issued_on']}出具。\n"
                          "重印：打印存档的原件（内容与编号不变）；更正：出具新编号的通知书并注明替代原件。",
                          QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("reprint_box")
        reprint = box.addButton("重印(&P)", QMessageBox.ButtonRole.AcceptRole)
        correct = box.addButton("更正(&G)", QMessageBox.ButtonRole.ActionRole)
        box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
        if not may(self.session, "correct"):
            correct.setEnabled(False)
            correct.setToolTip("更正须由复核员或管理员办理")
        box.setDefaultButton(reprint)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def chosen(button):
            if button is reprint:
                try:
                    pdf = reprint_notice(self.session, earlier["serial"])
                except InputError as error:
                    self.fail(error)
                    return
                self._preview(kind, pdf, earlier["serial"], notice_citations(self.session, earlier["serial"]), True)
            elif button is correct:
                self.issue_and_show(kind, decision, decision_id, replaces=earlier["serial"], related=related)

        box.buttonClicked.connect(chosen)
        box.open()
        self.reprint_box = box
        return box


class DecisionTab(CounterTab):
    """A tab that shows a rule decision, saves it, then prints notices from it (转移接续, 退休资格)."""

    def __init__(self, session, clock: Callable[[], date] = date.today, parent=None):
        super().__init__(session, clock, parent)
        self.decision: dict | None = None    # the decision shown
        self.saved_id: int | None = None     # its number once saved

    def print_notice(self, kind: str) -> NoticeDialog | None:
        if self.decision is None:
            return None
        return self.issue_and_show(kind, self.decision, self.saved_id)
