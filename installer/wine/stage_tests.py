"""Stage what installer/test-under-wine needs to run the rule, store and service tests on the installed Windows
Python (issue 16: the interpreter the office runs is the one the tests run on): the test runner from
test-tools.lock (hashes checked, unpacked as pip would), the project's tests and run_tests.py beside them.
Test-only: nothing staged here goes into the installer.

    python3 installer/wine/stage_tests.py DEST
"""

import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
INSTALLER = HERE.parent
REPO = INSTALLER.parent
sys.path.insert(0, str(INSTALLER))

import fetch  # noqa: E402
import stage  # noqa: E402


def main(dest: Path) -> None:
    cache = INSTALLER / "cache" / "wine-tests"
    wheels = fetch.fetch_wheels(HERE / "test-tools.lock", cache, fetch.tool_python(INSTALLER / "cache"))
    shutil.rmtree(dest, ignore_errors=True)
    stage.unpack_wheels(wheels, dest / "site", [])
    shutil.copytree(REPO / "tests", dest / "tests",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis", ".pytest_cache"))
    shutil.copy2(HERE / "run_tests.py", dest / "run_tests.py")
    # pyproject's options name pytest-qt's, which this runner does not have
    (dest / "pytest.ini").write_text("[pytest]\naddopts = -ra -p no:cacheprovider\n", encoding="utf-8")
    print(f"staged {len(wheels)} test-tool wheels and the tests in {dest}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
