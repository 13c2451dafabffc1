"""Rule case files fuzzed (hypothesis): random JSON, and the public examples with fields replaced or removed,
give a decision or a RuleError with a Chinese message, never another exception (CLI included)."""

import json
import re
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_app.rules import RuleError, decide

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "tests" / "rules_cases" / "examples").glob("*.json"))
CASES = [{k: v for k, v in json.loads(p.read_text(encoding="utf-8")).items() if k != "expect"} for p in EXAMPLES]
CHINESE = re.compile(r"[\u4e00-\u9fff]")
QUESTIONS = ["eligibility", "contribution", "benefit_timeline", "transfer", "retirement", "mode_change",
             "resident_switch", "back_payment", "lump_sum", "", "Retirement", None]
JURISDICTIONS = ["huainan", "jiangsu", "jilin", "xinyang", "beijing", "", None, 3]

scalars = (st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.floats(allow_nan=True)
           | st.text(max_size=12) | st.sampled_from(["2025-06", "2025-13", "0000-00", "2025-06-16", "1e400", "-1",
                                                    "NaN", "Infinity", "０.０７", "70", "", "2024-02-30"]))
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)


def outcome(case) -> str:
    try:
        result = decide(case)
    except RuleError as error:
        assert isinstance(error.message, str) and CHINESE.search(error.message), repr(error.message)
        assert error.code in {"invalid_input", "unknown_jurisdiction", "no_policy_in_force", "missing_parameter",
                              "not_applicable"}, error.code
        return "refused"
    assert isinstance(result, dict)
    json.dumps(result, ensure_ascii=False)  # a decision can always be stored
    # what was accepted is answered in the interface's envelope: the question and place asked about, the clauses
    # applied (never none: every decision rests on one) and the rule version
    assert (result["question"], result["jurisdiction"], result["date"]) == \
        (case["question"], case["jurisdiction"], str(case["date"])[:10]), result
    assert result["citations"] and all(isinstance(c, str) and c for c in result["citations"]), result["citations"]
    assert result["rule_version"] and isinstance(result["parameters_used"], list)
    return "decided"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=st.fixed_dictionaries({"question": st.sampled_from(QUESTIONS),
                                   "jurisdiction": st.sampled_from(JURISDICTIONS)},
                                  optional={"date": scalars, "person": json_values, "payments": json_values,
                                            "month": scalars, "mode": scalars, "parameters": json_values,
                                            "first_month": scalars, "record": json_values, "previous": json_values}))
def test_random_cases_are_decided_or_refused(case):
    outcome(case)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_examples_with_a_field_replaced_or_removed_are_decided_or_refused(data):
    case = json.loads(json.dumps(data.draw(st.sampled_from(CASES))))
    for _ in range(data.draw(st.integers(1, 3))):
        target, path = case, []
        while isinstance(target, (dict, list)) and target and data.draw(st.booleans()):
            key = data.draw(st.sampled_from(sorted(target) if isinstance(target, dict) else range(len(target))))
            path.append(key)
            if not isinstance(target[key], (dict, list)):
                break
            target = target[key]
        if not path:
            key = data.draw(st.sampled_from(sorted(case)))
            parent, path = case, [key]
        else:
            parent = case
            for key in path[:-1]:
                parent = parent[key]
        if isinstance(parent, dict) and data.draw(st.booleans()):
            parent.pop(path[-1], None)
        else:
            parent[path[-1]] = data.draw(json_values)
    outcome(case)


def test_not_a_case_at_all():
    for thing in ([], "case", 42, None, {"jurisdiction": {"x": 1}}, {"question": "contribution", "jurisdiction": [1]}):
        assert outcome(thing) == "refused"


def test_a_list_as_the_question_is_refused():
    assert outcome({"question": ["contribution"], "jurisdiction": "xinyang"}) == "refused"


def test_the_cli_answers_a_bad_case_file_with_json_not_a_traceback(tmp_path):
    for name, data in (("garbage.json", b"\xff\xfe not json"), ("list.json", b"[1, 2]"), ("empty.json", b""),
                       ("unknown.json", b'{"question": "x", "jurisdiction": "xinyang"}')):
        path = tmp_path / name
        path.write_bytes(data)
        proc = subprocess.run([sys.executable, "-m", "desktop_app.rules", str(path)], capture_output=True, timeout=60,
                              cwd=ROOT)
        assert proc.returncode != 0 and b"Traceback" not in proc.stderr, (name, proc.stderr[-500:])


def test_a_deeply_nested_case_file_gets_a_message(tmp_path):
    path = tmp_path / "deep.json"
    path.write_bytes(b"[" * 5000 + b"]" * 5000)
    proc = subprocess.run([sys.executable, "-m", "desktop_app.rules", str(path)], capture_output=True, timeout=60,
                          cwd=ROOT)
    assert proc.returncode != 0 and b"Traceback" not in proc.stderr
