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
                       related: dict | None = None) -> NoticeDialog | None:
        """Issue (archive) a notice through the service, then open the print preview."""
        from desktop_app.notices.issue import issue_notice, notice_citations

        try:
            issued = issue_notice(self.session, self.person_id, kind, decision, self.clock(),
                                  decision_id=decision_id, related=related)
        except InputError as error:
            self.fail(error)
            return None
        title = NOTICE_TITLES.get(kind, "告知书")
        dialog = NoticeDialog(issued.pdf, title, issued.serial, f"{title}-{issued.serial}.pdf", self,
                              notice_citations(self.session, issued.serial))
        self.last_notice = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()  # window-modal without blocking the caller
        return dialog


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
