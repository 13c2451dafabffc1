"""The tax file's optional 滞纳金 column (issue 13): the fee the tax bureau collected with a month paid late is
recorded on the ledger row, shown in the person's history, checked at its column, and held by the audit check."""

from datetime import date
from decimal import Decimal

import pytest

from desktop_app.services.payments import ledger
from desktop_app.services.people import get_person
from desktop_app.services.tax_import import import_tax_file
from desktop_app.store.ledger import row_line
from desktop_app.store.verify import check_tables
from tests.conftest import TODAY
from tests.engine_helpers import tamper


@pytest.fixture
def two_people(session, enrolled):
    wang = enrolled(first_month=date(2025, 1, 1), paid_through=date(2025, 1, 1), name="王建国")
    li = enrolled(first_month=date(2025, 1, 1), name="李秀英")
    return get_person(session, wang), get_person(session, li)


def write(tmp_path, lines, name="tax.csv"):
    path = tmp_path / name
    path.write_bytes("\r\n".join(lines).encode("utf-8") + b"\r\n")
    return path


def fees(session) -> list:
    return session.db.execute("SELECT person_id, month, late_fee FROM ledger WHERE source = 'tax_import'"
                              " ORDER BY person_id, month").fetchall()


@pytest.mark.parametrize("header", ["滞纳金", "滞纳金额", "滞纳金（元）"])
def test_the_late_fee_column_is_recorded_with_each_month(session, two_people, tmp_path, header):
    wang, li = two_people
    path = write(tmp_path, [
        f"身份证号,姓名,费款所属期,缴费日期,缴费金额,票据号,{header}",
        f"{wang.id_number},王建国,2025-02,2025-05-10,437.50,SW0001,12.30",
        f"{wang.id_number},王建国,2025-03,2025-05-10,437.50,SW0002,",
        f"{li.id_number},李秀英,2025-01,2025-05-10,437.50,SW0003,0",
        f"{li.id_number},李秀英,2025-02,2025-05-10,437.50,SW0004,12.30",    # the same cell again: the fast path
        f"{li.id_number},李秀英,2025-03,2025-05-10,437.50,SW0005,６.１",
    ])
    dry = import_tax_file(session, path, TODAY, dry_run=True)
    assert dry.clean, dry.problems
    assert import_tax_file(session, path, TODAY, dry_run=False).imported == 5
    assert fees(session) == [(wang.id, "2025-02", "12.30"), (wang.id, "2025-03", None),
                             (li.id, "2025-01", None), (li.id, "2025-02", "12.30"), (li.id, "2025-03", "6.10")]
    shown = {m.month: m.late_fee for m in ledger(session, wang.id, TODAY).months if m.paid}
    assert shown[date(2025, 2, 1)] == Decimal("12.30") and shown[date(2025, 3, 1)] is None
    assert check_tables(session.db).ok


def test_a_file_without_the_column_records_no_late_fee(session, two_people, tmp_path):
    wang, _ = two_people
    path = write(tmp_path, ["身份证号,姓名,费款所属期,缴费日期,缴费金额,票据号",
                            f"{wang.id_number},王建国,2025-02,2025-05-10,437.50,SW0001"])
    assert import_tax_file(session, path, TODAY, dry_run=False).imported == 1
    assert fees(session) == [(wang.id, "2025-02", None)]


@pytest.mark.parametrize("cell", ["-5", "abc", "1.234", "1e2"])
def test_a_bad_late_fee_is_named_at_its_column_and_nothing_is_written(session, two_people, tmp_path, cell):
    wang, li = two_people
    path = write(tmp_path, [
        "身份证号,姓名,费款所属期,缴费日期,缴费金额,票据号,滞纳金",
        f"{li.id_number},李秀英,2025-01,2025-05-10,437.50,SW0003,1.00",
        f"{wang.id_number},王建国,2025-02,2025-05-10,437.50,SW0001,{cell}",
    ])
    ledger_rows = session.db["ledger"].count
    report = import_tax_file(session, path, TODAY, dry_run=False)
    assert report.imported == 0 and not report.clean
    [problem] = report.problems
    assert (problem.row_no, problem.column) == (3, "滞纳金") and "滞纳金" in problem.message
    assert session.db["ledger"].count == ledger_rows


@pytest.mark.parametrize("edit", [
    "UPDATE ledger SET late_fee = '0.01' WHERE late_fee IS NOT NULL",
    "UPDATE ledger SET late_fee = '99.00' WHERE source = 'tax_import' AND late_fee IS NULL",
    "UPDATE ledger SET late_fee = NULL WHERE late_fee IS NOT NULL",
])
def test_an_imported_late_fee_edited_by_hand_is_caught(session, two_people, tmp_path, edit):
    wang, _ = two_people
    path = write(tmp_path, ["身份证号,姓名,费款所属期,缴费日期,缴费金额,票据号,滞纳金",
                            f"{wang.id_number},王建国,2025-02,2025-05-10,437.50,SW0001,12.30",
                            f"{wang.id_number},王建国,2025-03,2025-05-10,437.50,SW0002,"])
    import_tax_file(session, path, TODAY, dry_run=False)
    assert check_tables(session.db).ok
    tamper(session.data_source, edit)   # beside the program, on the file or on the server
    found = check_tables(session.db)
    assert not found.ok and "税务导入" in found.message


def test_a_row_without_a_late_fee_keeps_the_line_its_import_digest_was_made_of():
    """Imports written before the column existed recorded digests of lines without it: unchanged."""
    row = {"id": 7, "person_id": 1, "month": "2025-02", "paid_on": "2025-03-01", "amount": "437.50",
           "receipt_no": "SW1", "source": "tax_import", "mode": "pooling", "decision_id": 3, "import_id": 2,
           "operator": "测试员", "recorded_at": "2025-06-16T09:30:00"}
    old = "7|1|2025-02|2025-03-01|437.50|SW1|tax_import|pooling|3|2|测试员|2025-06-16T09:30:00"
    assert row_line({**row, "late_fee": None}) == old
    assert row_line({**row, "late_fee": "12.30"}) == old + "|12.30"


def test_an_imported_month_with_a_late_fee_voided_at_the_counter_still_verifies(session, two_people, tmp_path):
    """The voided row is put back into its import's digest from its audit entry (store.ledger.row_line): the
    late fee must make the same line there as in SQL."""
    from desktop_app.services.payments import void_payment

    wang, _ = two_people
    path = write(tmp_path, ["身份证号,姓名,费款所属期,缴费日期,缴费金额,票据号,滞纳金",
                            f"{wang.id_number},王建国,2025-02,2025-05-10,437.50,SW0001,12.30",
                            f"{wang.id_number},王建国,2025-03,2025-05-10,437.50,SW0002,"])
    import_tax_file(session, path, TODAY, dry_run=False)
    void_payment(session, wang.id, date(2025, 2, 1), "税务退费", TODAY)
    found = check_tables(session.db)
    assert found.ok, found.message
