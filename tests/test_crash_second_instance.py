"""A second program on the same data file is refused with a message; a killed program leaves no stale lock."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.services.session import open_session, open_trusted_session
from desktop_app.store.db import StoreError

REPO = Path(__file__).resolve().parents[1]
HOLDER = """
import sys, time
from desktop_app.services.session import open_trusted_session
s = open_trusted_session(sys.argv[1], "窗口一", exclusive=True)
print("ready", flush=True)
time.sleep(60)
"""


def start_holder(path: Path) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], cwd=REPO, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    return proc


def test_a_second_program_is_refused_and_a_killed_one_leaves_no_lock(db_path):
    holder = start_holder(db_path)
    try:
        with pytest.raises(StoreError) as refused:
            open_trusted_session(db_path, "窗口二", exclusive=True)
        assert "已由另一个经办台程序打开" in refused.value.message
        assert "计算机" in refused.value.message          # names who holds it
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
    second = open_trusted_session(db_path, "窗口二", exclusive=True)   # the OS dropped the dead program's lock
    try:
        with pytest.raises(StoreError):
            open_trusted_session(db_path, "窗口三", exclusive=True)   # and now this one holds it
    finally:
        second.close()
    open_trusted_session(db_path, "窗口三", exclusive=True).close()     # closing releases it


def test_a_refused_start_leaves_the_file_untouched(db_path):
    holder = start_holder(db_path)
    before = db_path.read_bytes()
    try:
        with pytest.raises(StoreError):
            open_session(db_path, exclusive=True)
        assert db_path.read_bytes() == before
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
