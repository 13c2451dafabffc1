"""Plain office sheets (not notices to a person): a title, the office, a table, lines of text, a signature block.
Used for the 签收登记 of a batch, the daily close and the monthly report's tables."""

import io
from datetime import date

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.lib.styles import ParagraphStyle

from .fonts import font
from .layout import GREY, LABEL_BG, PRODUCER

MARGIN = 15 * mm


def _style(size: float, bold: bool = False, align: int = 0, color=colors.black) -> ParagraphStyle:
    return ParagraphStyle("s", fontName=font().fontName, fontSize=size, leading=size * 1.45, alignment=align,
                          textColor=color, wordWrap="CJK")


def _escape(text) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def para(text, size: float = 10, bold: bool = False, align: int = 0, color=colors.black) -> Paragraph:
    return Paragraph(_escape(text), _style(size, bold, align, color))


def table(headers: list[str], rows: list[list], width: float, widths=None, size: float = 9,
          numeric: set[int] = frozenset()) -> Table:
    data = [[para(h, size, align=1) for h in headers]]
    data += [[para(c if c is not None else "", size, align=2 if i in numeric else 0) for i, c in enumerate(r)]
             for r in rows]
    cols = [w * width for w in widths] if widths else None
    t = Table(data, colWidths=cols, repeatRows=1)
    t.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), LABEL_BG),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    return t


def build(story: list[Flowable], title: str, office: str, on: date, wide: bool = False) -> bytes:
    """A4 (landscape when wide) with the office and page numbers in the footer; deterministic bytes."""
    font()
    size = landscape(A4) if wide else A4
    buf = io.BytesIO()

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(font().fontName, 8)
        canvas.setFillColor(GREY)
        canvas.drawString(MARGIN, 8 * mm, f"{office}　{title}")
        canvas.drawRightString(size[0] - MARGIN, 8 * mm, f"第{doc.page}页")
        canvas.restoreState()

    doc = SimpleDocTemplate(buf, pagesize=size, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN + 4 * mm, invariant=1, title=title, author=office, creator=PRODUCER,
                            producer=PRODUCER, lang="zh-CN", initialFontName=font().fontName)
    stamp = f"D:{on:%Y%m%d}000000+08'00'"
    from reportlab.pdfgen.canvas import Canvas

    class SheetCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._doc.setDateFormatter(lambda *_: stamp)

    doc.build(story, onFirstPage=footer, onLaterPages=footer, canvasmaker=SheetCanvas)
    return buf.getvalue()


def width(wide: bool = False) -> float:
    return (landscape(A4) if wide else A4)[0] - 2 * MARGIN


def table_sheet(title: str, office: str, headers: list[str], rows: list[list], widths=None, on: date | None = None,
                before: list[str] = (), after: list[str] = ()) -> bytes:
    on = on or date.today()
    story = [para(office, 12, align=1), para(title, 16, align=1), Spacer(0, 4 * mm)]
    story += [para(line, 10) for line in before]
    story += [Spacer(0, 2 * mm), table(headers, rows, width(), widths)]
    story += [Spacer(0, 3 * mm)] + [para(line, 10) for line in after]
    return build(story, title, office, on)


def daily_close_sheet(close, office: str, labels, kind_titles: dict) -> bytes:
    """日结单: one page — the operator's figures of the day, notices by kind, the sign-off, the audit chain anchor."""
    from decimal import Decimal

    day = close.day
    title = f"经办日结单（{day.year}年{day.month}月{day.day}日）"
    rows = []
    for key, label in labels:
        value = close.figures.get(key, 0)
        rows.append([label, f"{value:,.2f}" if isinstance(value, Decimal) else f"{value:,}"])
    story = [para(office, 12, align=1), para(title, 16, align=1), Spacer(0, 4 * mm),
             para(f"操作员：{close.operator}　　日期：{day.isoformat()}　　据审计记录 {close.entries} 条统计", 10),
             Spacer(0, 2 * mm), table(["项目", "数量"], rows, width(), (0.7, 0.3), size=10, numeric={1})]
    if close.notices_by_kind:
        story += [Spacer(0, 3 * mm), table(["告知书种类", "份数"],
                                           [[kind_titles.get(k, k), str(v)] for k, v in sorted(close.notices_by_kind.items())],
                                           width(), (0.7, 0.3), size=10, numeric={1})]
    story.append(Spacer(0, 5 * mm))
    if close.signed:
        last = close.signed[-1]
        story.append(para(f"复核确认：{last['signed_by']}　{last['signed_at'].replace('T', ' ')}　"
                          f"校验值 {last['sha256'][:16]}…" + (f"　备注：{last['note']}" if last["note"] else ""), 10))
    else:
        story.append(para("复核确认：尚未在程序中签字确认", 10))
    story += [Spacer(0, 6 * mm), para("经办人签字：＿＿＿＿＿＿＿＿　　复核人签字：＿＿＿＿＿＿＿＿　　日期：＿＿＿＿＿＿", 10),
              Spacer(0, 6 * mm), para(close.anchor, 8, color=GREY)]
    return build(story, title, office, day)
