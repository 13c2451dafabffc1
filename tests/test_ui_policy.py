"""帮助 → 政策文件, and every 依据 line's citations as links: a click on a tab opens the clause it names, highlighted
and in view. Driven through the real window with the mouse; screenshots go to tmp_path for a person to look at."""

import re
from datetime import date
from urllib.parse import unquote

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QToolTip

from desktop_app import documents
from desktop_app.rules.jurisdictions import RETIREMENT_DECISION
from desktop_app.ui.policy_dialog import PolicyDialog
from notice_samples.poppler import poppler
from test_ui_payments import pay
from ui_fixtures import ZHANG, click, enrol, fill_enrolment, id_number, set_month, type_into, ui_session, window  # noqa: F401

NEAR_RETIREMENT = id_number("41150219650620001")  # man born 1965-06-20


def link_point(label, citation: str) -> QPoint:
    """Where the citation's link is on the label, found as the mouse finds it: moving over the label until the
    label reports hovering that link. (Move events go to the label itself: QTest.mouseMove moves the platform
    cursor, which the offscreen platform may hand to a window of an earlier test.)"""
    hovered: list[str] = []
    label.linkHovered.connect(hovered.append)
    try:
        line = label.fontMetrics().height()
        step = max(3, label.fontMetrics().horizontalAdvance("中") // 2)
        for y in range(line // 2, label.height(), max(2, line // 2)):
            for x in range(2, label.width(), step):
                where = QPointF(x, y)
                QApplication.sendEvent(label, QMouseEvent(
                    QEvent.Type.MouseMove, where, label.mapToGlobal(where), Qt.MouseButton.NoButton,
                    Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier))
                if hovered and unquote(hovered[-1]).endswith(citation):
                    return QPoint(x, y)
    finally:
        label.linkHovered.disconnect(hovered.append)
    raise AssertionError(f"no link for {citation!r} on {label.objectName()}: {label.text()}")


def laid_out(qtbot, label) -> None:
    """The label has grown to its lines: the layout has run, as it has by the time a person looks."""
    qtbot.waitUntil(lambda: label.height() >= label.heightForWidth(label.width()))


def click_citation(qtbot, label, citation: str) -> PolicyDialog:
    assert label.isVisible(), label.objectName()
    laid_out(qtbot, label)
    point = link_point(label, citation)
    # hovering shows the start of the clause (or that the text is not shipped) before the click
    shown = QToolTip.text()
    assert citation in shown and (documents.quote(citation, 80) or "本程序未收录该文件全文") in shown
    qtbot.mouseClick(label, Qt.MouseButton.LeftButton, pos=point)
    viewer = label.window().findChild(PolicyDialog)
    assert viewer is not None, f"clicking {citation} opened no viewer"
    qtbot.waitUntil(viewer.isVisible)
    return viewer


def assert_shows_clause(qtbot, viewer: PolicyDialog, citation: str) -> None:
    """The clause is the highlighted text, and its start is on screen in the text view."""
    refs = documents.resolve(citation)
    assert viewer.highlighted_text() == "\n".join(r.text for r in refs)
    view = viewer.ui.text_view
    start = refs[0].clause.start

    def in_view():
        cursor = view.textCursor()
        cursor.setPosition(start)
        return view.viewport().rect().contains(view.cursorRect(cursor).center())
    qtbot.waitUntil(in_view)
    assert citation in viewer.ui.citation_label.text()
    assert viewer.ui.document_list.currentItem().text().startswith(refs[0].document.place)


def citations_of(label) -> list[str]:
    return [unquote(h) for h in re.findall(r'href="clause:([^"]+)"', label.text())]


def test_help_menu_opens_the_texts_and_the_clause_list_moves_to_a_clause(qtbot, window, tmp_path):
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text().startswith("帮助"))
    assert window.policy_action in help_menu.actions()
    QTest.keyClick(window, Qt.Key.Key_F1)
    viewer = window.findChild(PolicyDialog)
    assert viewer is not None
    qtbot.waitUntil(viewer.isVisible)
    ui = viewer.ui
    assert ui.document_list.count() == len(documents.documents()) == 5
    assert not ui.citation_label.isVisible()
    assert "淮医保发〔2022〕28号" in ui.document_label.text()
    assert ui.text_view.toPlainText().startswith("淮南市医疗保障局")

    # 信阳, then 第九条（三） in the clause list
    ui.document_list.setCurrentRow([d.key for d in documents.documents()].index("xinyang"))
    assert "信医保办〔2023〕46号" in ui.document_label.text()
    item = next(i for i in ui.clause_tree.findItems("*", Qt.MatchFlag.MatchWildcard | Qt.MatchFlag.MatchRecursive)
                if i.data(0, Qt.ItemDataRole.UserRole) == "第九条（三）")
    ui.clause_tree.scrollToItem(item)
    qtbot.mouseClick(ui.clause_tree.viewport(), Qt.MouseButton.LeftButton,
                     pos=ui.clause_tree.visualItemRect(item).center())
    assert viewer.highlighted_text() == documents.clause_text("xinyang", "第九条（三）")
    assert viewer.first_visible_position() <= documents.load(documents.document("xinyang")).clause("第九条（三）").start
    viewer.grab().save(str(tmp_path / "policy-viewer.png"))

    # F1 again brings the same viewer back
    QTest.keyClick(window, Qt.Key.Key_F1)
    assert window.findChildren(PolicyDialog) == [viewer]


def test_the_enrolment_basis_line_opens_each_clause(qtbot, window, tmp_path):
    tab = window.enrolment_tab
    fill_enrolment(qtbot, tab, ZHANG, "张伟", date(2025, 6, 1))
    click(qtbot, tab.ui.check_button)
    cited = citations_of(tab.ui.citations_label)
    assert "信医保办〔2023〕46号 第二条、第四条" in cited
    laid_out(qtbot, tab.ui.citations_label)
    window.grab().save(str(tmp_path / "enrolment-basis-links.png"))
    for citation in cited:
        viewer = click_citation(qtbot, tab.ui.citations_label, citation)
        if documents.resolve(citation)[0].shipped:
            assert_shows_clause(qtbot, viewer, citation)
    viewer.grab().save(str(tmp_path / "policy-from-enrolment.png"))
    assert len(window.findChildren(PolicyDialog)) == 1       # one viewer, moved from clause to clause


def test_the_payments_tab_basis_lines_open_their_clauses(qtbot, window, tmp_path):
    enrol(qtbot, window, ZHANG, "张伟", date(2025, 1, 1))
    window.ui.tab_widget.setCurrentWidget(window.payments_tab)
    tab = window.payments_tab
    pay(qtbot, tab, date(2025, 1, 1), date(2025, 3, 1), date(2025, 1, 10), "R1")
    ledger_cited = citations_of(tab.ui.ledger_citations_label)
    assert any("第九条（一）" in c for c in ledger_cited), tab.ui.ledger_citations_label.text()
    viewer = click_citation(qtbot, tab.ui.ledger_citations_label, ledger_cited[0])
    assert_shows_clause(qtbot, viewer, ledger_cited[0])
    viewer.close()

    click(qtbot, tab.ui.quote_button)
    assert tab.quote is not None
    quote_cited = citations_of(tab.ui.quote_citations_label)
    assert quote_cited, tab.ui.quote_citations_label.text()
    laid_out(qtbot, tab.ui.quote_citations_label)
    window.grab().save(str(tmp_path / "payments-basis-links.png"))
    shipped = [c for c in quote_cited if documents.resolve(c)[0].shipped]
    viewer = click_citation(qtbot, tab.ui.quote_citations_label, shipped[-1])
    assert_shows_clause(qtbot, viewer, shipped[-1])


def test_the_transfer_decision_opens_its_clause(qtbot, window):
    enrol(qtbot, window, ZHANG, "张伟", date(2025, 5, 1))
    window.ui.tab_widget.setCurrentWidget(window.transfer_tab)
    tab = window.transfer_tab
    type_into(qtbot, tab.ui.previous_region_edit, "河南省郑州市")
    set_month(tab.ui.last_paid_month_edit, date(2025, 2, 1))
    tab.ui.contribution_months_spin.setValue(120)
    click(qtbot, tab.ui.decide_button)
    assert tab.decision is not None
    cited = citations_of(tab.ui.citations_label)
    assert cited
    viewer = click_citation(qtbot, tab.ui.citations_label, cited[0])
    assert_shows_clause(qtbot, viewer, cited[0])


def test_the_retirement_decision_opens_its_clause_and_says_when_a_text_is_not_shipped(qtbot, window, tmp_path):
    enrol(qtbot, window, NEAR_RETIREMENT, "王强", date(2025, 1, 1))
    window.ui.tab_widget.setCurrentWidget(window.retirement_tab)
    tab = window.retirement_tab
    click(qtbot, tab.ui.decide_button)
    assert tab.decision is not None
    cited = citations_of(tab.ui.citations_label)
    assert RETIREMENT_DECISION in cited
    shipped = next(c for c in cited if c.startswith("信医保办"))
    viewer = click_citation(qtbot, tab.ui.citations_label, shipped)
    assert_shows_clause(qtbot, viewer, shipped)

    viewer = click_citation(qtbot, tab.ui.citations_label, RETIREMENT_DECISION)
    said = viewer.ui.citation_label.text()
    assert RETIREMENT_DECISION in said and "本程序未收录该文件全文" in said
    assert viewer.highlighted_text() == "" and viewer.ui.document_list.currentRow() == -1
    assert viewer.ui.text_view.toPlainText().startswith("本程序未收录该文件全文。")
    laid_out(qtbot, viewer.ui.citation_label)
    viewer.grab().save(str(tmp_path / "policy-not-shipped.png"))


def test_the_notice_preview_lists_the_printed_clauses_as_links(qtbot, window, ui_session, tmp_path):
    enrol(qtbot, window, ZHANG, "张伟", date(2025, 6, 1))
    tab = window.enrolment_tab
    preview = tab.print_notice()
    assert preview is not None
    qtbot.waitUntil(preview.isVisible)
    label = preview.ui.citations_label
    cited = citations_of(label)
    assert "信医保办〔2023〕46号 第七条" in cited     # the notice's own clause (if unpaid), beyond the decision's
    printed = re.sub(r"\s+", "", poppler("pdftotext", preview.pdf, "-raw"))
    listed = printed[printed.index("适用条款（条文摘录）："):]
    assert [re.sub(r"\s+", "", c) in listed for c in cited] == [True] * len(cited)   # what the notice prints
    laid_out(qtbot, label)
    preview.grab().save(str(tmp_path / "notice-preview-links.png"))
    viewer = click_citation(qtbot, label, cited[0])
    assert viewer.parent() is preview            # not behind the window-modal preview
    assert_shows_clause(qtbot, viewer, cited[0])
    preview.close()

    # a reprint from the archive links the same clauses
    notices = window.show_notices()
    notices.ui.notices_view.selectRow(0)
    reprint = notices.reprint()
    assert reprint is not None and citations_of(reprint.ui.citations_label) == cited
    reprint.close()
    notices.close()


@pytest.mark.parametrize("citation", [
    "吉林省《关于优化灵活就业人员医疗保障有关政策的通知》（征求意见稿） 五（十二）后段",
    "淮医保发〔2022〕28号 二（一）、三（一）",
    "江苏省医保局新闻发布会（2021年10月20日）：省内转移接续中断不超过3个月补足后视作连续参保",
])
def test_the_viewer_highlights_parts_pairs_and_the_press_report(qtbot, window, citation, tmp_path):
    from desktop_app.ui.policy_dialog import open_citation

    viewer = open_citation(window, citation)
    qtbot.waitUntil(viewer.isVisible)
    assert_shows_clause(qtbot, viewer, citation)
    laid_out(qtbot, viewer.ui.citation_label)
    viewer.grab().save(str(tmp_path / "policy-viewer.png"))
    if "新闻发布会" in citation:
        assert "新闻报道" in viewer.ui.citation_label.text()


def test_a_citation_the_texts_lack_is_said_plainly(qtbot, window):
    from desktop_app.ui.policy_dialog import open_citation

    viewer = open_citation(window, "淮医保发〔2022〕28号 二（九）")
    assert "没有“二（九）”" in viewer.ui.citation_label.text()
    assert viewer.highlighted_text() == ""
