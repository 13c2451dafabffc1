"""The rest of a person's life in the file (issue 13): 停保/恢复/终止, 参保方式变更, 转出, transfer history."""
from datetime import date
from decimal import Decimal

import pytest

from desktop_app.services.errors import InputError
from desktop_app.services.mode_change import change_mode, quote_mode_change
from desktop_app.services.payments import ledger, quote_back_payment, record_payment
from desktop_app.services.person_status import change_status
from desktop_app.services.retirement import retirement_record
from desktop_app.services.transfer import (TransferForm, decide_transfer, save_transfer, transfer_out,
                                           transfers_for_person)

DEC6 = date(2026, 12, 6)


def paid(session, enrolled, through=date(2026, 11, 1), mode="with_account"):
    return enrolled(first_month=date(2026, 1, 1), paid_through=through, today=DEC6, enrolled_on=date(2026, 1, 5),
                    mode=mode)


def audit_actions(session, action):
    return session.db.execute("SELECT count(*) FROM audit WHERE action = ?", [action]).fetchone()[0]


def test_a_stop_at_the_persons_request_is_not_owed_and_resuming_is_recorded(session, enrolled):
    pid = paid(session, enrolled)
    record_payment(session, pid, [date(2026, 12, 1)], DEC6, "R202612", DEC6)
    with pytest.raises(InputError) as e:   # a request does not erase arrears already due
        change_status(session, pid, "stopped", date(2026, 10, 1), "本人申请", DEC6)
    assert e.value.field == "valid_from"
    with pytest.raises(InputError) as e:   # December is paid: the stop starts after it
        change_status(session, pid, "stopped", date(2026, 12, 1), "本人申请", DEC6)
    assert "2026年12月已有缴费记录" in e.value.message
    change_status(session, pid, "stopped", date(2027, 1, 1), "本人申请暂停", DEC6)
    jan = date(2027, 1, 20)
    book = ledger(session, pid, jan)
    assert book.status == "stopped" and {m.month: m.state for m in book.months}[date(2027, 1, 1)] == "stopped"
    assert quote_back_payment(session, pid, jan).months == []
    # back in March: two months' stop is within the limit, continuity kept
    change_status(session, pid, "active", date(2027, 3, 1), "本人申请恢复", date(2027, 3, 3))
    record_payment(session, pid, [date(2027, 3, 1)], date(2027, 3, 3), "R202703", date(2027, 3, 3))
    states = {m.month: m.state for m in ledger(session, pid, date(2027, 3, 3)).months}
    assert states[date(2027, 2, 1)] == "stopped" and states[date(2027, 3, 1)] == "active"
    assert audit_actions(session, "person.change") == 2


def test_death_ends_it_for_good(session, enrolled):
    pid = paid(session, enrolled, through=date(2026, 9, 1))
    change_status(session, pid, "terminated_death", date(2026, 10, 1), "死亡证明 D-2026-118", DEC6)
    assert quote_back_payment(session, pid, DEC6).months == []
    with pytest.raises(InputError) as e:
        change_status(session, pid, "active", date(2026, 12, 1), "恢复", DEC6)
    assert e.value.field == "status"


def test_a_mode_change_to_with_account_prices_the_pooling_months_and_counts_them(session, enrolled):
    pid = paid(session, enrolled, through=date(2026, 6, 1), mode="pooling_only")
    quote = quote_mode_change(session, pid, "with_account", DEC6)
    assert len(quote.pooling_months) == 6 and quote.valid_from == date(2027, 1, 1)
    # 信阳 第六条 at this month's standard: (7 % − 5 %) of the demo base 6,500.00 = 130.00 × 6
    assert quote.decision["difference_monthly"] == "130.00" and quote.amount == Decimal("780.00")
    with pytest.raises(InputError) as e:
        change_mode(session, pid, "with_account", DEC6, "", "本人申请", DEC6)
    assert e.value.field == "receipt_no"
    change_mode(session, pid, "with_account", DEC6, "RDIFF2026", "本人申请", DEC6)
    assert retirement_record(session, pid, DEC6).pooling_only_months == 0
    assert audit_actions(session, "mode_difference.pay") == 1
    # from January the standard is the with-account one
    book = record_payment(session, pid, [date(2027, 1, 1)], date(2027, 1, 5), "R202701", date(2027, 1, 5),
                          confirm_past_limit=True)
    row = session.db.execute("SELECT mode FROM ledger WHERE person_id = ? AND month = '2027-01'", [pid]).fetchone()
    assert row[0] == "with_account" and book is not None


def test_transfer_out_certificate_data_and_status(session, enrolled):
    pid = paid(session, enrolled)
    with pytest.raises(InputError) as e:
        transfer_out(session, pid, "合肥市", "河北", DEC6)
    assert e.value.field == "to_province"
    decision_id, decision = transfer_out(session, pid, "合肥市", "安徽省", DEC6)
    assert decision["periods"] == [{"from": "2026-01", "to": "2026-11", "months": 11}]
    assert decision["months_here"] == 11 and decision["last_month"] == "2026-11"
    assert ledger(session, pid, DEC6).status == "transferred_out"
    history = transfers_for_person(session, pid)
    assert [(t["direction"], t["region"]) for t in history] == [("out", "合肥市")]
    with pytest.raises(InputError):
        transfer_out(session, pid, "合肥市", "安徽省", DEC6)


def test_a_second_transfer_over_the_same_months_is_refused_naming_them(session, enrolled):
    pid = enrolled(first_month=date(2026, 12, 1), today=DEC6, enrolled_on=DEC6)
    form = TransferForm("郑州市", "employee", date(2026, 11, 1), 24, None, date(2026, 12, 1), False,
                        previous_province="河南省")
    save_transfer(session, pid, form, DEC6)
    assert transfers_for_person(session, pid)[0]["province"] == "河南省"
    again = TransferForm("洛阳市", "employee", date(2026, 10, 1), 12, None, date(2026, 12, 1), False,
                         previous_province="河南省")
    with pytest.raises(InputError) as e:
        save_transfer(session, pid, again, DEC6)
    assert "2025年11月" in e.value.message and "郑州市" in e.value.message


def test_in_province_follows_the_province_of_the_region(session, enrolled):
    pid = enrolled(first_month=date(2026, 12, 1), today=DEC6, enrolled_on=DEC6)
    wrong = TransferForm("合肥市", "employee", date(2026, 11, 1), 24, None, date(2026, 12, 1), False,
                         previous_in_province=True, previous_province="安徽省")
    with pytest.raises(InputError) as e:
        decide_transfer(session, pid, wrong, DEC6)
    assert e.value.field == "previous_province" and "不在本省（河南省）" in e.value.message
    mismatch = TransferForm("河南省郑州市", "employee", date(2026, 11, 1), 24, None, date(2026, 12, 1), False,
                            previous_province="安徽省")
    with pytest.raises(InputError) as e:
        decide_transfer(session, pid, mismatch, DEC6)
    assert e.value.field == "previous_region"
