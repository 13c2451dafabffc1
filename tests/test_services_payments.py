"""缴费记录: the ledger with benefit states from the rule module, recording payments, the back-payment quote."""

from datetime import date
from decimal import Decimal

import pytest

from desktop_app.services.errors import InputError
from desktop_app.services.payments import ledger, quote_back_payment, record_payment
from desktop_app.store import audit
from tests.conftest import TODAY

JAN, FEB, MAR, APR, MAY, JUN = (date(2025, m, 1) for m in range(1, 7))


def written(session) -> dict:
    return {t: session.db[t].count for t in ("ledger", "decisions", "audit")}


def test_a_new_person_has_unpaid_months_and_no_benefits_yet(session, enrolled):
    pid = enrolled(first_month=APR)
    book = ledger(session, pid, TODAY)
    assert [m.month for m in book.months] == [APR, MAY, JUN]
    assert not any(m.paid or m.benefits for m in book.months)
    # issue 13: not "—" but when benefits would start once the first month is paid (3 months' waiting)
    assert book.benefit_start == date(2025, 7, 1) and book.benefit_start_expected
    assert [m.state for m in book.months] == ["unpaid"] * 3 and book.unpaid_months == [APR, MAY, JUN]


def test_paying_every_month_on_time_gives_benefits_after_the_waiting_period(session, enrolled):
    pid = enrolled(first_month=JAN)
    book = record_payment(session, pid, [JAN], date(2025, 1, 10), "R202501", TODAY)
    for month in (FEB, MAR, APR, MAY, JUN):
        book = record_payment(session, pid, [month], month.replace(day=8), f"R{month:%Y%m}", TODAY)
    by_month = {m.month: m for m in book.months}
    # 信医保办〔2023〕46号 第九条（一）: a 3-month waiting period on first enrolment
    assert [by_month[m].state for m in (JAN, FEB, MAR, APR)] == ["waiting", "waiting", "waiting", "active"]
    assert book.benefit_start == APR and book.waiting_periods[0]["from"] == JAN
    assert by_month[JAN].amount == Decimal("437.50") and by_month[JAN].source == "counter"
    assert by_month[JAN].receipt_no == "R202501" and by_month[JAN].operator == "测试员"
    assert any("第九条" in c for c in book.citations)


def test_several_months_in_one_payment_each_at_its_own_standard(session, enrolled):
    pid = enrolled(first_month=date(2024, 11, 1))
    book = record_payment(session, pid, [date(2024, 11, 1), date(2024, 12, 1), JAN], date(2024, 11, 20), "R1", TODAY)
    amounts = {m.month: m.amount for m in book.months if m.paid}
    # the demo average wage changes on 2025-01-01: 72000 -> 75000 a year, 7%
    assert amounts == {date(2024, 11, 1): Decimal("420.00"), date(2024, 12, 1): Decimal("420.00"),
                       JAN: Decimal("437.50")}


def test_a_month_paid_after_it_was_due_is_a_back_payment(session, enrolled):
    pid = enrolled(first_month=JAN, paid_through=FEB)
    book = record_payment(session, pid, [MAR, APR], date(2025, 5, 6), "R9", TODAY)
    sources = {m.month: m.source for m in book.months if m.paid}
    assert sources[MAR] == sources[APR] == "back_payment" and sources[JAN] == "counter"


@pytest.mark.parametrize("months, paid_on, receipt, field", [
    ([], date(2025, 6, 1), "R1", "months"),
    ([JAN], date(2025, 6, 1), "R1", "months"),            # already paid
    ([date(2024, 12, 1)], date(2025, 6, 1), "R1", "months"),  # before the first month
    ([date(2026, 12, 1)], date(2025, 6, 1), "R1", "months"),  # too far ahead
    ([MAR], date(2025, 6, 17), "R1", "paid_on"),          # tomorrow
    ([MAR], date(2025, 6, 1), "", "receipt_no"),
    ([MAR], date(2025, 6, 1), "票据 1", "receipt_no"),
])
def test_a_refused_payment_names_its_field_and_writes_nothing(session, enrolled, months, paid_on, receipt, field):
    pid = enrolled(first_month=JAN, paid_through=FEB)
    before = written(session)
    with pytest.raises(InputError) as e:
        record_payment(session, pid, months, paid_on, receipt, TODAY)
    assert e.value.field == field and e.value.message
    assert written(session) == before


def test_a_failure_half_way_through_the_write_leaves_nothing(session, enrolled, monkeypatch):
    from desktop_app.store import ledger as ledger_store

    pid = enrolled(first_month=JAN, paid_through=FEB)
    before = written(session)

    def power_cut(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(ledger_store, "insert", power_cut)
    with pytest.raises(OSError):
        record_payment(session, pid, [MAR, APR], date(2025, 6, 1), "R1", TODAY)
    assert written(session) == before
    assert audit.verify(session.db).ok


def test_the_back_payment_quote_compares_paying_today_with_next_month(session, enrolled):
    pid = enrolled(first_month=JAN, paid_through=FEB)   # March to May not paid: in arrears
    quote = quote_back_payment(session, pid, TODAY)
    assert quote.arrears_months == [MAR, APR, MAY]
    assert quote.months == [MAR, APR, MAY, JUN]
    assert quote.monthly_amount == Decimal("437.50") and quote.amount == Decimal("1750.00")
    assert quote.late_fee > 0 and quote.total == quote.amount + quote.late_fee   # 信阳 charges a late fee
    # 信阳 stops benefits from the 3rd month of arrears (May) and pays them back once the arrears are paid
    assert quote.retroactive and quote.retroactive_months == [MAY]
    assert quote.benefit_start_if_today == JUN
    # next month the interruption is over 3 months: a new 3-month waiting period
    assert quote.benefit_start_if_next_month == date(2025, 10, 1)
    assert quote.total_if_next_month == Decimal("437.50")
    assert any("第九条（二）" in c for c in quote.citations)
    assert quote.decision["question"] == "back_payment"


def test_the_quote_changes_nothing(session, enrolled):
    pid = enrolled(first_month=JAN, paid_through=MAR)
    before = written(session)
    quote_back_payment(session, pid, TODAY)
    assert written(session) == before


def test_every_month_written_appears_in_the_audit_chain(session, enrolled):
    pid = enrolled(first_month=JAN)
    record_payment(session, pid, [JAN, FEB], date(2025, 2, 3), "R5", TODAY)
    entry = audit.entries(session.db, 1)[0]
    assert entry["action"] == "ledger.record" and entry["entity"] == f"people:{pid}/ledger"
    assert '"2025-01"' in entry["after"] and '"2025-02"' in entry["after"]
    assert audit.verify(session.db).ok


def test_a_month_entered_in_error_is_voided_with_its_reason_and_can_be_entered_again(session, enrolled):
    from desktop_app.services.payments import void_payment
    from desktop_app.store.ledger import voids

    pid = enrolled(first_month=JAN, paid_through=FEB)
    book = void_payment(session, pid, FEB, "票据号录入错误", TODAY)
    assert [m.month for m in book.months if m.paid] == [JAN]
    kept = voids(session.db, pid)
    assert len(kept) == 1 and kept[0]["month"] == "2025-02" and '"receipt_no":"R202502' in kept[0]["row"]
    entry = audit.entries(session.db, 1)[0]
    assert entry["action"] == "ledger.void" and "票据号录入错误" in entry["after"] and "R202502" in entry["before"]
    record_payment(session, pid, [FEB], date(2025, 2, 9), "R202502B", TODAY)
    assert audit.verify(session.db).ok
    with pytest.raises(InputError) as e:
        void_payment(session, pid, MAR, "录入错误重复", TODAY)
    assert e.value.field == "months"
    with pytest.raises(InputError) as e:
        void_payment(session, pid, FEB, "错", TODAY)
    assert e.value.field == "reason"
