"""One consistent answer at the counter (issue 13): arrears month by month, past the limit, late fees recorded,
when benefits start, and a transfer that drives the timeline."""
from datetime import date
from decimal import Decimal

import pytest

from desktop_app.services.payments import PastLimit, ledger, quote_back_payment, record_payment

DEC6 = date(2026, 12, 6)


def june_only(session, enrolled):
    """A 信阳 person who paid June 2026 and nothing since (the issue's clerk's story)."""
    return enrolled(first_month=date(2026, 6, 1), paid_through=date(2026, 6, 1), today=DEC6,
                    enrolled_on=date(2026, 6, 5))


def test_the_quote_says_which_months_are_past_the_limit_and_what_paying_now_means(session, enrolled):
    pid = june_only(session, enrolled)
    quote = quote_back_payment(session, pid, DEC6)
    assert quote.arrears_months == [] and quote.pay_by is None
    assert quote.lapsed_months == [date(2026, m, 1) for m in range(7, 12)]
    assert quote.months == [date(2026, 12, 1)]
    assert quote.waiting_if_paid[-1] == {"from": "2026-12", "to": "2027-02", "reason": "lapse"}
    assert quote.benefit_start_if_today == date(2027, 3, 1)


def test_recording_months_past_the_limit_asks_first_and_then_records_their_late_fees(session, enrolled):
    pid = june_only(session, enrolled)
    months = [date(2026, m, 1) for m in range(7, 12)]
    with pytest.raises(PastLimit) as e:
        record_payment(session, pid, months, DEC6, "R2026PAST", DEC6)
    assert e.value.months == months
    assert "2026年7月至2026年11月（共5个月）已超过补缴期限" in e.value.message
    assert "2026年12月至2027年2月" in e.value.message and "2027年3月起享受待遇" in e.value.message
    assert session.db.execute("SELECT count(*) FROM ledger WHERE person_id = ?", [pid]).fetchone()[0] == 1
    book = record_payment(session, pid, months, DEC6, "R2026PAST", DEC6, confirm_past_limit=True)
    fees = {m.month: m.late_fee for m in book.months if m.month in months}
    # each month late from its due day: July (128 days) costs more than November (6 days)
    assert all(fee is not None and fee > 0 for fee in fees.values()), fees
    assert fees[date(2026, 7, 1)] > fees[date(2026, 11, 1)]
    row = session.db.execute("SELECT late_fee, amount FROM ledger WHERE person_id = ? AND month = '2026-07'",
                             [pid]).fetchone()
    assert Decimal(row[0]) == fees[date(2026, 7, 1)]


def test_arrears_within_the_limit_say_until_when_they_can_be_paid(session, enrolled):
    pid = enrolled(first_month=date(2026, 6, 1), paid_through=date(2026, 9, 1), today=DEC6,
                   enrolled_on=date(2026, 6, 5))
    quote = quote_back_payment(session, pid, DEC6)
    assert quote.arrears_months == [date(2026, 10, 1), date(2026, 11, 1)]
    # an interruption from October heals if paid by the end of January (3 months: 信阳 第九条（二）)
    assert quote.pay_by == date(2027, 1, 31)
    late = {line["month"]: line["late_fee"] for line in quote.lines}
    assert Decimal(late[date(2026, 10, 1)]) > 0 and Decimal(late[date(2026, 12, 1)]) == 0
    book = record_payment(session, pid, quote.months, DEC6, "R2026ARR", DEC6)   # no question asked
    assert {m.month: m.late_fee for m in book.months}[date(2026, 10, 1)] == Decimal(late[date(2026, 10, 1)])


def test_a_waiting_person_is_told_the_month_benefits_start_and_paid_ahead_months_show_it(session, enrolled):
    pid = enrolled(first_month=date(2026, 11, 1), paid_through=date(2026, 11, 1), today=DEC6,
                   enrolled_on=date(2026, 11, 5))
    record_payment(session, pid, [date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1), date(2027, 3, 1)], DEC6,
                   "R2026AHEAD", DEC6)
    book = ledger(session, pid, DEC6)
    assert book.benefit_start == date(2027, 2, 1) and book.benefit_start_expected
    states = {m.month: m.state for m in book.months}
    assert states[date(2027, 1, 1)] == "waiting" and states[date(2027, 2, 1)] == "active"
    assert states[date(2027, 3, 1)] == "active"


def test_a_saved_transfer_without_waiting_drives_the_timeline_before_the_first_payment(session, enrolled):
    from desktop_app.services.transfer import TransferForm, save_transfer

    pid = enrolled(first_month=date(2026, 12, 1), today=DEC6, enrolled_on=DEC6)
    form = TransferForm(previous_region="郑州市", scheme="employee", last_paid_month=date(2026, 11, 1),
                        contribution_months=60, first_month_here=date(2026, 12, 1), pay_gap=False,
                        continuous_years=None)
    save_transfer(session, pid, form, DEC6)
    book = ledger(session, pid, DEC6)
    assert book.benefit_start == date(2026, 12, 1)
    assert all(m.state != "waiting" for m in book.months)
