"""The tax import through its dialog at some scale: dry run and import off the window's thread with a
progress bar, and 取消 that leaves nothing written (issue 7)."""

from datetime import date

import pytest
from ui_fixtures import click, ui_session, window  # noqa: F401

from desktop_app.services import anchors
from desktop_app.services.enrolment import EnrolmentForm, enrol
from desktop_app.services.payments import contribution_case
from desktop_app.services.rules_glue import ask
from desktop_app.store import people as people_store
from tests.conftest import TODAY, make_id

HEADER = "身份证号,姓名,费款所属期,缴费日期,缴费金额,票据号"
PEOPLE = 1000
FIRST = date(2023, 10, 1)   # 2023-10 .. 2025-05: 20 months each, 20,000 rows


def months(first: date, last: date) -> list[date]:
    out = []
    while first <= last:
        out.append(first)
        first = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return out


@pytest.fixture
def big_file(ui_session, tmp_path):  # noqa: F811
    """PEOPLE people enrolled from FIRST with nothing paid; a file paying every month to 2025-05 for each."""
    ids = []
    for n in range(PEOPLE):
        number = make_id(birth=f"{1970 + n // 500}0101", seq=n % 500 * 2 + 1)
        form = EnrolmentForm(number, "测试", "13800000000", "信阳市浉河区", "freelancer", ["hukou"], False,
                             "with_account", None, FIRST)
        ids.append((enrol(ui_session, form, FIRST.replace(day=5)).person_id, number))
    due = months(FIRST, date(2025, 5, 1))
    person = people_store.get(ui_session.db, ids[0][0])  # everyone alike: one standard a month
    amounts = {m: ask(ui_session, contribution_case(person, f"{m:%Y-%m}", TODAY))["monthly_amount"] for m in due}
    lines = [HEADER] + [f"{number},测试,{m:%Y%m},{m:%Y-%m}-10,{amounts[m]},T{pid}{m:%Y%m}"
                        for pid, number in ids for m in due]
    path = tmp_path / "税务缴费.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, len(lines) - 1


def ledger_rows(session) -> int:
    return session.db["ledger"].count


def make_dialog(qtbot, window, ui_session):  # noqa: F811
    from desktop_app.ui.import_dialog import ImportDialog

    tab = window.payments_tab
    dialog = ImportDialog(ui_session, lambda: TODAY, tab)
    dialog.imported.connect(tab._after_import)
    qtbot.addWidget(dialog)
    return dialog


def test_a_big_file_is_checked_and_imported_off_the_window_thread(qtbot, window, ui_session, big_file):  # noqa: F811
    path, rows = big_file
    assert rows == 20_000
    dialog = make_dialog(qtbot, window, ui_session)
    dialog.show()
    imported = []
    dialog.imported.connect(imported.append)
    dialog.check_file(path)
    # 20,000 rows take seconds off the window's thread: meanwhile the dialog shows the run and offers 取消
    assert dialog.busy and dialog.ui.cancel_button.isEnabled() and dialog.ui.progress_bar.isVisible()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=120_000)
    assert "全部无误" in dialog.ui.summary_label.text(), dialog.ui.summary_label.text()[:200]
    assert dialog.ui.import_button.isEnabled() and not dialog.ui.cancel_button.isEnabled()
    before = ledger_rows(ui_session)
    click(qtbot, dialog.ui.import_button)
    assert dialog.busy
    qtbot.waitUntil(lambda: not dialog.busy, timeout=120_000)
    assert f"已导入 {rows} 行" in dialog.ui.summary_label.text(), dialog.ui.summary_label.text()
    bar = dialog.ui.progress_bar
    assert bar.maximum() > 0 and bar.value() == bar.maximum()
    assert imported == [rows]
    assert ledger_rows(ui_session) == before + rows        # seen from the window's own connection
    # the import's commit on the worker's own connection moved the audit anchor on, as the window's commits do
    anchor, problem = anchors.read(ui_session.path)
    assert problem is None and (anchor.entries, anchor.head) == anchors.head(ui_session.db)


@pytest.mark.parametrize("when", ["check", "import"])
def test_cancel_during_the_run_writes_nothing(qtbot, window, ui_session, big_file, monkeypatch, when):  # noqa: F811
    from desktop_app.ui import import_worker

    path, rows = big_file
    dialog = make_dialog(qtbot, window, ui_session)
    real = import_worker.import_tax_file
    held = []

    def held_at_first_progress(session, path, today, dry_run, progress, cancel):
        """The real service; its first progress report of the job under test waits for the click on 取消
        (20,000 rows go through faster than a test can click)."""
        def report(stage, done, total):
            progress(stage, done, total)
            if dry_run == (when == "check") and not held:
                held.append(stage)
                dialog.worker.cancel.wait(30)
        return real(session, path, today, dry_run, progress=report, cancel=cancel)

    monkeypatch.setattr(import_worker, "import_tax_file", held_at_first_progress)
    imported = []
    dialog.imported.connect(imported.append)
    before = ledger_rows(ui_session)
    dialog.check_file(path)
    if when == "import":
        qtbot.waitUntil(lambda: not dialog.busy, timeout=120_000)
        assert dialog.report.clean
        click(qtbot, dialog.ui.import_button)
    qtbot.waitUntil(lambda: bool(held) and dialog.ui.progress_bar.maximum() > 0, timeout=60_000)
    assert dialog.busy
    click(qtbot, dialog.ui.cancel_button)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=60_000)
    assert held and (when == "check" or held == ["写入缴费记录"])  # "import": cancelled while writing
    assert dialog.ui.summary_label.text() == "已取消，未写入任何记录。"
    assert ledger_rows(ui_session) == before and imported == []
    assert not ui_session.db.conn.in_transaction
    # after a cancelled import the clean check still holds: the import can be asked for again, and goes in whole
    assert dialog.ui.import_button.isEnabled() == (when == "import")
    if when == "import":
        click(qtbot, dialog.ui.import_button)
        qtbot.waitUntil(lambda: not dialog.busy, timeout=120_000)
        assert ledger_rows(ui_session) == before + rows and imported == [rows]
