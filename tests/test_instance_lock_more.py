"""One program per data file even when the lock file is deleted, and no data folder on a network share
(issue 12, point 18)."""

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from desktop_app.services import instance_lock
from desktop_app.services.instance_lock import InstanceLocked, NetworkFolder, is_network_folder
from desktop_app.services.session import open_trusted_session

REPO = Path(__file__).resolve().parents[1]
HOLD = """
import sys, time
sys.path.insert(0, {repo!r})
from desktop_app.services.session import open_trusted_session
s = open_trusted_session({path!r}, "第一个程序", exclusive=True)
print("holding", flush=True)
time.sleep(60)
"""


def test_deleting_the_lock_file_while_it_is_held_does_not_let_a_second_program_in(db_path):
    holder = subprocess.Popen([sys.executable, "-c", HOLD.format(repo=str(REPO), path=str(db_path))],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        instance_lock.lock_path(db_path).unlink()        # someone removes flexins.sqlite3.lock
        with pytest.raises(InstanceLocked, match="已由另一个经办台程序打开"):
            open_trusted_session(db_path, "第二个程序", exclusive=True)
    finally:
        holder.kill()
        holder.wait()
    open_trusted_session(db_path, "第二个程序", exclusive=True).close()   # the holder gone: free again


def test_in_one_process_too(db_path):
    first = instance_lock.acquire(db_path)
    try:
        instance_lock.lock_path(db_path).unlink()
        with pytest.raises(InstanceLocked):
            instance_lock.acquire(db_path)
    finally:
        first.release()
    instance_lock.acquire(db_path).release()


MOUNTS = """/dev/sda1 / ext4 rw,relatime 0 0
//fileserver/医保 /mnt/share cifs rw,vers=3.0 0 0
fileserver:/export /mnt/nfs nfs4 rw 0 0
tmpfs /mnt/share/local tmpfs rw 0 0
"""


@pytest.mark.parametrize("folder, network", [
    ("/mnt/share/经办台", True), ("/mnt/nfs/data", True), ("/mnt/share/local/data", False), ("/home/clerk", False),
    ("//fileserver/医保/经办台", True), ("\\\\fileserver\\医保\\经办台", True)])
def test_a_network_folder_is_recognised(folder, network):
    assert is_network_folder(Path(folder) if not folder.startswith(("//", "\\\\")) else folder, MOUNTS) is network


def test_a_data_folder_on_a_network_share_is_refused_at_start_with_the_way_out(qtbot, tmp_path, monkeypatch):
    from desktop_app.ui import startup

    monkeypatch.setattr(instance_lock, "is_network_folder", lambda folder, mounts=None: True)
    with pytest.raises(NetworkFolder) as refused:
        instance_lock.acquire(tmp_path / "flexins.sqlite3")
    assert "网络共享" in refused.value.message and "办公室服务器" in refused.value.message
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(lambda parent, title, text: shown.append(text)))
    assert startup.open_data_file(tmp_path / "flexins.sqlite3") is None
    assert shown and "网络共享" in shown[0] and not (tmp_path / "flexins.sqlite3").exists()
