"""UI test helpers: a main window on a real data file (信阳市, demo parameters) and the clerk's typing."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt


TODAY = date(2025, 6, 16)
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(first17: str) -> str:
    """A resident ID with its GB 11643 check digit (test data only)."""
    total = sum(int(c) * w for c, w in zip(first17, WEIGHTS))
    return first17 + "10X98765432"[total % 11]


def wrong_check_digit(number: str) -> str:
    last = number[-1]
    return number[:-1] + ("0" if last != "0" else "1")


ZHANG = id_number("41150219850315003")   # man, born 1985-03-15 (信阳 prefix)
LI = id_number("41150219900720004")      # woman, born 1990-07-20
WANG = id_number("41150219640110001")    # man, born 1964-01-10 (near retirement)


@pytest.fixture
def ui_session(session):
    """The shared `session` (信阳市 office, real file) with the demo average wages entered (示例)."""
    from desktop_app.services.demo_parameters import enter_demo_parameters

    enter_demo_parameters(session, "xinyang", TODAY)
    return session


@pytest.fixture
def window(qtbot, qapp, ui_session):
    from desktop_app.ui.app import setup_application
    from desktop_app.ui.main_window import MainWindow

    setup_application(qapp)
    w = MainWindow(ui_session, clock=lambda: TODAY)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    qtbot.waitExposed(w)
    return w


def click(qtbot, widget) -> None:
    """Click a button; a check box on its box (a wide QCheckBox reacts only over its box and text)."""
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QCheckBox

    assert widget.isEnabled(), widget.objectName()
    if isinstance(widget, QCheckBox):
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(8, widget.height() // 2))
    else:
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def type_into(qtbot, edit, text: str) -> None:
    """Type like the clerk: keys for ASCII (as a card reader sends them), an input-method commit for Chinese
    (QTest cannot press keys for characters outside ASCII)."""
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    edit.clear()
    edit.setFocus()
    for chunk in _runs(text):
        if chunk.isascii():
            qtbot.keyClicks(edit, chunk)
        else:
            event = QInputMethodEvent()
            event.setCommitString(chunk)
            QApplication.sendEvent(edit, event)


def _runs(text: str) -> list[str]:
    """'张伟 ab' -> ['张伟', ' ab']: runs of ASCII and non-ASCII characters."""
    runs: list[str] = []
    for ch in text:
        if runs and runs[-1][-1].isascii() == ch.isascii():
            runs[-1] += ch
        else:
            runs.append(ch)
    return runs


def set_month(edit, month: date) -> None:
    edit.setDate(QDate(month.year, month.month, 1))


def fill_enrolment(qtbot, tab, number: str, name: str, first_month: date | None = None,
                   places=("hukou",)) -> None:
    ui = tab.ui
    type_into(qtbot, ui.id_number_edit, number)
    type_into(qtbot, ui.name_edit, name)
    type_into(qtbot, ui.phone_edit, "13800000000")
    type_into(qtbot, ui.address_edit, "信阳市浉河区中山路1号")
    for place in places:
        box = getattr(ui, f"{place}_check")
        if not box.isChecked():
            click(qtbot, box)
    if first_month is not None:
        set_month(ui.first_month_edit, first_month)


def enrol(qtbot, window, number: str = ZHANG, name: str = "张伟", first_month: date | None = None) -> int:
    """Drive the enrolment tab to a saved person; returns the person id."""
    tab = window.enrolment_tab
    window.new_person()
    fill_enrolment(qtbot, tab, number, name, first_month)
    click(qtbot, tab.ui.save_button)
    assert tab.enrolment is not None and tab.enrolment.created, tab.ui.result_label.text()
    return tab.enrolment.person_id


def people_count(session) -> int:
    return session.db["people"].count


def cell(view, row: int, column: int) -> str:
    return view.model().index(row, column).data()
