"""python -m bench [--quick] [--engine postgresql]: generate (or reuse) a county-sized data file, measure the
application (on that file, or with --engine postgresql on the same county copied onto a PostgreSQL server over the
loopback, bench/server.py), print a table and, last, one JSON line with the issue 7 figures (the same keys)."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.report import TARGETS, print_table, summary

OUT = Path(__file__).resolve().parent / "out"
ROOT = Path(__file__).resolve().parent.parent
FULL = {"people": 200_000, "import_rows": 1_000_000}
QUICK = {"people": 20_000, "import_rows": 100_000}
START_RUNS = 5


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="20,000 people and a 100,000-row tax file")
    parser.add_argument("--people", type=int, help="override the number of people")
    parser.add_argument("--import-rows", type=int, help="override the rows of the tax file")
    parser.add_argument("--seed", type=int, default=20261)
    parser.add_argument("--out", type=Path, default=OUT, help="where generated files are cached (bench/out)")
    parser.add_argument("--rebuild", action="store_true", help="generate again even if a cached file exists")
    parser.add_argument("--keep-work", action="store_true", help="keep the working copy the import wrote to")
    parser.add_argument("--profile", action="store_true", help="write pyinstrument profiles next to the cache")
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite",
                        help="where the county lives while measured: the data file, or a PostgreSQL server")
    return parser.parse_args(argv)


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def cache_key(people: int, seed: int, import_rows: int) -> str:
    from bench.generate import GENERATOR_VERSION
    from desktop_app.store.migrations import MIGRATIONS

    schema = MIGRATIONS._migrations[-1].name
    return f"p{people}-s{seed}-i{import_rows}-{schema}-g{GENERATOR_VERSION}"


def ensure_database(out: Path, people: int, seed: int, import_rows: int, rebuild: bool) -> tuple[Path, dict]:
    from bench.generate import build

    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{cache_key(people, seed, import_rows)}.sqlite3"
    meta_path = path.with_name(path.stem + ".json")
    if rebuild or not (path.exists() and meta_path.exists()):
        log(f"generating {people:,} people into {path} (cached for the next run) …")
        build(path, people, seed, import_rows, log=log)
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    log(f"data file {path.name}: {meta['people']:,} people, {meta['ledger_rows']:,} ledger rows "
        f"(built in {meta['build_s']} s)")
    return path, meta


def _env(data_dir: Path | None = None) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    if data_dir is not None:
        env["FLEXINS_DATA_DIR"] = str(data_dir)  # the working copy is the demo database there (--demo)
    env.pop("BENCH_PROFILE", None)
    return env


def _probe_line(output: str) -> dict:
    for line in output.splitlines():
        if line.startswith("PROBE "):
            return json.loads(line[6:])
    raise RuntimeError("probe gave no result:\n" + output[-3000:])


def measure_start(db: Path | str, profile: Path | None) -> list[dict]:
    """Fresh processes of the real application; launch to usable main window. The first launch on the copied
    file is a warm-up, not counted: it creates the demo administrator (a scrypt hash, once per file) and reads
    the file's first pages from disk."""
    runs = []
    for i in range(-1, START_RUNS):
        server = isinstance(db, str)
        env = _env(OUT / "work" if server else db.parent)
        if profile and i == START_RUNS - 1:
            env["BENCH_PROFILE"] = str(profile)
        if server:   # the login dialog answered by the probe; the time it takes is not the program's start
            from bench.server import PASSWORD

            env["BENCH_LOGIN"] = f"admin:{PASSWORD}"
        t0 = time.time()
        # --demo: only the demo file's own place makes a file the demo database, logged in by itself (issue 12)
        done = subprocess.run([sys.executable, "-m", "bench.probe_start", *(["--db", db] if server else ["--demo"])],
                              env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
        result = _probe_line(done.stdout + done.stderr)
        if "error" in result:
            raise RuntimeError(f"start probe: {result['error']}\n{done.stderr[-2000:]}")
        result["start_s"] = result["usable_at"] - t0 - result.get("login_s", 0.0)
        if i < 0:
            log(f"start warm-up: {result['start_s']:.2f} s (not counted)")
            continue
        runs.append(result)
        log(f"start {i + 1}/{START_RUNS}: {result['start_s']:.2f} s (UI stall after: {result['stall_ms']} ms)")
    return runs


def measure_app(db: Path | str, meta_path: Path, tax_file: Path | None, profile: Path | None) -> dict:
    command = [sys.executable, "-m", "bench.probe_app", str(db), str(meta_path)]
    if tax_file is not None:
        command += ["--import", str(tax_file)]
    if profile:
        command += ["--profile", str(profile)]
    done = subprocess.run(command, env=_env(), cwd=ROOT, capture_output=True, text=True, timeout=3600)
    return _probe_line(done.stdout + done.stderr)


def measure_files(db: Path | str) -> dict:
    done = subprocess.run([sys.executable, "-m", "bench.probe_files", str(db)], env=_env(), cwd=ROOT,
                          capture_output=True, text=True, timeout=1800)
    return _probe_line(done.stdout + done.stderr)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    size = dict(QUICK if args.quick else FULL)
    if args.people:
        size["people"] = args.people
    if args.import_rows:
        size["import_rows"] = args.import_rows
    started = time.perf_counter()
    pristine, meta = ensure_database(args.out, size["people"], args.seed, size["import_rows"], args.rebuild)
    meta_path = pristine.with_name(pristine.stem + ".json")
    tax_file = pristine.with_name(meta["tax_file"])
    db_mb = pristine.stat().st_size / 2 ** 20

    # Everything below writes (start-up audit entries, the import): it runs on a copy; the cache stays as built.
    work = args.out / "work" / "demo.sqlite3"
    work.parent.mkdir(parents=True, exist_ok=True)
    for p in (work, Path(f"{work}-wal"), Path(f"{work}-shm")):
        p.unlink(missing_ok=True)
    shutil.copyfile(pristine, work)
    profile_dir = args.out if args.profile else None
    server, target = None, work
    try:
        if args.engine == "postgresql":
            from bench.server import county_on_server, size_mb

            log("copying the county onto a PostgreSQL server on the loopback …")
            server, target = county_on_server(work, log)
            db_mb = size_mb(target)
        starts = measure_start(target, profile_dir / "profile-start.txt" if profile_dir else None)
        log("raw sqlite3 executemany of the tax file's rows (the baseline) …")
        from bench.baseline import raw_insert

        raws = [raw_insert(work, tax_file, order) for order in ("file", "ledger")]
        for r in raws:
            log(f"raw ({r['order']} order): {r['rows']:,} rows in {r['seconds']:.2f} s")
        raw = min(raws, key=lambda r: r["seconds"])
        log("measuring the application …")
        app = measure_app(target, meta_path, tax_file, profile_dir / "profile-app.txt" if profile_dir else None)
        log("a crafted .xlsx (one 2 MB cell in 20,000 rows) …")
        app["crafted"] = measure_files(target)
    finally:
        if server is not None:
            server.stop()
        if not args.keep_work:
            for p in (work, Path(f"{work}-wal"), Path(f"{work}-shm"), Path(f"{work}.lock")):
                p.unlink(missing_ok=True)
    figures, details = summary(meta, starts, raw, app, db_mb)
    details["raw_insert_by_order_s"] = {r["order"]: round(r["seconds"], 2) for r in raws}
    details["bench_s"] = time.perf_counter() - started
    details["engine"] = args.engine + (" (PostgreSQL over the loopback, test server settings)"
                                       if args.engine == "postgresql" else "")
    print_table(figures, details)
    print(json.dumps({k: figures[k] for k in TARGETS}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
