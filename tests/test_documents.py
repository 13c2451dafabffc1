"""The policy texts inside the program: every clause the rules cite is there, and the texts need nothing outside
the install folder (resources/policy), not ../shared."""

import ast
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from desktop_app import documents
from desktop_app.documents import CitationError, clause_text, document, load, quote, resolve
from desktop_app.documents.clauses import MARK, reflow
from desktop_app.rules import RuleError, decide
from desktop_app.rules import jurisdictions as jurisdictions_module
from desktop_app.rules.jurisdictions import JURISDICTIONS

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "desktop_app" / "rules"
EXAMPLES = ROOT / "tests" / "rules_cases" / "examples"


def _cite_text_constants() -> list[str]:
    """The fixed citations the rule module passes to ctx.cite_text (the laws and decisions it names)."""
    found = []
    for path in sorted(RULES.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "cite_text" and node.args:
                arg = node.args[0]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.append(arg.value)
                elif isinstance(arg, ast.Name) and hasattr(jurisdictions_module, arg.id):
                    found.append(getattr(jurisdictions_module, arg.id))
    return found


def _example_citations() -> list[str]:
    """Citations of the public example cases, as expected and as the rule module gives them today."""
    found = []
    for path in sorted(EXAMPLES.glob("*.json")):
        case = json.loads(path.read_text(encoding="utf-8"))
        found += (case.get("expect") or {}).get("citations") or []
        try:
            found += decide(case["input"] if "input" in case else case).get("citations") or []
        except (RuleError, KeyError, TypeError, ValueError):
            pass   # a refusal cites nothing; the examples' own tests judge the decision
    return found


def every_citation() -> list[str]:
    cited = []
    for j in JURISDICTIONS.values():
        cited += [j.cite(topic) for topic in j.clauses]
        cited.append(j.payment_channels_citation)
    return list(dict.fromkeys(cited + _cite_text_constants() + _example_citations()))


CITATIONS = every_citation()
KNOWN_OUTSIDE = {"《中华人民共和国社会保险法》", "全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定"}


def test_the_rule_citations_were_collected():
    assert len(CITATIONS) >= 30
    assert any(c.startswith("全国人民代表大会常务委员会") for c in CITATIONS)   # the cite_text constants too


@pytest.mark.parametrize("citation", CITATIONS)
def test_every_citation_the_rules_can_emit_names_a_clause_with_text(citation):
    refs = resolve(citation)
    assert refs, citation
    for ref in refs:
        if not ref.shipped:
            assert ref.outside.name in KNOWN_OUTSIDE, citation
            continue
        assert ref.clause is not None, f"{citation}: names the whole text, not a clause"
        assert len(ref.text.strip()) >= 10, citation   # 信阳 第十条（一） is a whole clause of 14 characters
        assert ref.text in load(ref.document).text


def test_each_jurisdictions_document_is_shipped_with_the_same_date():
    for j in JURISDICTIONS.values():
        ref = resolve(j.cite("contribution"))[0]
        assert ref.document.key == j.key
        assert ref.document.in_force == j.in_force


@pytest.mark.parametrize("key,label,inside,outside", [
    ("huainan", "二（三）", "设置6个月待遇享受等待期", "转移接续"),
    ("huainan", "二（四）", "中断缴费3个月以上的，设置6个月待遇享受等待期", "首次在统筹地区"),
    ("huainan", "四（三）", "本通知自2022年7月1日起执行", "淮南市财政局"),       # the signature is no clause's
    ("jiangsu", "二", "60%-300%执行", "三、"),                                # a line the export broke, joined
    ("jiangsu", "五", "本通知自 2022年 1月 1日起执行", "2021年9月30日"),
    ("jilin", "三（九）", "中断缴费90天（含）以内的", "（十）"),
    ("jilin", "五（十二）后段", "本通知自2025年4月1日起施行", "做好部门协同"),
    ("jilin", "二（五）", "以单建统筹与统账结合模式缴费差额补缴", "社会保险补贴"),
    ("xinyang", "第九条（三）", "办理医保关系转移接续", "欠缴职工医保费3个月"),
    ("xinyang", "第九条", "（一）以灵活就业身份首次参加职工医保的，设置 3 个月待遇享受等待期", "第十条"),
    ("xinyang", "第十条（三）", "实际缴费年限最低累计满10年", "市本级"),    # the list item only
    ("xinyang", "第十条", "市本级和各县（区）医保经办机构", "第十一条"),
    ("xinyang", "第十二条", "从办结次月起享受退休人员待遇", "第十三条"),
    ("jiangsu-press", "医保转移接续第2段", "视作连续参保", "现代快报记者了解到"),
])
def test_a_clause_is_its_own_text(key, label, inside, outside):
    text = clause_text(key, label)
    assert inside in text
    assert outside not in text


@pytest.mark.parametrize("citation", [
    "淮医保发〔2022〕28号 二（九）",                                   # no such item
    "苏医保发〔2021〕61号 三（一）",                                   # Jiangsu has no numbered items
    "吉林省《关于优化灵活就业人员医疗保障有关政策的通知》（征求意见稿） 二（九）",  # （九） is in 三
    "信医保办〔2023〕46号 第二十条",
    "信医保办〔2023〕46号 第三条后段",                                 # one paragraph has no 后段
    "信医保办〔2023〕46号 第九条x",
    "豫医保办〔2020〕60号 二",                                        # a document the program does not know
])
def test_a_citation_naming_what_is_not_there_is_an_error(citation):
    with pytest.raises(CitationError) as error:
        resolve(citation)
    assert "“" in str(error.value)       # the message quotes what it could not place


def test_two_clauses_in_one_citation_are_two_references_in_order():
    refs = resolve("淮医保发〔2022〕28号 二（一）、三（一）")
    assert [r.clause.label for r in refs] == ["二（一）", "三（一）"]
    assert "凭居住证" in refs[1].text
    refs = resolve("信医保办〔2023〕46号 第二条、第四条")
    assert [r.clause.label for r in refs] == ["第二条", "第四条"]


def test_half_width_brackets_and_spaces_in_a_citation_name_the_same_clause():
    assert resolve("信医保办〔2023〕46号 第九条(三)")[0].clause == resolve("信医保办〔2023〕46号 第九条（三）")[0].clause


def test_a_law_the_program_does_not_ship_is_marked_not_shipped():
    ref, = resolve("《中华人民共和国社会保险法》第八十六条（滞纳金日万分之五，待经办机构确认）")
    assert not ref.shipped and ref.text == "" and ref.outside.name == "《中华人民共和国社会保险法》"
    assert quote(ref.citation) == ""


def test_a_document_named_without_clause_is_its_whole_text():
    ref, = resolve("信医保办〔2023〕46号")
    assert ref.clause is None and ref.text == load(document("xinyang")).text


def test_quotes_are_short_without_number_or_title_and_say_when_cut():
    q = quote("淮医保发〔2022〕28号 二（三）", 40)
    assert q.startswith("灵活就业人员首次在统筹地区参加职工医保的") and q.endswith("…") and len(q) <= 40
    assert quote("信医保办〔2023〕46号 第十二条", 200).startswith("灵活就业人员办理职工医保退休待遇手续后，从办结次月起")
    assert not quote("信医保办〔2023〕46号 第十二条", 200).endswith("…")
    assert quote("苏医保发〔2021〕61号 二", 30).startswith("灵活就业人员参加职工医保的缴费基数")   # the title line left out
    for citation in CITATIONS:
        assert len(quote(citation, 50)) <= 50


@pytest.mark.parametrize("doc", documents.documents(), ids=lambda d: d.key)
def test_reading_the_text_changes_no_character(doc):
    """Joining the lines a PDF export broke, and dropping blank lines and markdown marks, is all it does."""
    raw = doc.path().read_text(encoding="utf-8")
    ours = re.sub(r"\s", "", load(doc).text)
    theirs = re.sub(r"\s", "", "".join(MARK.sub("", line.strip()) for line in raw.splitlines()))
    assert ours == theirs
    assert all(ord(ch) <= 0xFFFF for ch in ours)   # offsets count the same in Python and in Qt (UTF-16)


def test_a_sentence_broken_by_the_export_is_one_paragraph():
    assert "以上年度河南省全口径城镇单位就业人员月平均工资为缴费基数" in reflow(
        "第五条 灵活就业人员参加信阳市职工医保，以上年度河\n\n南省全口径城镇单位就业人员月平均工资为缴费基数。")[0]
    # a short title line, a section title and a line before a heading stay lines of their own
    assert reflow("关于进一步\n促进参保的通知\n一、规范筹资，完善保障\n灵活就业人员参加职工医保的，应当按照规定缴费\n（一）参保范围。") == [
        "关于进一步", "促进参保的通知", "一、规范筹资，完善保障", "灵活就业人员参加职工医保的，应当按照规定缴费", "（一）参保范围。"]


def test_the_clause_lists_name_every_heading_once():
    labels = {doc.key: [c.label for c in load(doc).clauses] for doc in documents.documents()}
    assert labels["jiangsu"] == ["一", "二", "三", "四", "五"]
    assert labels["jilin"][-2:] == ["五", "五（十二）"] and "三（九）" in labels["jilin"]
    assert [lb for lb in labels["xinyang"] if "（" not in lb] == [f"第{n}条" for n in
                                                                 "一二三四五六七八九十"] + [f"第十{n}条" for n in "一二三四五"]
    assert labels["jiangsu-press"] == ["灵活就业人员参保", "医保转移接续", "医保服务", "异地就医购药"]
    for key, found in labels.items():
        assert len(found) == len(set(found)), key


# -- the texts travel with the program -----------------------------------------------------------------------

def test_the_texts_load_from_a_copy_of_the_program_with_nothing_beside_it(tmp_path):
    """No ../shared: a bare folder with the package and resources/policy, as the installer lays it out."""
    sys.path.insert(0, str(ROOT / "installer"))
    try:
        import stage
    finally:
        sys.path.remove(str(ROOT / "installer"))
    bundle = tomllib.loads((ROOT / "installer" / "bundle.toml").read_text(encoding="utf-8"))
    install = tmp_path / "app"
    stage.copy_app(ROOT, install, bundle["product"]["data_folders"])
    assert sorted(p.name for p in (install / "resources" / "policy").glob("*.txt")) == sorted(
        d.file for d in documents.documents())
    script = ("import sys, desktop_app.documents as d;"
              "paths = [str(x.path()) for x in d.documents()];"
              "assert all(p.startswith(sys.argv[1]) for p in paths), paths;"
              "print(sum(len(d.load(x).clauses) for x in d.documents()));"
              "print(d.quote('淮医保发〔2022〕28号 二（三）', 20))")
    # -S: no site-packages (nor the editable install of this checkout); the folder itself is on the path
    run = subprocess.run([sys.executable, "-S", "-c", script, str(install)], cwd=install, capture_output=True,
                         text=True, encoding="utf-8", timeout=60)
    assert run.returncode == 0, run.stderr
    count, quoted = run.stdout.split("\n")[:2]
    assert int(count) > 40 and quoted.startswith("灵活就业人员")


def test_a_frozen_build_reads_the_texts_from_its_bundle(tmp_path, monkeypatch):
    policy = tmp_path / "resources" / "policy"
    policy.mkdir(parents=True)
    doc = document("huainan")
    (policy / doc.file).write_text("四、组织实施\n（三）本通知自2022年7月1日起执行，以此件为准。\n", encoding="utf-8")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert doc.path() == policy / doc.file
    assert clause_text("huainan", "四（三）") == "（三）本通知自2022年7月1日起执行，以此件为准。"


def test_a_missing_text_says_so_in_chinese(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    with pytest.raises(documents.DocumentMissing, match="找不到政策文件.*重新安装"):
        resolve("淮医保发〔2022〕28号 二（三）")
