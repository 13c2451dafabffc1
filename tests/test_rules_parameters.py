"""Parameter files: every value dated and sourced, strict loading, the office's table and a case's overrides."""
import datetime as dt

import pytest

from desktop_app.rules import JURISDICTIONS, RuleError, decide, parameter_catalogue
from desktop_app.rules.parameters import FOLDER, ParameterFileError, load_file, shipped
from desktop_app.rules.registry import PARAMS
from rules_helpers import ask


def test_every_shipped_value_has_a_reference_and_a_verification_date():
    for j in JURISDICTIONS:
        for name, values in shipped(j).items():
            assert name in JURISDICTIONS[j].parameters, (j, name)
            for v in values:
                assert v.source and v.verified, (j, name)
                # every dated value starts on or after its document's date: never a silent fallback
                assert v.start >= JURISDICTIONS[j].in_force, (j, name)


def test_every_parameter_a_jurisdiction_uses_is_known():
    for j in JURISDICTIONS.values():
        assert set(j.parameters) <= set(PARAMS)
        assert [p.name for p in parameter_catalogue(j.key)] == list(j.parameters)


def test_no_average_wage_is_shipped_unconfirmed():
    assert all("avg_wage_annual" not in shipped(j) for j in JURISDICTIONS)


@pytest.mark.parametrize("text,words", [
    ("description: x\nvalues:\n  2024-01-01:\n    value: 3\n    verified: 2026-01-01\n", "reference"),
    ("description: x\nvalues:\n  2024-01-01:\n    value: 3\n    reference: y\n", "verified"),
    ("description: x\ncolour: red\nvalues: {}\n", "unknown keys"),
    ("description: x\nvalues:\n  2024-01-01:\n    value: 3\n    reference: y\n    verified: 2026-01-01\n    by: z\n",
     "entries"),
    ("description: x\nvalues:\n  2024-01-01:\n    value: 70\n    reference: y\n    verified: 2026-01-01\n", "12"),
])
def test_loading_refuses_bad_files(tmp_path, text, words):
    path = tmp_path / "waiting_months_first.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParameterFileError, match=words):
        load_file(path)


def test_unknown_parameter_file_is_refused(tmp_path):
    path = tmp_path / "waiting_weeks.yaml"
    path.write_text("values: {}\n", encoding="utf-8")
    with pytest.raises(ParameterFileError, match="unknown parameter"):
        load_file(path)


def test_files_are_all_loadable():
    assert len(list(FOLDER.glob("*/*.yaml"))) == sum(len(shipped(j)) for j in JURISDICTIONS)


def office(value, start, source="淮南市医保局2025年第3号公告"):
    return {"flexible_rate": [{"from": start, "value": value, "source": source}],
            "avg_wage_annual": [{"from": "2024-07-01", "value": "80000", "source": "安徽省统计局公报"}]}


@pytest.mark.parametrize("date,amount", [("2025-06-30", "320.00"), ("2025-07-01", "360.00")])
def test_office_table_applies_from_its_date(date, amount):
    table = office("0.08", "2024-07-01")
    table["flexible_rate"].append({"from": "2025-07-01", "value": "0.09", "source": "新费率"})
    d = decide({"question": "contribution", "jurisdiction": "huainan", "date": date, "mode": "with_account"}, table)
    assert d["monthly_amount"] == amount
    used = {p["name"]: p for p in d["parameters_used"]}
    assert used["flexible_rate"]["effective"] == ("2024-07-01" if amount == "320.00" else "2025-07-01")
    assert used["avg_wage_annual"]["source"] == "安徽省统计局公报"


def test_case_parameters_override_the_office_table():
    d = decide({"question": "contribution", "jurisdiction": "huainan", "date": "2025-08-01", "mode": "with_account",
                "parameters": {"flexible_rate": 0.1}}, office("0.08", "2024-07-01"))
    assert d["monthly_amount"] == "400.00"


def test_office_value_wins_a_tie_with_the_shipped_one():
    table = {"waiting_months_first": [{"from": "2023-10-01", "value": 2, "source": "office"}]}
    d = decide({"question": "benefit_timeline", "jurisdiction": "xinyang", "date": "2024-01-31", "first_month": "2023-10",
                "payments": [{"month": m, "paid_on": f"{m}-05"} for m in ("2023-10", "2023-11", "2023-12", "2024-01")]},
               table)
    assert d["benefit_start"] == "2023-12"


def test_demo_values_are_marked_in_the_trace():
    table = {"avg_wage_annual": [{"from": "2023-01-01", "value": 72000, "source": "示例", "demo": True}]}
    d = decide({"question": "contribution", "jurisdiction": "xinyang", "date": "2024-05-01"}, table)
    assert [p["demo"] for p in d["parameters_used"] if p["name"] == "avg_wage_annual"] == [True]


def test_trace_names_every_value_used_with_its_source():
    d = ask("contribution", "xinyang", "2024-05-15", mode="with_account")
    names = {p["name"]: p for p in d["parameters_used"]}
    assert set(names) == {"avg_wage_annual", "base_share", "rate_with_account", "account_rate"}
    assert names["rate_with_account"]["source"] == "信医保办〔2023〕46号 第五条"
    assert names["rate_with_account"]["effective"] == dt.date(2023, 10, 1).isoformat()


def test_jiangsu_caps_the_waiting_period_at_three_months():
    from rules_helpers import refused
    e = refused("benefit_timeline", "jiangsu", "2023-06-30", first_month="2023-01",
                payments=[{"month": "2023-01", "paid_on": "2023-01-05"}], parameters={"waiting_months_first": 4})
    assert (e.code, e.field) == ("invalid_input", "parameters.waiting_months_first")


def test_unknown_case_parameters_change_nothing():
    d = ask("contribution", "xinyang", "2024-05-15", mode="with_account", parameters={"colour": "red"})
    assert d["monthly_amount"] == "420.00"


# Issue 16: values that were literals in the code are cited, dated parameters, and a decision follows the value
# in force (an office's own, or a case's), not a number of its own.
@pytest.mark.parametrize("jurisdiction, name", [
    ("jiangsu", "switch_min_years"), ("jilin", "switch_min_years"), ("jiangsu", "waiting_months_max"),
    ("jilin", "maternity_delivery_deductible"), ("jilin", "maternity_delivery_rate"),
    ("jiangsu", "prepay_limit_months"), ("jilin", "prepay_limit_months")])
def test_a_former_literal_is_a_shipped_parameter_with_its_source(jurisdiction, name):
    from desktop_app.rules.parameters import shipped

    values = shipped(jurisdiction)[name]
    assert values and all(v.source.strip() for v in values), (jurisdiction, name)


def test_the_years_before_a_resident_switches_without_waiting_follow_the_parameter():
    def continuous(**parameters):
        return ask("transfer", "jiangsu", "2024-07-05", previous={"scheme": "resident", "last_paid_month": "2024-04",
                                                                   "contribution_months": 0, "continuous_years": 2},
                   first_month_here="2024-07", parameters=parameters)["continuous"]

    assert continuous() and not continuous(switch_min_years=3)


def test_the_maternity_cover_printed_follows_the_parameters():
    d = ask("maternity", "jilin", "2025-06-01",
            parameters={"maternity_delivery_deductible": "300", "maternity_delivery_rate": "0.9"})
    assert (d["hospital_delivery_deductible"], d["hospital_delivery_reimbursement_rate"]) == ("300.00", "0.9")
    assert "起付标准300.00元、报销比例90%" in d["note"]


def test_the_waiting_cap_is_the_shipped_parameters_value():
    from desktop_app.rules.parameters import ParameterSet

    cap = shipped("jiangsu")["waiting_months_max"][-1].value
    ParameterSet("jiangsu", case={"waiting_months_first": str(cap)})
    with pytest.raises(RuleError, match=f"不超过{cap}"):
        ParameterSet("jiangsu", case={"waiting_months_first": str(cap + 1)})
