"""The service layer refuses what a role may not do (not only the screens), and writes nothing when it does."""

from datetime import date

import pytest

from desktop_app.services import auth, operators
from desktop_app.services.audit_log import verify_chain
from desktop_app.services.parameters import set_parameter
from desktop_app.services.payments import record_payment, void_payment
from desktop_app.services.people import get_person, search_people
from desktop_app.services.permissions import PermissionDenied
from desktop_app.services.retirement import add_correction
from desktop_app.services.settings import set_office, set_setting
from auth_fixtures import ADMIN_PASSWORD, staffed, staffed_path, staffed_template  # noqa: F401
from tests.conftest import TODAY, make_id

PASSWORD = "Counter2025"  # STAFF_PASSWORD is PASSWORD + "x"


@pytest.fixture
def office(staffed, enrolled_in):
    """One person paid Jan–Mar; the administrator, a clerk jb and a reviewer fh on file, nobody logged in."""
    return staffed, enrolled_in(staffed)


@pytest.fixture
def enrolled_in():
    def make(s):
        from desktop_app.services.enrolment import EnrolmentForm, enrol
        from desktop_app.services.payments import record_months

        auth.login(s, "admin", ADMIN_PASSWORD)
        form = EnrolmentForm(make_id(seq=101), "王建国", "13800000000", "信阳市浉河区", "freelancer", ["hukou"], False,
                             "with_account", None, date(2025, 1, 1))
        person_id = enrol(s, form, date(2025, 1, 5)).person_id
        for m in (1, 2, 3):
            record_months(s, person_id, [date(2025, m, 1)], date(2025, m, 10), f"R{m}", TODAY)
        auth.logout(s)
        return person_id

    return make


def audit_actions(s) -> list[tuple[str, str]]:
    return s.db.execute("SELECT action, operator FROM audit ORDER BY id").fetchall()


def counts(s) -> tuple:
    return tuple(s.db[t].count for t in ("people", "ledger", "ledger_voids", "corrections", "parameters", "audit"))


def test_a_clerk_does_the_counter_job_but_not_corrections_voids_or_administration(office):
    s, person_id = office
    auth.login(s, "jb", PASSWORD + "x")
    record_payment(s, person_id, [date(2025, 4, 1)], date(2025, 4, 10), "R0004", TODAY)
    before = counts(s)
    refused = [
        lambda: void_payment(s, person_id, date(2025, 4, 1), "录入错误，重新登记", TODAY),
        lambda: add_correction(s, person_id, "deemed", 24, "档案记载视同缴费", TODAY),
        lambda: set_parameter(s, "avg_wage_annual", date(2025, 1, 1), "70000", "豫人社〔2025〕1号", TODAY),
        lambda: set_office(s, "xinyang", "改名"),
        lambda: set_setting(s, "idle_lock_minutes", 30),
        lambda: verify_chain(s),
        lambda: operators.create_operator(s, "new1", "新人", "admin", PASSWORD),
    ]
    for action in refused:
        with pytest.raises(PermissionDenied) as e:
            action()
        assert "经办员" in e.value.message and e.value.field is None
    assert counts(s) == before


def test_a_reviewer_may_void_and_correct_but_not_administer(office):
    s, person_id = office
    auth.login(s, "fh", PASSWORD + "x")
    book = void_payment(s, person_id, date(2025, 3, 1), "票据号录错，作废重录", TODAY)
    assert "2025-03" not in {r[0] for r in s.db.execute("SELECT month FROM ledger WHERE person_id = ?", [person_id])}
    assert not next(m for m in book.months if m.month == date(2025, 3, 1)).paid   # the ledger shown says so
    voided = s.db.execute("SELECT month, reason, operator FROM ledger_voids WHERE person_id = ?", [person_id]).fetchall()
    assert voided == [("2025-03", "票据号录错，作废重录", "fh")]
    correction = add_correction(s, person_id, "deemed", 12, "档案记载视同缴费年限", TODAY)
    row = s.db["corrections"].get(correction)
    assert (row["kind"], row["months"], row["reason"], row["operator"]) == ("deemed", 12, "档案记载视同缴费年限", "fh")
    last = audit_actions(s)[-2:]
    assert [a for a, _ in last] == ["ledger.void", "correction.add"] and {o for _, o in last} == {"fh"}
    with pytest.raises(PermissionDenied, match="复核员"):
        set_parameter(s, "avg_wage_annual", date(2025, 1, 1), "70000", "豫人社〔2025〕1号", TODAY)


def test_a_clerk_sees_id_numbers_masked_in_lists_and_whole_for_the_person_at_the_counter(office):
    s, person_id = office
    auth.login(s, "admin", ADMIN_PASSWORD)
    full = get_person(s, person_id).id_number
    auth.login(s, "jb", PASSWORD + "x")
    [hit] = search_people(s, "王建国")
    assert hit.id_number == full[:4] + "*" * 10 + full[-4:]
    assert get_person(s, hit.id).id_number == full           # the selected person: the full number
    assert search_people(s, full)[0].id == person_id          # a card reader's full number still finds them
    auth.login(s, "fh", PASSWORD + "x")
    assert search_people(s, "王建国")[0].id_number == full


def test_a_refusal_is_not_an_error_of_the_input_but_is_shown_the_same_way(office):
    from desktop_app.services.errors import InputError

    s, _ = office
    auth.login(s, "jb", PASSWORD + "x")
    auth.lock(s)
    with pytest.raises(InputError) as e:   # every screen that shows an InputError shows this one too
        search_people(s, "王")
    assert isinstance(e.value, PermissionDenied) and "锁定" in e.value.message
