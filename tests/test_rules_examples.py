"""Every public rule case (tests/rules_cases/examples, copied from shared/rules-cases), through the CLI exactly as an office would run it."""
import json
import subprocess
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "tests" / "rules_cases" / "examples"
CASES = sorted(EXAMPLES.glob("*.json"))


def test_the_examples_folder_is_there():
    assert CASES, f"no rule cases found in {EXAMPLES}"


def _same(want, got):
    if isinstance(want, bool) or want is None or isinstance(got, bool):
        return want == got
    try:
        return Decimal(str(want)) == Decimal(str(got))
    except InvalidOperation:
        return want == got


def _check(want, got, path="$"):
    if isinstance(want, dict):
        assert isinstance(got, dict), path
        for k, v in want.items():
            assert k in got, f"{path}.{k} missing"
            _check(v, got[k], f"{path}.{k}")
    elif isinstance(want, list) and want and all(isinstance(w, dict) and "month" in w for w in want):
        by_month = {g["month"]: g for g in got}
        for w in want:
            _check(w, by_month[w["month"]], f"{path}[{w['month']}]")
    elif isinstance(want, list) and path.rsplit(".", 1)[-1] in ("reasons", "options", "citations"):
        assert all(w in got for w in want), f"{path}: {want} not all in {got}"
    elif isinstance(want, list):
        assert len(want) == len(got) and all(_same(w, g) for w, g in zip(want, got)), f"{path}: {want} != {got}"
    else:
        assert _same(want, got), f"{path}: want {want!r}, got {got!r}"


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_example_case(path):
    want = json.loads(path.read_text(encoding="utf-8"))["expect"]
    p = subprocess.run([sys.executable, "-m", "desktop_app.rules", str(path)], capture_output=True, encoding="utf-8",
                       cwd=ROOT, timeout=30)
    got = json.loads(p.stdout)
    if "error" in want:
        assert p.returncode == 1, got
        _check(want["error"], got["error"], "error")
        assert got["error"]["message"]
    else:
        assert p.returncode == 0, got
        _check(want, got)
        assert got["citations"]
        assert all("source" in t and t["source"] for t in got["parameters_used"])
