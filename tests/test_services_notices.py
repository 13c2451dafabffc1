"""Notices: issued from a decision, archived with sha256 and inputs, reprinted byte for byte; the office's contact
and rights on them; the 回执 recorded; a shipped value the office has not confirmed stops a real notice."""

import hashlib
import re
from datetime import date

import pytest

from desktop_app.notices.issue import issue_notice, issue_transfer_certificate, rerender_notice
from desktop_app.services.enrolment import enrol
from desktop_app.services.errors import InputError
from desktop_app.services.notices import notice_inputs, notices_for_person, record_receipt, reprint_notice
from desktop_app.services.parameters import set_parameter, unconfirmed_parameters
from desktop_app.services.payments import quote_back_payment
from desktop_app.services.settings import set_office_contact
from desktop_app.store import audit
from notice_samples.poppler import poppler
from tests.conftest import TODAY
from tests.test_services_enrolment import form


def flat(pdf: bytes) -> str:
    return re.sub(r"\s+", "", poppler("pdftotext", pdf, "-raw"))


@pytest.fixture
def waiting(session):
    result = enrol(session, form(), TODAY)
    return result.person_id, result.preview.decisions["benefit_timeline"]


def real_values(session):
    """The office's own (not demo) values for what the documents leave to 信阳: its notices are real ones."""
    for name, value in (("avg_wage_annual", "75000"), ("large_expense_annual", "150"), ("prepay_limit_months", "12")):
        set_parameter(session, name, date(2025, 1, 1), value, "信阳市医疗保障局公告（2025年）", TODAY)


def test_a_waiting_period_notice_is_archived_and_reprinted_identically(session, waiting):
    pid, decision = waiting
    issued = issue_notice(session, pid, "waiting_period", decision, TODAY)
    assert issued.serial == "2025XY-000001"
    assert issued.pdf.startswith(b"%PDF") and issued.sha256 == hashlib.sha256(issued.pdf).hexdigest()
    assert reprint_notice(session, issued.serial) == issued.pdf
    assert rerender_notice(session, issued.serial) == issued.pdf
    row = session.db.execute("SELECT person_id, kind, sha256, inputs FROM notices WHERE serial = ?",
                             [issued.serial]).fetchone()
    assert row[:3] == (pid, "waiting_period", issued.sha256)
    # the month's contribution goes with it; the fixture's average wage is a demo value, so it is a demo notice
    assert '"id_number":"411502199001011237"' in row[3] and '"contribution":{' in row[3] and '"demo":true' in row[3]
    entry = audit.entries(session.db, 1)[0]
    assert entry["action"] == "notice.issue" and issued.sha256 in entry["after"]


def test_a_real_notice_prints_the_offices_contact_rights_and_the_monthly_amount(session):
    real_values(session)
    session.full_name = "张晓明"
    result = enrol(session, form(), TODAY)
    issued = issue_notice(session, result.person_id, "waiting_period",
                          result.preview.decisions["benefit_timeline"], TODAY)
    text = flat(issued.pdf)
    assert "示例" not in text
    # 75,000 / 12 = 6,250.00 × 7% = 437.50 a month (信医保办〔2023〕46号 第五条), 150 a year for 大额 (第四条)
    for phrase in ("每月应缴基本医疗保险费437.50元", "6,250.00×7%=437.50元/月", "150.00元/年",
                   "浉河区新华西路18号政务服务中心三楼", "咨询电话：0376-6229999",
                   "缴费渠道：信阳市各税务局办税服务厅；“豫税通”APP。",
                   "60日内向浉河区人民政府申请行政复议", "6个月内向浉河区人民法院提起行政诉讼",
                   "《中华人民共和国行政复议法》第二十条", "《中华人民共和国行政诉讼法》第四十六条",
                   "经办人：张晓明", "（盖章）", "回执", "4115**********1237", "签名："):
        assert phrase in text, phrase
    assert "经办人：测试员" not in text  # the operator's name, not the login


def test_a_real_notice_needs_the_offices_contact_and_rights(session, waiting):
    real_values(session)
    pid, decision = waiting
    set_office_contact(session, "", "", [], "", "")
    with pytest.raises(InputError) as e:
        issue_notice(session, pid, "waiting_period", decision, TODAY)
    assert "经办机构地址" in e.value.message and "受理行政复议申请的机关" in e.value.message
    assert session.db["notices"].count == 0


def test_a_shipped_value_the_office_has_not_confirmed_stops_the_notice_until_it_is_entered(session, enrolled):
    real_values(session)
    pid = enrolled(first_month=date(2025, 1, 1), paid_through=date(2025, 3, 1))
    quote = quote_back_payment(session, pid, TODAY)
    assert [p.name for p in unconfirmed_parameters(session)] == ["late_fee_daily_rate"]
    with pytest.raises(InputError) as e:
        issue_notice(session, pid, "lump_sum", quote.decision, TODAY, related={"next_month": quote.decision_next_month})
    assert "补缴滞纳金日费率" in e.value.message and "尚未经本机构确认" in e.value.message
    assert e.value.field == "parameters.late_fee_daily_rate"
    assert session.db["notices"].count == 0
    # the office confirms the rate by entering it (the same figure) from the shipped value's date
    set_parameter(session, "late_fee_daily_rate", date(2023, 10, 1), "0.0005", "本局确认：按社会保险法第八十六条", TODAY)
    assert unconfirmed_parameters(session) == []
    quote = quote_back_payment(session, pid, TODAY)
    issued = issue_notice(session, pid, "lump_sum", quote.decision, TODAY,
                          related={"next_month": quote.decision_next_month})
    text = flat(issued.pdf)
    assert "待经办机构确认" not in text and "本案输入参数" not in text and "示例" not in text
    assert "本局确认：按社会保险法第八十六条" in text


def test_on_the_demo_database_an_unconfirmed_value_prints_but_the_notice_is_marked(session, enrolled):
    pid = enrolled(first_month=date(2025, 1, 1), paid_through=date(2025, 3, 1))   # demo average wage
    quote = quote_back_payment(session, pid, TODAY)
    issued = issue_notice(session, pid, "lump_sum", quote.decision, TODAY,
                          related={"next_month": quote.decision_next_month})
    assert "一次性补缴通知书（示例）" in flat(issued.pdf)


def test_serials_count_up_and_a_correction_names_the_notice_it_replaces(session, waiting):
    pid, decision = waiting
    first = issue_notice(session, pid, "waiting_period", decision, TODAY)
    second = issue_notice(session, pid, "waiting_period", decision, TODAY, replaces=first.serial)
    assert second.serial == "2025XY-000002"
    assert [n["replaces"] for n in notices_for_person(session, pid)] == [None, first.serial]
    with pytest.raises(InputError) as e:
        issue_notice(session, pid, "waiting_period", decision, TODAY, replaces="2025XY-999999")
    assert e.value.field == "replaces"


def test_a_notice_the_decision_does_not_call_for_is_refused_and_nothing_is_written(session, enrolled):
    pid = enrolled(first_month=date(2025, 1, 1), paid_through=date(2025, 6, 1))
    quote = quote_back_payment(session, pid, TODAY)   # nothing in arrears
    before = session.db["notices"].count, session.db["audit"].count
    with pytest.raises(InputError) as e:
        issue_notice(session, pid, "lump_sum", quote.decision, TODAY, related={"next_month": quote.decision_next_month})
    assert "无需" in e.value.message
    assert (session.db["notices"].count, session.db["audit"].count) == before


def test_an_arrears_notice_needs_the_comparison_with_next_month(session, enrolled):
    pid = enrolled(first_month=date(2025, 1, 1), paid_through=date(2025, 2, 1))
    quote = quote_back_payment(session, pid, TODAY)
    with pytest.raises(InputError, match="下月"):
        issue_notice(session, pid, "lump_sum", quote.decision, TODAY)
    issued = issue_notice(session, pid, "lump_sum", quote.decision, TODAY,
                          related={"next_month": quote.decision_next_month})
    assert reprint_notice(session, issued.serial) == issued.pdf
    assert "今天缴纳与下月缴纳的对比" in flat(issued.pdf)


def test_the_receipt_coming_back_is_recorded_once_with_its_audit_entry(session, waiting):
    pid, decision = waiting
    issued = issue_notice(session, pid, "waiting_period", decision, TODAY)
    assert notices_for_person(session, pid)[0]["receipt_returned_on"] is None
    with pytest.raises(InputError) as e:
        record_receipt(session, issued.serial, date(2025, 6, 20), TODAY)
    assert e.value.field == "returned_on"   # after today
    record_receipt(session, issued.serial, date(2025, 6, 16), TODAY)
    row = notices_for_person(session, pid)[0]
    assert (row["receipt_returned_on"], row["receipt_operator"]) == ("2025-06-16", "测试员")
    entry = audit.entries(session.db, 1)[0]
    assert entry["action"] == "notice.receipt" and issued.serial in entry["entity"]
    with pytest.raises(InputError, match="已于2025-06-16登记交回"):
        record_receipt(session, issued.serial, date(2025, 6, 16), TODAY)
    assert reprint_notice(session, issued.serial) == issued.pdf   # the archived PDF is left alone


def test_a_transfer_certificate_is_issued_from_plain_data(session, waiting):
    pid, _ = waiting
    issued = issue_transfer_certificate(session, pid, TODAY, [{"from": "2023-10", "to": "2025-05", "months": 20}],
                                        "2025-05", mode="with_account", transfer_to="浙江省杭州市")
    text = flat(issued.pdf)
    for phrase in ("参保缴费凭证", "缴费1年8个月（20个月），最后缴费月份为2025年5月", "2023年10月至2025年5月，缴费20个月",
                   "浙江省杭州市", "信阳市医疗保障局浉河区经办窗口", "回执"):
        assert phrase in text, phrase
    assert "计算依据" not in text and reprint_notice(session, issued.serial) == issued.pdf


def test_a_transfer_certificate_prints_the_rule_modules_total_and_refuses_one_that_disagrees(session, waiting):
    """Issue 16: the 缴费月数合计 printed is the transfer_out decision's months_here, not a sum the notice makes."""
    pid, _ = waiting
    periods = [{"from": "2023-10", "to": "2024-03", "months": 6}, {"from": "2024-06", "to": "2025-05", "months": 12}]
    issued = issue_transfer_certificate(session, pid, TODAY, periods, "2025-05", months_here=18)
    assert "在本地缴费月数合计1年6个月（18个月）" in flat(issued.pdf)
    assert notice_inputs(session, issued.serial)["certificate"]["months_here"] == 18
    with pytest.raises(InputError) as e:
        issue_transfer_certificate(session, pid, TODAY, periods, "2025-05", months_here=20)
    assert "不一致" in e.value.message


def test_a_tampered_archive_is_not_reprinted(session, waiting):
    pid, decision = waiting
    issued = issue_notice(session, pid, "waiting_period", decision, TODAY)
    session.db.execute("UPDATE notices SET pdf = ? WHERE serial = ?", [issued.pdf + b"x", issued.serial])
    with pytest.raises(InputError) as e:
        reprint_notice(session, issued.serial)
    assert "校验值" in e.value.message


def test_a_transfer_notice_never_asks_for_a_gap_already_recorded_as_paid(session, enrolled):
    from desktop_app.services.transfer import decide_transfer, save_transfer
    from tests.test_services_transfer_retirement import JUNE, transfer

    pid = enrolled(first_month=JUNE)
    before = decide_transfer(session, pid, transfer(), TODAY)
    unpaid = flat(issue_notice(session, pid, "transfer", before, TODAY).pdf)
    assert "须补缴中断期间（2025年4月至2025年5月）的基本医疗保险费875.00元" in unpaid   # 437.50 × 2, not saved yet
    decision_id = save_transfer(session, pid, transfer(), TODAY)   # the gap goes into the ledger as paid back
    saved = decide_transfer(session, pid, transfer(), TODAY)
    text = flat(issue_notice(session, pid, "transfer", saved, TODAY, decision_id=decision_id).pdf)
    assert "中断期间（2025年4月至2025年5月）的基本医疗保险费已补缴" in text
    assert "须补缴" not in text
    with pytest.raises(InputError, match="已登记补缴"):
        issue_notice(session, pid, "lump_sum", saved, TODAY, decision_id=decision_id)
