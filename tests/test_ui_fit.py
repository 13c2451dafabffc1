"""Fits the screen (issue 13): at 1366×768 and at 1024×768 nothing is cut off — the window fits, every ledger
column shows without scrolling sideways, no label is clipped; a clerk's menus hold nothing empty; the lock
dialog's button says 解锁. Screenshots of every tab at both sizes are written to the test's folder."""

from datetime import date

import pytest
from PySide6.QtWidgets import QLabel

from auth_fixtures import staffed, staffed_path, staffed_template  # noqa: F401
from ui_fixtures import ZHANG, enrol, ui_session, window  # noqa: F401

SIZES = [(1366, 768), (1024, 768)]


def clipped_labels(widget) -> list[str]:
    """Visible single-line labels whose text is wider than the label (elided labels draw their own)."""
    from desktop_app.ui.elision import ElidedLabel

    out = []
    for label in widget.findChildren(QLabel):
        if not label.isVisible() or label.wordWrap() or isinstance(label, ElidedLabel) or not label.text():
            continue
        if label.textFormat() == label.textFormat().RichText or "<" in label.text():
            continue
        shown = label.text().replace("&&", "\x00").replace("&", "").replace("\x00", "&")   # a mnemonic is not drawn
        if label.fontMetrics().horizontalAdvance(shown) > label.contentsRect().width() + 1:
            out.append(f"{label.objectName()}: {label.text()[:30]}")
    return out


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_tab_fits_the_screen(qtbot, window, ui_session, size, tmp_path):
    from desktop_app.services.payments import record_payment

    assert window.minimumSizeHint().width() <= 1024 and window.minimumSizeHint().height() <= 768
    pid = enrol(qtbot, window, ZHANG, "张伟", date(2025, 1, 1))
    record_payment(ui_session, pid, [date(2025, m, 1) for m in range(1, 4)], date(2025, 1, 10), "SW2025011000000001",
                   date(2025, 6, 16))
    window.resize(*size)
    qtbot.waitUntil(lambda: window.width() == size[0])
    window.open_person(pid)
    for index, tab in enumerate(window.tabs):
        window.ui.tab_widget.setCurrentIndex(index)
        qtbot.wait(20)
        window.grab().save(str(tmp_path / f"{size[0]}-tab{index + 1}.png"))
        assert not clipped_labels(tab), clipped_labels(tab)
    view = window.payments_tab.ui.ledger_view
    window.ui.tab_widget.setCurrentWidget(window.payments_tab)
    qtbot.wait(20)
    header = view.horizontalHeader()
    last = header.count() - 1
    assert view.horizontalScrollBar().maximum() == 0, "the ledger scrolls sideways"
    assert header.sectionPosition(last) + header.sectionSize(last) <= view.viewport().width() + 1
    assert window.width() <= size[0]
    print(f"screenshots: {tmp_path}")


def test_a_clerk_sees_no_empty_menu_and_the_lock_button_says_unlock(qtbot, staffed):
    from auth_fixtures import STAFF_PASSWORD
    from desktop_app.services import auth
    from desktop_app.ui.login_dialog import LoginDialog
    from desktop_app.ui.main_window import MainWindow
    from desktop_app.ui.safety import SafetyControls

    auth.login(staffed, "jb", STAFF_PASSWORD)
    w = MainWindow(staffed, clock=lambda: date(2025, 6, 16))
    qtbot.addWidget(w)
    SafetyControls(w, staffed).apply_role()
    for top in w.menuBar().actions():
        if top.isVisible() and top.menu() is not None:
            assert any(a.isVisible() and not a.isSeparator() for a in top.menu().actions()), top.text()
    settings_menu = next(a for a in w.menuBar().actions() if a.text().startswith("设置"))
    assert not settings_menu.isVisible()   # the clerk may change nothing there
    auth.lock(staffed)
    dialog = LoginDialog(staffed, "unlock")
    qtbot.addWidget(dialog)
    assert dialog.ui.login_button.text().startswith("解锁")
