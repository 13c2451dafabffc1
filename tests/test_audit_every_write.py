"""Every write leaves its audit entry in the same transaction: each counter action, administration, login,
backup, restore and export adds the entries named here, and the chain verifies after each."""

from datetime import date

import pytest

from desktop_app.services import auth, backup, export, operators, restore
from desktop_app.services.enrolment import EnrolmentForm, enrol
from desktop_app.notices.issue import issue_notice
from desktop_app.services.parameters import set_parameter
from desktop_app.services.payments import record_payment, void_payment
from desktop_app.services.retirement import add_correction, save_retirement, void_correction
from desktop_app.services.session import open_session
from desktop_app.services.settings import set_office, set_setting
from desktop_app.services.transfer import TransferForm, decide_transfer, save_transfer
from desktop_app.store import audit
from tests.conftest import FIXED_NOW, TODAY, make_id


def test_each_kind_of_write_adds_its_entry_and_the_chain_holds(db_path, tmp_path):
    s = open_session(db_path, clock=lambda: FIXED_NOW)
    seen = []

    def expect(actions, do):
        before = s.db.execute("SELECT MAX(id) FROM audit").fetchone()[0]
        result = do()
        added = [r[0] for r in s.db.execute("SELECT action FROM audit WHERE id > ? ORDER BY id", [before])]
        assert added == actions, (actions, added)
        assert audit.verify(s.db).ok
        seen.extend(added)
        return result

    try:
        expect(["operator.create"], lambda: auth.ensure_first_admin(s))
        expect(["auth.login_failed"], lambda: _fails(lambda: auth.login(s, "admin", "wrong-pass1")))
        expect(["auth.login"], lambda: auth.login(s, "admin", "admin"))
        expect(["auth.password_change"], lambda: auth.change_password(s, "admin", "Guanli2025x"))
        clerk = expect(["operator.create"], lambda: operators.create_operator(s, "jb", "经办甲", "clerk", "Clerk2025x"))
        expect(["operator.update"], lambda: operators.update_operator(s, clerk.id, role="reviewer"))
        expect(["operator.reset_password"], lambda: operators.reset_password(s, clerk.id, "Clerk2025y"))
        expect(["settings.set"], lambda: set_office(s, "xinyang", "信阳市某窗口"))
        expect(["settings.set"], lambda: set_setting(s, "idle_lock_minutes", 5))
        expect(["parameter.set"], lambda: set_parameter(s, "avg_wage_annual", date(2024, 1, 1), "72000",
                                                         "豫统〔2024〕示例", TODAY))
        form = EnrolmentForm(make_id(seq=101), "王建国", "", "", "freelancer", ["hukou"], False, "with_account", None,
                             date(2025, 1, 1))
        person = expect(["person.create"] + ["decision.save"] * 3, lambda: enrol(s, form, date(2025, 1, 5))).person_id
        expect(["ledger.record"], lambda: record_payment(s, person, [date(2025, 1, 1), date(2025, 2, 1)],
                                                         date(2025, 2, 10), "R0001", TODAY))
        expect(["ledger.void"], lambda: void_payment(s, person, date(2025, 2, 1), "票据号录错，作废", TODAY))
        correction = expect(["correction.add"], lambda: add_correction(s, person, "deemed", 12, "档案记载视同缴费", TODAY))
        expect(["correction.void"], lambda: void_correction(s, correction, "档案核对有误", TODAY))
        decision_id = expect(["decision.save"], lambda: save_retirement(s, person, TODAY))
        decision = s.db.execute("SELECT decision FROM decisions WHERE id = ?", [decision_id]).fetchone()[0]
        import json

        expect(["notice.issue"], lambda: issue_notice(s, person, "retirement", json.loads(decision), TODAY,
                                                      decision_id=decision_id))
        other = expect(["person.create"] + ["decision.save"] * 3, lambda: enrol(s, EnrolmentForm(
            make_id(seq=103), "李秀英", "", "", "freelancer", ["hukou"], False, "with_account", None,
            date(2025, 6, 1)), TODAY)).person_id
        transfer = TransferForm("郑州市", "employee", date(2025, 3, 1), 24, None, date(2025, 6, 1), True)
        decide_transfer(s, other, transfer, TODAY)
        expect(["decision.save", "person.update", "ledger.record"], lambda: save_transfer(s, other, transfer, TODAY))
        if s.server and not _has_pg_dump():
            # This PC lacks PostgreSQL's command-line tools (the tests on the installed Python under Wine: they do
            # not ship with the program, docs/office-server.md): the backup says so, in Chinese, and writes nothing.
            entries = s.db["audit"].count
            with pytest.raises(backup.BackupError, match="找不到 pg_dump"):
                backup.run_backup(backup.plan_backup(s, manual=True))
            assert s.db["audit"].count == entries
            made = None
        else:
            made = expect(["backup.create"], lambda: backup.run_backup(backup.plan_backup(s, manual=True)))
        expect(["export.csv"], lambda: export.run_export(export.plan_export(s, tmp_path)))
        expect(["auth.lock"], lambda: auth.lock(s))
        expect(["auth.unlock"], lambda: auth.unlock(s, "Guanli2025x"))
        if s.server:   # a server's backup is restored into a new, empty database (tests/test_server_store.py)
            from desktop_app.services.errors import InputError

            with pytest.raises(InputError):
                restore.plan_restore(s, made.path if made else tmp_path / "backup.fxbak")
        else:
            job = restore.plan_restore(s, made.path)
            before_restore = s.db["audit"].count
            with pytest.raises(restore.NeedsConfirmation) as asked:
                restore.run_restore(job)
            restore.run_restore(job, confirmed=asked.value.warnings)
            restore.finish_restore(s)
            last = [r[0] for r in s.db.execute("SELECT action FROM audit ORDER BY id DESC LIMIT 1")]
            assert last == ["backup.restore"] and s.db["audit"].count < before_restore   # the backup's own chain
        assert audit.verify(s.db).ok
        auth.login(s, "admin", "Guanli2025x")
        expect(["auth.logout"], lambda: auth.logout(s))
    finally:
        s.close()
    assert set(seen) - set(audit.ACTION_LABELS) == set()   # every action has a Chinese label for the screen


def _has_pg_dump() -> bool:
    from desktop_app.services.server_backup import pg_tool

    try:
        pg_tool("pg_dump")
    except backup.BackupError:
        return False
    return True


def _fails(action):
    from desktop_app.services.errors import InputError

    try:
        action()
    except InputError:
        return None
    raise AssertionError("expected a refusal")
