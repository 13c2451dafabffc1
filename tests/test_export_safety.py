"""Exports (issue 12, points 3 and 4): a masked export leaves nothing that rebuilds the hidden digits (birth
date, district, retirement month), and no cell is one a spreadsheet would run as a formula."""

import csv
from datetime import date

import pytest

from desktop_app.services import export
from desktop_app.services.enrolment import EnrolmentForm, enrol
from desktop_app.services.payments import record_months, void_payment
from desktop_app.services.retirement import save_retirement
from tests.conftest import TODAY, make_id

FORMULAS = ['=HYPERLINK("http://evil.example","点我")', "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
            "@SUM(1,1)*cmd|' /C calc'!A0", "=1+1"]


def cells(folder):
    for path in folder.glob("*.csv"):
        with open(path, encoding="utf-8-sig", newline="") as f:
            for row in csv.reader(f):
                yield from row


@pytest.fixture
def people(session):
    """Three people with known birth dates and districts; one near retirement with a saved decision."""
    made = []
    for seq, (birth, address) in enumerate([("19650315", "信阳市浉河区民权街道12号"), ("19900101", "信阳市平桥区平中大街8号"),
                                            ("19880808", "信阳市浉河区湖东街道3号")]):
        number = make_id(birth=birth, area="411502" if "浉河" in address else "411503", seq=201 + 2 * seq)
        form = EnrolmentForm(number, f"测试{'甲乙丙'[seq]}", "13800000000", address, "freelancer", ["hukou"], False,
                             "with_account", None, date(2025, 1, 1))
        pid = enrol(session, form, date(2025, 1, 5)).person_id
        record_months(session, pid, [date(2025, 1, 1), date(2025, 2, 1)], date(2025, 2, 10), f"R{seq}", TODAY)
        made.append((pid, number, birth, address))
    save_retirement(session, made[0][0], TODAY)
    return made


def test_a_masked_export_leaves_nothing_that_rebuilds_the_number(session, people, tmp_path):
    result = export.run_export(export.plan_export(session, tmp_path))
    text = "\n".join(p.read_text(encoding="utf-8-sig") for p in result.folder.iterdir())
    retirement = session.db.execute("SELECT json_extract(decision, '$.retirement_month') FROM decisions"
                                    " WHERE question = 'retirement'").fetchone()[0]
    assert retirement
    for _pid, number, birth, address in people:
        assert number[:4] + "*" * 10 + number[-4:] in text          # still found by its masked number
        hidden = number[4:14]
        assert hidden not in text and birth not in text
        assert f"{birth[:4]}-{birth[4:6]}-{birth[6:]}" not in text  # not in a column, not inside any JSON
        assert address not in text and address[6:] not in text and address[3:6] + address[6:9] not in text
    assert f'""retirement_month"":""{retirement}""' not in text       # the birth month plus the statutory age
    assert '""retirement_month"":""（已隐藏）""' in text
    with open(result.folder / "参保人员.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert {r["出生日期"] for r in rows} == {r["地址"] for r in rows} == {"（已隐藏）"}


def test_with_full_numbers_the_birth_date_and_address_are_there(session, people, tmp_path):
    result = export.run_export(export.plan_export(session, tmp_path, full_id_numbers=True))
    text = (result.folder / "参保人员.csv").read_text(encoding="utf-8-sig")
    assert all(address in text and f"{b[:4]}-{b[4:6]}-{b[6:]}" in text for _p, _n, b, address in people)


@pytest.mark.parametrize("full", [False, True])
def test_no_exported_cell_runs_as_a_formula(session, tmp_path, full):
    for i, formula in enumerate(FORMULAS):
        form = EnrolmentForm(make_id(seq=401 + 2 * i), f"公式{'甲乙丙丁戊'[i]}", "13800000000", formula, "freelancer", ["hukou"],
                             False, "with_account", None, date(2025, 1, 1))
        pid = enrol(session, form, date(2025, 1, 5)).person_id
        record_months(session, pid, [date(2025, 1, 1)], date(2025, 1, 10), f"F{i}", TODAY)
        void_payment(session, pid, date(2025, 1, 1), formula + " 录错作废", TODAY)
    folder = tmp_path / ("full" if full else "masked")
    folder.mkdir()
    result = export.run_export(export.plan_export(session, folder, full_id_numbers=full))
    seen = list(cells(result.folder))
    for cell in seen:
        assert not cell.startswith(("=", "+", "@", "\r")), cell
        assert not cell.startswith("-") or export._NUMBER.match(cell), cell
        assert not cell.startswith("\t") or cell[1:].isdigit(), repr(cell)
    reasons = [c for c in seen if "录错作废" in c and c.startswith("'")]
    assert len(reasons) >= len(FORMULAS)            # each void reason kept, made harmless with a leading '
    if full:
        assert "'" + FORMULAS[0] in seen            # the address as typed, behind a '


def test_safe_text_keeps_numbers_and_the_long_digit_tab():
    assert export.safe_text("-437.50") == "-437.50" and export.safe_text("\t411502199001011237") == \
        "\t411502199001011237"
    assert export.safe_text("\t=1+1") == "'\t=1+1" and export.safe_text("\r=1") == "'\r=1"
