"""From Linux, check what `python -m desktop_app --selftest OUTDIR` left in OUTDIR under Wine.

result.json says ok with the four tabs; the database holds the person, the payments and the archived
notices; each PDF embeds its fonts (pdffonts) and its text carries the name, the serial and every money
figure of the decision it was made from (pdftotext). Exit 1 with the reasons otherwise.
"""

import json
import re
import sqlite3
import subprocess
import sys
from decimal import Decimal
from pathlib import Path, PureWindowsPath


def local(outdir: Path, windows_path: str | None) -> Path:
    """result.json holds Windows paths (C:\\...); the files are in OUTDIR on this side."""
    return outdir / PureWindowsPath(windows_path or "missing").name


def money_figures(value) -> set[str]:
    """Money strings ("1326.28") in a decision, as the notices print them ("1,326.28"); rates (<1) excluded."""
    found: set[str] = set()
    if isinstance(value, dict):
        for item in value.values():
            found |= money_figures(item)
    elif isinstance(value, list):
        for item in value:
            found |= money_figures(item)
    elif isinstance(value, str) and re.fullmatch(r"\d+\.\d{2}", value) and Decimal(value) >= 1:
        found.add(f"{Decimal(value):,.2f}")
    return found


def check(outdir: Path) -> list[str]:
    problems: list[str] = []
    result_file = outdir / "result.json"
    if not result_file.is_file():
        return [f"{result_file} was not written"]
    result = json.loads(result_file.read_text(encoding="utf-8"))
    if result.get("ok") is not True:
        problems.append(f"result.json ok={result.get('ok')}: {result.get('error')}\n{result.get('traceback', '')}")
    if len(result.get("tabs", [])) != 4:
        problems.append(f"expected four tabs, got {result.get('tabs')}")
    if result.get("font") != "WenQuanYi Micro Hei":  # registered from resources/fonts, or Chinese is boxes
        problems.append(f"the window's font is {result.get('font')!r}, not the bundled WenQuanYi Micro Hei")
    if "server_client" not in result.get("steps", []) or "libpq" not in str(result.get("server_client")):
        problems.append(f"the office-server client (psycopg, libpq) did not load: {result.get('server_client')}")
    else:
        print(f"  server client: {result['server_client']}")
    screenshot = local(outdir, result.get("screenshot"))
    if not screenshot.is_file() or screenshot.read_bytes()[:8] != b"\x89PNG\r\n\x1a\n":
        problems.append(f"no PNG screenshot at {screenshot}")

    database = local(outdir, result.get("database"))
    if not database.is_file():
        return problems + [f"no database at {database}"]
    db = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    counts = {t: db.execute(f"SELECT COUNT(*) FROM [{t}]").fetchone()[0] for t in ("people", "ledger", "notices")}
    if counts["people"] < 1 or counts["ledger"] < 2 or counts["notices"] < 2:
        problems.append(f"database rows: {counts} (want a person, two payments, two notices)")
    names = {row[0] for row in db.execute("SELECT name FROM people")}
    archived = {row[0]: (row[1], json.loads(row[2])) for row in db.execute("SELECT kind, serial, inputs FROM notices")}

    pdfs = [local(outdir, p) for p in result.get("notices", [])]
    if len(pdfs) < 2:
        problems.append(f"expected two notices, got {result.get('notices')}")
    for pdf in pdfs:
        if not pdf.is_file():
            problems.append(f"missing {pdf}")
            continue
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout.splitlines()[2:]
        if not fonts or any(line.split()[-5] != "yes" for line in fonts):
            problems.append(f"{pdf.name}: fonts not all embedded:\n" + "\n".join(fonts))
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
        kind = pdf.stem
        if kind not in archived:
            problems.append(f"{pdf.name}: no archived notice of kind {kind} in the database")
            continue
        serial, inputs = archived[kind]
        figures = money_figures(inputs.get("decision", {}))
        wanted = {serial, *names} | figures
        missing = sorted(w for w in wanted if w not in text)
        if missing:
            problems.append(f"{pdf.name}: text lacks {missing}")
        print(f"  {pdf.name}: {len(fonts)} embedded font(s); serial, name and {len(figures)} money figure(s) found")
    print(f"  database: {counts}")
    return problems


def main() -> int:
    problems = check(Path(sys.argv[1]))
    for problem in problems:
        print(f"  PROBLEM: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
