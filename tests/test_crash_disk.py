"""A full disk or a read-only data file: a clear Chinese message, nothing half-written, nothing saved lost.

Tests run as root in CI, where chmod does not stop writes; the file is made unable to grow instead
(PRAGMA max_page_count: SQLite's own "database or disk is full") and read-only with PRAGMA query_only,
which fails writes the way a read-only file or folder does (SQLITE_READONLY).
"""

from datetime import date
from pathlib import Path

import pytest

from desktop_app.services import auth
from desktop_app.services.enrolment import EnrolmentForm, enrol
from desktop_app.services.payments import record_payment
from desktop_app.services.session import open_session
from desktop_app.services.tax_import import import_tax_file
from desktop_app.store import audit
from desktop_app.store.db import StoreError
from tests.conftest import TODAY, make_id


def snapshot(session) -> dict:
    return {t: session.db.execute(f"SELECT * FROM {t} ORDER BY id").fetchall()
            for t in ("people", "ledger", "decisions", "imports", "audit")}


def fill_disk(session) -> None:
    pages = session.db.execute("PRAGMA page_count").fetchone()[0]
    session.db.execute(f"PRAGMA max_page_count = {pages}")


def tax_file(tmp_path, session, person_ids, months) -> Path:
    rows = ["身份证号,姓名,费款所属期,缴费日期,缴费金额,票据号"]
    for pid in person_ids:
        person = session.db["people"].get(pid)
        for m in months:
            rows.append(f"{person['id_number']},{person['name']},{m},{m}-10,437.50,T{pid}{m.replace('-', '')}")
    path = tmp_path / "tax.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_a_full_disk_refuses_an_enrolment_with_a_message_and_keeps_what_was_saved(session, enrolled):
    enrolled(first_month=date(2025, 1, 1), paid_through=date(2025, 3, 1))
    before = snapshot(session)
    fill_disk(session)
    with pytest.raises(StoreError) as e:
        for seq in range(201, 260, 2):  # until the file would have to grow
            enrol(session, EnrolmentForm(make_id(seq=seq), "赵敏", "", "信阳市" * 50, "freelancer", ["hukou"],
                                         False, "with_account", None, date(2025, 6, 1)), TODAY)
    assert "磁盘空间已满" in e.value.message and "已保存的数据不受影响" in e.value.message
    after = snapshot(session)
    for table, rows in before.items():
        assert after[table][:len(rows)] == rows, table      # nothing saved before is lost
    enrolled_now = len(after["people"]) - len(before["people"])
    creates = [r for r in after["audit"][len(before["audit"]):] if r[3] == "person.create"]
    assert len(creates) == enrolled_now                      # every enrolment that went in is whole
    assert audit.verify(session.db).ok


def test_a_full_disk_during_a_big_import_writes_none_of_it(session, enrolled, tmp_path):
    people = [enrolled(first_month=date(2025, 1, 1)) for _ in range(5)]
    path = tax_file(tmp_path, session, people, ["2025-01", "2025-02", "2025-03"])
    assert import_tax_file(session, path, TODAY, dry_run=True).clean
    before = snapshot(session)
    fill_disk(session)
    with pytest.raises(StoreError, match="磁盘空间已满"):
        import_tax_file(session, path, TODAY, dry_run=False)
    assert snapshot(session) == before and audit.verify(session.db).ok
    session.db.execute("PRAGMA max_page_count = 1073741823")   # space freed: the same file goes in whole
    assert import_tax_file(session, path, TODAY, dry_run=False).imported == 15


def test_a_read_only_data_file_refuses_a_payment_with_a_message(session, enrolled):
    person_id = enrolled(first_month=date(2025, 1, 1), paid_through=date(2025, 2, 1))
    before = snapshot(session)
    session.db.execute("PRAGMA query_only = 1")
    with pytest.raises(StoreError) as e:
        record_payment(session, person_id, [date(2025, 3, 1)], date(2025, 3, 10), "R0003", TODAY)
    assert "只读" in e.value.message and "已保存的数据不受影响" in e.value.message
    session.db.execute("PRAGMA query_only = 0")
    assert snapshot(session) == before


def test_logging_in_to_a_read_only_file_says_so(db_path):
    s = open_session(db_path)
    try:
        auth.ensure_first_admin(s)
        s.db.execute("PRAGMA query_only = 1")
        with pytest.raises(StoreError, match="只读"):
            auth.login(s, "admin", "admin")
        assert s.role is None
    finally:
        s.close()
