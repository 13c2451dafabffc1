"""python -m desktop_app.notices CASE.json OUT.pdf on the public rule cases: the notice, or the JSON refusal."""

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.notices.cli import main
from desktop_app.rules import JURISDICTIONS
from notice_samples.poppler import poppler

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "tests" / "rules_cases" / "examples"
SAMPLES = Path(__file__).with_name("notice_samples")
CASES = sorted(EXAMPLES.glob("*.json"))
KIND = {"benefit_timeline": "waiting_period", "transfer": "transfer", "retirement": "retirement",
        "mode_change": "mode_change", "back_payment": "lump_sum"}
TITLE = {"waiting_period": "待遇享受等待期告知书", "transfer": "医保关系转移接续结果告知书",
         "retirement": "退休资格审核结果告知书", "mode_change": "参保模式变更补缴差额通知书"}


def run(capsys, *args) -> tuple[int, dict]:
    code = main([str(a) for a in args])
    return code, json.loads(capsys.readouterr().out)


def test_the_public_examples_cover_every_kind_of_notice():
    questions = {json.loads(p.read_text(encoding="utf-8"))["question"] for p in CASES}
    assert {KIND[q] for q in questions if q in KIND} == set(TITLE)


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_each_example_prints_its_notice_or_refuses_in_json(path, tmp_path, capsys):
    case = json.loads(path.read_text(encoding="utf-8"))
    out = tmp_path / "notice.pdf"
    code, answer = run(capsys, path, out)
    expected_error = case.get("expect", {}).get("error")
    if expected_error:  # the rule module's own refusal, passed through unchanged
        assert code == 1 and answer["error"]["code"] == expected_error["code"]
        if "field" in expected_error:
            assert answer["error"]["field"] == expected_error["field"]
        assert not out.exists()
    elif case["question"] not in KIND:
        assert code == 1 and answer["error"]["code"] == "not_applicable" and answer["error"]["message"]
        assert not out.exists()
    else:
        serial = "CASE-" + hashlib.sha256(path.read_bytes()).hexdigest()[:10]
        kind = KIND[case["question"]]
        assert code == 0
        assert answer == {"kind": kind, "serial": serial, "path": str(out),
                          "sha256": hashlib.sha256(out.read_bytes()).hexdigest()}
        text = poppler("pdftotext", out.read_bytes(), "-raw")
        jurisdiction = JURISDICTIONS[case["jurisdiction"]].name
        for phrase in (TITLE[kind], f"编号：{serial}", f"{jurisdiction}医疗保障局", "经办人：—", "计算依据"):
            assert phrase in text, phrase
        assert "Pages:           2" in poppler("pdfinfo", out.read_bytes())  # the notice, then its 计算依据


def test_a_transfer_can_also_print_its_waiting_period_or_its_back_payment(tmp_path, capsys):
    code, answer = run(capsys, EXAMPLES / "transfer-jilin-over-ninety-days.json", tmp_path / "w.pdf",
                       "--kind", "waiting_period")
    assert code == 0 and answer["kind"] == "waiting_period"
    code, answer = run(capsys, SAMPLES / "transfer-huainan-priced.json", tmp_path / "l.pdf", "--kind", "lump_sum")
    assert code == 0 and answer["kind"] == "lump_sum"
    assert "960.00元" in poppler("pdftotext", (tmp_path / "l.pdf").read_bytes(), "-raw")


def test_a_gap_without_a_price_cannot_be_printed_as_a_lump_sum(tmp_path, capsys):
    code, answer = run(capsys, EXAMPLES / "transfer-huainan-three-month-gap.json", tmp_path / "l.pdf",
                       "--kind", "lump_sum")
    assert code == 1 and answer["error"]["code"] == "missing_parameter"


def test_the_same_case_file_prints_the_same_bytes(tmp_path, capsys):
    path = EXAMPLES / "retirement-xinyang-lump-sum.json"
    assert run(capsys, path, tmp_path / "a.pdf")[0] == 0
    assert run(capsys, path, tmp_path / "b.pdf")[0] == 0
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()


def test_the_name_and_id_number_in_the_case_are_printed_and_the_id_is_checked(tmp_path, capsys):
    case = json.loads((SAMPLES / "timeline-huainan-lapse.json").read_text(encoding="utf-8"))
    assert run(capsys, SAMPLES / "timeline-huainan-lapse.json", tmp_path / "n.pdf")[0] == 0
    assert "李建军（公民身份号码：340402198503150035）" in poppler("pdftotext", (tmp_path / "n.pdf").read_bytes(), "-raw")
    case["person"]["id_number"] = "340402198503150036"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    code, answer = run(capsys, bad, tmp_path / "bad.pdf")
    assert code == 1 and answer["error"]["field"] == "person.id_number"


@pytest.mark.parametrize("args, field", [
    ([], None),
    (["only-one.json"], None),
    (["CASE", "OUT", "--kind", "receipt"], "kind"),
])
def test_a_wrong_command_line_answers_with_usage_in_json(args, field, capsys):
    code, answer = run(capsys, *args)
    assert code == 1 and answer["error"]["code"] == "invalid_input" and answer["error"]["field"] == field
    assert "用法" in answer["error"]["message"]


def test_an_unreadable_or_malformed_case_file_answers_in_json(tmp_path, capsys):
    code, answer = run(capsys, tmp_path / "missing.json", tmp_path / "x.pdf")
    assert code == 1 and answer["error"]["code"] == "invalid_input"
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    code, answer = run(capsys, broken, tmp_path / "x.pdf")
    assert code == 1 and answer["error"]["code"] == "invalid_input"


def test_python_dash_m_prints_a_notice_and_refuses_with_the_rule_modules_json(tmp_path):
    good = subprocess.run([sys.executable, "-m", "desktop_app.notices", str(EXAMPLES / "mode-change-xinyang.json"),
                           str(tmp_path / "m.pdf")], cwd=ROOT, capture_output=True, timeout=120)
    assert good.returncode == 0, good.stdout + good.stderr
    assert json.loads(good.stdout)["kind"] == "mode_change"
    assert (tmp_path / "m.pdf").read_bytes().startswith(b"%PDF-")

    case = EXAMPLES / "eligibility-bad-check-digit.json"
    bad = subprocess.run([sys.executable, "-m", "desktop_app.notices", str(case), str(tmp_path / "e.pdf")],
                         cwd=ROOT, capture_output=True, timeout=120)
    rules = subprocess.run([sys.executable, "-m", "desktop_app.rules", str(case)], cwd=ROOT, capture_output=True,
                           timeout=120)
    assert bad.returncode == 1 and bad.stderr == b""
    assert json.loads(bad.stdout) == json.loads(rules.stdout)
    assert not (tmp_path / "e.pdf").exists()


def test_an_unconfirmed_shipped_value_stops_the_notice_and_a_value_given_with_the_case_does_not(tmp_path, capsys):
    case = json.loads((SAMPLES / "back-payment-xinyang.json").read_text(encoding="utf-8"))
    code, answer = run(capsys, SAMPLES / "back-payment-xinyang.json", tmp_path / "u.pdf")
    assert code == 1 and answer["error"]["code"] == "unconfirmed_parameter"
    assert answer["error"]["field"] == "parameters.late_fee_daily_rate" and not (tmp_path / "u.pdf").exists()
    case["parameters"]["late_fee_daily_rate"] = "0.0005"
    confirmed = tmp_path / "confirmed.json"
    confirmed.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    code, answer = run(capsys, confirmed, tmp_path / "c.pdf")
    assert code == 0 and answer["kind"] == "lump_sum"
    text = poppler("pdftotext", (tmp_path / "c.pdf").read_bytes(), "-raw")
    assert "一次性补缴通知书" in text and "本次办理时录入" in text and "本案输入参数" not in text

