"""The figures of issue 7 from the probes' raw timings, against their targets, as a table."""

from __future__ import annotations

import platform
import os

# key -> (target, "max" if the figure must not exceed it / "min" if it must reach it, what it measures)
TARGETS = {
    "start_s": (1.0, "max", "launch to usable main window (fresh process, offscreen; median of runs)"),
    "search_ms_p95": (20, "max", "search_people: full ID, ID prefix, name, name start, name part"),
    "open_person_ms_p95": (50, "max", "select a person until the payments tab shows the decided timeline"),
    "notice_ms_p95": (100, "max", "render one notice PDF (waiting period, lump sum)"),
    "import_rows_per_s": (200_000, "min", "tax-bureau file: dry run + import, rows per second"),
    "import_vs_raw_sqlite": (2.0, "max", "(dry run + import) / raw executemany of the same rows (faster order)"),
    "import_ui_stall_ms": (100, "max", "longest stall of the window during the dry run, import and re-check"),
    "import_rss_mb": (200, "max", "peak memory growth of the application during the dry run and import (MiB)"),
    "bad_xlsx_rss_mb": (100, "max", "peak memory growth, dry run of a crafted .xlsx: one 2 MB shared string in 20,000 rows"),
    "worklist_s": (1.0, "max", "今日待办: outlooks checked, every list's count and the first list with amounts"),
    "report_s": (3.0, "max", "monthly report of one month (figures by jurisdiction, category, mode, state, source)"),
    "batch_notice_per_s": (round(1000 / 60, 1), "min", "1,000 reminders off the window's thread: notices per second"),
    "rss_mb": (300, "max", "peak RSS of the application process (MiB)"),
    "db_mb": (None, "max", "data file size (MiB)"),
}


def p95(values: list[float]) -> float:
    """Nearest-rank 95th percentile."""
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * 95 // 100) - 1)]


def median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def summary(meta: dict, starts: list[dict], raw: dict, app: dict, db_mb: float) -> tuple[dict, dict]:
    searches = [t for times in app["search_ms"].values() for t in times]
    figures = {
        "start_s": round(median([s["start_s"] for s in starts]), 2),
        "search_ms_p95": round(p95(searches), 2),
        "open_person_ms_p95": round(p95(app["open_person_ms"]), 1),
        "notice_ms_p95": round(p95(app["notice_ms"]), 1),
    }
    imp = app.get("import")
    if imp:
        seconds = imp["dry_run_s"] + imp["import_s"]
        figures["import_rows_per_s"] = round(imp["rows"] / seconds)
        figures["import_vs_raw_sqlite"] = round(seconds / raw["seconds"], 2)
        figures["import_ui_stall_ms"] = imp.get("ui_stall_ms")
        figures["import_rss_mb"] = imp.get("rss_growth_mb")
    if app.get("crafted"):
        figures["bad_xlsx_rss_mb"] = app["crafted"].get("rss_growth_mb")
    for key in ("worklist_s", "report_s", "batch_notice_per_s"):
        if app.get(key) is not None:
            figures[key] = app[key]
    figures["rss_mb"] = round(max([app["rss_mb"]] + [s["rss_mb"] for s in starts]), 1)
    figures["db_mb"] = round(db_mb, 1)
    details = {
        "people": meta["people"], "ledger_rows": meta["ledger_rows"], "samples": len(meta["samples"]),
        "start_runs_s": [round(s["start_s"], 2) for s in starts],
        "start_ui_stall_ms": max(s["stall_ms"] for s in starts),
        "start_rss_mb": max(s["rss_mb"] for s in starts),
        "search_p95_by_kind_ms": {k: round(p95(v), 2) for k, v in app["search_ms"].items()},
        "search_max_ms": round(max(searches), 2),
        "open_person_max_ms": round(max(app["open_person_ms"]), 1),
        "open_person_ledger_service_p95_ms": round(p95(app["ledger_service_ms"]), 1),
        "notice_first_ms": round(app["notice_ms"][0], 1) if app["notice_ms"] else None,
        "notices_rendered": len(app["notice_ms"]),
        "rss_peak_after_mb": app.get("rss_after_mb"),
        "raw_insert_s": round(raw["seconds"], 2), "raw_rows": raw["rows"], "raw_order_used": raw["order"],
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
                   f"SQLite {__import__('sqlite3').sqlite_version}",
    }
    for key in ("worklist_runs_s", "worklist_refresh_before_s", "worklist_counts", "report_range_s", "batch_notices", "batch_s",
                "batch_ui_stall_ms", "outlook_refresh_after_import_s"):
        if key in app:
            details[key] = app[key]
    details["outlook_build_s"] = meta.get("outlook_s")
    if imp:
        details.update(import_rows=imp["rows"], import_dry_run_s=round(imp["dry_run_s"], 2),
                       import_write_s=round(imp["import_s"], 2), import_recheck_s=round(imp.get("recheck_s", 0), 2),
                       import_recheck_problems=imp.get("recheck_problems"))
    if app.get("crafted"):
        details["bad_xlsx"] = app["crafted"]
    return figures, details


def _verdict(key: str, value) -> str:
    target, sense, _ = TARGETS[key]
    if target is None or value is None:
        return ""
    ok = value <= target if sense == "max" else value >= target
    return "ok" if ok else "MISSED"


def print_table(figures: dict, details: dict) -> None:
    print(f"{'figure':<22}{'value':>12}  {'target':>10}  {'':6}  what")
    for key, (target, sense, what) in TARGETS.items():
        value = figures.get(key)
        shown = "—" if value is None else f"{value:,}"
        limit = "" if target is None else ("≤ " if sense == "max" else "≥ ") + f"{target:,}"
        print(f"{key:<22}{shown:>12}  {limit:>10}  {_verdict(key, value):6}  {what}")
    print()
    for key, value in details.items():
        print(f"  {key}: {value}")
