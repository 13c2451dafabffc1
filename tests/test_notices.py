"""Printed notices from real rule decisions, read back with poppler: figures, clauses, font, reprints, lines."""

import json
import re
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from desktop_app.notices import NoticeError, render_notice
from desktop_app.notices.cli import notice_for_case
from desktop_app.notices.fonts import font
from desktop_app.notices.text import NO_START
from notice_samples.poppler import png_size, poppler

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "tests" / "rules_cases" / "examples"
SAMPLES = Path(__file__).with_name("notice_samples")

# (id, case file, kind, what the notice must say: figures worked out by hand from the documents)
NOTICES = [
    ("waiting-first-enrolment", EXAMPLES / "timeline-huainan-first-enrolment.json", "waiting_period",
     ["待遇享受等待期告知书", "首次参加职工基本医疗保险", "6个月（2024年1月至2024年6月）", "2024年7月",
      "次月停止享受职工医保待遇", "淮医保发〔2022〕28号 二（三）"]),
    ("waiting-lapse", SAMPLES / "timeline-huainan-lapse.json", "waiting_period",
     ["中断缴费超过规定期限后重新缴费", "6个月（2024年9月至2025年2月）", "2025年3月",
      "李建军（公民身份号码：340402198503150035）"]),
    ("waiting-transfer", EXAMPLES / "transfer-jilin-over-ninety-days.json", "waiting_period",
     ["转移接续前中断缴费超过规定期限", "3个月（2025年8月至2025年10月）", "2025年11月"]),
    ("lump-arrears", SAMPLES / "back-payment-xinyang.json", "lump_sum",
     ["一次性补缴通知书", "应缴合计1,708.56元（按2024年7月15日缴纳计算，含滞纳金28.56元）",
      "最迟缴费日期：2024年7月31日（含当日）", "6,000.00 × 7% = 420.00元/月", "420.00 × 4 = 1,680.00元",
      "420.00 × 0.05% × 76 = 15.96元", "1,680.00 + 15.96 + 9.45 + 3.15 = 1,708.56元",
      "2024年6月期间的待遇可追溯享受", "税务部门（信阳市各税务局办税服务厅及其线上缴费渠道）"]),
    ("lump-transfer-gap", SAMPLES / "transfer-huainan-priced.json", "lump_sum",
     ["一次性补缴通知书", "应补缴中断期间（2024年4月至2024年6月，共3个月）的基本医疗保险费960.00元",
      "320.00 × 3 = 960.00元", "电子税务局、微信、支付宝、皖事通", "淮医保发〔2022〕28号 三（二）"]),
    ("lump-retirement", EXAMPLES / "retirement-xinyang-lump-sum.json", "retirement_lump_sum",
     ["一次性缴费（趸缴）通知书", "一次性缴费（趸缴）金额：25,200.00元", "6,000.00 × 7% = 420.00元/月",
      "420.00 × 60 = 25,200.00元", "本金额按2026年3月的缴费标准计算，请于2026年3月31日前（含当日）缴纳"]),
    ("mode-change", EXAMPLES / "mode-change-xinyang.json", "mode_change",
     ["参保模式变更补缴差额通知书", "36个月", "420.00元", "300.00元", "420.00 − 300.00 = 120.00元/月",
      "120.00 × 36 = 4,320.00元", "2024年12月"]),
    ("transfer-continuous", EXAMPLES / "transfer-huainan-three-month-gap.json", "transfer",
     ["医保关系转移接续结果告知书", "3个月（91天）", "累计认定缴费年限10年3个月（123个月）", "不设等待期",
      "2024年4月至2024年6月期间的待遇可追溯享受", "按转入地缴费标准另行核定"]),
    ("transfer-over-limit", EXAMPLES / "transfer-jilin-over-ninety-days.json", "transfer",
     ["3个月（92天）", "不视为连续参保", "5年（60个月）", "2025年11月"]),
    ("retirement-lump-sum", EXAMPLES / "retirement-xinyang-lump-sum.json", "retirement",
     ["退休资格审核结果告知书", "60周岁2个月", "2025年8月", "尚差5年（60个月）",
      "420.00 × 60 = 25,200.00元", "继续按月缴费至最低缴费年限"]),
    ("retirement-age-not-reached", EXAMPLES / "retirement-jiangsu-gradual-age.json", "retirement",
     ["60周岁4个月", "2026年5月", "尚未达到法定退休年龄"]),
    ("retirement-qualified", SAMPLES / "retirement-xinyang-qualified.json", "retirement",
     ["赵桂兰", "55周岁1个月", "符合享受职工医保退休人员待遇条件", "2026年4月"]),
]
IDS = [n[0] for n in NOTICES]


def make_notice(path: Path, kind: str, **changes) -> dict:
    """The notice the CLI would make for the case (its related decisions too), as the counter's operator."""
    raw = path.read_bytes()
    case = json.loads(raw.decode("utf-8"))
    if case.get("question") == "back_payment":   # the office has confirmed 信阳's late-fee rate
        case.setdefault("parameters", {})["late_fee_daily_rate"] = "0.0005"
    notice = notice_for_case(case, raw, kind)
    person = case.get("person") or {}
    notice.update(serial="XY-2026-000123", operator="张晓明",
                  person={"name": person.get("name") or "王建国",
                          "id_number": person.get("id_number") or "411502199001011237"})
    notice.update(changes)
    return notice


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def printed():
    """id -> (notice, pdf bytes), every sample rendered once."""
    return {nid: (n := make_notice(path, kind), render_notice(n)) for nid, path, kind, _ in NOTICES}


@pytest.mark.parametrize("nid, path, kind, expected", NOTICES, ids=IDS)
def test_pdftotext_reads_back_the_figures_worked_out_by_hand(printed, nid, path, kind, expected):
    text = flat(poppler("pdftotext", printed[nid][1], "-raw"))
    for phrase in expected:
        assert flat(phrase) in text, phrase


def money_figures(value, key: str = "") -> set[str]:
    """The money strings of a decision ("1708.56"; rates and counts left out), as a person reads them: "1,708.56"."""
    found: set[str] = set()
    if isinstance(value, dict):
        for k, item in value.items():
            if k not in ("parameters_used", "notes", "citations", "missed_payment_note"):
                found |= money_figures(item, k)
    elif isinstance(value, list):
        for item in value:
            found |= money_figures(item, key)
    elif isinstance(value, str) and re.fullmatch(r"\d+\.\d{2}", value) and "rate" not in key:
        found.add(f"{Decimal(value):,.2f}")
    return found


def parameter_spellings(p: dict) -> set[str]:
    """A parameter value as a notice may print it: the number, as a percentage, or a month."""
    value = str(p["value"])
    if re.fullmatch(r"\d{4}-\d{2}", value):
        return {f"{int(value[:4])}年{int(value[5:])}月"}
    number = Decimal(value).normalize()
    return {f"{number:,f}", f"{(number * 100).normalize():f}%"}


# What a notice kind leaves out of its 计算依据 on purpose (the waiting-period notice charges no late fee).
NOT_PRINTED = {"waiting_period": {"late_fee_daily_rate"}}


@pytest.mark.parametrize("nid", IDS)
def test_every_figure_parameter_and_clause_of_the_decision_is_printed(printed, nid):
    """Read from the decision and the notice's inputs, never from the notice code under test: every clause the
    decision applied, every parameter value it used with its date, every money figure on its money path, and who
    and what the notice is for."""
    notice, pdf = printed[nid]
    d = notice["decision"]
    text = flat(poppler("pdftotext", pdf, "-raw"))
    for phrase in [notice["serial"], notice["office_name"], notice["operator"], notice["person"]["name"],
                   notice["person"]["id_number"], d["rule_version"], "计算依据", "（盖章）", *d["citations"]]:
        assert flat(phrase) in text, phrase
    for p in d["parameters_used"]:
        if p["name"] in NOT_PRINTED.get(notice["kind"], ()):
            continue
        assert any(flat(v) in text for v in parameter_spellings(p)), (p["name"], p["value"])
        if p.get("effective"):
            day = date.fromisoformat(p["effective"])
            assert f"{day.year}年{day.month}月{day.day}日" in text, (p["name"], p["effective"])
    for figure in money_figures(d):
        assert figure in text, figure
    for internal in ("本案输入参数", "待经办机构确认"):
        assert internal not in text


@pytest.mark.parametrize("nid", IDS)
def test_the_bundled_font_is_the_only_font_and_it_is_embedded(printed, nid):
    rows = poppler("pdffonts", printed[nid][1]).splitlines()[2:]
    assert rows
    for row in rows:
        name, *_, emb, sub, uni, _obj, _gen = row.split()
        assert "WenQuanYiMicroHei" in name and (emb, sub, uni) == ("yes", "yes", "yes"), row


@pytest.mark.parametrize("nid", IDS)
def test_no_line_starts_with_closing_punctuation(printed, nid):
    for line in poppler("pdftotext", printed[nid][1], "-layout").splitlines():
        for segment in re.split(r"\s{2,}", line.strip()):  # table columns are separate lines of text
            segment = re.sub(r"^—(\s|$)", "", segment)  # a lone dash is an empty cell, not a broken line
            assert not segment or segment[0] not in NO_START, line


@pytest.mark.parametrize("nid", IDS)
def test_every_printed_character_has_a_glyph_in_the_font(printed, nid):
    cmap = font().face.charToGlyph
    text = poppler("pdftotext", printed[nid][1], "-raw")
    assert text.strip()
    assert sorted({ch for ch in text if not ch.isspace() and ord(ch) not in cmap}) == []


@pytest.mark.parametrize("nid", IDS)
def test_page_one_stands_on_its_own_with_the_receipt_and_page_two_is_the_basis(printed, nid):
    pdf = printed[nid][1]
    info = poppler("pdfinfo", pdf)
    assert re.search(r"^Pages:\s+2$", info, re.M)
    assert "(A4)" in info
    one = flat(poppler("pdftotext", pdf, "-raw", "-f", "1", "-l", "1"))
    two = flat(poppler("pdftotext", pdf, "-raw", "-f", "2", "-l", "2"))
    assert "回执" in one and "沿此虚线剪下" in one and "（盖章）" in one and "计算依据" not in one
    assert "申请行政复议" in one and "提起行政诉讼" in one
    assert "计算依据" in two and "适用条款" in two
    width, height = png_size(pdf, 80)  # A4 at 80 dpi; poppler versions round differently
    assert abs(width - 661) <= 1 and abs(height - 935) <= 1


def test_a_reprint_is_byte_identical_in_this_process_and_in_a_fresh_one(printed):
    notice, pdf = printed["lump-arrears"]
    assert render_notice(json.loads(json.dumps(notice))) == pdf
    script = ("import json, sys; from desktop_app.notices import render_notice; "
              "sys.stdout.buffer.write(render_notice(json.load(sys.stdin)))")
    fresh = subprocess.run([sys.executable, "-c", script], input=json.dumps(notice).encode(), cwd=ROOT,
                           capture_output=True, check=True, timeout=120).stdout
    assert fresh == pdf


def test_the_pdf_creation_date_is_the_issue_date(printed):
    notice, pdf = printed["lump-arrears"]
    assert notice["issued_on"] == "2024-07-15"
    assert b"/CreationDate (D:20240715000000+08'00')" in pdf
    info = poppler("pdfinfo", pdf)
    assert "Producer:" in info and "2024" in re.search(r"CreationDate:.*", info).group()


def test_a_correction_names_the_notice_it_replaces():
    notice = make_notice(EXAMPLES / "mode-change-xinyang.json", "mode_change", serial="XY-2026-000124",
                         replaces="XY-2026-000123")
    text = flat(poppler("pdftotext", render_notice(notice), "-raw"))
    assert "本通知更正并替代第XY-2026-000123号通知。" in text
    assert "XY-2026-000124" in text


def test_a_demo_notice_is_marked_as_such():
    pdf = render_notice(make_notice(EXAMPLES / "mode-change-xinyang.json", "mode_change", demo=True))
    text = flat(poppler("pdftotext", pdf, "-raw"))
    assert "参保模式变更补缴差额通知书（示例）" in text
    assert "示例·非正式通知，仅供演示" in text


def test_a_notice_computed_with_a_demo_parameter_is_marked_too():
    notice = make_notice(EXAMPLES / "mode-change-xinyang.json", "mode_change")
    notice["decision"]["parameters_used"][0]["demo"] = True
    text = flat(poppler("pdftotext", render_notice(notice), "-raw"))
    assert "（示例）" in text and "示例值，非正式取值" in text


def test_a_long_office_name_fits_in_the_signature_area():
    notice = make_notice(EXAMPLES / "timeline-huainan-first-enrolment.json", "waiting_period",
                         office_name="信阳市医疗保障局浉河区经办窗口")
    layout_text = poppler("pdftotext", render_notice(notice), "-layout")
    assert any(line.rstrip().endswith("信阳市医疗保障局浉河区经办窗口") for line in layout_text.splitlines())


def test_a_character_the_font_lacks_is_refused_rather_than_printed_blank():
    notice = make_notice(EXAMPLES / "mode-change-xinyang.json", "mode_change", person={"name": "王\U000f0000", "id_number": None})
    with pytest.raises(NoticeError) as err:
        render_notice(notice)
    assert err.value.code == "missing_glyph" and "\U000f0000" in err.value.message


@pytest.mark.parametrize("path, kind, code", [
    (EXAMPLES / "retirement-jiangsu-gradual-age.json", "retirement_lump_sum", "not_applicable"),
    (SAMPLES / "retirement-xinyang-qualified.json", "retirement_lump_sum", "not_applicable"),
    (EXAMPLES / "transfer-huainan-three-month-gap.json", "lump_sum", "missing_parameter"),
    (EXAMPLES / "transfer-huainan-three-month-gap.json", "waiting_period", "not_applicable"),
    (EXAMPLES / "mode-change-xinyang.json", "retirement", "invalid_input"),
    (EXAMPLES / "retirement-xinyang-lump-sum.json", "lump_sum", "not_applicable"),
    (EXAMPLES / "mode-change-xinyang.json", "lump_sum", "not_applicable"),
], ids=["retirement-without-shortfall", "qualified", "gap-not-priced", "transfer-without-waiting", "wrong-decision",
        "retirement-asks-for-dunjiao", "mode-change-has-its-own"])
def test_a_notice_the_decision_does_not_call_for_is_refused(path, kind, code):
    with pytest.raises(NoticeError) as err:
        render_notice(make_notice(path, kind))
    assert err.value.code == code
    assert err.value.message


def test_an_unknown_kind_or_bad_date_is_refused():
    notice = make_notice(EXAMPLES / "mode-change-xinyang.json", "mode_change")
    with pytest.raises(NoticeError, match="通知书类型"):
        render_notice(dict(notice, kind="receipt"))
    with pytest.raises(NoticeError) as err:
        render_notice(dict(notice, issued_on="2024/11/05"))
    assert err.value.field == "issued_on"
