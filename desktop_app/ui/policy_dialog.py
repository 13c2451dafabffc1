"""帮助 → 政策文件: the shipped texts with their clauses; a citation opens here at the clause it names, highlighted.

The texts, the clauses and what a citation names come from desktop_app.documents; this is only the window.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QFont, QTextBlockFormat, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QDialog, QTextEdit, QTreeWidgetItem, QVBoxLayout, QWidget

from desktop_app import documents
from desktop_app.ui.forms import load_form

HIGHLIGHT = QColor("#ffe98a")
NOTE_STYLE = "color: #8a4b00;"
MISSING_STYLE = "color: #b3261e; font-weight: bold;"
NOT_SHIPPED = "本程序未收录该文件全文。"
SOURCE_NOTE = "原文随本程序安装，离线可查；仅供经办参考，以正式发布的文件为准。"


class PolicyDialog(QDialog):
    """One per window (see policy_viewer); stays open beside the counter tabs."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("政策文件")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        QVBoxLayout(self)
        self.ui = load_form("policy_dialog.ui", self)
        self.policy: documents.PolicyText | None = None
        self.highlighted: list[tuple[int, int]] = []
        self._pending_scroll: int | None = None
        ui = self.ui
        ui.source_label.setText(SOURCE_NOTE)
        ui.source_label.setStyleSheet("color: #555;")
        for doc in documents.documents():
            ui.document_list.addItem(doc.name)
            ui.document_list.item(ui.document_list.count() - 1).setToolTip(doc.title)
        font = QFont(ui.text_view.font())
        font.setPointSizeF(font.pointSizeF() * 1.15)
        ui.text_view.setFont(font)
        ui.splitter.setStretchFactor(0, 0)
        ui.splitter.setStretchFactor(1, 1)
        ui.splitter.setSizes([300, 760])
        ui.document_list.currentRowChanged.connect(self._on_document_row)
        ui.clause_tree.itemActivated.connect(self._on_clause_item)
        ui.clause_tree.itemClicked.connect(self._on_clause_item)
        ui.close_button.clicked.connect(self.close)
        self.resize(1100, 720)
        ui.document_list.setCurrentRow(0)

    # -- what the caller asks for ---------------------------------------------------------------------------
    def show_document(self, key: str) -> documents.PolicyText | None:
        """Show one text, nothing highlighted."""
        row = [d.key for d in documents.documents()].index(key)
        if self.ui.document_list.currentRow() != row:
            self.ui.document_list.blockSignals(True)
            self.ui.document_list.setCurrentRow(row)
            self.ui.document_list.blockSignals(False)
        policy = self._load(documents.document(key))
        self._highlight([])
        return policy

    def show_citation(self, citation: str) -> list[documents.Reference]:
        """The document a citation names, at its clause(s), highlighted; a law the program does not ship, or a
        citation it cannot place, is said so above the text."""
        ui = self.ui
        ui.citation_label.setVisible(True)
        head = f"依据：{escape(citation)}"
        try:
            refs = documents.resolve(citation)
        except (documents.CitationError, documents.DocumentMissing) as error:
            ui.citation_label.setText(f"{head}<br><span style='{MISSING_STYLE}'>{escape(str(error))}</span>")
            self._highlight([])
            return []
        if not refs[0].shipped:
            ui.citation_label.setText(f"{head}<br><span style='{MISSING_STYLE}'>{NOT_SHIPPED}</span>")
            self._show_outside(refs[0].outside)
            return refs
        doc = refs[0].document
        note = f"<br><span style='{NOTE_STYLE}'>{escape(doc.note)}</span>" if doc.note else ""
        marked = "（原文中以黄色标出）" if any(r.clause is not None for r in refs) else ""
        ui.citation_label.setText(f"{head}{marked}{note}")
        self.show_document(doc.key)
        self._highlight([r.clause for r in refs if r.clause is not None])
        return refs

    def highlighted_text(self) -> str:
        """The highlighted clause text, as shown (for tests and for a clerk's copy)."""
        if self.policy is None:
            return ""
        return "\n".join(self.policy.text[s:e] for s, e in self.highlighted)

    def first_visible_position(self) -> int:
        """The text position at the top left of the view."""
        return self.ui.text_view.cursorForPosition(self.ui.text_view.viewport().rect().topLeft()).position()

    # -- the text --------------------------------------------------------------------------------------------
    def _show_outside(self, outside: documents.Outside) -> None:
        """A law or decision the program does not ship: said in place of a text, no document selected."""
        ui = self.ui
        ui.document_list.blockSignals(True)
        ui.document_list.setCurrentRow(-1)
        ui.document_list.blockSignals(False)
        self.policy = None
        self.highlighted = []
        ui.document_label.setText(f"<b>{escape(outside.name)}</b>")
        self._set_text(f"{NOT_SHIPPED}\n{outside.note}\n左侧列出的是本程序收录的政策文件，可点击查看。")
        ui.text_view.setExtraSelections([])
        ui.clause_tree.clear()

    def _on_document_row(self, row: int) -> None:
        if row >= 0:
            self.ui.citation_label.setVisible(False)
            self._load(documents.documents()[row])

    def _load(self, doc: documents.Document) -> documents.PolicyText | None:
        ui = self.ui
        if self.policy is not None and self.policy.document == doc:
            return self.policy
        try:
            policy = documents.load(doc)
        except documents.DocumentMissing as error:
            self.policy = None
            ui.document_label.setText(f"<span style='{MISSING_STYLE}'>{escape(str(error))}</span>")
            ui.text_view.clear()
            ui.clause_tree.clear()
            return None
        self.policy = policy
        self.highlighted = []
        ui.document_label.setText(self._document_text(doc))
        self._set_text(policy.text)
        self._format(policy)
        self._fill_clauses(policy)
        ui.text_view.setExtraSelections([])
        ui.text_view.moveCursor(QTextCursor.MoveOperation.Start)
        return policy

    @staticmethod
    def _document_text(doc: documents.Document) -> str:
        parts = [f"<b>{escape(doc.title)}</b>"]
        line = "　".join(p for p in (doc.issuer, doc.number) if p)
        if doc.in_force:
            line += f"　自 {doc.in_force.year}年{doc.in_force.month}月{doc.in_force.day}日起施行"
        parts.append(escape(line))
        if doc.note:
            parts.append(f"<span style='{NOTE_STYLE}'>{escape(doc.note)}</span>")
        return "<br>".join(parts)

    def _set_text(self, text: str) -> None:
        """Plain text in the regular weight (setPlainText keeps the format at the old cursor: a bold heading)."""
        view = self.ui.text_view
        view.setCurrentCharFormat(QTextCharFormat())
        view.setPlainText(text)

    def _format(self, policy: documents.PolicyText) -> None:
        """Space between paragraphs; clause numbers and titles in bold."""
        document = self.ui.text_view.document()
        cursor = QTextCursor(document)
        cursor.select(QTextCursor.SelectionType.Document)
        spacing = QTextBlockFormat()
        spacing.setBottomMargin(self.ui.text_view.fontMetrics().height() * 0.45)
        spacing.setLineHeight(135, 1)  # QTextBlockFormat.ProportionalHeight: Chinese reads better with air
        cursor.mergeBlockFormat(spacing)
        bold = QTextCharFormat()
        bold.setFontWeight(QFont.Weight.Bold)
        for clause in policy.clauses:
            if clause.head:
                cursor.setPosition(clause.start)
                cursor.setPosition(clause.start + clause.head, QTextCursor.MoveMode.KeepAnchor)
                cursor.mergeCharFormat(bold)

    def _fill_clauses(self, policy: documents.PolicyText) -> None:
        tree = self.ui.clause_tree
        tree.clear()
        items: dict[str, QTreeWidgetItem] = {}
        for clause in policy.clauses:
            parent = items.get(clause.parent) if clause.parent else None
            item = QTreeWidgetItem([clause.title])
            item.setData(0, Qt.ItemDataRole.UserRole, clause.label)
            item.setToolTip(0, clause.label)
            (parent.addChild(item) if parent is not None else tree.addTopLevelItem(item))
            items[clause.label] = item
        tree.expandAll()

    def _on_clause_item(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        if self.policy is not None:
            self._highlight([self.policy.clause(item.data(0, Qt.ItemDataRole.UserRole))], select=False)

    def _highlight(self, clauses: list, select: bool = True) -> None:
        """Mark the clauses yellow and bring the first to the top of the view."""
        view = self.ui.text_view
        self.highlighted = [(c.start, c.end) for c in clauses]
        marks = []
        for start, end in self.highlighted:
            mark = QTextEdit.ExtraSelection()
            cursor = QTextCursor(view.document())
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            mark.cursor = cursor
            colour = QTextCharFormat()
            colour.setBackground(HIGHLIGHT)
            mark.format = colour
            marks.append(mark)
        view.setExtraSelections(marks)
        if not clauses:
            return
        first = clauses[0]
        if select and not self._select_in_tree(first.label) and first.parent:
            self._select_in_tree(first.parent)   # a part (五（十二）后段) is listed as its clause
        if self.isVisible():
            self._scroll_to(first.start)
        else:
            self._pending_scroll = first.start

    def _select_in_tree(self, label: str) -> bool:
        tree = self.ui.clause_tree
        for item in tree.findItems("*", Qt.MatchFlag.MatchWildcard | Qt.MatchFlag.MatchRecursive):
            if item.data(0, Qt.ItemDataRole.UserRole) == label:
                tree.setCurrentItem(item)
                tree.scrollToItem(item)
                return True
        return False

    def _scroll_to(self, position: int) -> None:
        """Put the clause's first line near the top of the view, the end of the paragraph before it above."""
        view = self.ui.text_view
        document = view.document()
        cursor = QTextCursor(document)
        cursor.setPosition(position)
        view.setTextCursor(cursor)
        top = document.documentLayout().blockBoundingRect(document.findBlock(position)).top()
        view.verticalScrollBar().setValue(max(0, round(top - 2 * view.fontMetrics().height())))

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._pending_scroll is not None:
            position, self._pending_scroll = self._pending_scroll, None
            QTimer.singleShot(0, lambda: self._scroll_to(position))


def policy_viewer(source: QWidget) -> PolicyDialog:
    """The viewer of source's window, made the first time (one per window, so it stays where the clerk put it).
    A window-modal notice preview gets its own: a viewer of the main window would sit blocked behind it."""
    host = source.window()
    viewer = host.findChild(PolicyDialog, None, Qt.FindChildOption.FindDirectChildrenOnly)
    return viewer if viewer is not None else PolicyDialog(host)


def open_citation(source: QWidget, citation: str) -> PolicyDialog:
    viewer = policy_viewer(source)
    viewer.show_citation(citation)
    _present(viewer)
    return viewer


def open_policy_texts(source: QWidget) -> PolicyDialog:
    viewer = policy_viewer(source)
    viewer.ui.citation_label.setVisible(False)
    _present(viewer)
    return viewer


def _present(viewer: PolicyDialog) -> None:
    viewer.show()
    viewer.raise_()
    viewer.activateWindow()
