"""The monthly report (figures agree with each person's timeline and the ledger; PDF and workbook read back) and the
daily close (figures from the audit log, the 复核员's sign-off audited, the one-page sheet with the chain anchor)."""

import re
from datetime import date, datetime
from decimal import Decimal

import pytest

from desktop_app.services import audit_log, daily_close, report
from desktop_app.services.errors import InputError
from desktop_app.services.payments import ledger
from desktop_app.services.rules_glue import month_str
from desktop_app.services.session import open_trusted_session
from desktop_app.store import audit
from desktop_app.store.db import atomic
from desktop_app.store.verify import check_tables
from tests.notice_samples.poppler import poppler

TODAY = date(2025, 6, 16)
CODES = {"waiting": "W", "active": "A", "suspended": "S", "lapsed": "L", "stopped": "T"}


def test_the_reports_states_agree_with_each_persons_timeline(demo):
    month = TODAY.replace(day=1)
    r = report.monthly_report(demo, month, month)
    states = {f.key[1]: f for f in r.section("待遇状态（期末）")}
    behind = {code: set(report.people_behind(demo, r, f)) for code, f in states.items()}
    for code, f in states.items():
        assert len(behind[code]) == f.value
    for (person_id,) in demo.db.execute("SELECT id FROM people"):
        now = ledger(demo, person_id, TODAY)
        m = {month_str(x.month): x for x in now.months if not x.projected}.get(month_str(TODAY))
        code = "U" if m is None or now.decision is None else CODES[m.state]
        assert person_id in behind[code], (person_id, code)
    insured = r.section("参保人数")[0]
    assert insured.value == sum(states[c].value for c in ("W", "A", "S"))
    assert sum(f.value for f in r.section("按人员类别")) == insured.value == sum(f.value for f in r.section("按参保模式"))


def test_contributions_by_source_are_the_ledgers_to_the_fen(demo):
    first, last = date(2025, 1, 1), date(2025, 6, 1)
    r = report.monthly_report(demo, first, last)
    money = {f.key[1]: f.value for f in r.section("缴费（按费款所属期）") if f.unit == "元" and len(f.key) > 1}
    for source, total in money.items():
        rows = demo.db.execute("SELECT amount FROM ledger WHERE month BETWEEN '2025-01' AND '2025-06' AND source = ?",
                               [source]).fetchall()
        assert total == sum((Decimal(a or 0) for (a,) in rows), Decimal(0))
    fee = [f for f in r.figures if f.label == "滞纳金"][0]
    people = report.people_behind(demo, r, [f for f in r.figures if f.key == ("source", "tax_import")][0])
    assert people and fee.value >= 0


def test_the_report_pdf_has_its_figures_and_charts_and_the_workbook_its_number_formats(demo, tmp_path):
    from openpyxl import load_workbook

    from desktop_app.notices.report_pdf import report_pdf

    r = report.monthly_report(demo, date(2025, 6, 1), date(2025, 6, 1))
    pdf = report_pdf(r, demo.office.name, report.period_text(r), TODAY)
    text = poppler("pdftotext", pdf, "-raw")
    assert "月度统计报表（2025年6月）" in text and "期末待遇状态人数" in text and "缴费金额（元，按来源）" in text
    assert f"{r.section('参保人数')[0].value:,}" in text
    path = tmp_path / "report.xlsx"
    report.workbook(r, path, demo.office.name)
    ws = load_workbook(path).active
    header = [c.value for c in ws[3]]
    assert header == ["类别", "项目", "数值", "单位"]
    money = [row for row in ws.iter_rows(min_row=4) if row[3].value == "元"]
    assert money and all(row[2].number_format == "#,##0.00" for row in money)


class Undone(Exception):
    """Raised to roll an edit back after looking at it."""


def test_the_daily_close_counts_the_operators_day_and_a_reviewer_signs_it(db_path, enrolled, session, tmp_path):
    from desktop_app.notices.sheets import daily_close_sheet
    from desktop_app.notices.titles import TITLES
    from desktop_app.services.payments import record_months, void_payment

    person = enrolled(first_month=date(2025, 3, 1), paid_through=date(2025, 5, 1))
    record_months(session, person, [date(2025, 6, 1)], TODAY, "R-CLOSE-6", TODAY)
    void_payment(session, person, date(2025, 6, 1), "票据号录入错误", TODAY)
    day = session.clock().date()
    c = daily_close.daily_close(session, day, "测试员")
    assert c.figures["enrolled"] == 1 and c.figures["payments"] == 4 and c.figures["months"] == 4
    assert c.figures["corrections"] == 1
    assert c.figures["amount"] > 0 and c.anchor
    with pytest.raises(InputError):
        daily_close.sign_off(session, c)                         # not one's own day
    reviewer = open_trusted_session(db_path, operator="复核员甲", clock=lambda: datetime(2025, 6, 16, 17, 0))
    reviewer.role = "reviewer"
    try:
        row = daily_close.sign_off(reviewer, c, "已核对票据")
        assert row["signed_by"] == "复核员甲" and len(row["sha256"]) == 64
        assert reviewer.db.execute("SELECT action FROM audit ORDER BY id DESC LIMIT 1").fetchone()[0] == "close.sign"
        assert audit.verify(reviewer.db).ok
        again = daily_close.daily_close(reviewer, day, "测试员")
        pdf = daily_close_sheet(again, session.office.name, daily_close.LINES, TITLES)
        text = poppler("pdftotext", pdf, "-raw")
        assert "经办日结单" in text and "复核确认：复核员甲" in text and "审计记录锚点" in text
        # the sheet's anchor is the one the audit check holds the file against later (issue 12)
        paper = audit_log.close_sheet_anchor(reviewer)
        assert again.anchor == paper.text and f"{paper.entries}:{paper.head[:16]}" in "".join(text.split())
        assert int(re.search(r"Pages:\s+(\d+)", poppler("pdfinfo", pdf)).group(1)) == 1
        # the signed close is checked against its audit entry: figures or signer changed by hand are named
        assert check_tables(reviewer.db).ok
        for edit in ("UPDATE daily_closes SET figures = replace(figures, '\"enrolled\"', '\"enroled\"')",
                     "UPDATE daily_closes SET signed_by = '测试员'"):
            with pytest.raises(Undone):   # each edit checked alone, then rolled back
                with atomic(reviewer.db):
                    reviewer.db.execute(edit)
                    found = check_tables(reviewer.db)
                    raise Undone()
            assert not found.ok and "日结签字确认" in found.message, edit
        assert check_tables(reviewer.db).ok
    finally:
        reviewer.close()


def test_a_clerk_cannot_sign_a_daily_close(db_path, session):
    from desktop_app.services.errors import InputError

    c = daily_close.daily_close(session, session.clock().date(), "测试员")
    clerk = open_trusted_session(db_path, operator="经办乙")
    clerk.role = "clerk"
    try:
        with pytest.raises(InputError):
            daily_close.sign_off(clerk, c)
    finally:
        clerk.close()
