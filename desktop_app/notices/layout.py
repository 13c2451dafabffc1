"""The frame every notice shares: red office header, title, number, addressee, body, figures, signature and seal."""

import io
from dataclasses import dataclass, field
from datetime import date

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Spacer, Table, TableStyle

from . import basis, fmt
from .fonts import checked, font
from .text import Text

RED = colors.Color(0.78, 0.06, 0.06)
GREY = colors.Color(0.35, 0.35, 0.35)
LABEL_BG = colors.Color(0.94, 0.94, 0.94)
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 24 * mm, 16 * mm, 16 * mm
BODY = 12
PRODUCER = "灵活就业参保经办台 desktop_app.notices"


@dataclass
class Content:
    """What a kind of notice says; layout decides where it goes."""

    title: str
    paragraphs: list[str]                     # body, after the addressee
    figures: list[tuple[str, str]]            # the table of figures: (label, value)
    closing: list[str] = field(default_factory=list)    # after the table: how to pay, what if unpaid
    citations: list[str] = field(default_factory=list)  # clauses beyond the decision's own


def render(notice: dict, content: Content) -> bytes:
    """The PDF bytes of one notice; the same notice and content always give the same bytes."""
    font()
    demo = bool(notice.get("demo"))
    title = content.title + ("（示例）" if demo else "")
    story = _header(notice, title) + _body(notice, content)
    story += basis.block(notice["decision"], content.citations, MARGIN_X)
    story.append(Signature(notice))

    buf = io.BytesIO()
    issued = date.fromisoformat(notice["issued_on"])
    doc = BaseDocTemplate(
        buf, pagesize=A4, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM, invariant=1, title=title, author=notice["office_name"],
        subject=f"编号 {notice['serial']}", creator=PRODUCER, producer=PRODUCER, lang="zh-CN",
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="notice", frames=[frame], onPage=_page_marks(notice))])
    doc.build(story, canvasmaker=_canvas_class(issued, notice["serial"]))
    return buf.getvalue()


def _header(notice: dict, title: str) -> list[Flowable]:
    out: list[Flowable] = [
        Text(notice["office_name"], 20, 28, align="center", bold=True, color=RED),
        RedRule(),
        Spacer(0, 10),
        Text(title, 20, 30, align="center", bold=True),
        Text(f"编号：{notice['serial']}", 10.5, 16, align="right"),
    ]
    if notice.get("replaces"):
        out.append(Text(f"本通知更正并替代第{notice['replaces']}号通知。", 10.5, 16, align="right", color=RED))
    out.append(Spacer(0, 8))
    return out


def _body(notice: dict, content: Content) -> list[Flowable]:
    person = notice.get("person") or {}
    name = person.get("name") or "参保人"
    id_number = person.get("id_number")
    addressee = f"{name}（公民身份号码：{id_number}）：" if id_number else f"{name}："
    out: list[Flowable] = [Text(addressee, BODY, 20, align="left", bold=True)]
    out += [Text(p, BODY, 20, indent=2) for p in content.paragraphs]
    out += [Spacer(0, 6), figures_table(content.figures), Spacer(0, 6)]
    out += [Text(p, BODY, 20, indent=2) for p in content.closing]
    return out


def figures_table(rows: list[tuple[str, str]]) -> Table:
    width = A4[0] - 2 * MARGIN_X
    label_w = 0.34 * width
    data = [[Text(label, 10.5, 15, align="left"), Text(value, 10.5, 15, align="left")] for label, value in rows]
    table = Table(data, colWidths=[label_w, width - label_w])
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
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

    HEIGHT = 112

    def __init__(self, notice: dict):
        super().__init__()
        self.office = checked(notice["office_name"])
        self.when = fmt.day(notice["issued_on"])
        self.operator = checked(notice.get("operator") or "—")

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        return avail_width, self.HEIGHT

    def draw(self):
        c, name = self.canv, font().fontName
        right = self.width - 12
        office_y, date_y = 62, 40
        office_w = c.stringWidth(self.office, name, BODY)
        date_w = c.stringWidth(self.when, name, BODY)
        block_w = max(office_w, date_w)
        cx = right - block_w / 2
        # The seal goes over the office name, as a real seal does; 42 mm across, drawn dashed as a place-holder.
        c.saveState()
        c.setStrokeColor(RED)
        c.setLineWidth(0.8)
        c.setDash(3, 2)
        c.circle(cx, office_y + 4, 21 * mm / 1.0 * 0.95, stroke=1, fill=0)
        c.restoreState()
        c.setFillColor(colors.Color(0.6, 0.6, 0.6))
        c.setFont(name, 9)
        c.drawCentredString(cx, office_y + 4 + 36, "（盖章）")
        c.setFillColor(colors.black)
        c.setFont(name, BODY)
        c.drawCentredString(cx, office_y, self.office)
        c.drawCentredString(cx, date_y, self.when)
        c.setFont(name, 10.5)
        c.drawString(0, office_y, f"经办人：{self.operator}")
        c.drawString(0, date_y, "参保人签收：")
        c.setLineWidth(0.5)
        c.line(66, date_y - 3, 150, date_y - 3)


def _page_marks(notice: dict):
    demo = bool(notice.get("demo"))

    def on_page(canvas, doc):
        if demo:
            _demo_marks(canvas)

    return on_page


def _demo_marks(c):
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
