"""How figures read on a notice: 2024年7月, 1,234.56元, 7%, 2024年4月至2024年6月."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal


def _ym(text: str) -> tuple[int, int]:
    year, month = str(text).split("-")[:2]
    return int(year), int(month)


def month(text: str) -> str:
    """'2024-07' -> '2024年7月'."""
    year, mon = _ym(text)
    return f"{year}年{mon}月"


def day(text: str) -> str:
    """'2024-07-08' -> '2024年7月8日'."""
    d = date.fromisoformat(str(text))
    return f"{d.year}年{d.month}月{d.day}日"


def money(value) -> str:
    """'1234.5' -> '1,234.50元' (half-up to the fen, as the rule module rounds)."""
    d = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{d:,.2f}元"


def amount(value) -> str:
    """'6500' -> '6,500.00': a money figure inside a calculation line, the unit written once at its end."""
    d = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{d:,.2f}"


def last_day(text: str) -> str:
    """'2024-07' -> '2024年7月31日'."""
    year, mon = _ym(text)
    nxt = date(year + mon // 12, mon % 12 + 1, 1)
    return day(date.fromordinal(nxt.toordinal() - 1).isoformat())


def number(value) -> str:
    """A plain figure without trailing zeros, thousands separated: '72000' -> '72,000'."""
    d = Decimal(str(value)).normalize()
    if d == d.to_integral_value():
        return f"{d.quantize(Decimal(1)):,}"
    return f"{d:,f}"


def percent(value) -> str:
    """0.07 -> '7%', '0.065' -> '6.5%'."""
    d = (Decimal(str(value)) * 100).normalize()
    return f"{d:f}%"


def month_index(text: str) -> int:
    year, mon = _ym(text)
    return year * 12 + mon - 1


def add_months(text: str, n: int) -> str:
    i = month_index(text) + n
    return f"{i // 12:04d}-{i % 12 + 1:02d}"


def months_between(first: str, last: str) -> int:
    """Months from first to last, both included."""
    return month_index(last) - month_index(first) + 1


def month_list(months: list[str]) -> str:
    """['2024-04','2024-05','2024-06'] -> '2024年4月至2024年6月'; gaps are listed with 、."""
    if not months:
        return "无"
    idx = sorted(month_index(m) for m in months)
    runs, start = [], idx[0]
    for prev, cur in zip(idx, idx[1:] + [None]):
        if cur != prev + 1:
            runs.append((start, prev))
            start = cur
    parts = []
    for a, b in runs:
        ma, mb = f"{a // 12}-{a % 12 + 1}", f"{b // 12}-{b % 12 + 1}"
        parts.append(month(ma) if a == b else f"{month(ma)}至{month(mb)}")
    return "、".join(parts)


def month_count(n: int) -> str:
    return f"{int(n)}个月"


def years_months(n: int) -> str:
    """123 -> '10年3个月（123个月）'."""
    n = int(n)
    years, rest = divmod(n, 12)
    if years and rest:
        text = f"{years}年{rest}个月"
    elif years:
        text = f"{years}年"
    else:
        text = f"{rest}个月"
    return f"{text}（{n}个月）" if years else text


def yes_no(flag: bool, yes: str = "是", no: str = "否") -> str:
    return yes if flag else no
