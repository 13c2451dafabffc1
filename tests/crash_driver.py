"""Crash-test driver: does counter actions on a data file in a loop until it is killed (kill -9).

    python tests/crash_driver.py DATA_FILE JOURNAL SEED

Actions, chosen at random: enrol a new person, record one to three months for a person it enrolled, import
the tax bureau's file of 10,000 rows (one month for the 10,000 people prepared by tests/test_crash_kill.py).
After each action returns, one line goes to the journal (appended and flushed): the parent then knows the
action was committed. A kill between the commit and the journal line is allowed: the journal is a lower
bound; the data file itself is checked for actions half applied.
"""

from __future__ import annotations

import json
import os
import random
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop_app.services.demo_people import check_digit  # noqa: E402
from desktop_app.services.enrolment import EnrolmentForm, enrol  # noqa: E402
from desktop_app.services.payments import contribution_case, record_months  # noqa: E402
from desktop_app.services.rules_glue import add_months, ask, month_str  # noqa: E402
from desktop_app.services.session import open_trusted_session  # noqa: E402
from desktop_app.services.tax_import import import_tax_file  # noqa: E402

TODAY = date(2025, 6, 16)
IMPORT_FIRST_MONTH = date(2024, 1, 1)   # the import people's first month; import k pays month k
COUNTER_FIRST_MONTH = date(2025, 1, 1)  # people the driver enrols
IMPORT_NAME = "导入"


def journal(fd: int, record: dict) -> None:
    os.write(fd, (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))


def new_id(rng: random.Random) -> str:
    first17 = f"411502{rng.randrange(1975, 1996)}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}" \
              f"{rng.randrange(0, 1000):03d}"
    return first17 + check_digit(first17)


def do_enrol(session, rng, fd) -> None:
    number = new_id(rng)
    form = EnrolmentForm(number, "崩溃测试" + "甲乙丙丁"[rng.randrange(4)], "13800000000", "信阳市", "freelancer",
                         ["hukou"], False, "with_account", None, COUNTER_FIRST_MONTH)
    result = enrol(session, form, TODAY)
    if result.created:
        journal(fd, {"action": "enrol", "id_number": number, "person_id": result.person_id})


def do_pay(session, rng, fd) -> None:
    rows = session.db.execute(
        "SELECT p.id, l.last FROM people p LEFT JOIN (SELECT person_id, MAX(month) AS last FROM ledger"
        " GROUP BY person_id) AS l ON l.person_id = p.id WHERE p.first_month = ?",
        [month_str(COUNTER_FIRST_MONTH)]).fetchall()
    open_ = [(pid, last) for pid, last in rows if (last or "") < month_str(TODAY)]
    if not open_:
        return
    pid, last = rng.choice(open_)
    start = COUNTER_FIRST_MONTH if last is None else add_months(date(int(last[:4]), int(last[5:7]), 1), 1)
    months = [add_months(start, i) for i in range(rng.randrange(1, 4)) if add_months(start, i) <= TODAY]
    receipt = f"K{pid}-{month_str(months[0]).replace('-', '')}"
    record_months(session, pid, months, TODAY, receipt, TODAY, confirm_past_limit=True)
    journal(fd, {"action": "pay", "person_id": pid, "months": [month_str(m) for m in months], "receipt": receipt})


def do_import(session, workdir: Path, fd) -> None:
    done = session.db.execute("SELECT COUNT(*) FROM imports").fetchone()[0]
    month = add_months(IMPORT_FIRST_MONTH, done)
    if month > TODAY:
        return
    people = session.db.execute("SELECT id_number, name, jurisdiction, mode, base_ratio FROM people WHERE name LIKE ?",
                                [IMPORT_NAME + "%"]).fetchall()
    person = {"jurisdiction": people[0][2], "mode": people[0][3], "base_ratio": people[0][4]}
    amount = ask(session, contribution_case(person, month_str(month), TODAY))["monthly_amount"]
    lines = ["身份证号,姓名,费款所属期,缴费日期,缴费金额,票据号"]
    lines += [f"{number},{name},{month_str(month)},{month_str(month)}-15,{amount},S{i:05d}{month:%Y%m}"
              for i, (number, name, *_rest) in enumerate(people)]
    path = workdir / f"tax-{month:%Y%m}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = import_tax_file(session, path, TODAY, dry_run=False)
    if not report.imported:
        raise SystemExit(f"import refused: {report.summary} {report.problems[:3]}")
    journal(fd, {"action": "import", "month": month_str(month), "rows": report.imported,
                 "import_id": report.import_id})


def main(argv: list[str]) -> int:
    data_path, journal_path, seed = Path(argv[0]), Path(argv[1]), int(argv[2])
    rng = random.Random(seed)
    session = open_trusted_session(data_path, "崩溃测试", exclusive=True)
    fd = os.open(journal_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    print("ready", flush=True)
    actions = [lambda: do_enrol(session, rng, fd), lambda: do_pay(session, rng, fd),
               lambda: do_import(session, data_path.parent, fd)]
    while True:
        rng.choices(actions, weights=(3, 4, 2))[0]()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
