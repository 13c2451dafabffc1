"""The rule, store and service tests on the installed Windows Python, as installer/test-under-wine runs them:

    <install>\\python\\python.exe C:\\wine-tests\\run_tests.py [pytest arguments]

The embeddable Python reads its path from python313._pth (the program's packages and the program folder) and
ignores PYTHONPATH, so the test runner (site\\, staged by stage_tests.py) and the tests are put on sys.path
here. desktop_app is the installed one: the check below refuses any other copy. Test-only, never shipped.
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# The rule, store and service tests on real SQLite files, real backups and real PDFs (no Qt: the window is
# proven by the self-check and the first start under Wine; no poppler, a Linux program).
SUBSET = [
    "test_rules_contribution.py", "test_rules_examples.py", "test_rules_other_questions.py",
    "test_rules_parameters.py", "test_rules_properties.py", "test_rules_retirement.py", "test_rules_text_edges.py",
    "test_rules_timeline.py", "test_rules_transfer.py", "test_notices_text.py",
    "test_store.py", "test_audit.py", "test_audit_every_write.py", "test_audit_tampering.py",
    "test_audit_tampering_life.py", "test_session_checks.py",
    "test_services_counter_story.py", "test_services_demo.py", "test_services_enrolment.py",
    "test_services_life_events.py", "test_services_parameters.py", "test_services_payments.py",
    "test_services_person_terms.py", "test_services_tax_import.py", "test_services_transfer_retirement.py",
    "test_backup.py", "test_import_strict.py", "test_import_bad_files.py", "test_export_safety.py",
]


def main(argv: list[str]) -> int:
    sys.path[:0] = [str(HERE / "site"), str(HERE)]
    import desktop_app
    import pytest

    program = Path(sys.executable).resolve().parent.parent
    where = Path(desktop_app.__file__).resolve().parent
    print(f"Python {sys.version.split()[0]} ({sys.platform}) at {sys.executable}; desktop_app from {where}",
          flush=True)
    if where.parent != program:
        print(f"desktop_app is not the installed program's ({program})", flush=True)
        return 3
    args = argv or [str(HERE / "tests" / name) for name in SUBSET]
    engines = _Engines()
    status = pytest.main(["-c", str(HERE / "pytest.ini"), "--rootdir", str(HERE), "-q", *args], plugins=[engines])
    # the store and service tests run on a file and on the server test-under-wine started (FLEXINS_TEST_PG_URL)
    print(f"ENGINES sqlite={engines.passed['sqlite']} postgresql={engines.passed['postgresql']}", flush=True)
    return status


class _Engines:
    """Counts the tests passed on each engine (a test's id ends in [postgresql] when it ran on the server)."""

    def __init__(self):
        self.passed = {"sqlite": 0, "postgresql": 0}

    def pytest_runtest_logreport(self, report):
        if report.when == "call" and report.passed:
            self.passed["postgresql" if "postgresql" in report.nodeid.partition("[")[2] else "sqlite"] += 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
