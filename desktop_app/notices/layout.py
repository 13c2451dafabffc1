"""The frame every notice shares: red office header, title, number, addressee, the key facts in a box, figures and
calculation lines, how to pay, rights and contacts, signature and seal place, the 回执 strip; then the 计算依据 page."""

import io
from dataclasses import dataclass, field
from datetime import date

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (BaseDocTemplate, Flowable, Frame, PageBreak, PageTemplate, Spacer, Table,
                                TableStyle)

from . import basis, fmt
from .fonts import checked, draw_string, font
from .fonts import width as text_width
from .text import Text

RED = colors.Color(0.78, 0.06, 0.06)
GREY = colors.Color(0.35, 0.35, 0.35)
LABEL_BG = colors.Color(0.94, 0.94, 0.94)
KEY_BG = colors.Color(0.97, 0.97, 0.93)
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 24 * mm, 16 * mm, 16 * mm
TEXT_WIDTH = A4[0] - 2 * MARGIN_X
FRAME_HEIGHT = A4[1] - MARGIN_TOP - MARGIN_BOTTOM
PRODUCER = "灵活就业参保经办台 desktop_app.notices"


@dataclass(frozen=True)
class Sizes:
    """Type sizes and leadings (pt); a longer notice steps down to stay on one page."""

    body: float
    body_leading: float
    table: float
    table_leading: float
    basis: float
    basis_leading: float
    gap: float  # multiplies the vertical spaces between blocks


REGULAR = Sizes(12, 20, 10.5, 15, 9, 12.5, 1.0)
STEPS = (REGULAR, Sizes(11.5, 18, 10, 13.5, 8.5, 11.5, 0.7), Sizes(11, 16.5, 9.5, 12.5, 8, 10.5, 0.5))


@dataclass
class Content:
    """What a kind of notice says; layout decides where it goes. Page 1 stands on its own (what he came for, how
    to pay, his rights, signature and the 回执); page 2 is the 计算依据."""

    title: str
    paragraphs: list[str]                     # body, after the addressee: what was decided and why
    figures: list[tuple[str, str]]            # the table of figures: (label, value)
    closing: list[str] = field(default_factory=list)    # after the figures: how to pay, what if unpaid
    citations: list[str] = field(default_factory=list)  # clauses beyond the decision's own
    key_facts: list[str] = field(default_factory=list)  # the box near the top: what he came for, by which date
    arithmetic: list[str] = field(default_factory=list)  # lines a person can check with a calculator
    compare: list[list[str]] = field(default_factory=list)  # a small table (first row the header)
    compare_title: str = ""
    decisions: list[dict] = field(default_factory=list)  # decisions behind the figures besides the notice's own
    skip_parameters: tuple[str, ...] = ()     # parameters the decision used that this notice does not rest on
    basis: bool = True                        # False: a certificate of record, no 计算依据 page


def render(notice: dict, content: Content) -> bytes:
    """The PDF bytes of one notice; the same notice and content always give the same bytes. Sizes step down
    until page 1 (with the 回执 at its foot) fits; the 计算依据 follows on its own page."""
    font()
    return _build(notice, content, _story(notice, content, _sizes(notice, content)))[0]


def _sizes(notice: dict, content: Content) -> Sizes:
    for sizes in STEPS:
        if _height(_page_one(notice, content, sizes)) + Receipt.HEIGHT <= FRAME_HEIGHT - 1:
            return sizes
    return STEPS[-1]


class NoticeStart(Flowable):
    """Marks where a notice begins in a batch's print file, so each page's footer names its own notice."""

    def __init__(self, serial: str):
        super().__init__()
        self.serial = serial

    def wrap(self, avail_width, avail_height):
        return 0, 0

    def draw(self):
        self.canv.notice_serial = self.serial


class _LazyStory(list):
    """The flowables of many notices made as the document needs them (reportlab takes them from the front and asks
    the length each time): a batch of 1,000 notices never holds more than a few notices' flowables."""

    def __init__(self, parts):
        super().__init__()
        self._parts = iter(parts)
        self._more = True

    def __len__(self):
        while self._more and list.__len__(self) < 64:
            try:
                self.extend(next(self._parts))
            except StopIteration:
                self._more = False
        return list.__len__(self)


def render_many(items, title: str, pages: dict | None = None) -> bytes:
    """One PDF of many notices to print at once (a batch of reminders): each notice laid out exactly as its own
    archived PDF, starting on a new page, its pages numbered on their own (编号 … 第n页 共m页). `items` is an iterable
    of (notice, content), read once, as the pages are made; `pages` (serial -> pages of its own PDF) lets each page
    be finished at once instead of held until the end."""
    font()
    items = iter(items)
    first = next(items)

    def parts():
        for i, (notice, content) in enumerate(_chain(first, items)):
            yield ([PageBreak()] if i else []) + [NoticeStart(notice["serial"])] + \
                _story(notice, content, _sizes(notice, content))

    notice = first[0]
    buf = io.BytesIO()
    doc = BaseDocTemplate(
        buf, pagesize=A4, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM, invariant=1, title=title, author=notice["office_name"], creator=PRODUCER,
        producer=PRODUCER, lang="zh-CN", initialFontName=font().fontName)
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="notice", frames=[frame],
                                       onPage=_demo_marks if is_demo(notice) else (lambda canvas, doc: None))])
    doc.build(_LazyStory(parts()), canvasmaker=_batch_canvas_class(date.fromisoformat(notice["issued_on"]), pages or {}))
    return buf.getvalue()


def _chain(first, rest):
    yield first
    yield from rest


def _batch_canvas_class(issued: date, pages: dict):
    stamp = f"D:{issued:%Y%m%d}000000+08'00'"

    class BatchCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._doc.setDateFormatter(lambda *_: stamp)
            self._pages: list[tuple[dict, str, int]] = []
            self._seen: dict[str, int] = {}
            self.notice_serial = ""

        def _footer(self, serial: str, number: int, total: int) -> None:
            self.setFont(font().fontName, 8)
            self.setFillColor(GREY)
            self.drawString(MARGIN_X, 9 * mm, checked(f"编号：{serial}"))
            self.drawRightString(A4[0] - MARGIN_X, 9 * mm, f"第{number}页 共{total}页")

        def showPage(self):
            serial = self.notice_serial
            self._seen[serial] = number = self._seen.get(serial, 0) + 1
            if serial in pages and not self._pages:
                self._footer(serial, number, pages[serial])   # its own PDF said how many pages: done now
                super().showPage()
                return
            self._pages.append((dict(self.__dict__), serial, number))
            self._startPage()

        def save(self):
            for state, serial, number in self._pages:
                self.__dict__.update(state)
                self._footer(serial, number, self._seen[serial])
                super().showPage()
            super().save()

    return BatchCanvas


def _height(story: list[Flowable]) -> float:
    """The height the story takes in one column; measuring is much cheaper than building."""
    total = 0.0
    for f in story:
        total += f.wrap(TEXT_WIDTH, FRAME_HEIGHT)[1] + f.getSpaceBefore() + f.getSpaceAfter()
    return total


def is_demo(notice: dict) -> bool:
    """A demo notice, or one computed with a parameter the office marked as a demo value, is marked 示例."""
    decisions = [notice.get("decision"), notice.get("contribution"), notice.get("next_month")]
    used = [p for d in decisions if isinstance(d, dict) for p in d.get("parameters_used") or []]
    return bool(notice.get("demo")) or any(p.get("demo") for p in used)


def _title(notice: dict, content: Content) -> str:
    return content.title + ("（示例）" if is_demo(notice) else "")


def _page_one(notice: dict, content: Content, sz: Sizes) -> list[Flowable]:
    return _header(notice, _title(notice, content), sz) + _body(notice, content, sz) + [
        Spacer(0, 6 * sz.gap), Signature(notice, sz)]


def _story(notice: dict, content: Content, sz: Sizes) -> list[Flowable]:
    """Page 1 with the 回執 pushed to its foot, then the 计算依据 page."""
    story = _page_one(notice, content, sz)
    room = FRAME_HEIGHT - 1 - _height(story) - Receipt.HEIGHT
    story += [Spacer(0, max(room, 0)), Receipt(notice, content.title)]
    if content.basis:
        story += [PageBreak()] + _basis_page(notice, content, sz)
    return story


def _basis_page(notice: dict, content: Content, sz: Sizes) -> list[Flowable]:
    head = [Text(f"{content.title}（编号：{notice['serial']}）附页", 12, 18, align="left", bold=True),
            Text("本页列明上述金额和日期的计算依据：所用参数的取值与来源，所依据条款的原文摘录。", sz.basis + 0.5,
                 sz.basis_leading + 1, align="left", color=GREY)]
    decisions = [notice["decision"], *content.decisions]
    return head + basis.block(decisions, content.citations, TEXT_WIDTH, REGULAR, notice["issued_on"],
                              content.skip_parameters)


def _build(notice: dict, content: Content, story: list[Flowable]) -> tuple[bytes, int]:
    demo, title = is_demo(notice), _title(notice, content)
    buf = io.BytesIO()
    doc = BaseDocTemplate(
        buf, pagesize=A4, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM, invariant=1, title=title, author=notice["office_name"],
        subject=f"编号 {notice['serial']}", creator=PRODUCER, producer=PRODUCER, lang="zh-CN",
        initialFontName=font().fontName,  # else every page names a Helvetica that is never embedded
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    on_page = _demo_marks if demo else (lambda canvas, doc: None)
    doc.addPageTemplates([PageTemplate(id="notice", frames=[frame], onPage=on_page)])
    doc.build(story, canvasmaker=_canvas_class(date.fromisoformat(notice["issued_on"]), notice["serial"]))
    return buf.getvalue(), doc.page


def _header(notice: dict, title: str, sz: Sizes) -> list[Flowable]:
    out: list[Flowable] = [
        Text(notice["office_name"], 20, 28, align="center", bold=True, color=RED),
        RedRule(),
        Spacer(0, 8 * sz.gap),
        Text(title, 20, 30, align="center", bold=True),
        Text(f"编号：{notice['serial']}", 10.5, 16, align="right"),
    ]
    if notice.get("replaces"):
        out.append(Text(f"本通知更正并替代第{notice['replaces']}号通知。", 10.5, 16, align="right", color=RED))
    out.append(Spacer(0, 4 * sz.gap))
    return out


def _body(notice: dict, content: Content, sz: Sizes) -> list[Flowable]:
    person = notice.get("person") or {}
    name = person.get("name") or "参保人"
    id_number = person.get("id_number")
    addressee = f"{name}（公民身份号码：{id_number}）：" if id_number else f"{name}："
    out: list[Flowable] = [Text(addressee, sz.body, sz.body_leading, align="left", bold=True)]
    out += [Text(p, sz.body, sz.body_leading, indent=2) for p in content.paragraphs]
    if content.key_facts:
        out += [Spacer(0, 5 * sz.gap), key_box(content.key_facts, sz)]
    if content.figures:
        out += [Spacer(0, 6 * sz.gap), figures_table(content.figures, sz)]
    if content.arithmetic:
        out += [Spacer(0, 4 * sz.gap), Text("计算方法（可用计算器核对）：", sz.table, sz.table_leading, align="left",
                                            bold=True)]
        out += [Text(line, sz.table, sz.table_leading, align="left", indent=2) for line in content.arithmetic]
    if content.compare:
        out += [Spacer(0, 4 * sz.gap)]
        if content.compare_title:
            out.append(Text(content.compare_title, sz.table, sz.table_leading, align="left", bold=True))
        out.append(compare_table(content.compare, sz))
    out.append(Spacer(0, 4 * sz.gap))
    out += [Text(p, sz.body, sz.body_leading, indent=2) for p in content.closing]
    out += [Text(p, sz.table, sz.table_leading, indent=2) for p in _office_lines(notice, rights=content.basis)]
    return out


def _office_lines(notice: dict, rights: bool = True) -> list[str]:
    """The person's rights (where, and within how long) on every notice of a decision; where to ask on all."""
    from desktop_app.rules.remedies import remedies

    office = notice.get("office") or {}
    r = remedies()
    review = office.get("review_body") or "本级人民政府"
    court = office.get("court") or "有管辖权的人民法院"
    lines = [] if not rights else [f"如对本告知事项有异议，可以自收到本告知书之日起{r['review_days']}日内向{review}申请行政复议"
             f"（{r['review_citation']}），也可以自收到本告知书之日起{r['litigation_months']}个月内向{court}"
             f"提起行政诉讼（{r['litigation_citation']}）。"]
    contact = [f"地址：{office['address']}" if office.get("address") else "",
               f"咨询电话：{office['phone']}" if office.get("phone") else ""]
    if any(contact):
        lines.append(f"{notice['office_name']}　" + "　".join(c for c in contact if c))
    return lines


def key_box(lines: list[str], sz: Sizes = REGULAR) -> Table:
    """What he came for, larger and bold, in a box near the top."""
    size = sz.body + 1.5
    data = [[Text(line, size, size * 1.45, align="left", bold=(i == 0) or len(lines) <= 2)]
            for i, line in enumerate(lines)]
    table = Table(data, colWidths=[TEXT_WIDTH])
    table.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), 1.4, colors.black),
        ("BACKGROUND", (0, 0), (-1, -1), KEY_BG),
        ("FONTNAME", (0, 0), (-1, -1), font().fontName),
        ("LEFTPADDING", (0, 0), (-1, -1), 10),
        ("RIGHTPADDING", (0, 0), (-1, -1), 10),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ("TOPPADDING", (0, 0), (-1, 0), 6),
        ("BOTTOMPADDING", (0, -1), (-1, -1), 6),
    ]))
    return table


def compare_table(rows: list[list[str]], sz: Sizes = REGULAR) -> Table:
    n = len(rows[0])
    data = [[Text(cell, sz.table, sz.table_leading, align="left", bold=(r == 0)) for cell in row]
            for r, row in enumerate(rows)]
    # the second column (which months) takes what its text needs; the others share the rest
    widths = [TEXT_WIDTH / n] * n
    if n == 5:
        widths = [w * TEXT_WIDTH for w in (0.19, 0.33, 0.16, 0.14, 0.18)]
    table = Table(data, colWidths=widths)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("FONTNAME", (0, 0), (-1, -1), font().fontName),
        ("BACKGROUND", (0, 0), (-1, 0), LABEL_BG),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 6),
        ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    return table


def figures_table(rows: list[tuple[str, str]], sz: Sizes = REGULAR) -> Table:
    label_w = 0.34 * TEXT_WIDTH
    data = [[Text(label, sz.table, sz.table_leading, align="left"), Text(value, sz.table, sz.table_leading, align="left")]
            for label, value in rows]
    table = Table(data, colWidths=[label_w, TEXT_WIDTH - label_w])
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("FONTNAME", (0, 0), (-1, -1), font().fontName),  # the cell default is Helvetica
        ("BACKGROUND", (0, 0), (0, -1), LABEL_BG),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 6),
        ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    return table


class RedRule(Flowable):
    """The red double rule under the office name (a 红头 notice's 版头分隔线)."""

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        return avail_width, 8

    def draw(self):
        c = self.canv
        c.setStrokeColor(RED)
        c.setLineWidth(1.8)
        c.line(0, 6, self.width, 6)
        c.setLineWidth(0.6)
        c.line(0, 2.5, self.width, 2.5)


class Signature(Flowable):
    """Operator and the person's 签收 with a date line at the left; the office, a plain （盖章） and the date at the
    right, where the seal goes (no printed circle: a real seal is pressed on the paper)."""

    def __init__(self, notice: dict, sz: Sizes = REGULAR):
        super().__init__()
        self.office = checked(notice["office_name"])
        self.when = fmt.day(notice["issued_on"])
        self.operator = checked(notice.get("operator") or "—")
        self.size = sz.body

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        return avail_width, 66

    def draw(self):
        c, name = self.canv, font().fontName
        top, mid, low = 52, 29, 6
        block_w = max(text_width(self.office, self.size), text_width(self.when, self.size), 60 * mm)
        cx = self.width - block_w / 2
        c.setFillColor(colors.black)
        draw_string(c, cx, top, self.office, self.size, "center")
        c.setFont(name, 10.5)
        c.drawCentredString(cx, mid, "（盖章）")
        c.setFont(name, self.size)
        c.drawCentredString(cx, low, self.when)
        draw_string(c, 0, top, f"经办人：{self.operator}", 10.5)
        c.setFont(name, 10.5)
        c.drawString(0, mid, "参保人签收：")
        c.drawString(0, low, "签收日期：　　　　年　　月　　日")
        c.setLineWidth(0.5)
        c.line(66, mid - 3, 170, mid - 3)


class Receipt(Flowable):
    """The 回执 the office keeps: below a dashed cut line, serial, name, masked ID, notice kind, signature, date."""

    HEIGHT = 96

    def __init__(self, notice: dict, title: str):
        super().__init__()
        person = notice.get("person") or {}
        self.serial = notice["serial"]
        self.name = checked(person.get("name") or "—")
        self.id_text = mask_id(person.get("id_number") or "")
        self.title = title
        self.office = checked(notice["office_name"])

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        return avail_width, self.HEIGHT

    def draw(self):
        c, name = self.canv, font().fontName
        h, w = self.HEIGHT, self.width
        cut = h - 6
        label = "沿此虚线剪下，回执交回经办机构留存"
        c.setFont(name, 8)
        lw = c.stringWidth(label, name, 8)
        c.saveState()
        c.setStrokeColor(GREY)
        c.setLineWidth(0.6)
        c.setDash(4, 3)
        c.line(0, cut, (w - lw) / 2 - 6, cut)
        c.line((w + lw) / 2 + 6, cut, w, cut)
        c.restoreState()
        c.setFillColor(GREY)
        c.drawCentredString(w / 2, cut - 3, label)
        c.setFillColor(colors.black)
        c.setFont(name, 12)
        c.drawCentredString(w / 2, cut - 21, "回　执")
        c.setFont(name, 10)
        rows = (f"告知书编号：{self.serial}　　告知书：{self.title}",
                f"姓名：{self.name}　　公民身份号码：{self.id_text}",
                "本人已收到上述告知书。　签名：＿＿＿＿＿＿＿＿　日期：　　　　年　　月　　日")
        y = cut - 39
        for row in rows:
            draw_string(c, 6, y, row, 10)
            y -= 17
        c.setLineWidth(0.6)
        c.rect(0, 0, w, cut - 10, stroke=1, fill=0)


def mask_id(id_number: str) -> str:
    """4115**********1237: the 回执 stays at the office, the full number is on the person's copy."""
    return id_number[:4] + "*" * (len(id_number) - 8) + id_number[-4:] if len(id_number) > 8 else id_number


def _demo_marks(c, doc=None):
    """示例: a watermark over the page and a boxed marker at the top, so it cannot pass for a real notice."""
    name = font().fontName
    w, h = A4
    c.saveState()
    c.setFillColor(colors.Color(0.85, 0.1, 0.1, alpha=0.10))
    c.setFont(name, 150)
    c.translate(w / 2, h / 2)
    c.rotate(35)
    c.drawCentredString(0, -50, "示例")
    c.restoreState()
    c.saveState()
    c.setStrokeColor(RED)
    c.setFillColor(RED)
    c.setLineWidth(1.2)
    marker = "示例 · 非正式通知，仅供演示"
    c.rect(MARGIN_X - 2, h - 13 * mm, c.stringWidth(marker, name, 9.5) + 10, 17, stroke=1, fill=0)
    c.setFont(name, 9.5)
    c.drawString(MARGIN_X + 3, h - 13 * mm + 5, marker)
    c.restoreState()


def _canvas_class(issued: date, serial: str):
    """A canvas that stamps the issue date as the PDF creation date and 第n页 共m页 in the footer."""
    stamp = f"D:{issued:%Y%m%d}000000+08'00'"
    footer = checked(f"编号：{serial}")

    class NoticeCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._doc.setDateFormatter(lambda *_: stamp)
            self._pages: list[dict] = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for number, state in enumerate(self._pages, 1):
                self.__dict__.update(state)
                self.setFont(font().fontName, 8)
                self.setFillColor(GREY)
                self.drawString(MARGIN_X, 9 * mm, footer)
                self.drawRightString(A4[0] - MARGIN_X, 9 * mm, f"第{number}页 共{total}页")
                super().showPage()
            super().save()

    return NoticeCanvas
