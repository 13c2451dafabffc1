"""Notices: issued from a decision, archived with sha256 and inputs, reprinted byte for byte."""

import hashlib
from datetime import date

import pytest

from desktop_app.services.enrolment import enrol
from desktop_app.services.errors import InputError
from desktop_app.notices.issue import issue_notice, rerender_notice
from desktop_app.services.notices import notices_for_person, reprint_notice
from desktop_app.services.payments import quote_back_payment
from desktop_app.store import audit
from tests.conftest import TODAY
from tests.test_services_enrolment import form


@pytest.fixture
def waiting(session):
    result = enrol(session, form(), TODAY)
    return result.person_id, result.preview.decisions["benefit_timeline"]


def test_a_waiting_period_notice_is_archived_and_reprinted_identically(session, waiting):
    pid, decision = waiting
    issued = issue_notice(session, pid, "waiting_period", decision, TODAY)
    assert issued.serial == "2025XY-000001"
    assert issued.pdf.startswith(b"%PDF") and issued.sha256 == hashlib.sha256(issued.pdf).hexdigest()
    assert reprint_notice(session, issued.serial) == issued.pdf
    assert rerender_notice(session, issued.serial) == issued.pdf
    row = session.db.execute("SELECT person_id, kind, sha256, inputs FROM notices WHERE serial = ?",
                             [issued.serial]).fetchone()
    assert row[:3] == (pid, "waiting_period", issued.sha256)
    assert '"id_number":"411502199001011237"' in row[3] and '"demo":false' in row[3]  # no demo value behind it
    entry = audit.entries(session.db, 1)[0]
    assert entry["action"] == "notice.issue" and issued.sha256 in entry["after"]


def test_serials_count_up_and_a_correction_names_the_notice_it_replaces(session, waiting):
    pid, decision = waiting
    first = issue_notice(session, pid, "waiting_period", decision, TODAY)
    second = issue_notice(session, pid, "waiting_period", decision, TODAY, replaces=first.serial)
    assert second.serial == "2025XY-000002"
    assert [n["replaces"] for n in notices_for_person(session, pid)] == [None, first.serial]
    with pytest.raises(InputError) as e:
        issue_notice(session, pid, "waiting_period", decision, TODAY, replaces="2025XY-999999")
    assert e.value.field == "replaces"


def test_a_notice_the_decision_does_not_call_for_is_refused_and_nothing_is_written(session, enrolled):
    pid = enrolled(first_month=date(2025, 1, 1), paid_through=date(2025, 6, 1))
    quote = quote_back_payment(session, pid, TODAY)   # nothing in arrears
    before = session.db["notices"].count, session.db["audit"].count
    with pytest.raises(InputError) as e:
        issue_notice(session, pid, "lump_sum", quote.decision, TODAY)
    assert "无需" in e.value.message
    assert (session.db["notices"].count, session.db["audit"].count) == before


def test_a_lump_sum_notice_for_arrears(session, enrolled):
    pid = enrolled(first_month=date(2025, 1, 1), paid_through=date(2025, 2, 1))
    quote = quote_back_payment(session, pid, TODAY)
    issued = issue_notice(session, pid, "lump_sum", quote.decision, TODAY)
    assert reprint_notice(session, issued.serial) == issued.pdf


def test_a_tampered_archive_is_not_reprinted(session, waiting):
    pid, decision = waiting
    issued = issue_notice(session, pid, "waiting_period", decision, TODAY)
    session.db.execute("UPDATE notices SET pdf = ? WHERE serial = ?", [issued.pdf + b"x", issued.serial])
    with pytest.raises(InputError) as e:
        reprint_notice(session, issued.serial)
    assert "校验值" in e.value.message
