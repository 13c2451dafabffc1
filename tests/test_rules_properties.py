"""Invariants over generated histories and records (hypothesis)."""
import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.rules import JURISDICTIONS as RULES
from desktop_app.rules import decide
from desktop_app.rules.months import Month, month_range
from rules_helpers import PARAMS

JURISDICTIONS = ("huainan", "jiangsu", "jilin", "xinyang")
FIRST = {"huainan": Month(2022, 7), "jiangsu": Month(2022, 1), "jilin": Month(2025, 4), "xinyang": Month(2023, 10)}
SPAN = 20


@st.composite
def histories(draw):
    j = draw(st.sampled_from(JURISDICTIONS))
    first = FIRST[j] + draw(st.integers(0, 6))
    end = first + SPAN - 1
    date = end.last_day
    pays = {first: first.first_day + dt.timedelta(days=draw(st.integers(0, 20)))}
    for m in month_range(first + 1, end):
        kind = draw(st.sampled_from(["on_time", "on_time", "on_time", "late", "never"]))
        if kind == "on_time":
            pays[m] = m.first_day + dt.timedelta(days=draw(st.integers(0, 27)))
        elif kind == "late":
            lag = draw(st.integers(1, 6))
            paid = (m + lag).first_day + dt.timedelta(days=draw(st.integers(0, 27)))
            if paid <= date:
                pays[m] = paid
    return j, first, date, pays


def timeline(j, first, date, pays):
    return decide({"question": "benefit_timeline", "jurisdiction": j, "date": date.isoformat(),
                   "first_month": str(first), "parameters": PARAMS[j],
                   "payments": [{"month": str(m), "paid_on": d.isoformat()} for m, d in sorted(pays.items())]})


@settings(max_examples=int(__import__("os").environ.get("HYPOTHESIS_EXAMPLES", 150)), deadline=None)
@given(histories())
def test_each_month_exactly_once_in_order(h):
    j, first, date, pays = h
    d = timeline(*h)
    assert [m["month"] for m in d["months"]] == [str(m) for m in month_range(first, Month.of(date))]
    assert all(m["benefits"] == (m["state"] == "active") for m in d["months"])


@settings(max_examples=int(__import__("os").environ.get("HYPOTHESIS_EXAMPLES", 150)), deadline=None)
@given(histories(), st.data())
def test_paying_earlier_never_delays_benefits(h, data):
    j, first, date, pays = h
    late = [m for m, d in pays.items() if Month.of(d) > m]
    unpaid = [m for m in month_range(first + 1, Month.of(date)) if m not in pays]
    if not late and not unpaid:
        return
    m = data.draw(st.sampled_from(late + unpaid))
    earlier = dict(pays)
    if m in pays:
        earlier[m] = max(m.first_day, pays[m] - dt.timedelta(days=data.draw(st.integers(1, 200))))
    else:
        earlier[m] = m.first_day + dt.timedelta(days=5)
    before, after = timeline(j, first, date, pays), timeline(j, first, date, earlier)
    b0, b1 = before["benefit_start"], after["benefit_start"]
    assert b1 is not None or b0 is None
    if b0 and b1:
        assert b1 <= b0
    # and no month that had benefits loses them
    had = {x["month"] for x in before["months"] if x["benefits"]}
    has = {x["month"] for x in after["months"] if x["benefits"]}
    assert had <= has, sorted(had - has)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(JURISDICTIONS), st.sampled_from(["M", "F"]), st.integers(0, 500), st.integers(0, 500),
       st.integers(0, 500), st.integers(0, 200), st.booleans())
def test_lump_sum_never_exceeds_the_larger_shortfall_and_nothing_is_negative(j, sex, total, actual, local, pooling,
                                                                           hukou):
    actual, local, pooling = min(actual, total), min(local, actual), min(pooling, total)
    mode = "pooling_only" if "pooling_only" in RULES[j].modes and pooling % 2 else "with_account"
    d = decide({"question": "retirement", "jurisdiction": j, "date": "2026-06-01", "mode": mode,
                "parameters": PARAMS[j],
                "person": {"sex": sex, "birth_date": "1960-01-01", "hukou_in_province": hukou},
                "record": {"total_months": total, "actual_months": actual, "in_province_months": local,
                           "local_months": local, "pooling_only_months": pooling, "in_arrears": False}})
    short = d["shortfall_months"]
    assert all(v >= 0 for v in short.values())
    if d["lump_sum"]:
        assert d["lump_sum"]["months"] == max(short.values())
        assert float(d["lump_sum"]["amount"]) >= 0
    # 吉林（五）, where the mode changes at retirement: with-account retirement with pooling-only years waits for
    # the difference to be paid
    difference_due = RULES[j].mode_change_at_retirement and mode == "with_account" and pooling > 0
    assert d["qualified"] == (max(short.values()) == 0 and not difference_due)
    if d["mode_difference"]:
        assert float(d["mode_difference"]["amount"]) >= 0


@settings(max_examples=100, deadline=None)
@given(histories())
def test_back_payment_quote_is_never_negative(h):
    j, first, date, pays = h
    d = decide({"question": "back_payment", "jurisdiction": j, "date": date.isoformat(), "first_month": str(first),
                "parameters": PARAMS[j], "mode": "with_account",
                "payments": [{"month": str(m), "paid_on": x.isoformat()} for m, x in sorted(pays.items())]})
    for key in ("amount", "late_fee", "total"):
        assert float(d[key]) >= 0
    assert set(d["arrears_months"]) <= set(d["months_to_pay"])
