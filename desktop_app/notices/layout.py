"""The frame every notice shares: red office header, title, number, addressee, body, figures, signature and seal."""

import io
from dataclasses import dataclass, field
from datetime import date

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (BaseDocTemplate, Flowable, Frame, KeepTogether, PageTemplate, Spacer, Table,
                                TableStyle)

from . import basis, fmt
from .fonts import checked, font
from .text import Text

RED = colors.Color(0.78, 0.06, 0.06)
GREY = colors.Color(0.35, 0.35, 0.35)
LABEL_BG = colors.Color(0.94, 0.94, 0.94)
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
    """What a kind of notice says; layout decides where it goes."""

    title: str
    paragraphs: list[str]                     # body, after the addressee
    figures: list[tuple[str, str]]            # the table of figures: (label, value)
    closing: list[str] = field(default_factory=list)    # after the table: how to pay, what if unpaid
    citations: list[str] = field(default_factory=list)  # clauses beyond the decision's own


def render(notice: dict, content: Content) -> bytes:
    """The PDF bytes of one notice; the same notice and content always give the same bytes.
    Sizes step down until the notice fits one page; one that never fits is set regular on several."""
    font()
    for sizes in STEPS:
        if _height(_story(notice, content, sizes, keep=False)) <= FRAME_HEIGHT - 1:
            pdf, pages = _build(notice, content, _story(notice, content, sizes))
            if pages == 1:
                return pdf
    return _build(notice, content, _story(notice, content, REGULAR))[0]


def _height(story: list[Flowable]) -> float:
    """The height the story takes in one column; measuring is much cheaper than building."""
    total = 0.0
    for f in story:
        total += f.wrap(TEXT_WIDTH, FRAME_HEIGHT)[1] + f.getSpaceBefore() + f.getSpaceAfter()
    return total


def is_demo(notice: dict) -> bool:
    """A demo notice, or one computed with a parameter the office marked as a demo value, is marked 示例."""
    used = notice["decision"].get("parameters_used") or []
    return bool(notice.get("demo")) or any(p.get("demo") for p in used)


def _title(notice: dict, content: Content) -> str:
    return content.title + ("（示例）" if is_demo(notice) else "")


def _story(notice: dict, content: Content, sz: Sizes, keep: bool = True) -> list[Flowable]:
    """The flowables of the notice; keep=False leaves the 计算依据 block loose, for measuring."""
    story = _header(notice, _title(notice, content), sz) + _body(notice, content, sz)
    block = basis.block(notice["decision"], content.citations, TEXT_WIDTH, sz, notice.get("issued_on"))
    story += [KeepTogether(block)] if keep else block
    story += [Spacer(0, 4), Signature(notice, sz)]
    return story


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
        Spacer(0, 10 * sz.gap),
        Text(title, 20, 30, align="center", bold=True),
        Text(f"编号：{notice['serial']}", 10.5, 16, align="right"),
    ]
    if notice.get("replaces"):
        out.append(Text(f"本通知更正并替代第{notice['replaces']}号通知。", 10.5, 16, align="right", color=RED))
    out.append(Spacer(0, 8 * sz.gap))
    return out


def _body(notice: dict, content: Content, sz: Sizes) -> list[Flowable]:
    person = notice.get("person") or {}
    name = person.get("name") or "参保人"
    id_number = person.get("id_number")
    addressee = f"{name}（公民身份号码：{id_number}）：" if id_number else f"{name}："
    out: list[Flowable] = [Text(addressee, sz.body, sz.body_leading, align="left", bold=True)]
    out += [Text(p, sz.body, sz.body_leading, indent=2) for p in content.paragraphs]
    out += [Spacer(0, 6 * sz.gap), figures_table(content.figures, sz), Spacer(0, 6 * sz.gap)]
    out += [Text(p, sz.body, sz.body_leading, indent=2) for p in content.closing]
    return out


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
    """Office name and date at the right with a seal circle over them; operator and receipt at the left."""

    def __init__(self, notice: dict, sz: Sizes = REGULAR):
        super().__init__()
        self.office = checked(notice["office_name"])
        self.when = fmt.day(notice["issued_on"])
        self.operator = checked(notice.get("operator") or "—")
        self.size = sz.body
        self.block_height = 100 + 16 * sz.gap

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        return avail_width, self.block_height

    def draw(self):
        c, name = self.canv, font().fontName
        office_y, date_y = 58, 34
        block_w = max(c.stringWidth(self.office, name, self.size), c.stringWidth(self.when, name, self.size))
        radius = 21 * mm  # an official seal is 42 mm across
        cx = self.width - max(block_w / 2, radius) - 4
        cy = (office_y + date_y) / 2 + 4
        # The seal sits over the office name and the date, as a real one does; dashed: it only marks the place.
        c.saveState()
        c.setStrokeColor(RED)
        c.setLineWidth(0.8)
        c.setDash(3, 2)
        c.circle(cx, cy, radius, stroke=1, fill=0)
        c.restoreState()
        c.setFillColor(colors.Color(0.55, 0.55, 0.55))
        c.setFont(name, 9)
        c.drawCentredString(cx, cy + radius - 20, "（盖章）")
        c.setFillColor(colors.black)
        c.setFont(name, self.size)
        c.drawCentredString(cx, office_y, self.office)
        c.drawCentredString(cx, date_y, self.when)
        c.setFont(name, 10.5)
        c.drawString(0, office_y, f"经办人：{self.operator}")
        c.drawString(0, date_y, "参保人签收：")
        c.setLineWidth(0.5)
        c.line(66, date_y - 3, 150, date_y - 3)


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
