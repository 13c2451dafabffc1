"""Chinese display text for the codes that services and rule decisions use (display only, no policy)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

CATEGORIES = {
    "self_employed": "无雇工的个体工商户",
    "part_time": "非全日制从业人员",
    "platform": "新就业形态从业人员（平台）",
    "freelancer": "自由职业者",
    "other": "其他灵活就业人员",
}
PLACES = {
    "hukou": "户籍地",
    "residence": "居住地",
    "residence_permit": "居住证",
    "hkmt_residence_permit": "港澳台居民居住证",
    "employment": "就业（灵活就业登记）地",
}
MODES = {"with_account": "统账结合（建个人账户）", "pooling_only": "单建统筹（不建个人账户）"}
SCHEMES = {"employee": "职工基本医疗保险", "resident": "城乡居民基本医疗保险"}
SEXES = {"M": "男", "F": "女"}
SOURCES = {
    "counter": "窗口缴费",
    "tax_import": "税务导入",
    "transfer": "转入",
    "back_payment": "补缴",
    "deemed": "视同缴费",
}
STATES = {"waiting": "等待期", "active": "正常享受", "suspended": "暂停享受", "lapsed": "中断",
          "transferred": "转入前缴费", "unpaid": "未缴费", "before_policy": "文件施行前", "stopped": "停保"}
CYCLES = {"monthly": "按月缴纳", "quarterly": "按季度缴纳"}
STATUS_TEXT = {"active": "正常参保", "stopped": "暂停参保", "terminated_death": "终止参保（死亡）",
               "terminated_employer": "终止参保（转入单位参保）", "transferred_out": "已转出"}
# background colours of the ledger's state column: light enough for black text
STATE_COLOURS = {"waiting": "#fff3c4", "active": "#d7f0d8", "suspended": "#ffd9b3", "lapsed": "#f6c6c6",
                 "transferred": "#dde8f6", "before_policy": "#e4e4e4", "stopped": "#e4e4e4"}
OPTIONS = {
    "retiree_benefits": "按月享受退休人员医保待遇",
    "continue_paying": "继续按月缴费至满足年限",
    "lump_sum": "一次性趸缴补足年限",
    "resident_scheme": "转入城乡居民医保",
}
CORRECTION_KINDS = {"deemed": "视同缴费年限", "transferred": "外地转入年限"}


def month_text(value) -> str:
    """'2024年3月' from a date, a 'YYYY-MM(-DD)' string or None ('—'): how every screen writes a month."""
    if value is None or value == "":
        return "—"
    if isinstance(value, date):
        return f"{value.year}年{value.month}月"
    text = str(value)
    if len(text) >= 7 and text[4] == "-":
        return f"{text[:4]}年{int(text[5:7])}月"
    return text


def date_text(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, date):
        return f"{value.year}-{value.month:02d}-{value.day:02d}"
    return str(value)


def money_text(value) -> str:
    """'1,234.50 元' from a Decimal or a decision's money string; '—' for None."""
    if value is None or value == "":
        return "—"
    amount = Decimal(str(value))
    return f"{amount:,.2f} 元"


def months_list_text(months, limit: int = 12) -> str:
    months = list(months or [])
    if not months:
        return "无"
    shown = "、".join(month_text(m) for m in months[:limit])
    if len(months) > limit:
        shown += f" 等共 {len(months)} 个月"
    else:
        shown += f"（共 {len(months)} 个月）"
    return shown


def month_ranges_text(months) -> str:
    """'2023年10月至2025年12月、2026年03月' from firsts of months in order: runs of consecutive months joined."""
    runs: list[list[date]] = []
    for m in months or []:
        if runs and (m.year * 12 + m.month) - (runs[-1][-1].year * 12 + runs[-1][-1].month) == 1:
            runs[-1].append(m)
        else:
            runs.append([m])
    return "、".join(month_text(r[0]) if len(r) == 1 else f"{month_text(r[0])}至{month_text(r[-1])}" for r in runs) \
        or "无"


def years_months_text(months: int | None) -> str:
    if months is None:
        return "—"
    years, rest = divmod(int(months), 12)
    if years and rest:
        return f"{months} 个月（{years} 年 {rest} 个月）"
    if years:
        return f"{months} 个月（{years} 年）"
    return f"{months} 个月"


def notes_text(notes) -> str:
    """A decision's notes (readings the office chose, values not entered) as one paragraph, or ''."""
    notes = [n for n in (notes or []) if n]
    return ("说明：" + "；".join(n.rstrip("。") for n in notes) + "。") if notes else ""


def large_expense_text(value) -> str:
    """The city's 大额 contribution a year, or that the office has not entered it."""
    return f"{money_text(value)}/年（与基本医疗保险费分别缴纳）" if value is not None else "本机构尚未录入年缴费标准"


def yes_no(value) -> str:
    return "是" if value else "否"


def base_band_percent() -> tuple[int, int]:
    """The base band a person chooses from (江苏 二), in whole percent for a spin box: the rule module's range."""
    from desktop_app.rules import PARAMS

    band = PARAMS["base_ratio"]
    return int(band.low * 100), int(band.high * 100)
