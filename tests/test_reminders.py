"""Reminders in batches from a worklist: one print file and each person's archived notice, read back with pdftotext;
取消 archives nothing; the counter's own notices meanwhile never take a batch's numbers."""

import re
import threading
from datetime import date
from decimal import Decimal

import pytest

from desktop_app.notices.issue import render, render_batch
from desktop_app.services import reminders, worklists
from desktop_app.services import anchors
from desktop_app.services.audit_log import check_file
from desktop_app.store import audit
from tests.engine_helpers import tamper
from tests.notice_samples.poppler import poppler

TODAY = date(2025, 6, 16)


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_a_batch_of_demands_archives_each_notice_and_prints_them_in_one_file(demo):
    rows = worklists.worklist(demo, "arrears_closing", TODAY, worklists.Filters(days=90))
    assert len(rows) >= 3
    plan = reminders.plan_batch(demo, "arrears_demand", [r.person_id for r in rows], TODAY)
    seen = []
    result = reminders.run_batch(plan, render, render_batch, progress=lambda d, t: seen.append((d, t)))
    assert len(result.serials) == len(rows) and not result.skipped
    assert seen[-1][0] == seen[-1][1]
    numbers = [int(s.rsplit("-", 1)[1]) for s in result.serials]
    assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))     # one block, in order
    archived = demo.db.execute("SELECT serial, pdf, person_id FROM notices WHERE kind = 'arrears_demand'"
                               " ORDER BY serial").fetchall()
    assert [a[0] for a in archived] == result.serials
    by_person = {r.person_id: r for r in rows}
    for serial, pdf, person_id in archived:
        text = flat(poppler("pdftotext", bytes(pdf), "-raw", "-f", "1", "-l", "1"))
        row = by_person[person_id]
        assert "职工医保费催缴通知书" in text and serial in text and row.name in text
        assert f"{row.amount:,.2f}元" in text                      # the list's amount is the notice's
        assert f"{row.by_when.year}年{row.by_when.month}月{row.by_when.day}日前" in text   # the last day to pay
        assert "按中断缴费处理" in text and "沿此虚线剪下" in text
    printed = poppler("pdftotext", result.pdf, "-raw")
    pages = int(re.search(r"Pages:\s+(\d+)", poppler("pdfinfo", result.pdf)).group(1))
    assert pages == sum(int(re.search(r"Pages:\s+(\d+)", poppler("pdfinfo", bytes(a[1]))).group(1)) for a in archived)
    for serial in result.serials:
        assert f"编号：{serial}" in printed
    assert len(result.sign_rows) == len(result.call_rows) == len(rows)
    assert all(isinstance(r[4], Decimal) and r[1] for r in result.call_rows)
    assert audit.verify(demo.db).ok
    assert demo.db.execute("SELECT status FROM notice_serial_blocks").fetchall() == [("issued",)]
    # written on the batch's own connection, yet the anchor beside the file followed it (issue 12), and the
    # whole file's check (the tables replayed against the audit log) holds
    assert anchors.read(demo.path)[0].entries == anchors.head(demo.db)[0]
    whole = check_file(demo.data_source)
    assert whole.ok, whole.message
    # the notices are the people's own: each appears in their list of notices, and its 回执 is now awaited
    missing = worklists.worklist(demo, "receipts_missing", TODAY)
    assert set(result.serials) <= {r.serial for r in missing}


def test_cancel_archives_nothing_and_gives_the_numbers_up(demo):
    rows = worklists.worklist(demo, "stop_next_month", TODAY)
    assert rows
    plan = reminders.plan_batch(demo, "payment_reminder", [r.person_id for r in rows], TODAY)
    cancel = threading.Event()

    def progress(done, total):
        if done >= total // 2:
            cancel.set()

    with pytest.raises(reminders.BatchCancelled):
        reminders.run_batch(plan, render, render_batch, progress=progress, cancel=cancel)
    assert demo.db.execute("SELECT count(*) FROM notices WHERE kind = 'payment_reminder'").fetchone()[0] == 0
    blocks = demo.db.execute("SELECT status FROM notice_serial_blocks").fetchall()
    assert blocks in ([], [("cancelled",)])
    assert audit.verify(demo.db).ok


def test_a_reminder_says_what_to_pay_this_month_and_when_benefits_stop(demo):
    rows = worklists.worklist(demo, "stop_next_month", TODAY)
    plan = reminders.plan_batch(demo, "payment_reminder", [rows[0].person_id], TODAY)
    result = reminders.run_batch(plan, render, render_batch)
    pdf = bytes(demo.db.execute("SELECT pdf FROM notices WHERE serial = ?", result.serials).fetchone()[0])
    text = flat(poppler("pdftotext", pdf, "-raw", "-f", "1", "-l", "1"))
    assert "职工医保缴费提醒" in text and "2025年6月30日前" in text
    assert "2025年7月起暂停享受职工医保待遇" in text
    assert f"{rows[0].amount:,.2f}元" in text
    assert "×" in text                                  # the calculation lines
    basis = flat(poppler("pdftotext", pdf, "-raw", "-f", "2", "-l", "2"))
    assert "计算依据" in basis or "附页" in basis


def test_the_counters_notice_during_a_batch_takes_the_next_free_number(demo):
    from desktop_app.store import notices as notice_store
    from desktop_app.store.db import atomic

    prefix = "2025XY"
    before = notice_store.next_seq(demo.db, prefix)
    with atomic(demo.db):
        _, first = notice_store.reserve(demo.db, demo.stamp(), prefix, 5, "测试")
    assert first == before and notice_store.next_seq(demo.db, prefix) == before + 5


def test_a_clerk_cannot_batch_an_unknown_kind_or_nobody(demo):
    from desktop_app.services.errors import InputError

    with pytest.raises(InputError):
        reminders.plan_batch(demo, "lump_sum", [1], TODAY)
    with pytest.raises(InputError):
        reminders.plan_batch(demo, "payment_reminder", [], TODAY)


@pytest.mark.parametrize("edit, words", [
    ("UPDATE notice_serial_blocks SET status = 'cancelled'", "批量告知书预留编号"),
    ("UPDATE notice_serial_blocks SET last_seq = last_seq + 5", "批量告知书预留编号"),
    ("DELETE FROM notice_serial_blocks", "批量告知书预留编号"),
])
def test_a_batchs_serial_block_edited_by_hand_is_caught(demo, edit, words):
    """The batch's block of numbers is business data the audit check replays (issue 12): an edit or a deletion
    beside the program is named, and an untouched file is clean."""
    from desktop_app.store.verify import check_tables

    rows = worklists.worklist(demo, "arrears_closing", TODAY, worklists.Filters(days=90))
    plan = reminders.plan_batch(demo, "arrears_demand", [r.person_id for r in rows[:2]], TODAY)
    reminders.run_batch(plan, render, render_batch)
    assert check_tables(demo.db).ok
    tamper(demo.data_source, edit)   # beside the program, on the file or on the server
    found = check_tables(demo.db)
    assert not found.ok and words in found.message
