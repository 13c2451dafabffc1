"""python -m desktop_app --selftest OUTDIR (issue 5): a fresh database, a counter job, result.json."""

import json
import os
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

    import sqlite3

    db = sqlite3.connect(result["database"])
    assert db.execute("SELECT COUNT(*) FROM people").fetchone()[0] == 1
    assert db.execute("SELECT COUNT(*) FROM ledger").fetchone()[0] == 2
    assert db.execute("SELECT COUNT(*) FROM notices").fetchone()[0] == 2
    db.close()


def test_selftest_run_twice_starts_from_a_fresh_database(tmp_path, qapp):
    from desktop_app.ui.selftest import run

    first = run(tmp_path, qapp)
    second = run(tmp_path, qapp)
    assert first["ok"] and second["ok"], second.get("error")


def test_selftest_failure_gives_exit_1_and_the_error(tmp_path):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-m", "desktop_app", "--selftest", str(blocked)], cwd=tmp_path,
                         env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 1


def test_demo_flag_builds_the_demo_database_beside_the_data_file_and_starts(tmp_path):
    """`python -m desktop_app --demo`: the demo file in the user's data folder, then the window stays up."""
    import time

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT),
           "FLEXINS_DATA_DIR": str(tmp_path / "data")}
    process = subprocess.Popen([sys.executable, "-m", "desktop_app", "--demo"], cwd=tmp_path, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        demo = tmp_path / "data" / "demo.sqlite3"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            if demo.exists():
                import sqlite3

                try:
                    with sqlite3.connect(demo) as db:
                        people = db.execute("SELECT COUNT(*) FROM people").fetchone()[0]
                except sqlite3.Error:
                    people = 0
                if people >= 150:
                    break
            time.sleep(0.5)
        time.sleep(3)  # the window is open on it and stays up
        assert process.poll() is None, process.communicate()[1][-2000:]
        assert not (tmp_path / "data" / "flexins.sqlite3").exists()  # the real file is untouched
    finally:
        process.terminate()
        process.wait(timeout=30)
