"""From a citation as a decision carries it ("淮医保发〔2022〕28号 二（一）、三（一）") to the clauses and their text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .catalogue import DOCUMENTS, OUTSIDE, Document, Outside
from .clauses import NUMERAL, Clause, ClauseNotFound, PolicyText, load

_PART = r"(?:前段|后段|第[0-9一二三四五六七八九十]+段)"
LABEL = rf"(?:第[{NUMERAL}]+条|[{NUMERAL}]+)?(?:[（(][{NUMERAL}]+[)）])?{_PART}?"
LABELS = re.compile(rf"{LABEL}(?:、{LABEL})*")


class CitationError(ValueError):
    """A citation this program cannot place: no document it knows, or a clause its text does not have."""


@dataclass(frozen=True)
class Reference:
    """One clause a citation names. For a document the program does not ship: document and clause are None,
    `outside` says which document it is, and the viewer shows the citation with 本程序未收录该文件全文."""

    citation: str
    document: Document | None = None
    clause: Clause | None = None          # None with a document: the whole text
    text: str = ""
    outside: Outside | None = None

    @property
    def shipped(self) -> bool:
        return self.document is not None


def resolve(citation: str) -> list[Reference]:
    """The clauses a citation names, in its order (two for 二（一）、三（一）); one not-shipped Reference for a
    law or decision outside resources/policy. Raises CitationError when it names nothing we know."""
    text = citation.strip()
    for outside in OUTSIDE:
        if any(text.startswith(name) for name in outside.cited_as):
            return [Reference(citation, outside=outside)]
    document, rest = _document_of(text)
    policy = load(document)
    rest = rest.strip().lstrip("：:").strip()
    if not rest:
        return [Reference(citation, document, None, policy.text)]
    labels = LABELS.match(rest).group(0)
    if not labels:
        return [_summary(citation, policy, rest)]
    if rest[len(labels):][:1] not in ("", "（", "(", "：", ":", " "):
        raise CitationError(f"无法识别依据“{citation}”中的条款")
    refs = []
    for label in labels.split("、"):
        try:
            clause = policy.clause(label)
        except ClauseNotFound as error:
            raise CitationError(f"依据“{citation}”：{error}") from None
        refs.append(Reference(citation, document, clause, policy.clause_text(clause)))
    return refs


def _document_of(text: str) -> tuple[Document, str]:
    names = sorted(((name, doc) for doc in DOCUMENTS for name in doc.cited_as), key=lambda nd: -len(nd[0]))
    for name, doc in names:
        if text.startswith(name):
            return doc, text[len(name):]
    raise CitationError(f"依据“{text}”所指的文件未能识别")


def _summary(citation: str, policy: PolicyText, summary: str) -> Reference:
    """The press report is cited by what it says: the part its summaries table names, else the whole text."""
    for word, label in policy.document.summaries:
        if word in summary:
            clause = policy.clause(label)
            return Reference(citation, policy.document, clause, policy.clause_text(clause))
    if policy.document.summaries:
        return Reference(citation, policy.document, None, policy.text)
    raise CitationError(f"无法识别依据“{citation}”中的条款")


def clause_text(document_key: str, label: str) -> str:
    """The text of one clause, e.g. clause_text("xinyang", "第九条（三）"); raises KeyError / ClauseNotFound."""
    from .catalogue import document

    policy = load(document(document_key))
    return policy.clause_text(policy.clause(label))


def quote(citation: str, max_chars: int = 60) -> str:
    """A short quote of the first clause the citation names, without its number or title, cut at a sentence
    (or clause) end when it is longer than max_chars; "" for a document the program does not ship."""
    ref = resolve(citation)[0]
    if not ref.shipped:
        return ""
    body = ref.text
    if ref.clause is not None:
        body = load(ref.document).text[ref.clause.start + ref.clause.head:ref.clause.end]
    return _cut(body.replace("\n", "").strip(), max_chars)


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    for marks in ("。；！？", "，、："):
        ends = [i for i, ch in enumerate(text[:limit - 1]) if ch in marks]
        if ends and ends[-1] + 1 >= limit // 2:
            return text[:ends[-1]] + "…"
    return text[:limit - 1] + "…"
