"""The application process measured: the real MainWindow offscreen on a data file, driven like a clerk.

python -m bench.probe_app DB META.json [--import CSV]   prints one line "PROBE {json}" with the timings (ms
lists) of search, open-person and notice rendering, the import's times, and the peak RSS of this process.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from datetime import date
from pathlib import Path


def _open(path: Path | str):
    from desktop_app.services.session import open_trusted_session
    from desktop_app.store.db import is_server_url

    path = path if is_server_url(str(path)) else Path(path)
    # check=False: the integrity check runs after the window shows; measured by the start probe
    return open_trusted_session(path, "性能测试员", check=False)


def search_queries(samples: list[dict]) -> list[tuple[str, str]]:
    """(kind, text): a card reader's full ID, an ID prefix typed by hand, a name, its start, a part of it."""
    out = []
    for i, s in enumerate(samples):
        number, name = s["id_number"], s["name"]
        out.append(("full_id", number))
        out.append(("id_prefix", number[:(6, 10, 14)[i % 3]]))
        out.append(("name", name))
        out.append(("name_start", name[:2] if len(name) > 2 else name[:1]))
        out.append(("name_part", name[1:] if len(name) > 2 else name[-1]))
    return out


def measure_search(session, samples: list[dict]) -> dict[str, list[float]]:
    from desktop_app.services.people import search_people

    times: dict[str, list[float]] = {}
    for kind, text in search_queries(samples):
        t0 = time.perf_counter()
        hits = search_people(session, text)
        times.setdefault(kind, []).append((time.perf_counter() - t0) * 1000)
        if kind == "full_id" and len(hits) != 1:
            raise SystemExit(f"search by full ID {text} found {len(hits)} people")
    return times


def measure_open_person(app, window, samples: list[dict]) -> tuple[list[float], list[float]]:
    """Selecting a person until the payments tab shows the decided timeline (events processed = painted)."""
    from desktop_app.services.payments import ledger

    window.ui.tab_widget.setCurrentWidget(window.payments_tab)
    window.show()
    app.processEvents()
    whole, service = [], []
    for s in samples:
        t0 = time.perf_counter()
        window.set_person(s["id"])
        app.processEvents()
        whole.append((time.perf_counter() - t0) * 1000)
        if window.payments_tab.model.rowCount() == 0:
            raise SystemExit(f"person {s['id']}: the payments tab shows no months")
        t0 = time.perf_counter()
        ledger(window.session, s["id"], window.clock())
        service.append((time.perf_counter() - t0) * 1000)
    return whole, service


def notices_to_render(session, samples: list[dict], today: date, count: int = 40) -> list[dict]:
    """Notice dicts as services.notices.issue_notice builds them (nothing is archived): waiting-period notices
    from the benefit timeline, lump-sum notices from back-payment quotes."""
    from desktop_app.services.errors import InputError
    from desktop_app.services.payments import ledger, quote_back_payment

    notices = []
    for s in samples:
        found = []
        try:
            decision = ledger(session, s["id"], today).decision
            if decision and decision.get("waiting_periods"):
                found.append(("waiting_period", decision, {}))
            if s["scenario"] in ("in_arrears", "lapsed"):
                quote = quote_back_payment(session, s["id"], today)
                if quote.decision.get("arrears_months"):   # with next month's, as the counter prints it (issue 14)
                    found.append(("lump_sum", quote.decision, {"next_month": quote.decision_next_month}))
        except InputError:
            continue
        for kind, decision, related in found:
            notices.append({"kind": kind, "serial": f"{today.year}BM-{len(notices) + 1:06d}",
                            "issued_on": today.isoformat(), "operator": "性能测试员",
                            "office_name": session.office.name,
                            "jurisdiction_name": decision.get("jurisdiction_name") or decision["jurisdiction"],
                            "person": {"name": s["name"], "id_number": s["id_number"]}, "decision": decision,
                            "replaces": None, "demo": True, **related})
        if len(notices) >= count:
            break
    return notices


def measure_notices(notices: list[dict]) -> list[float]:
    from desktop_app.notices import render_notice

    times = []
    for notice in notices:
        t0 = time.perf_counter()
        pdf = render_notice(notice)
        times.append((time.perf_counter() - t0) * 1000)
        assert pdf.startswith(b"%PDF")
    return times


def measure_worklists(session, today: date, runs: int = 3) -> dict:
    """What opening 今日待办 does (ui/worklist_page.load_lists): the outlooks checked, every list's count and the
    first list with its amounts; the slowest of `runs`. First, untimed, the outlooks are brought to the file's date:
    the start-up probes ran the real application on this copy at the machine's real date, and it re-decided the
    outlooks it got to for that date (a refresh after writes is measured on its own: outlook_refresh_after_import_s)."""
    from desktop_app.services import outlook, worklists

    t0 = time.perf_counter()
    outlook.refresh(session, today)
    before = time.perf_counter() - t0
    times, counts = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        if outlook.pending(session, today):
            outlook.refresh(session, today)
        counts, _ = worklists.day(session, today, "arrears_closing")
        times.append(time.perf_counter() - t0)
    return {"worklist_s": round(max(times), 3), "worklist_runs_s": [round(t, 3) for t in times],
            "worklist_counts": counts, "worklist_refresh_before_s": round(before, 2)}


def measure_report(session, today: date) -> dict:
    from desktop_app.services.report import monthly_report

    month = today.replace(day=1)
    t0 = time.perf_counter()
    monthly_report(session, month, month)
    one = time.perf_counter() - t0
    t0 = time.perf_counter()
    monthly_report(session, date(month.year - 1, month.month, 1), month)
    return {"report_s": round(one, 3), "report_range_s": round(time.perf_counter() - t0, 3)}


def measure_batch(app, window, session, today: date, count: int = 1000) -> dict:
    """1,000 催缴通知书 for the arrears list, run as the window runs it (ui/worker.Task, its own connection) while
    the window's event loop goes on: notices per second, and the longest gap between 10 ms timer ticks meanwhile."""
    from PySide6.QtCore import QEventLoop, QTimer

    from desktop_app.notices.issue import render, render_batch
    from desktop_app.services import reminders, worklists
    from desktop_app.ui.worker import Task

    rows = worklists.worklist(session, "arrears_closing", today, worklists.Filters(days=366))
    ids = [r.person_id for r in rows][:count]
    plan = reminders.plan_batch(session, "arrears_demand", ids, today)
    state = {"last": time.perf_counter(), "stall": 0.0, "result": None}

    def tick():
        now = time.perf_counter()
        state["stall"] = max(state["stall"], now - state["last"])
        state["last"] = now

    loop = QEventLoop()
    task = Task("bench-batch", lambda progress, cancel: reminders.run_batch(plan, render, render_batch, progress,
                                                                            cancel))
    task.done.connect(lambda r: (state.__setitem__("result", r), loop.quit()))
    task.failed.connect(lambda e: (state.__setitem__("result", e), loop.quit()))
    ticker = QTimer()
    ticker.timeout.connect(tick)
    ticker.start(10)
    t0 = time.perf_counter()
    task.start()
    loop.exec()
    seconds = time.perf_counter() - t0
    ticker.stop()
    result = state["result"]
    if isinstance(result, BaseException):
        raise result
    return {"batch_notice_per_s": round(len(result.serials) / seconds, 1), "batch_notices": len(result.serials),
            "batch_s": round(seconds, 1), "batch_ui_stall_ms": round(state["stall"] * 1000, 1)}


class StallWatch:
    """The window's longest stall: the longest gap between the ticks of a 10 ms timer on the window's thread,
    minus the 10 ms (issue 12: under 100 ms during any import)."""

    def __init__(self):
        from PySide6.QtCore import QTimer

        self.longest = 0.0
        self.last = time.perf_counter()
        self.timer = QTimer()
        self.timer.timeout.connect(self.tick)
        self.timer.start(10)

    def tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self.last - 0.010)
        self.last = now

    def stop(self) -> float:
        self.timer.stop()
        return round(max(self.longest, 0.0) * 1000, 1)


def _reset_peak_rss() -> None:
    """Linux: the peak (VmHWM) starts again from the current RSS (proc(5), clear_refs "5")."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
            f.write("5")
    except OSError:
        pass


def measure_import(app, session, csv_path: Path, today: date) -> dict:
    """The dry run and the import as the clerk runs them: through the import dialog, its worker thread and its
    progress bar, with the window's stalls watched throughout; then the dry run of the same file again, now
    with every row already paid (the problem list at its longest, 50,000 rows)."""
    from desktop_app.ui.import_dialog import ImportDialog

    dialog = ImportDialog(session, clock=lambda: today)
    dialog.show()
    app.processEvents()
    before = _rss_now()
    _reset_peak_rss()
    watch = StallWatch()
    t0 = time.perf_counter()
    dialog.check_file(csv_path)
    dialog.wait(3_600_000)
    t1 = time.perf_counter()
    dry = dialog.report
    if dry is None or not dry.clean:
        raise SystemExit(f"the generated tax file is not clean: {dry and dry.summary} {dry and dry.problems[:3]}")
    dialog.do_import()
    dialog.wait(3_600_000)
    t2 = time.perf_counter()
    done = dialog.report
    if not done.imported:
        raise SystemExit(f"the import wrote nothing: {done.summary}")
    peak = _rss()
    dialog.check_file(csv_path)
    dialog.wait(3_600_000)
    t3 = time.perf_counter()
    stall_ms = watch.stop()
    refused = dialog.report.problem_count
    dialog.done(0)
    return {"rows": done.imported, "dry_run_s": t1 - t0, "import_s": t2 - t1, "recheck_s": t3 - t2,
            "recheck_problems": refused, "ui_stall_ms": stall_ms, "rss_growth_mb": round(peak - before, 1)}


def _rss_now() -> float:
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return _rss()


def _rss() -> float:
    """Peak resident memory of this process so far (MiB). VmHWM, not getrusage's ru_maxrss: Linux carries the
    parent's peak into ru_maxrss across fork and exec, and the bench process held the raw rows before."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.probe_app")
    parser.add_argument("db", help="the data file, or the server's postgresql:// address")
    parser.add_argument("meta", type=Path)
    parser.add_argument("--import", dest="import_csv", type=Path)
    parser.add_argument("--profile", type=Path, help="write pyinstrument's text profile of the whole probe here")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    profiler = None
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()

    import desktop_app.ui  # noqa: F401  (before any Qt call)
    from desktop_app.ui.app import create_application
    from desktop_app.ui.main_window import MainWindow

    meta = json.loads(args.meta.read_text(encoding="utf-8"))
    as_of = date.fromisoformat(meta["as_of"])
    app = create_application(sys.argv[:1])
    session = _open(args.db)
    window = MainWindow(session, demo=True, clock=lambda: as_of, settings=None)
    rss = {"window": _rss()}
    result = {"search_ms": measure_search(session, meta["samples"])}
    result["open_person_ms"], result["ledger_service_ms"] = measure_open_person(app, window, meta["samples"])
    rss["opened"] = _rss()
    result["notice_ms"] = measure_notices(notices_to_render(session, meta["samples"], as_of))
    rss["notices"] = _rss()
    result.update(measure_worklists(session, as_of))
    result.update(measure_report(session, as_of))
    rss["worklists_report"] = _rss()
    result.update(measure_batch(app, window, session, as_of))
    rss["batch"] = _rss()
    if args.import_csv:
        result["import"] = measure_import(app, session, args.import_csv, date.fromisoformat(meta["import_today"]))
        rss["import"] = _rss()
        from desktop_app.services import outlook

        t0 = time.perf_counter()
        outlook.refresh(session, date.fromisoformat(meta["import_today"]))
        result["outlook_refresh_after_import_s"] = round(time.perf_counter() - t0, 1)
    result["rss_mb"] = max([_rss(), *rss.values()])  # the import resets the peak (its own growth measured)
    result["rss_after_mb"] = rss
    window.close()
    session.close()
    if profiler is not None:
        profiler.stop()
        args.profile.write_text(profiler.output_text(unicode=True, show_all=False), encoding="utf-8")
    print("PROBE " + json.dumps(result), flush=True)
    os._exit(0)  # measured; PySide's teardown at exit is not part of it


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
