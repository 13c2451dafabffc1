"""Decimal money: parse inputs exactly, round half-up to the fen only at the end of a figure."""
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FEN = Decimal("0.01")


def fen(x: Decimal) -> Decimal:
    return x.quantize(FEN, rounding=ROUND_HALF_UP)


def money_str(x: Decimal) -> str:
    return str(fen(x))


def to_decimal(value) -> Decimal:
    """A JSON number or numeric string as an exact Decimal (floats go through their shortest repr)."""
    if isinstance(value, bool) or value is None:
        raise ValueError("not a number")
    if isinstance(value, float):
        value = repr(value)
    try:
        d = Decimal(str(value).strip())
    except InvalidOperation as e:
        raise ValueError(f"not a number: {value!r}") from e
    if not d.is_finite():
        raise ValueError("not finite")
    return d


def plain(d: Decimal) -> str:
    """A Decimal without exponent or trailing zeros, for traces ("0.065", "120000")."""
    s = format(d.normalize(), "f")
    return s
