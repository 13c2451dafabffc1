"""转移接续 and 退休资格 through the services, decided by the real rule module on a real file."""

import json
from datetime import date
from decimal import Decimal

import pytest

from desktop_app.services.errors import InputError
from desktop_app.services.payments import ledger, record_payment
from desktop_app.services.people import get_person
from desktop_app.services.retirement import (add_correction, decide_retirement, retirement_record, save_retirement,
                                             void_correction)
from desktop_app.services.transfer import TransferForm, decide_transfer, save_transfer
from desktop_app.store import audit
from tests.conftest import TODAY, make_id

JUNE = date(2025, 6, 1)


def transfer(**changes) -> TransferForm:
    values = dict(previous_region="郑州市", scheme="employee", last_paid_month=date(2025, 3, 1),
                  contribution_months=120, continuous_years=None, first_month_here=JUNE, pay_gap=True,
                  previous_in_province=True, receipt_no="ZY0001")
    values.update(changes)
    return TransferForm(**values)


def written(session) -> dict:
    return {t: session.db[t].count for t in ("ledger", "decisions", "audit", "people")}


def test_a_gap_within_three_months_paid_back_is_continuous_without_waiting(session, enrolled):
    pid = enrolled(first_month=JUNE)
    d = decide_transfer(session, pid, transfer(), TODAY)
    assert d["gap_months"] == 2 and d["continuous"] and d["waiting_months"] == 0
    assert d["back_pay_months"] == ["2025-04", "2025-05"] and d["back_pay_amount"] == "875.00"
    assert d["retroactive_months"] == ["2025-04", "2025-05"] and d["recognized_months"] == 122
    assert any("信医保办" in c for c in d["citations"])


def test_saving_a_transfer_puts_its_months_in_the_ledger_with_their_source(session, enrolled):
    pid = enrolled(first_month=JUNE)
    decision_id = save_transfer(session, pid, transfer(), TODAY)
    rows = session.db.execute("SELECT source, COUNT(*), MIN(month), MAX(month) FROM ledger WHERE person_id = ?"
                              " GROUP BY source ORDER BY source", [pid]).fetchall()
    assert rows == [("back_payment", 2, "2025-04", "2025-05"), ("transfer", 120, "2015-04", "2025-03")]
    assert get_person(session, pid).waiting_exempt
    stored = json.loads(session.db.execute("SELECT inputs FROM decisions WHERE id = ?", [decision_id]).fetchone()[0])
    assert stored["form"]["previous_region"] == "郑州市" and stored["case"]["question"] == "transfer"
    # paying June now gives benefits at once: no waiting period after a continuous transfer
    book = record_payment(session, pid, [JUNE], TODAY, "R0616", TODAY)
    assert book.benefit_start == JUNE and book.waiting_periods == []
    assert [m.month for m in book.prior][-2:] == [date(2025, 4, 1), date(2025, 5, 1)]
    assert all(m.benefits for m in book.prior[-2:])  # the gap is retroactive
    record = retirement_record(session, pid, TODAY)
    assert (record.local_months, record.actual_months, record.in_province_months) == (3, 123, 123)
    assert audit.verify(session.db).ok


def test_a_gap_over_the_limit_means_a_new_waiting_period_and_nothing_to_pay_back(session, enrolled):
    pid = enrolled(first_month=JUNE)
    form = transfer(last_paid_month=date(2024, 12, 1), pay_gap=False)
    d = decide_transfer(session, pid, form, TODAY)
    assert not d["continuous"] and d["waiting_months"] == 3 and d["back_pay_months"] == []
    save_transfer(session, pid, form, TODAY)
    assert not get_person(session, pid).waiting_exempt
    book = record_payment(session, pid, [JUNE], TODAY, "R1", TODAY)
    assert book.months[0].state == "waiting"


@pytest.mark.parametrize("changes, field", [
    (dict(previous_region=""), "previous_region"),
    (dict(scheme="commercial"), "scheme"),
    (dict(contribution_months=-1), "contribution_months"),
    (dict(scheme="resident", continuous_years=None), "continuous_years"),
    (dict(first_month_here=date(2025, 3, 1)), "first_month_here"),
    (dict(first_month_here=date(2025, 5, 1)), "first_month_here"),  # not the person's first month here
])
def test_a_refused_transfer_names_its_field_and_writes_nothing(session, enrolled, changes, field):
    pid = enrolled(first_month=JUNE, paid_through=JUNE)
    before = written(session)
    with pytest.raises(InputError) as e:
        save_transfer(session, pid, transfer(**changes), TODAY)
    assert e.value.field == field and e.value.message
    assert written(session) == before


# A man born 1965-06-15: statutory age 60 years 2 months, retirement month 2025-08 (example retirement-xinyang).
RETIRING = make_id("19650615", seq=11)
ON = date(2026, 3, 10)


@pytest.fixture
def retiring(enrolled):
    return enrolled(first_month=date(2025, 1, 1), paid_through=date(2026, 2, 1), id_number=RETIRING,
                    name="赵国强", today=ON)


def test_the_record_adds_ledger_months_and_corrections_each_with_its_reason(session, retiring):
    add_correction(session, retiring, "deemed", 240, "1985—2004年国有企业工龄视同缴费（档案核定）", ON)
    add_correction(session, retiring, "transferred", 60, "2005—2009年郑州市职工医保（转移凭证）", ON)
    r = retirement_record(session, retiring, ON)
    assert (r.total_months, r.actual_months, r.local_months, r.in_arrears) == (314, 74, 14, False)
    assert [c["kind"] for c in r.corrections] == ["deemed", "transferred"]


def test_short_of_years_gets_the_lump_sum_at_this_months_standard(session, retiring):
    add_correction(session, retiring, "deemed", 240, "1985—2004年国有企业工龄视同缴费（档案核定）", ON)
    d = decide_retirement(session, retiring, ON)
    assert d["retirement_month"] == "2025-08" and d["age_reached"] and not d["qualified"]
    # 信阳: men 30 years in all, 10 years actually paid into Xinyang's scheme
    assert d["shortfall_months"]["total"] == 360 - 254 and d["shortfall_months"]["actual"] == 120 - 14
    assert d["lump_sum"]["months"] == 106
    assert Decimal(d["lump_sum"]["monthly_standard"]) == Decimal("455.00")   # 78000 / 12 × 7% (2026 demo wage)
    assert Decimal(d["lump_sum"]["amount"]) == Decimal("455.00") * 106
    assert d["record"]["total_months"] == 254


def test_a_correction_is_voided_by_a_new_entry_never_edited(session, retiring):
    cid = add_correction(session, retiring, "transferred", 60, "郑州市转移凭证", ON)
    void_correction(session, cid, "凭证重复录入", ON)
    assert retirement_record(session, retiring, ON).transferred_months == 0
    rows = session.db.execute("SELECT kind, voids FROM corrections ORDER BY id").fetchall()
    assert rows == [("transferred", None), ("void", cid)]
    with pytest.raises(InputError):
        void_correction(session, cid, "再次撤销", ON)
    assert [e["action"] for e in audit.entries(session.db, 2)] == ["correction.void", "correction.add"]


@pytest.mark.parametrize("kind, months, reason, field", [
    ("bonus", 12, "档案核定材料", "kind"), ("deemed", 0, "档案核定材料", "months"),
    ("deemed", 12, "档案", "reason")])
def test_a_correction_without_reason_or_with_bad_figures_is_refused(session, retiring, kind, months, reason, field):
    before = session.db["corrections"].count
    with pytest.raises(InputError) as e:
        add_correction(session, retiring, kind, months, reason, ON)
    assert e.value.field == field
    assert session.db["corrections"].count == before


def test_the_saved_retirement_decision_keeps_its_inputs_and_trace(session, retiring):
    decision_id = save_retirement(session, retiring, ON)
    row = session.db.execute("SELECT inputs, decision, decided_on FROM decisions WHERE id = ?",
                             [decision_id]).fetchone()
    inputs, decision = json.loads(row[0]), json.loads(row[1])
    assert inputs["case"]["record"]["local_months"] == 14 and row[2] == ON.isoformat()
    assert decision["citations"] and decision["parameters_used"]
    from desktop_app.rules import decide
    from desktop_app.store.parameters import office_table

    # replaying the stored case with the office's table gives the stored decision
    assert decide(inputs["case"], office_parameters=office_table(session.db, "xinyang")) == decision


def test_unpaid_recent_months_put_the_person_in_arrears(session, enrolled):
    pid = enrolled(first_month=date(2025, 1, 1), paid_through=date(2025, 3, 1))
    r = retirement_record(session, pid, TODAY)
    assert r.in_arrears and r.arrears_months == ["2025-04", "2025-05"]
    assert ledger(session, pid, TODAY).months[-1].state in ("suspended", "active")
