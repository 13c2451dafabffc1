"""The project stands on its own: the policy texts and public rule cases it ships are copies of ../shared.

Without ../shared beside the checkout (a clone in an empty folder, CI) there is nothing to compare and the
copies are what the tests and the program use; with it, a copy that drifted from its source fails here.
"""
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
PAIRS = [
    (ROOT / "resources" / "policy", SHARED / "policy", "*"),
    (ROOT / "tests" / "rules_cases" / "examples", SHARED / "rules-cases" / "examples", "*.json"),
    (ROOT / "tests" / "rules_cases", SHARED / "rules-cases", "FORMAT.md"),
]


def test_the_copies_are_in_the_project():
    for ours, _, pattern in PAIRS:
        assert sorted(ours.glob(pattern)), f"nothing matches {pattern} in {ours}"


@pytest.mark.skipif(not SHARED.is_dir(), reason="no ../shared beside this checkout: the shipped copies are the source")
@pytest.mark.parametrize("ours,theirs,pattern", PAIRS, ids=["policy", "examples", "format"])
def test_each_copy_equals_its_source_in_shared(ours, theirs, pattern):
    mine = {p.name: p.read_bytes() for p in ours.glob(pattern) if p.is_file()}
    source = {p.name: p.read_bytes() for p in theirs.glob(pattern) if p.is_file()}
    assert sorted(mine) == sorted(source), "files differ: copy again from ../shared"
    for name, data in source.items():
        assert mine[name] == data, f"{name} differs from ../shared: copy it again"
