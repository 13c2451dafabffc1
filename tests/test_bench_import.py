"""The tax import at scale, service side: progress, cancel that writes nothing, and the import after a dry run
that notices what changed in between (issue 7)."""

import json
from datetime import date

import pytest

from desktop_app.services import tax_check
from desktop_app.services.parameters import set_parameter
from desktop_app.services.payments import record_payment
from desktop_app.services.people import get_person
from desktop_app.services.tax_import import ImportCancelled, import_tax_file
from desktop_app.store import audit
from tests.conftest import TODAY

HEADER = "身份证号,姓名,费款所属期,缴费日期,缴费金额,票据号"
MONTHS = [date(2025, m, 1) for m in range(1, 6)]


def written(session) -> tuple:
    return tuple(session.db[t].count for t in ("ledger", "decisions", "audit", "imports"))


@pytest.fixture
def tax_file(session, enrolled, tmp_path):
    """Four people enrolled from 2025-01, nothing paid; a file paying January to May for each."""
    people = [get_person(session, enrolled(first_month=date(2025, 1, 1), name=n))
              for n in ("王建国", "李秀英", "张伟", "赵敏")]
    lines = [HEADER] + [f"{p.id_number},{p.name},{m:%Y%m},{m:%Y-%m}-10,437.50,T{p.id}{m:%Y%m}"
                        for m in MONTHS for p in people]
    path = tmp_path / "tax.csv"
    path.write_text("\n".join(lines) + "\n", encoding="gbk")
    return path, people


def test_progress_names_each_stage_and_the_import_follows_a_clean_dry_run(session, tax_file):
    path, _ = tax_file
    seen = []
    dry = import_tax_file(session, path, TODAY, dry_run=True, progress=lambda *a: seen.append(a))
    assert dry.clean and dry.ok_rows == 20
    report = import_tax_file(session, path, TODAY, dry_run=False, progress=lambda *a: seen.append(a))
    assert report.imported == 20 and audit.verify(session.db).ok
    stages = [s for s, _, _ in seen]
    assert stages.index("读取并检查文件") < stages.index("核对已缴记录") < stages.index("写入缴费记录")
    assert seen[-1][1] == seen[-1][2]  # the last part written: done == total
    rows = session.db.execute("SELECT count(*), count(DISTINCT decision_id) FROM ledger WHERE import_id = ?",
                              [report.import_id]).fetchone()
    assert rows == (20, 5)  # one contribution decision per month, as before


@pytest.mark.parametrize("when", ["checking", "writing"])
def test_cancel_leaves_nothing_written(session, tax_file, monkeypatch, when):
    path, _ = tax_file
    monkeypatch.setattr(tax_check, "CANCEL_EVERY", 3)
    import_tax_file(session, path, TODAY, dry_run=True)
    before = written(session)
    calls = []

    def cancel() -> bool:
        calls.append(1)
        return when == "checking" or len(calls) > 1  # "writing": the check done, stop at the first part written

    dry_run = when == "checking"
    with pytest.raises(ImportCancelled) as e:
        import_tax_file(session, path, TODAY, dry_run=dry_run, cancel=cancel)
    assert "没有写入" in e.value.message
    assert written(session) == before and audit.verify(session.db).ok
    assert not session.db.conn.in_transaction
    assert import_tax_file(session, path, TODAY, dry_run=False).imported == 20  # then it goes in whole


def test_a_month_paid_between_the_dry_run_and_the_import_is_caught(session, tax_file):
    path, people = tax_file
    assert import_tax_file(session, path, TODAY, dry_run=True).clean
    record_payment(session, people[1].id, [date(2025, 3, 1)], date(2025, 3, 12), "CK1", TODAY)
    before = written(session)
    report = import_tax_file(session, path, TODAY, dry_run=False)
    assert report.imported == 0 and [(p.column, "已有缴费记录" in p.message) for p in report.problems] == \
        [("费款所属期", True)]
    assert written(session) == before


def test_a_changed_standard_between_the_dry_run_and_the_import_is_caught(session, tax_file):
    path, _ = tax_file
    assert import_tax_file(session, path, TODAY, dry_run=True).clean
    set_parameter(session, "avg_wage_annual", date(2025, 1, 1), "80000", "测试：更正后的平均工资", TODAY,
                  jurisdiction="xinyang")
    report = import_tax_file(session, path, TODAY, dry_run=False)
    assert report.imported == 0 and report.problem_count == 20
    assert all(p.column == "缴费金额" and "不符" in p.message for p in report.problems)


def test_a_renamed_person_between_the_dry_run_and_the_import_is_caught(session, tax_file):
    from desktop_app.store import people as people_store
    from desktop_app.store.db import atomic

    path, people = tax_file
    assert import_tax_file(session, path, TODAY, dry_run=True).clean
    with atomic(session.db):
        people_store.update(session.db, session.stamp(), people[2].id, {"name": "张玮"})
    report = import_tax_file(session, path, TODAY, dry_run=False)
    assert report.imported == 0 and {p.column for p in report.problems} == {"姓名"} and report.problem_count == 5


def test_counter_work_on_other_people_meanwhile_does_not_hold_the_import_up(session, tax_file, enrolled):
    path, people = tax_file
    assert import_tax_file(session, path, TODAY, dry_run=True).clean
    enrolled(first_month=date(2025, 1, 1), name="孙丽")  # the clerk enrolled someone else meanwhile
    record_payment(session, people[1].id, [date(2025, 6, 1)], date(2025, 6, 12), "CK1", TODAY)  # not in the file
    seen = []
    report = import_tax_file(session, path, TODAY, dry_run=False, progress=lambda *a: seen.append(a[0]))
    assert report.imported == 20 and audit.verify(session.db).ok
    assert "读取并检查文件" not in seen  # nothing the check relied on changed: the file is not read again
    entry = json.loads(session.db.execute("SELECT after FROM audit WHERE action = 'ledger.import'").fetchone()[0])
    assert (entry["people"], entry["rows"]) == (4, 20)
