"""A notice's 计算日期 and its issue date agree, or the notice says which is which (issue 18, point 6: a waiting
period notice dated 2025年6月16日 said 计算日期：2026年2月1日 with no word on why). Read back with pdftotext."""

import re
from datetime import date

from desktop_app.notices.issue import issue_notice
from desktop_app.services.enrolment import enrol
from desktop_app.services.payments import quote_back_payment
from notice_samples.poppler import poppler
from tests.conftest import TODAY
from tests.test_services_enrolment import form


def text(pdf: bytes) -> str:
    return re.sub(r"\s+", "", poppler("pdftotext", pdf))


def test_a_projected_waiting_period_says_both_dates(session):
    """Enrolled on 2025-06-16 from February: the waiting period is projected to the 13th month, 2026-02-01."""
    result = enrol(session, form(first_month=date(2025, 2, 1)), TODAY)
    decision = result.preview.decisions["benefit_timeline"]
    assert decision["date"] == "2026-02-01"
    issued = issue_notice(session, result.person_id, "waiting_period", decision, TODAY)
    shown = text(issued.pdf)
    assert "计算日期：2026年2月1日（按该日的情况推算；本通知书的出具日期为2025年6月16日）。" in shown, shown
    assert shown.count("2025年6月16日") == 2          # the sentence above and the date under the office's name


def test_a_decision_of_the_day_prints_one_date(session, enrolled):
    pid = enrolled(first_month=date(2025, 1, 1), paid_through=date(2025, 2, 1))
    quote = quote_back_payment(session, pid, TODAY)
    assert quote.decision["date"] == TODAY.isoformat()
    shown = text(issue_notice(session, pid, "lump_sum", quote.decision, TODAY,
                              related={"next_month": quote.decision_next_month}).pdf)
    assert "计算日期：2025年6月16日。" in shown and "出具日期" not in shown


def test_a_notice_issued_after_its_decision_says_so(session, enrolled):
    pid = enrolled(first_month=date(2025, 1, 1), paid_through=date(2025, 2, 1))
    quote = quote_back_payment(session, pid, TODAY)
    shown = text(issue_notice(session, pid, "lump_sum", quote.decision, date(2025, 7, 2),
                              related={"next_month": quote.decision_next_month}).pdf)
    assert "计算日期：2025年6月16日（按该日的情况计算；本通知书的出具日期为2025年7月2日）。" in shown, shown
