"""Resident identity numbers (GB 11643-1999): format, birth date, check digit; 15-digit IDs upgraded."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .errors import invalid

FIELD = "person.id_number"
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
# First two digits: province-level codes of GB/T 2260, plus 81/82/83 for the residence permits of
# Hong Kong, Macao and Taiwan residents (their numbers follow the same standard).
_PROVINCES = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
              50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83}


@dataclass(frozen=True)
class IdNumber:
    number: str
    birth_date: date
    sex: str  # "M" | "F"


def check_digit(first17: str) -> str:
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS)) % 11]


def parse_id_number(text, field: str = FIELD) -> IdNumber:
    """Check an ID number as typed at the counter; raise invalid_input with a clerk's message."""
    if not isinstance(text, str) or not text.strip():
        raise invalid(field, "请填写身份证号码")
    s = text.strip().upper()
    if len(s) == 15:
        if not s.isdigit():
            raise invalid(field, "15位身份证号码应全部为数字")
        # Old IDs omit the century (always 19xx) and the check digit.
        s17 = s[:6] + "19" + s[6:]
        s = s17 + check_digit(s17)
    if len(s) != 18:
        raise invalid(field, f"身份证号码应为18位，当前为{len(s)}位")
    if not re.fullmatch(r"\d{17}[\dX]", s):
        raise invalid(field, "身份证号码格式不正确：前17位应为数字，最后一位为数字或X")
    if int(s[:2]) not in _PROVINCES:
        raise invalid(field, "身份证号码的地区码不正确")
    try:
        born = date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        raise invalid(field, "身份证号码中的出生日期不存在") from None
    if born.year < 1900:
        raise invalid(field, "身份证号码中的出生日期不正确")
    if check_digit(s[:17]) != s[17]:
        raise invalid(field, "身份证号码校验位不正确")
    return IdNumber(s, born, "M" if int(s[16]) % 2 else "F")
