"""A person's payment cycle and base band over time (issue 11), and 信息变更 with its history (issue 13)."""
from datetime import date
from decimal import Decimal

import pytest

from conftest import TODAY, make_id
from desktop_app.services.enrolment import EnrolmentForm, enrol
from desktop_app.services.errors import InputError
from desktop_app.services.payments import ledger, quote_back_payment, record_months
from desktop_app.services.person_changes import change_person, history
from desktop_app.services.people import get_person


def quarterly_person(session, first=date(2025, 1, 1), enrolled_on=date(2025, 1, 5)):
    form = EnrolmentForm(make_id(seq=301), "季缴费", "13800000000", "信阳市浉河区", "freelancer", ["hukou"], False,
                         "with_account", None, first, payment_cycle="quarterly")
    return enrol(session, form, enrolled_on).person_id


def test_a_quarterly_payer_is_enrolled_as_such_and_owes_nothing_before_the_quarter_ends(session):
    pid = quarterly_person(session)
    assert get_person(session, pid).payment_cycle == "quarterly"
    # Q1 paid on 20 March, Q2 not yet due on 16 June
    record_months(session, pid, [date(2025, m, 1) for m in (1, 2, 3)], date(2025, 3, 20), "Q2025A", TODAY)
    book = ledger(session, pid, TODAY)
    assert book.payment_cycle == "quarterly"
    assert [m.state for m in book.months if m.month >= date(2025, 4, 1)] == ["active"] * 3
    quote = quote_back_payment(session, pid, TODAY)
    assert quote.arrears_months == [] and quote.late_fee == 0
    assert quote.months == [date(2025, 4, 1), date(2025, 5, 1), date(2025, 6, 1)]


def test_quarterly_payment_is_refused_where_the_document_has_none(session):
    from desktop_app.services.demo_parameters import enter_demo_parameters
    from desktop_app.services.settings import set_office

    set_office(session, "huainan", "淮南市医疗保障局")
    enter_demo_parameters(session, "huainan", TODAY)
    form = EnrolmentForm(make_id(area="340402", seq=303), "按季度", "", "", "freelancer", ["hukou"], False,
                         "with_account", None, date(2025, 6, 1), payment_cycle="quarterly")
    with pytest.raises(InputError) as e:
        enrol(session, form, TODAY)
    assert e.value.field == "payment_cycle" and "未规定按季度缴费" in e.value.message


def test_a_cycle_change_applies_from_its_month_and_never_rewrites_months_already_due(session, enrolled):
    pid = enrolled(first_month=date(2025, 1, 1), paid_through=date(2025, 5, 1))
    with pytest.raises(InputError) as e:
        change_person(session, pid, "payment_cycle", "quarterly", date(2025, 3, 1), "本人申请", TODAY)
    assert e.value.field == "valid_from"
    change = change_person(session, pid, "payment_cycle", "quarterly", date(2025, 7, 1), "本人申请", TODAY)
    assert (change.before, change.after, change.valid_from) == ("monthly", "quarterly", date(2025, 7, 1))
    # June stays monthly: unpaid on 16 June it is simply this month's payment
    quote = quote_back_payment(session, pid, TODAY)
    assert quote.months == [date(2025, 6, 1)]
    # from July on the quarter (July–September) falls due at the end of September
    later = quote_back_payment(session, pid, date(2025, 7, 20))
    assert date(2025, 9, 1) in later.months and later.late_fee > 0   # June is now late (monthly)
    rows = session.db.execute("SELECT action, entity FROM audit WHERE action = 'person.change'").fetchall()
    assert len(rows) == 1


def test_a_jiangsu_band_changed_for_next_year_prices_next_years_months(session):
    from desktop_app.services.demo_parameters import enter_demo_parameters
    from desktop_app.services.payments import contribution_case
    from desktop_app.services.person_terms import case_parameters
    from desktop_app.services.rules_glue import ask
    from desktop_app.services.settings import set_office
    from desktop_app.store import people as people_store

    set_office(session, "jiangsu", "南京市医疗保障局")
    enter_demo_parameters(session, "jiangsu", TODAY)
    form = EnrolmentForm(make_id(area="320102", seq=305), "江苏人", "", "", "freelancer", ["hukou"], False,
                         "with_account", Decimal("0.6"), date(2025, 6, 1))
    pid = enrol(session, form, TODAY).person_id
    change_person(session, pid, "base_ratio", Decimal("1.0"), date(2026, 1, 1), "本人选择2026年度缴费基数档次", TODAY)
    person = people_store.get(session.db, pid)

    def amount(month):
        return ask(session, contribution_case(person, month, TODAY, case_parameters(session.db, person, month)))

    assert amount("2025-12")["monthly_base"] == "6100.00"     # 122000 / 12 × 60 %
    assert amount("2026-01")["monthly_base"] == "10500.00"    # 126000 / 12 × 100 %
    with pytest.raises(InputError) as e:
        change_person(session, pid, "base_ratio", Decimal("3.5"), date(2026, 1, 1), "本人选择", TODAY)
    assert e.value.field == "value"


def test_details_change_with_their_date_and_history(session, enrolled):
    pid = enrolled()
    change_person(session, pid, "phone", "13900000000", date(2025, 6, 10), "本人申请", TODAY)
    change_person(session, pid, "address", "信阳市平桥区", TODAY, "搬家", TODAY)
    assert get_person(session, pid).phone == "13900000000"
    changes = history(session, pid)
    assert [(c.field, c.before, c.after) for c in changes] == [
        ("phone", "13800000000", "13900000000"), ("address", "信阳市浉河区", "信阳市平桥区")]
    with pytest.raises(InputError) as e:
        change_person(session, pid, "phone", "12345", TODAY, "本人申请", TODAY)
    assert e.value.field == "value"
    with pytest.raises(InputError) as e:
        change_person(session, pid, "base_ratio", Decimal("1"), date(2025, 7, 1), "本人申请", TODAY)
    assert e.value.field == "value" and "不选择缴费基数档次" in e.value.message
    assert len(history(session, pid)) == 2   # nothing half-saved
