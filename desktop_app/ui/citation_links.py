"""依据 lines whose citations are links: a click opens the policy viewer at the clause the citation names."""

from __future__ import annotations

from html import escape
from urllib.parse import quote as url_quote
from urllib.parse import unquote

from PySide6.QtCore import Qt
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QLabel, QToolTip

from desktop_app import documents
from desktop_app.ui.policy_dialog import open_citation

SCHEME = "clause:"
HINT = "点击条款查看政策文件原文"


def citation_href(citation: str) -> str:
    return SCHEME + url_quote(citation, safe="")


def citation_of(href: str) -> str:
    return unquote(href[len(SCHEME):]) if href.startswith(SCHEME) else ""


def links_html(citations, prefix: str = "依据：") -> str:
    """'依据：<a>…</a>；<a>…</a>', or 依据：— when a decision cites nothing."""
    links = "；".join(f'<a href="{citation_href(c)}">{escape(c)}</a>' for c in citations or [])
    return escape(prefix) + (links or "—")


def link_citations(label: QLabel) -> None:
    """Make a label show citations as links (once, when the tab is built)."""
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
    label.setOpenExternalLinks(False)
    label.linkActivated.connect(lambda href: _open(label, href))
    label.linkHovered.connect(lambda href: _preview(label, href))


def set_citations(label: QLabel, citations, prefix: str = "依据：") -> None:
    label.setText(links_html(citations, prefix))


def _open(label: QLabel, href: str) -> None:
    citation = citation_of(href)
    if citation:
        open_citation(label, citation)


def _preview(label: QLabel, href: str) -> None:
    """Hovering a citation shows the start of the clause it names."""
    citation = citation_of(href)
    if not citation:
        QToolTip.hideText()
        return
    try:
        text = documents.quote(citation, 80) or "本程序未收录该文件全文。"
    except (documents.CitationError, documents.DocumentMissing) as error:
        text = str(error)
    QToolTip.showText(QCursor.pos(), f"<b>{escape(citation)}</b><br>{escape(text)}<br><i>{HINT}</i>", label)
