"""A shipped text as paragraphs and clauses, found from its own headings (一、 （一） 第九条 ## 关键词：).

The .txt files are copies of the published texts (a test keeps them equal to their source): line breaks that a
PDF export left inside a sentence are joined here for reading, no character is changed. A clause is named the
way the rule module cites it: 二 / 二（三） (淮南, 江苏, 吉林: 吉林 numbers its items across sections, so 三（九）),
第九条 / 第九条（三） (信阳), the keyword of a press-report section (医保转移接续); a part of one is 后段, 前段 or
第2段 (counting paragraphs, a title-only heading line not counted).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .catalogue import Document

NUMERAL = "一二三四五六七八九十百"
SECTION = re.compile(rf"^([{NUMERAL}]+)、")
ARTICLE = re.compile(rf"^(第[{NUMERAL}]+条)(?=\s|$)")
ITEM = re.compile(rf"^[（(]([{NUMERAL}]+)[)）]")
MARK = re.compile(r"^(?:#+|-)\s+")   # markdown left by the text export: # headings, - list items
KEYWORD = re.compile(r"^关键词[：:]\s*(\S+)")
ITEM_TITLE = re.compile(r"[^，。；：]{2,12}。")   # （三）待遇享受。: an item's own short title
SENTENCE_END = "。；：！？"
WRAPPED_MIN = 24   # a line this long that stops mid-sentence was wrapped by the export; title lines are shorter
PART = re.compile(r"(前段|后段|第([0-9一二三四五六七八九十]+)段)$")


class ClauseNotFound(LookupError):
    def __init__(self, document: Document, label: str):
        super().__init__(f"{document.number or document.title}中没有“{label}”")
        self.document, self.label = document, label


class DocumentMissing(RuntimeError):
    """The text is not where the program looks for it: a broken installation."""


@dataclass(frozen=True)
class Clause:
    label: str                 # as cited: 二（三）, 第九条, 五（十二）后段
    title: str                 # for a list of clauses: （三）待遇享受
    start: int                 # [start, end) in PolicyText.text
    end: int
    parent: str | None = None  # the section an item belongs to
    head: int = 0              # characters of number and title at start: 二、规范筹资，完善保障 / （三）待遇享受。 / 第九条


@dataclass(frozen=True)
class PolicyText:
    document: Document
    text: str                          # paragraphs, one a line
    clauses: tuple[Clause, ...]        # sections, articles and their items, in the order of the text

    def clause(self, label: str) -> Clause:
        """The clause a citation names (after the document), parts (后段 …) included; raises ClauseNotFound."""
        wanted = normalise(label)
        for clause in self.clauses:
            if clause.label == wanted:
                return clause
        part = PART.search(wanted)
        if part and part.start() > 0:
            whole = self.clause(wanted[:part.start()])
            spans = self.body_paragraphs(whole)
            index = _part_index(part, len(spans))
            if index is not None:
                start, end = spans[index]
                return Clause(wanted, f"{whole.title}（{part.group(1)}）", start, end, whole.label)
        raise ClauseNotFound(self.document, label)

    def clause_text(self, clause: Clause) -> str:
        return self.text[clause.start:clause.end]

    def paragraphs(self, clause: Clause) -> list[tuple[int, int]]:
        """(start, end) of each paragraph of the clause."""
        spans, start = [], clause.start
        for line in self.text[clause.start:clause.end].split("\n"):
            spans.append((start, start + len(line)))
            start += len(line) + 1
        return spans

    def body_paragraphs(self, clause: Clause) -> list[tuple[int, int]]:
        """The paragraphs without a title-only heading line (二、规范筹资，完善保障)."""
        spans = self.paragraphs(clause)
        if spans and _title_only(self.text[spans[0][0]:spans[0][1]]) and len(spans) > 1:
            spans = spans[1:]
        return spans


def normalise(label: str) -> str:
    return re.sub(r"\s+", "", label).replace("(", "（").replace(")", "）")


def _part_index(part: re.Match, count: int) -> int | None:
    if part.group(1) == "后段":
        return count - 1 if count > 1 else None
    if part.group(1) == "前段":
        return 0 if count > 1 else None
    number = part.group(2)
    n = int(number) if number.isdigit() else NUMERAL.index(number) + 1 if len(number) == 1 else None
    return n - 1 if n and n <= count else None


def _title_only(paragraph: str) -> bool:
    return bool(SECTION.match(paragraph) or paragraph.startswith("关键词")) and paragraph[-1:] not in SENTENCE_END


def _is_heading(line: str) -> bool:
    return bool(SECTION.match(line) or ARTICLE.match(line) or ITEM.match(line) or MARK.match(line))


def reflow(raw: str) -> list[str]:
    """The text's paragraphs: lines stripped, blank lines dropped, a line broken mid-sentence joined to the next."""
    return [text for text, _ in _paragraphs(raw)]


def _paragraphs(raw: str) -> list[tuple[str, bool]]:
    """(paragraph, whether it was a "- " list item)."""
    lines = [line.strip() for line in raw.lstrip("\ufeff").splitlines()]
    paragraphs: list[tuple[str, bool]] = []
    joinable = False
    for line in lines:
        if not line:
            continue
        if joinable and not _is_heading(line):
            paragraphs[-1] = (paragraphs[-1][0] + line, paragraphs[-1][1])
        else:
            paragraphs.append((MARK.sub("", line), line.startswith("-")))
        last = paragraphs[-1][0]
        joinable = (len(line) >= WRAPPED_MIN and last[-1] not in SENTENCE_END
                    and not SECTION.match(last) and not MARK.match(line))
    return paragraphs


def index(document: Document, raw: str) -> PolicyText:
    marked = _paragraphs(raw)
    paragraphs = [p for p, _ in marked]
    listed = {i for i, (_, bullet) in enumerate(marked) if bullet}
    text = "\n".join(paragraphs)
    offsets, start = [], 0
    for p in paragraphs:
        offsets.append((start, start + len(p)))
        start += len(p) + 1
    # the body ends with its last sentence: a signature, a date or （此件公开发布） after it is no clause's
    press = not document.number and document.in_force is None
    body_end = len(paragraphs)
    if not press:
        body_end = max((i + 1 for i, p in enumerate(paragraphs) if p.endswith("。")), default=len(paragraphs))

    heads: list[tuple[int, int, str, str, int]] = []   # (paragraph, level, label, title, head)
    top = None
    for i, p in enumerate(paragraphs[:body_end]):
        if press:
            keyword = KEYWORD.match(p)
            if keyword:
                top = keyword.group(1)
                heads.append((i, 0, top, p.split(maxsplit=2)[0] + " " + top, len(p)))
            continue
        section, article, item = SECTION.match(p), ARTICLE.match(p), ITEM.match(p)
        if section or article:
            top = section.group(1) if section else article.group(1)
            head = len(p) if _title_only(p) else (section or article).end()
            heads.append((i, 0, top, _short_title(p), head))
        elif item and top is not None:
            title = ITEM_TITLE.match(p, item.end())
            head = title.end() if title and title.end() < len(p) else item.end()   # a title, not all it says
            heads.append((i, 1, f"{top}（{item.group(1)}）", _short_title(p), head))

    clauses = []
    for n, (i, level, label, title, head) in enumerate(heads):
        last = next((h[0] for h in heads[n + 1:] if h[1] <= level), body_end)
        if i in listed:   # a list item (信阳 第十条) is its line: what follows is the article's
            last = i + 1
        parent = next((h[2] for h in reversed(heads[:n]) if h[1] < level), None) if level else None
        clauses.append(Clause(label, title, offsets[i][0], offsets[last - 1][1], parent, head))
    return PolicyText(document, text, tuple(clauses))


def _short_title(paragraph: str, limit: int = 20) -> str:
    """二、规范筹资，完善保障 / （三）待遇享受 / 第九条 以灵活就业身份参加信阳市职工医保…"""
    head = re.split(f"[{SENTENCE_END}]", paragraph, maxsplit=1)[0]
    return head if len(head) <= limit else head[:limit - 1] + "…"


def load(document: Document) -> PolicyText:
    """The document's text and clauses, read from resources/policy (the install folder's copy when installed)."""
    return _load(document, document.path())


@cache
def _load(document: Document, path: Path) -> PolicyText:
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as error:
        raise DocumentMissing(f"找不到政策文件 {path}（{error.strerror}），请重新安装本程序。") from None
    return index(document, raw)
