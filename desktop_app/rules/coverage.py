"""Which months a parameter's dated values cover, and the 生效日期 a new value should start from.

A decision looks a parameter up on the first day of the month it is about (contribution.standard): a month with
no value in force fails with 缺少参数. The office needs every month from its document's entry into force to the
current month covered (back payments reach back that far). Pure: `today` is an input.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .jurisdictions import get_jurisdiction
from .months import Month
from .parameters import ParameterSet

# One figure per calendar year: 上年度平均工资 is published once a year and is the base for that year's months;
# a year's 城乡居民医保筹资标准 likewise. Other parameters change only when a document changes them.
YEARLY = frozenset({"avg_wage_annual", "resident_annual_standard"})


@dataclass(frozen=True)
class Coverage:
    needed_from: dt.date          # the first month the office may need (the document's entry into force)
    uncovered: list[dt.date]      # firsts of the months up to today's with no value in force, in order
    suggested_from: dt.date       # the 生效日期 a new value should start from


def coverage(jurisdiction: str, name: str, today: dt.date, office: dict | None = None) -> Coverage:
    j = get_jurisdiction(jurisdiction)
    params = ParameterSet(j.key, office)
    first, last = Month.of(j.in_force), Month.of(today)
    months = [first + i for i in range(max(last - first + 1, 0))]
    uncovered = [m.first_day for m in months if params.lookup(name, m.first_day) is None]
    return Coverage(first.first_day, uncovered, _suggested(params, name, first, last, uncovered))


def _suggested(params: ParameterSet, name: str, first: Month, now: Month, uncovered: list[dt.date]) -> dt.date:
    if name in YEARLY:
        # The start of the year the figure is for. This year's first: a month computed with last year's figure
        # gives a wrong amount without any error. Then the latest year still without a value, then next year.
        this_year = max(Month(now.year, 1), first)
        current = params.lookup(name, now.first_day)
        if current is None or current.start < this_year.first_day:
            return this_year.first_day
        if uncovered:
            return max(Month(uncovered[-1].year, 1), first).first_day
        return Month(now.year + 1, 1).first_day
    if uncovered:
        return uncovered[0]          # the document's entry into force, or the first month left without a value
    return (now + 1).first_day       # every month covered: a change takes effect from a month's first day
