"""Every kind of notice for the four jurisdictions (tests/notice_samples/gallery.py), read back with pdftotext:
the key fact, the deadline, the calculation lines and the 回执 on page 1, worked out by hand from the office's
parameter table there (e.g. 淮南 99,000 / 12 × 60% = 4,950.00; × 8% = 396.00 a month)."""

import re

import pytest

from desktop_app.notices import render_notice
from notice_samples import gallery
from notice_samples.poppler import poppler

EXPECTED = {
    ("huainan", "waiting_period"): ["自2025年12月起享受职工医保待遇（等待期2025年6月至2025年11月，共6个月）",
                                    "每月应缴基本医疗保险费396.00元", "4,950.00 × 8% = 396.00元/月",
                                    "另须按年缴纳职工大额医疗费用补助（大病保险）120.00元"],
    ("jiangsu", "waiting_period"): ["自2025年9月起享受职工医保待遇", "6,100.00 × 9% = 549.00元/月"],
    ("jilin", "waiting_period"): ["自2025年9月起享受职工医保待遇", "6,162.50 × 9% = 554.63元/月"],
    ("xinyang", "waiting_period"): ["自2025年9月起享受职工医保待遇（等待期2025年6月至2025年8月，共3个月）",
                                    "6,250.00 × 7% = 437.50元/月", "150.00元/年"],
    ("huainan", "lump_sum"): ["应缴合计1,188.00元（按2025年8月15日缴纳计算）", "最迟缴费日期：2025年9月30日（含当日）",
                              "396.00 × 3 = 1,188.00元", "2025年9月1日", "1,584.00元"],
    ("jiangsu", "lump_sum"): ["应缴合计1,647.00元", "最迟缴费日期：2025年9月30日", "549.00 × 3 = 1,647.00元",
                              "2,196.00元"],
    # 吉林: 90 days from June's due date; paying next month, June to August can no longer be paid back
    ("jilin", "lump_sum"): ["应缴合计1,663.89元", "最迟缴费日期：2025年8月31日", "554.63 × 3 = 1,663.89元",
                            "2025年9月（2025年6月至2025年8月已超过补缴期限）", "554.63元", "2025年12月"],
    ("xinyang", "lump_sum"): ["应缴合计1,325.84元（按2025年8月15日缴纳计算，含滞纳金13.34元）",
                              "最迟缴费日期：2025年9月30日", "437.50 × 3 = 1,312.50元",
                              "437.50 × 0.05% × 46 = 10.06元", "437.50 × 0.05% × 15 = 3.28元",
                              "1,312.50 + 10.06 + 3.28 = 1,325.84元", "1,771.00元", "21.00元"],
    ("huainan", "transfer"): ["累计认定缴费年限10年5个月（125个月）", "须补缴中断期间（2025年5月至2025年6月）的基本医疗保险费792.00元",
                              "396.00 × 2 = 792.00元", "此后每月应缴396.00元"],
    ("jiangsu", "transfer"): ["视为连续参保，不设待遇享受等待期，自2025年7月起享受医保待遇", "549.00 × 2 = 1,098.00元"],
    ("jilin", "transfer"): ["554.63 × 2 = 1,109.26元"],
    ("xinyang", "transfer"): ["437.50 × 2 = 875.00元", "此后每月应缴437.50元"],
    ("huainan", "retirement"): ["暂不符合享受职工医保退休人员待遇条件：累计缴费年限尚差60个月",
                                "办理退休须一次性缴费（趸缴）23,760.00元", "396.00 × 60 = 23,760.00元"],
    ("jiangsu", "retirement"): ["累计缴费年限尚差120个月", "549.00 × 120 = 65,880.00元"],
    ("jilin", "retirement"): ["554.63 × 120 = 66,555.60元"],
    ("xinyang", "retirement"): ["437.50 × 120 = 52,500.00元"],
    ("huainan", "retirement_lump_sum"): ["一次性缴费（趸缴）金额：23,760.00元", "请于2025年8月31日前（含当日）缴纳",
                                         "4,950.00 × 8% = 396.00元/月"],
    ("jiangsu", "retirement_lump_sum"): ["一次性缴费（趸缴）金额：65,880.00元", "6,100.00 × 9% = 549.00元/月"],
    ("jilin", "retirement_lump_sum"): ["一次性缴费（趸缴）金额：66,555.60元"],
    ("xinyang", "retirement_lump_sum"): ["一次性缴费（趸缴）金额：52,500.00元", "437.50 × 120 = 52,500.00元"],
    ("jilin", "mode_change"): ["应补缴以往单建统筹期间的缴费差额7,321.32元", "6,162.50 × 5.7% = 351.26元/月",
                               "554.63 − 351.26 = 203.37元/月", "203.37 × 36 = 7,321.32元", "自2025年9月起"],
    ("xinyang", "mode_change"): ["应补缴以往单建统筹期间的缴费差额4,500.00元", "6,250.00 × 5% = 312.50元/月",
                                 "125.00 × 36 = 4,500.00元", "请于2025年8月31日前（含当日）缴纳"],
}
CERTIFICATE = ["缴费6年（72个月），最后缴费月份为2025年7月", "2019年3月至2021年12月，缴费34个月",
               "2022年6月至2025年7月，缴费38个月", "16年3个月（195个月）", "浙江省杭州市"]
NOTICES = gallery.all_notices()


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def pdfs():
    return {key: render_notice(n) for key, n in NOTICES.items()}


def test_every_kind_is_there_for_every_jurisdiction_that_has_it():
    kinds = {kind for _, kind in NOTICES}
    assert kinds == set(gallery.KINDS)
    assert {j for j, kind in NOTICES if kind == "mode_change"} == {"jilin", "xinyang"}   # the two with two modes
    assert len(NOTICES) == 4 * 6 + 2


@pytest.mark.parametrize("key", sorted(NOTICES), ids=["-".join(k) for k in sorted(NOTICES)])
def test_page_one_says_what_he_came_for_how_it_was_reached_and_carries_the_receipt(pdfs, key):
    j, kind = key
    one = flat(poppler("pdftotext", pdfs[key], "-raw", "-f", "1", "-l", "1"))
    expected = CERTIFICATE if kind == "transfer_out" else EXPECTED[key]
    for phrase in expected:
        assert flat(phrase) in one, phrase
    receipt = one[one.index("沿此虚线剪下"):]
    for phrase in ("回执", f"告知书编号：{NOTICES[key]['serial']}", "姓名：王建国", "公民身份号码：4115**********1238",
                   "签名：", "日期："):
        assert flat(phrase) in receipt, phrase
    assert "411502196406101238" not in receipt   # the full number only on the person's part
    assert "经办人：张晓明" in one and "（盖章）" in one and "签收日期" in one
    assert "人民路88号政务服务中心二楼医保窗口" in one and "0376-6229999" in one
    if kind != "transfer_out":
        assert "60日内向本级人民政府申请行政复议" in one and "6个月内向本区人民法院提起行政诉讼" in one
        two = flat(poppler("pdftotext", pdfs[key], "-raw", "-f", "2", "-l", "2"))
        assert "计算依据" in two and "本机构参数表（测试用）" in two
    for internal in ("本案输入参数", "待经办机构确认", "向税务部门缴纳：税务部门"):
        assert internal not in flat(poppler("pdftotext", pdfs[key], "-raw"))


@pytest.mark.parametrize("key", [k for k in sorted(NOTICES) if k[1] in ("waiting_period", "lump_sum", "transfer")],
                         ids=lambda k: "-".join(k))
def test_what_to_pay_names_the_offices_channels(pdfs, key):
    one = flat(poppler("pdftotext", pdfs[key], "-raw", "-f", "1", "-l", "1"))
    assert "缴费渠道：税务部门办税服务厅；“豫税通”APP；微信、支付宝搜索“河南税务”。" in one


def test_the_clause_quotes_come_from_the_shipped_texts(pdfs):
    two = flat(poppler("pdftotext", pdfs[("xinyang", "lump_sum")], "-raw", "-f", "2", "-l", "2"))
    # 信医保办〔2023〕46号 第九条（二）, quoted from resources/policy
    assert "欠缴职工医保费3个月(含)以内的，可补缴欠缴费用和滞纳金" in two


def test_a_reprint_of_every_kind_is_byte_identical(pdfs):
    for key, n in NOTICES.items():
        assert render_notice(n) == pdfs[key], key
