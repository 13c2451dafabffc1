"""Backups someone else may hold (issue 12, points 7, 10 and 15): encrypted with the backup passphrase, restored
on a replacement PC with it alone; a changed, cut-short, foreign or mis-recorded backup refused or confirmed
first; a full backup folder blamed, not the data file; what a crash left half-written swept at the next start."""

import errno
import os
import shutil
import sqlite3
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest

from desktop_app.services import backup, backup_crypto, restore
from desktop_app.services.errors import InputError
from desktop_app.services.session import open_trusted_session
from desktop_app.services.settings import set_office
from desktop_app.store import audit
from tests.conftest import BACKUP_PASSPHRASE, FIXED_NOW


def tick():
    at = [FIXED_NOW]

    def now():
        at[0] += timedelta(seconds=1)
        return at[0]
    return now


@pytest.fixture
def made(session, enrolled, tmp_path):
    enrolled(first_month=date(2025, 1, 1), paid_through=date(2025, 2, 1))
    job = backup.BackupJob(session.path, tmp_path / "usb", 5, session.stamp(), "auto")
    return backup.run_backup(job, now=tick())


def test_a_backup_holds_nothing_in_clear(session, made):
    number = session.db.execute("SELECT id_number FROM people").fetchone()[0]
    data = made.path.read_bytes()
    assert data.startswith(backup_crypto.MAGIC) and number.encode() not in data and b"SQLite format" not in data
    assert not list(Path(session.path).parent.glob(".*.partial"))   # the clear copy made on the way is gone


def test_no_backup_without_a_passphrase_and_a_weak_one_refused(tmp_path):
    s = open_trusted_session(tmp_path / "new.sqlite3", "管理员")
    try:
        with pytest.raises(InputError, match="备份口令"):
            backup.plan_backup(s)
        with pytest.raises(backup.BackupError, match="备份口令"):
            backup.run_backup(backup.BackupJob(s.path, tmp_path / "usb", 5, s.stamp(), "auto"))
        for weak in ("short", "password12345"):
            with pytest.raises(InputError):
                backup.set_backup_passphrase(s, weak, weak)
        key_id = backup.set_backup_passphrase(s, "浉河区医保 2025 备份", "浉河区医保 2025 备份")
        assert backup.plan_backup(s).key.key_id == key_id
        entry = audit.entries(s.db, 1)[0]
        assert entry["action"] == "backup.passphrase" and "浉河区医保" not in (entry["after"] or "")
        assert s.db.execute("SELECT COUNT(*) FROM backup_keys").fetchone()[0] == 1
    finally:
        s.close()


def test_on_a_replacement_pc_the_backup_and_its_passphrase_are_enough(session, enrolled, tmp_path):
    """A new PC: a fresh data folder, no settings, no key; the backup file alone, copied from the USB stick."""
    from desktop_app.services import auth

    enrolled(first_month=date(2025, 1, 1))
    auth.ensure_first_admin(session)
    made = backup.run_backup(backup.BackupJob(session.path, tmp_path / "usb", 5, session.stamp(), "auto"))
    new_pc = tmp_path / "新电脑"
    new_pc.mkdir()
    copied = new_pc / made.path.name
    shutil.copy(made.path, copied)
    data_path = new_pc / "flexins.sqlite3"
    data_path.write_bytes(b"\0" * 4096)   # nothing usable there: restored at start
    with pytest.raises(InputError, match="备份口令不正确"):
        restore.restore_damaged_file(data_path, copied, "x", "y", passphrase="另一个口令 not this one")
    result = restore.restore_damaged_file(data_path, copied, "admin", "admin", passphrase=BACKUP_PASSPHRASE,
                                          clock=lambda: FIXED_NOW)
    assert result.check.people == 1
    s = open_trusted_session(data_path, "测试员")
    try:
        assert s.db["people"].count == 1
        # the passphrase that opened it keeps the automatic backups going on this PC
        assert backup.plan_backup(s).key.key_id == backup_crypto.read_header(copied)["key_id"]
    finally:
        s.close()


def test_a_changed_byte_anywhere_in_an_encrypted_backup_is_refused(session, made, tmp_path):
    size = made.path.stat().st_size
    for offset in (20, size // 3, size - 5):
        bad = tmp_path / f"bad-{offset}.fxbak"
        data = bytearray(made.path.read_bytes())
        data[offset] ^= 0x01
        bad.write_bytes(bytes(data))
        check = restore.verify_backup(bad, passphrase=BACKUP_PASSPHRASE)
        assert not check.ok and ("改动" in check.message or "损坏" in check.message), check.message
    cut = tmp_path / "cut.fxbak"
    cut.write_bytes(made.path.read_bytes()[:-100])
    assert "截断" in restore.verify_backup(cut, passphrase=BACKUP_PASSPHRASE).message


def resealed(made, tmp_path, change: str) -> Path:
    """What someone holding the passphrase could do: open the backup, change it with sqlite3, seal it again."""
    header = backup_crypto.read_header(made.path)
    plain, key = restore.open_backup(made.path, tmp_path / "x.sqlite3", None, BACKUP_PASSPHRASE)
    conn = sqlite3.connect(plain)
    conn.executescript(change)
    conn.commit()
    conn.close()
    target = made.path.with_name(made.path.name)   # in place, under its own name
    with open(target, "wb") as out:
        backup_crypto.encrypt_file(plain, out, key, header)
    plain.unlink()
    return target


def test_single_digit_edits_of_an_amount_never_restore(session, made, tmp_path):
    """The issue's 247 of 286: an amount changed and sealed again is refused, by its tables and its sha256."""
    before = session.db.execute("SELECT amount FROM ledger").fetchall()
    changed = resealed(made, tmp_path, "UPDATE ledger SET amount = '996.00' WHERE month = '2025-01';")
    with pytest.raises(InputError) as refused:
        restore.run_restore(restore.plan_restore(session, changed))
    assert "校验值" in refused.value.message or "审计记录不符" in refused.value.message
    assert session.db.execute("SELECT amount FROM ledger").fetchall() == before


def test_the_recorded_sha256_is_compared(session, made, tmp_path):
    """The data consistent and the chain intact, but not the file that was made: refused by its recorded sha256."""
    changed = resealed(made, tmp_path, "")      # same content, new seal: another file
    with pytest.raises(InputError, match="校验值"):
        restore.run_restore(restore.plan_restore(session, changed))


def test_a_backup_with_its_audit_cut_short_is_refused(session, made, tmp_path):
    shutil.copy(made.path, tmp_path / "kept.fxbak")
    changed = resealed(made, tmp_path, "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id = "
                                       "(SELECT max(id) FROM audit);")
    # the catalogue on the stick and the data file's entry still say what was made: 21 entries, this sha256
    with pytest.raises(InputError) as refused:
        restore.run_restore(restore.plan_restore(session, changed))
    assert "截短" in refused.value.message or "校验值" in refused.value.message or "不符" in refused.value.message


def test_another_offices_backup_is_restored_only_when_confirmed_and_the_confirmation_audited(session, made, tmp_path,
                                                                                             backup_key):
    other = tmp_path / "other" / "flexins.sqlite3"
    s = open_trusted_session(other, "别处")
    set_office(s, "huainan", "淮南市医疗保障局")
    backup.store_key(s, backup_key)
    theirs = backup.run_backup(backup.BackupJob(s.path, tmp_path / "theirs", 5, s.stamp(), "auto"), now=tick())
    s.close()
    job = restore.plan_restore(session, theirs.path)
    with pytest.raises(restore.NeedsConfirmation) as asked:
        restore.run_restore(job)
    warnings = asked.value.warnings
    assert any("另一个经办机构" in w and "淮南" in w for w in warnings)
    assert any("不是同一条链" in w or "不是当前数据文件较早时的备份" in w for w in warnings)
    with pytest.raises(restore.NeedsConfirmation):
        restore.run_restore(job, confirmed=warnings[:1])    # every warning must be confirmed
    result = restore.run_restore(job, confirmed=warnings)
    restore.finish_restore(session)
    assert result.warnings == warnings and session.office.name == "淮南市医疗保障局"
    entry = audit.entries(session.db, 1)[0]
    assert entry["action"] == "backup.restore" and "另一个经办机构" in entry["after"]


def test_a_full_backup_folder_is_blamed_not_the_data_file(session, enrolled, tmp_path, monkeypatch):
    enrolled(first_month=date(2025, 1, 1))
    real = backup_crypto.encrypt_file

    def full(source, target, key, info, step=None):
        target.write(b"x" * 100)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backup_crypto, "encrypt_file", full)
    job = backup.BackupJob(session.path, tmp_path / "usb", 5, session.stamp(), "auto")
    with pytest.raises(backup.BackupError) as failed:
        backup.run_backup(job)
    assert "已满" in failed.value.message and "usb" in failed.value.message
    assert "数据文件本身没有问题" in failed.value.message and "损坏" not in failed.value.message
    assert not list((tmp_path / "usb").iterdir()) and not list(Path(session.path).parent.glob(".*.partial"))
    monkeypatch.setattr(backup_crypto, "encrypt_file", real)


def test_a_real_full_usb_stick(session, enrolled, tmp_path):
    """The same on a real 64 KB file system (tmpfs), where the machine lets the tests mount one."""
    enrolled(first_month=date(2025, 1, 1))
    stick = tmp_path / "stick"
    stick.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(stick)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small file system here (not root): the simulated ENOSPC test covers it")
    try:
        with pytest.raises(backup.BackupError) as failed:
            backup.run_backup(backup.BackupJob(session.path, stick, 5, session.stamp(), "auto"))
        assert "已满" in failed.value.message and "数据文件本身没有问题" in failed.value.message
        assert os.listdir(stick) == []
    finally:
        subprocess.run(["umount", str(stick)])


def test_what_a_crash_left_half_written_is_swept_at_the_next_start(session, tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    left = [usb / "flexins-20250616-093000.fxbak.partial",
            Path(session.path).with_name(".flexins.sqlite3.ab12cd34.backup.partial"),
            tmp_path / "exports" / ".经办台导出-20250616-093000.partial"]
    left[2].mkdir(parents=True)
    (left[2] / "参保人员.csv").write_text("x")
    for path in left[:2]:
        path.write_bytes(b"half")
    backup.note_partial(session.path, left[2])       # an export notes its folder before writing
    other = usb / "someone-else.partial"
    other.write_bytes(b"not ours")
    removed = backup.sweep_leftovers(session.path, [usb])
    assert sorted(map(str, removed)) == sorted(map(str, left))
    assert not any(p.exists() for p in left) and other.exists()


def test_the_administrator_sets_the_passphrase_in_the_backup_dialog(qtbot, tmp_path):
    from PySide6.QtWidgets import QApplication

    from desktop_app.ui.app import setup_application
    from desktop_app.ui.backup_dialog import BackupDialog
    from ui_fixtures import click, type_into

    setup_application(QApplication.instance())
    s = open_trusted_session(tmp_path / "new.sqlite3", "管理员")
    try:
        dialog = BackupDialog(s)
        qtbot.addWidget(dialog)
        assert "尚未设置备份口令" in dialog.ui.status_label.text()
        dialog.ui.passphrase_button.click()
        ask = dialog.passphrase_dialog
        type_into(qtbot, ask.ui.passphrase_edit, "浉河区医保 2025 备份")
        type_into(qtbot, ask.ui.repeat_edit, "浉河区医保 2025 备份错")
        click(qtbot, ask.ui.save_button)
        assert "不一致" in ask.ui.repeat_error.text() and not backup.has_backup_key(s)   # at the field at fault
        type_into(qtbot, ask.ui.repeat_edit, "浉河区医保 2025 备份")
        click(qtbot, ask.ui.save_button)
        assert "备份口令已设置" in dialog.ui.status_label.text() and backup.has_backup_key(s)
        assert "尚未设置备份口令" not in dialog.ui.status_label.text()
    finally:
        s.close()
