"""The office's parameter table, settings, the session and where the data file lives."""

import json
from datetime import date
from decimal import Decimal

import pytest

from desktop_app.services.enrolment import preview_enrolment
from desktop_app.services.errors import InputError
from desktop_app.services.parameters import parameter_change_impact, parameter_rows, set_parameter
from desktop_app.services.payments import ledger
from desktop_app.services.session import DATA_FILE, Office, default_data_path, open_trusted_session
from desktop_app.services.settings import get_office, set_office, set_setting
from desktop_app.store import audit
from tests.conftest import TODAY
from tests.test_services_enrolment import form


def test_rows_list_shipped_values_and_office_entries_with_their_source(session):
    rows = parameter_rows(session)
    shipped = [r for r in rows if r.origin == "shipped"]
    office = [r for r in rows if r.origin == "office"]
    assert any(r.name == "waiting_months_first" and r.value == "3" and "46号" in r.source for r in shipped)
    wages = [r for r in office if r.name == "avg_wage_annual"]
    assert wages and all(r.demo and r.source == "示例数据（非真实参数）" for r in wages)
    assert all(r.label for r in rows)


@pytest.mark.parametrize("name, value, field", [
    ("flexible_rate_x", "0.07", "name"),
    ("rate_with_account", "70", "value"),     # a rate of 70 instead of 0.07
    ("rate_with_account", "七", "value"),
    ("waiting_months_first", "2.5", "value"),
])
def test_a_bad_value_is_refused_and_nothing_is_written(session, name, value, field):
    before = session.db["parameters"].count
    with pytest.raises(InputError) as e:
        set_parameter(session, name, date(2026, 1, 1), value, "信医保办〔2026〕1号", TODAY)
    assert e.value.field == field and e.value.message
    assert session.db["parameters"].count == before


def test_a_value_needs_its_source(session):
    with pytest.raises(InputError) as e:
        set_parameter(session, "avg_wage_annual", date(2026, 1, 1), "80000", "  ", TODAY)
    assert e.value.field == "source"


def test_a_parameter_change_never_changes_a_decision_already_made(session, enrolled):
    pid = enrolled(first_month=date(2025, 6, 1))
    stored = session.db.execute(
        "SELECT id, decision FROM decisions WHERE person_id = ? AND question = 'contribution'", [pid]).fetchone()
    assert json.loads(stored[1])["monthly_amount"] == "437.50"

    assert parameter_change_impact(session, "avg_wage_annual", date(2025, 1, 1)) >= 1
    set_parameter(session, "avg_wage_annual", date(2025, 1, 1), "84,000", "河南省统计局2024年平均工资公报", TODAY)

    # the saved decision keeps its own values and trace
    again = session.db.execute("SELECT decision FROM decisions WHERE id = ?", [stored[0]]).fetchone()[0]
    assert again == stored[1]
    # new decisions use the new value, and say where it came from
    p = preview_enrolment(session, form(id_number="411502199001011237"), TODAY)
    assert p.monthly_base == Decimal("7000.00") and p.monthly_amount == Decimal("490.00")
    used = {u["name"]: u for u in p.decisions["contribution"]["parameters_used"]}
    assert used["avg_wage_annual"]["value"] == "84000" and not used["avg_wage_annual"]["demo"]
    assert "统计局" in used["avg_wage_annual"]["source"]
    # the history stays: the old demo row is still there, the new one wins for its date
    rows = [r for r in parameter_rows(session) if r.name == "avg_wage_annual" and r.valid_from == date(2025, 1, 1)]
    assert [r.value for r in rows] == ["84000"]
    assert session.db.execute("SELECT COUNT(*) FROM parameters WHERE name = 'avg_wage_annual'"
                              " AND valid_from = '2025-01-01'").fetchone()[0] == 2
    entry = audit.entries(session.db, 1)[0]
    assert entry["action"] == "parameter.set" and '"75000"' in entry["before"] and '"84000"' in entry["after"]


def test_amounts_already_in_the_ledger_stay_as_paid(session, enrolled):
    pid = enrolled(first_month=date(2025, 1, 1), paid_through=date(2025, 2, 1))
    set_parameter(session, "avg_wage_annual", date(2025, 1, 1), "90000", "公报", TODAY)
    paid = [m.amount for m in ledger(session, pid, TODAY).months if m.paid]
    assert paid == [Decimal("437.50"), Decimal("437.50")]


def test_the_office_is_set_and_kept_in_the_file(session, db_path):
    set_office(session, "huainan", "淮南市医疗保障局田家庵分局")
    session.close()
    reopened = open_trusted_session(db_path, "管理员")
    assert get_office(reopened) == Office(jurisdiction="huainan", name="淮南市医疗保障局田家庵分局")
    reopened.close()


@pytest.mark.parametrize("jurisdiction, name, field", [("beijing", "x", "jurisdiction"),
                                                       ("huainan", " ", "office_name")])
def test_bad_office_settings_are_refused(session, jurisdiction, name, field):
    with pytest.raises(InputError) as e:
        set_office(session, jurisdiction, name)
    assert e.value.field == field


def test_idle_minutes_are_checked(session):
    set_setting(session, "idle_lock_minutes", 15)
    with pytest.raises(InputError):
        set_setting(session, "idle_lock_minutes", 0)


def test_the_data_file_lives_in_the_users_folder_or_where_the_variable_says(monkeypatch, tmp_path):
    monkeypatch.setenv("FLEXINS_DATA_DIR", str(tmp_path / "data"))
    assert default_data_path() == tmp_path / "data" / DATA_FILE
    monkeypatch.delenv("FLEXINS_DATA_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr("sys.platform", "linux")
    assert default_data_path() == tmp_path / "xdg" / "灵活就业参保经办台" / DATA_FILE
    monkeypatch.setattr("sys.platform", "win32")
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "Local"))
    assert default_data_path() == tmp_path / "Local" / "灵活就业参保经办台" / DATA_FILE


def test_a_new_file_has_no_office_until_the_administrator_sets_one(tmp_path):
    s = open_trusted_session(tmp_path / "new.sqlite3", "管理员")
    assert s.office.jurisdiction is None
    with pytest.raises(InputError) as e:
        preview_enrolment(s, form(), TODAY)
    assert e.value.field == "jurisdiction"
    s.close()
