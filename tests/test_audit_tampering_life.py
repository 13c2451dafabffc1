"""The audit check covers what a person's life adds to the file (issues 12, 13, 14): late fees recorded with a
month, 信息变更, the difference paid on a change of mode, a notice's 回执. An edit beside the audit is named."""

from datetime import date

import pytest

from desktop_app.audit.__main__ import main
from desktop_app.notices.issue import render
from desktop_app.services.mode_change import change_mode
from desktop_app.services.notices import issue_notice, record_receipt
from desktop_app.services.payments import ledger, record_payment
from desktop_app.services.person_changes import change_person
from tests.test_audit_tampering import sql, verdict

DEC6 = date(2026, 12, 6)


@pytest.fixture
def lived(session, enrolled):
    late = enrolled(first_month=date(2026, 6, 1), paid_through=date(2026, 8, 1), today=DEC6,
                    enrolled_on=date(2026, 6, 5))
    record_payment(session, late, [date(2026, 9, 1), date(2026, 10, 1)], DEC6, "RLATE", DEC6)   # with late fees
    change_person(session, late, "phone", "13900000000", DEC6, "本人申请", DEC6)
    pooled = enrolled(first_month=date(2026, 6, 1), paid_through=date(2026, 11, 1), today=DEC6,
                      enrolled_on=date(2026, 6, 5), mode="pooling_only", id_number=None, name="李秀英")
    change_mode(session, pooled, "with_account", DEC6, "RDIFF", "本人申请", DEC6)
    serial = issue_notice(session, late, "waiting_period", ledger(session, late, DEC6).decision, DEC6, render).serial
    record_receipt(session, serial, DEC6, DEC6)
    path = session.path
    session.close()
    return path


def test_the_lived_file_verifies(lived, capsys):
    assert main(["verify", str(lived)]) == 0, capsys.readouterr().out


@pytest.mark.parametrize("edit, words", [
    ("UPDATE ledger SET late_fee = '0.01' WHERE late_fee IS NOT NULL AND month = '2026-09'", "late_fee"),
    ("UPDATE person_changes SET after = '13700000000' WHERE field = 'phone'", "信息变更记录"),
    ("UPDATE mode_differences SET amount = '1.00'", "参保方式变更差额"),
    ("UPDATE notice_receipts SET returned_on = '2026-01-01'", "告知书回执"),
    ("DELETE FROM person_changes", "找不到"),
], ids=["late-fee", "person-change", "mode-difference", "receipt", "change-deleted"])
def test_an_edit_beside_the_audit_is_named(lived, capsys, edit, words):
    sql(lived, edit)
    out = verdict(lived, capsys)
    assert words in out and "校验未通过" in out
