"""Every command-line entry point writes UTF-8 whatever the console's code page (issue 18).

Piped on an English Windows, Python writes cp1252 and printing 张三 ended `python -m desktop_app --selftest`
with UnicodeEncodeError ('charmap'), exit 1. PYTHONIOENCODING=cp1252 makes this machine's Python do the same.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(args, tmp_path, timeout=120):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "cp1252"}
    return subprocess.run([sys.executable, *args], cwd=tmp_path, env=env, capture_output=True, timeout=timeout)


@pytest.mark.parametrize("args, stream, wanted", [
    (["-m", "desktop_app", "--help"], "stdout", "灵活就业参保经办台"),
    (["-m", "desktop_app.audit", "verify", "张三的数据.sqlite3"], "stderr", "找不到数据文件：张三的数据.sqlite3"),
    (["-m", "desktop_app.rules"], "stdout", "用法：python -m desktop_app.rules CASE.json"),
    (["-m", "desktop_app.notices"], "stdout", "用法：python -m desktop_app.notices"),
])
def test_chinese_output_through_a_cp1252_pipe(tmp_path, args, stream, wanted):
    run = _run(args, tmp_path)
    out = getattr(run, stream).decode("utf-8")     # strict: the bytes are UTF-8
    assert wanted in out, run.stdout.decode("utf-8", "replace") + run.stderr.decode("utf-8", "replace")
    assert b"UnicodeEncodeError" not in run.stderr


def test_the_selftest_prints_a_chinese_result_path_through_a_cp1252_pipe(tmp_path):
    out = tmp_path / "张三" / "自检"
    run = _run(["-m", "desktop_app", "--selftest", str(out)], tmp_path, timeout=300)
    assert run.returncode == 0, run.stderr.decode("utf-8", "replace")
    assert run.stdout.decode("utf-8").strip() == f"selftest ok: {out / 'result.json'}"
