"""Reading a case's fields: each bad value is `invalid_input` naming its dotted path, in Chinese."""
from __future__ import annotations

import datetime as dt
import re

from .errors import invalid
from .months import Month

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _get(obj: dict, key: str, path: str):
    if not isinstance(obj, dict):
        raise invalid(path.rsplit(".", 1)[0] if "." in path else None, "输入格式不正确：应为对象")
    return obj.get(key)


def req(obj: dict, key: str, path: str):
    v = _get(obj, key, path)
    if v is None:
        raise invalid(path, f"缺少必填项：{path}")
    return v


def as_date(v, path: str) -> dt.date:
    if isinstance(v, str) and _DATE.match(v):
        try:
            return dt.date.fromisoformat(v)
        except ValueError:
            pass
    raise invalid(path, f"日期不正确：{v!r}（应为存在的日期，格式 YYYY-MM-DD）")


def as_month(v, path: str) -> Month:
    try:
        return Month.parse(v)
    except (ValueError, TypeError):
        raise invalid(path, f"月份不正确：{v!r}（格式 YYYY-MM）") from None


def date_field(obj, key, path, default=None) -> dt.date:
    v = _get(obj, key, path)
    if v is None:
        if default is not None:
            return default
        raise invalid(path, f"缺少必填项：{path}")
    return as_date(v, path)


def month_field(obj, key, path, default=None) -> Month:
    v = _get(obj, key, path)
    if v is None:
        if default is not None:
            return default
        raise invalid(path, f"缺少必填项：{path}")
    return as_month(v, path)


def bool_field(obj, key, path, default=None) -> bool:
    v = _get(obj, key, path)
    if v is None and default is not None:
        return default
    if not isinstance(v, bool):
        raise invalid(path, f"{path} 应为 true 或 false")
    return v


def int_field(obj, key, path, default=None, low=0, high=10**6) -> int:
    v = _get(obj, key, path)
    if v is None and default is not None:
        return default
    if isinstance(v, bool) or not isinstance(v, (int, float)) or v != int(v):
        raise invalid(path, f"{path} 应为整数")
    if not low <= int(v) <= high:
        raise invalid(path, f"{path} 应在 {low} 至 {high} 之间")
    return int(v)


def choice_field(obj, key, path, choices, default=None) -> str:
    v = _get(obj, key, path)
    if v is None and default is not None:
        return default
    if v not in choices:
        raise invalid(path, f"{path} 应为以下之一：{'、'.join(choices)}")
    return v
