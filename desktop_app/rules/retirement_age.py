"""Statutory retirement age under the 2024 gradual-increase decision, in months, by birth month and category."""
from __future__ import annotations

import datetime as dt

from .months import Month

# 全国人大常委会关于实施渐进式延迟法定退休年龄的决定 (2024-09-13), 附件《国务院关于渐进式延迟
# 职工法定退休年龄的办法》第二条 and its tables: from 2025-01-01 the age rises by one month every
# `step` months of birth, starting with those born in `first_month`, up to `cap` extra months.
_SCHEDULES = {
    # category: (original age in years, first birth month affected, months of birth per step, cap in months)
    "male": (60, Month(1965, 1), 4, 36),
    "female55": (55, Month(1970, 1), 4, 36),
    "female50": (50, Month(1975, 1), 2, 60),
}


def category(sex: str, female_original_age: int = 55) -> str:
    if sex == "M":
        return "male"
    return "female50" if female_original_age == 50 else "female55"


def retirement_age_months(birth: dt.date, sex: str, female_original_age: int = 55) -> int:
    years, first, step, cap = _SCHEDULES[category(sex, female_original_age)]
    born = Month.of(birth)
    extra = 0 if born < first else min(cap, (born - first) // step + 1)
    return years * 12 + extra


def retirement_month(birth: dt.date, sex: str, female_original_age: int = 55) -> Month:
    """The birth month plus the statutory age."""
    return Month.of(birth) + retirement_age_months(birth, sex, female_original_age)
