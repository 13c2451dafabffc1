"""python -m desktop_app --selftest OUTDIR (issue 5): a fresh database, a counter job, result.json."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_selftest_produces_result_json(tmp_path):
    out = tmp_path / "自检 out"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-m", "desktop_app", "--selftest", str(out)], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    result = json.loads((out / "result.json").read_text(encoding="utf-8"))
    assert result["ok"] is True
    assert result["tabs"] == ["参保登记", "缴费记录", "转移接续", "退休资格"]
    assert Path(result["database"]).is_file()
    assert len(result["notices"]) == 2
    for pdf in result["notices"]:
        assert Path(pdf).read_bytes().startswith(b"%PDF")
    assert Path(result["screenshot"]).stat().st_size > 10_000

    db = sqlite3.connect(result["database"])
    assert db.execute("SELECT COUNT(*) FROM people").fetchone()[0] == 1
    assert db.execute("SELECT COUNT(*) FROM ledger").fetchone()[0] == 2
    assert db.execute("SELECT COUNT(*) FROM notices").fetchone()[0] == 2
    db.close()


def test_selftest_run_twice_starts_from_a_fresh_database(tmp_path, qapp):
    from desktop_app.services.audit_log import check_file
    from desktop_app.ui.selftest import run

    def contents(result) -> tuple:
        db = sqlite3.connect(result["database"])
        try:
            return tuple(db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                         for t in ("people", "ledger", "notices", "audit"))
        finally:
            db.close()

    first = run(tmp_path, qapp)
    assert first["ok"], first.get("error")
    after_first = contents(first)
    second = run(tmp_path, qapp)
    assert second["ok"], second.get("error")
    # the second run started from nothing: the same rows and audit entries as the first, not twice as many,
    # and the old file's anchor was forgotten with it (the whole audit check passes)
    assert contents(second) == after_first and after_first[:3] == (1, 2, 2)
    assert check_file(Path(second["database"])).ok


def test_selftest_failure_gives_exit_1_and_the_error(tmp_path):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-m", "desktop_app", "--selftest", str(blocked)], cwd=tmp_path,
                         env=env, capture_output=True, encoding="utf-8", timeout=300)
    assert run.returncode == 1
    # said, not a traceback: the FAILED line names result.json's place, and the error names the folder
    assert run.stdout.strip() == f"selftest FAILED: {blocked / 'result.json'}", run.stdout + run.stderr
    assert "Traceback" not in run.stderr and str(blocked) in run.stderr and "Error" in run.stderr, run.stderr


def test_demo_flag_builds_the_demo_database_beside_the_data_file_and_starts(tmp_path):
    """`python -m desktop_app --demo xinyang`: that office's demo file in the user's data folder, all its people, then the window
    stays up."""
    import time

    from desktop_app.services.demo import SCENARIOS

    everyone = sum(SCENARIOS.values())

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT),
           "FLEXINS_DATA_DIR": str(tmp_path / "data")}
    process = subprocess.Popen([sys.executable, "-m", "desktop_app", "--demo", "xinyang"], cwd=tmp_path, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        demo = tmp_path / "data" / "demo-xinyang.sqlite3"
        deadline = time.monotonic() + 120
        people = imports = 0
        while time.monotonic() < deadline and process.poll() is None:
            if demo.exists():
                try:
                    with sqlite3.connect(demo) as db:
                        people = db.execute("SELECT COUNT(*) FROM people").fetchone()[0]
                        imports = db.execute("SELECT COUNT(*) FROM imports").fetchone()[0]
                except sqlite3.Error:
                    pass
                if people == everyone and imports:
                    break
            time.sleep(0.5)
        assert (people, imports) == (everyone, 1), "the demo never reached its people"
        time.sleep(3)  # the window is open on it and stays up
        assert process.poll() is None, process.communicate()[1][-2000:]
        assert not (tmp_path / "data" / "flexins.sqlite3").exists()  # the real file is untouched
    finally:
        process.terminate()
        process.wait(timeout=30)
