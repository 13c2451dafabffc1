"""备份与恢复 through the widgets: settings, backup now, restore with confirmation and a new login, export;
the backup at start and the integrity check after the window shows; the start-up refusals and restore."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from auth_fixtures import ADMIN_PASSWORD, staffed, staffed_path, staffed_template  # noqa: F401
from desktop_app.services import auth, backup
from tests.conftest import BACKUP_PASSPHRASE
from ui_fixtures import TODAY, click, type_into

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def admin(staffed):
    auth.login(staffed, "admin", ADMIN_PASSWORD)
    return staffed


def dialog_for(qtbot, session):
    from desktop_app.ui.app import setup_application
    from desktop_app.ui.backup_dialog import BackupDialog

    setup_application(QApplication.instance())
    dialog = BackupDialog(session)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def finish(qtbot, task):
    assert task is not None
    with qtbot.waitSignal(task.done, timeout=20_000):
        pass


def test_the_administrator_sets_the_folder_and_backs_up_now(qtbot, admin, tmp_path):
    dialog = dialog_for(qtbot, admin)
    ui = dialog.ui
    type_into(qtbot, ui.folder_edit, str(tmp_path / "missing"))
    click(qtbot, ui.save_settings_button)
    assert "不存在或无法访问" in ui.folder_error.text()
    usb = tmp_path / "usb"
    usb.mkdir()
    type_into(qtbot, ui.folder_edit, str(usb))
    ui.keep_spin.setValue(2)
    click(qtbot, ui.save_settings_button)
    assert ui.folder_error.text() == "" and "设置已保存" in ui.status_label.text()
    for _ in range(3):
        click(qtbot, ui.backup_now_button)
        finish(qtbot, dialog.task)
        qtbot.wait(1100)  # backups are named by the second
    assert dialog.model.rowCount() == 2 and "已删除 1 份较早的备份" in ui.status_label.text()
    assert len(list(usb.glob("flexins-*.fxbak"))) == 2


def test_restore_asks_first_then_restores_and_asks_for_a_login(qtbot, admin, tmp_path):
    from desktop_app.services.enrolment import EnrolmentForm, enrol
    from tests.conftest import make_id

    dialog = dialog_for(qtbot, admin)
    finish(qtbot, dialog.backup_now())
    enrol(admin, EnrolmentForm(make_id(seq=301), "后来者", "", "", "freelancer", ["hukou"], False, "with_account",
                               None, TODAY.replace(day=1)), TODAY)
    assert admin.db["people"].count == 1
    dialog.ui.backups_view.selectRow(0)
    click(qtbot, dialog.ui.restore_button)
    box = dialog.confirm_box
    assert "先检查该备份" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert admin.db["people"].count == 1 and not dialog.busy
    click(qtbot, dialog.ui.restore_button)
    first = dialog.confirm_box
    first.button(QMessageBox.StandardButton.Yes).click()
    # the check found the backup's audit shorter than the current file's: confirmed (and audited) first
    qtbot.waitUntil(lambda: dialog.confirm_box is not first and not dialog.busy, timeout=20_000)
    assert "少于当前数据" in dialog.confirm_box.text() and admin.db["people"].count == 1
    with qtbot.waitSignal(dialog.restored, timeout=20_000):
        dialog.confirm_box.button(QMessageBox.StandardButton.Yes).click()
    assert admin.db["people"].count == 0 and admin.role is None
    assert "请重新登录" in dialog.ui.status_label.text()
    assert any(b.tag == "before-restore" for b in dialog.backups)


def test_export_through_the_dialog_masks_ids_unless_ticked(qtbot, admin, tmp_path):
    dialog = dialog_for(qtbot, admin)
    finish(qtbot, dialog.export_to(tmp_path))
    assert "身份证号已部分隐藏" in dialog.ui.status_label.text()
    click(qtbot, dialog.ui.full_ids_check)
    qtbot.wait(1100)
    finish(qtbot, dialog.export_to(tmp_path))
    assert "含完整身份证号" in dialog.ui.status_label.text()
    assert len(list(tmp_path.glob("经办台导出-*"))) == 2


def window_with_safety(qtbot, session, **kw):
    from desktop_app.ui.main_window import MainWindow
    from desktop_app.ui.safety import SafetyControls

    window = MainWindow(session, clock=lambda: TODAY)
    qtbot.addWidget(window)
    safety = SafetyControls(window, session, **kw)
    window.show()
    qtbot.waitExposed(window)
    return window, safety


def test_at_start_the_file_is_checked_then_backed_up_off_the_ui_thread(qtbot, admin):
    window, safety = window_with_safety(qtbot, admin)
    folder = backup.default_folder(admin.path)
    folder.mkdir(parents=True, exist_ok=True)
    left = folder / "flexins-20250616-093000.fxbak.partial"   # a backup the last run was killed in
    left.write_bytes(b"half")
    safety.start()
    assert not left.exists() and safety.swept == [left]       # swept at the next start (issue 12)
    qtbot.waitUntil(lambda: safety.backup_result is not None, timeout=20_000)
    assert safety.integrity.ok and "已自动备份" in safety.safety_status.text()
    assert len(backup.list_backups(folder, admin.path)) == 1
    assert safety.backup_if_due() is None            # not again within the day
    safety.shutdown()
    assert admin.role is None                          # closing logs the operator out


def test_a_damaged_file_found_after_start_offers_the_restore(qtbot, admin, tmp_path):
    from desktop_app.services.integrity import IntegrityResult

    window, safety = window_with_safety(qtbot, admin, auto_backup=False)
    box = safety.show_damaged(IntegrityResult(False, "数据文件已损坏（page 7 never used）。请立即由管理员从最近的备份恢复"))
    restore_button = [b for b in box.buttons() if "从备份恢复" in b.text()][0]
    restore_button.click()
    assert type(safety.dialog).__name__ == "BackupDialog"


def test_a_second_program_on_the_same_file_is_refused_with_a_message(qtbot, staffed_path):
    from desktop_app.ui.startup import open_data_file

    holder = subprocess.Popen([sys.executable, "-c", "import sys, time\n"
                               "from desktop_app.services.session import open_trusted_session\n"
                               "s = open_trusted_session(sys.argv[1], '窗口一', exclusive=True)\n"
                               "print('ready', flush=True); time.sleep(60)", str(staffed_path)],
                              cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        seen = []

        def close_box():
            box = QApplication.activeModalWidget()
            seen.append(box.text() if box else "")
            if box:
                box.close()

        QTimer.singleShot(300, close_box)
        assert open_data_file(staffed_path) is None
        assert "已由另一个经办台程序打开" in seen[0]
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()


def test_a_file_that_cannot_open_is_restored_from_the_start_dialog(qtbot, staffed_path):
    from desktop_app.services.session import open_session
    from desktop_app.ui.startup import RestoreAtStartDialog, open_data_file

    s = open_session(staffed_path)
    auth.login(s, "admin", ADMIN_PASSWORD)
    backup.run_backup(backup.plan_backup(s, manual=True))
    s.close()
    staffed_path.write_bytes(b"\x00" * 4096 * 3)
    steps = []

    def drive():
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, RestoreAtStartDialog):
            steps.append(dialog.model.rowCount())
            type_into(qtbot, dialog.ui.username_edit, "admin")
            type_into(qtbot, dialog.ui.password_edit, "wrong-pass1")
            click(qtbot, dialog.ui.restore_button)
            steps.append(dialog.ui.passphrase_error.text())   # the backup is encrypted: its passphrase first
            type_into(qtbot, dialog.ui.passphrase_edit, BACKUP_PASSPHRASE)
            click(qtbot, dialog.ui.restore_button)
            steps.append(dialog.ui.password_error.text())
            type_into(qtbot, dialog.ui.password_edit, ADMIN_PASSWORD)
            QTimer.singleShot(200, drive)   # the "restored" note comes up next
            click(qtbot, dialog.ui.restore_button)
        elif dialog is not None:
            steps.append(dialog.text())
            dialog.close()
        else:
            QTimer.singleShot(100, drive)

    QTimer.singleShot(200, drive)
    session = open_data_file(staffed_path)
    try:
        assert session is not None
        assert steps[0] == 1 and "备份口令" in steps[1] and "用户名或密码不正确" in steps[2] and "已从备份恢复" in steps[3]
        assert auth.login(session, "admin", ADMIN_PASSWORD).role == "admin"
        assert session.db.execute("SELECT COUNT(*) FROM operators").fetchone()[0] == 3
    finally:
        session.close()


def test_a_big_file_from_an_earlier_version_says_it_is_being_upgraded(qtbot, tmp_path, monkeypatch):
    from desktop_app.services.session import pending_upgrade
    from desktop_app.store.db import connect
    from desktop_app.store.migrations import MIGRATIONS
    from desktop_app.ui import startup

    path = tmp_path / "old.sqlite3"
    old = connect(path)
    MIGRATIONS.apply(old, stop_before="m006_ledger_by_month")  # as the previous version left it
    old.close()
    assert pending_upgrade(path)[0] == "m006_ledger_by_month"
    shown = []

    def spy(p):
        notice = real(p)
        shown.append(None if notice is None else (notice.labelText(), notice.isVisible()))
        return notice

    real = startup._upgrade_notice
    monkeypatch.setattr(startup, "_upgrade_notice", spy)
    monkeypatch.setattr(startup, "UPGRADE_NOTICE_BYTES", 0)  # the test file is small; a county's is gigabytes
    session = startup.open_data_file(path)
    session.close()
    assert shown[0][1] and "正在升级数据文件" in shown[0][0] and "请勿关闭程序" in shown[0][0]
    assert pending_upgrade(path) == [] and not any(w.isVisible() for w in QApplication.topLevelWidgets()
                                                   if isinstance(w, startup.QProgressDialog))
    session = startup.open_data_file(path)  # upgraded: nothing more to say
    session.close()
    assert shown[1] is None


def test_cancel_stops_a_backup_and_leaves_no_file(qtbot, admin, tmp_path, monkeypatch):
    import time

    from desktop_app.store import files

    real = files.snapshot_copy

    def one_page_at_a_time(data_path, target, step, pages):  # the real copy, slowed down to be caught running
        return real(data_path, target, lambda done, total: (time.sleep(0.05), step(done, total)), 1)

    monkeypatch.setattr(backup.files, "snapshot_copy", one_page_at_a_time)
    usb = tmp_path / "usb"
    usb.mkdir()
    dialog = dialog_for(qtbot, admin)
    ui = dialog.ui
    type_into(qtbot, ui.folder_edit, str(usb))
    click(qtbot, ui.save_settings_button)
    before = dialog.model.rowCount()
    click(qtbot, ui.backup_now_button)
    qtbot.waitUntil(lambda: ui.progress_bar.value() > 0)      # copying
    assert ui.cancel_button.isVisible() and ui.cancel_button.isEnabled()
    click(qtbot, ui.cancel_button)
    qtbot.waitUntil(lambda: not dialog.busy and "已取消备份" in ui.status_label.text(), timeout=10_000)
    assert list(usb.iterdir()) == []                           # neither a backup nor a .partial
    assert dialog.model.rowCount() == before and not ui.cancel_button.isVisible()
    assert [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()] == []
