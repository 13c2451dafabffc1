"""The monthly report as a PDF with charts (reportlab.graphics): people in each benefit state, contributions by
source; and the same charts as PDF drawings for the screen (the window renders them with QtPdf)."""

from decimal import Decimal

from reportlab.graphics import renderPDF
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from . import sheets
from .fonts import font

BAR = colors.Color(0.20, 0.42, 0.68)


def bar_chart(title: str, labels: list[str], values: list[float], width: float = 170 * mm,
              height: float = 70 * mm) -> Drawing:
    """A vertical bar chart with Chinese labels and the value above each bar."""
    name = font().fontName
    d = Drawing(width, height)
    d.add(String(width / 2, height - 12, title, fontName=name, fontSize=11, textAnchor="middle"))
    chart = VerticalBarChart()
    chart.x, chart.y = 40, 28
    chart.width, chart.height = width - 60, height - 58
    chart.data = [values or [0]]
    chart.categoryAxis.categoryNames = labels or [""]
    chart.categoryAxis.labels.fontName = name
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.labels.fontName = name
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = BAR
    chart.barLabelFormat = "%d" if all(float(v).is_integer() for v in values) else "%.2f"
    chart.barLabels.fontName = name
    chart.barLabels.fontSize = 7
    chart.barLabels.nudge = 6
    d.add(chart)
    return d


def charts(report) -> list[Drawing]:
    states = report.section("待遇状态（期末）")
    money = [f for f in report.section("缴费（按费款所属期）") if f.unit == "元" and f.label != "滞纳金"]
    return [bar_chart("期末待遇状态人数", [f.label for f in states], [float(f.value) for f in states]),
            bar_chart("缴费金额（元，按来源）", [f.label.split("：")[0] for f in money], [float(f.value) for f in money])]


def chart_pdf(drawing: Drawing) -> bytes:
    return renderPDF.drawToString(drawing)


def report_pdf(report, office: str, period: str, on) -> bytes:
    title = f"灵活就业人员职工医保月度统计报表（{period}）"
    story = [sheets.para(office, 12, align=1), sheets.para(title, 15, align=1), Spacer(0, 3 * mm),
             sheets.para("参保人数、待遇状态为期末人数；缴费按费款所属期统计；每项人数可在程序中打开人员名单。", 9,
                         color=colors.Color(0.35, 0.35, 0.35)), Spacer(0, 2 * mm)]
    rows = [[f.section, f.label, f"{f.value:,.2f}" if isinstance(f.value, Decimal) else f"{f.value:,}", f.unit]
            for f in report.figures]
    story.append(sheets.table(["类别", "项目", "数值", "单位"], rows, sheets.width(), (0.26, 0.44, 0.18, 0.12),
                              numeric={2}))
    for d in charts(report):
        story += [Spacer(0, 4 * mm), d]
    if report.incomplete:
        story.append(sheets.para(f"另有 {report.incomplete} 人因缺少参数未能计算待遇状态，未计入上表。", 9))
    return sheets.build(story, title, office, on)
