"""Write a county-sized data file fast: the app's own schema (open_session runs the migrations), then raw
sqlite3 executemany, one transaction per chunk of people; plus the tax bureau's next file for the import."""

from __future__ import annotations

import csv
import hashlib
import json
import random
import sqlite3
import time
from dataclasses import asdict
from datetime import date, datetime
from datetime import time as dtime
from pathlib import Path

from bench.population import (AS_OF, END, IMPORT_END, IMPORT_TODAY, Plan, Population, first_day, mi, month_of,
                              pending_months)
from desktop_app.store.audit import GENESIS, canonical, entry_hash
from desktop_app.store.initials import initials

OPERATOR = "性能测试员"
OFFICE = ("xinyang", "信阳市医疗保障局（性能测试·示例）")
CHUNK = 2000
GENERATOR_VERSION = 3   # 3: people_initials (m009)
SAMPLES = 200  # people spread over the file whom the measurements look up and open


def stamp_of(d: date) -> str:
    return datetime.combine(d, dtime(9, 0)).isoformat(timespec="seconds")


class Writer:
    """Accumulates rows for a chunk of people and writes them in one transaction."""

    def __init__(self, conn: sqlite3.Connection, params: dict[str, dict]):
        from desktop_app.rules import RULES_VERSION, decide

        self.conn, self.params, self.decide, self.rule_version = conn, params, decide, RULES_VERSION
        self.next_decision = (conn.execute("SELECT max(id) FROM decisions").fetchone()[0] or 0) + 1
        self.next_person = (conn.execute("SELECT max(id) FROM people").fetchone()[0] or 0) + 1
        head = conn.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
        self.audit_id, self.audit_hash = head if head else (0, GENESIS)
        self.standards: dict[tuple, tuple[int, str, str]] = {}  # (j, mode, ratio, month) -> (decision id, text, amount)
        self.transfers: dict[tuple, tuple[dict, str]] = {}
        self.batches: dict[int, int] = {}                          # month -> imports.id
        self.batch_rows: dict[int, int] = {}
        self.batch_hash: dict[int, hashlib._Hash] = {}
        self.batch_keys: dict[int, set[int]] = {}
        self.people, self.decisions, self.ledger, self.audit = [], [], [], []
        self.months = {i: month_of(i) for i in range(mi(date(2000, 1, 1)), IMPORT_END + 2)}
        self.days = {(i, d): f"{self.months[i]}-{d:02d}" for i in self.months for d in range(1, 29)}
        self.receipt_seq = 0

    # -- decisions ------------------------------------------------------------------------------------
    def standard(self, j: str, mode: str, ratio: str | None, month: int) -> tuple[int | None, str, str, dict]:
        """The contribution decision for one key, saved once per import batch as the import service does;
        months after AS_OF (the file to import) are decided but not saved."""
        key = (j, mode, ratio, month)
        found = self.standards.get(key)
        if found is None:
            on = min(first_day(month + 1), AS_OF) if month <= END else IMPORT_TODAY
            case = {"question": "contribution", "jurisdiction": j, "date": on.isoformat(), "mode": mode,
                    "month": self.months[month]}
            if ratio is not None:
                case["parameters"] = {"base_ratio": ratio}
            decision = self.decide(case, office_parameters=self.params[j])
            text = canonical(decision)
            decision_id = None
            if month <= END:
                decision_id = self._decision(None, "contribution", {"case": case}, text, on, audited=None)
                self.batch_keys.setdefault(month, set()).add(decision_id)
            found = self.standards[key] = (decision_id, text, decision["monthly_amount"], case)
        return found

    def _decision(self, person_id, question, inputs: dict, text: str, on: date, audited) -> int:
        decision_id = self.next_decision
        self.next_decision += 1
        self.decisions.append((decision_id, person_id, question, canonical(inputs), text, self.rule_version,
                               on.isoformat(), OPERATOR, stamp_of(on)))
        if audited is not None:
            self._audit(stamp_of(on), "decision.save", f"decisions:{decision_id}", None, audited)
        return decision_id

    def transfer(self, pid: int, p: Plan) -> tuple[int, dict, date]:
        from desktop_app.services.transfer import TransferForm, transfer_case

        t = p.transfer
        on = first_day(t["decided"]).replace(day=10)
        form = TransferForm(t["previous_region"], "employee", first_day(t["last_paid"]), t["months"], None,
                            first_day(p.first_month), t["gap"] > 0, t["in_province"], "ZY" if t["gap"] else "")
        case = transfer_case({"jurisdiction": p.jurisdiction, "mode": p.mode, "base_ratio": p.base_ratio},
                             form, on)
        key = canonical(case)
        if key not in self.transfers:
            decision = self.decide(case, office_parameters=self.params[p.jurisdiction])
            decision.setdefault("back_pay_amount", None)
            self.transfers[key] = (decision, canonical(decision))
        decision, text = self.transfers[key]
        inputs = {"case": case, "form": asdict(form)}
        after = {"person_id": pid, "question": "transfer", "inputs": inputs, "decision": decision}
        return self._decision(pid, "transfer", inputs, text, on, after), decision, on

    # -- audit --------------------------------------------------------------------------------------------
    def _audit(self, at: str, action: str, entity: str, before, after) -> None:
        self.audit_id += 1
        row = {"id": self.audit_id, "at": at, "operator": OPERATOR, "action": action, "entity": entity,
               "before": None if before is None else canonical(before),
               "after": None if after is None else canonical(after)}
        digest = entry_hash(self.audit_hash, row)
        self.audit.append((row["id"], at, OPERATOR, action, entity, row["before"], row["after"], self.audit_hash,
                           digest))
        self.audit_hash = digest

    # -- people and their ledger ----------------------------------------------------------------------------
    def batch(self, month: int) -> int:
        found = self.batches.get(month)
        if found is None:
            on = min(first_day(month + 1), AS_OF)
            found = self.conn.execute(
                "INSERT INTO imports (file_name, sha256, rows, imported_on, operator, recorded_at)"
                " VALUES (?, ?, 0, ?, ?, ?)",
                [f"税务缴费明细{self.months[month].replace('-', '')}.csv", hashlib.sha256(str(month).encode()).hexdigest(),
                 on.isoformat(), OPERATOR, stamp_of(on)]).lastrowid
            self.batches[month] = found
            self.batch_rows[month] = 0
            self.batch_hash[month] = hashlib.sha256()
        return found

    def add(self, p: Plan) -> int:
        pid = self.next_person
        self.next_person += 1
        j, mode, ratio, months, days = p.jurisdiction, p.mode, p.base_ratio, self.months, self.days
        created = first_day(p.transfer["decided"] if p.transfer else p.first_month).replace(day=3)
        created = min(created, AS_OF)
        person = {"id": pid, "id_number": p.id_number, "name": p.name, "sex": p.sex,
                  "birth_date": p.birth_date.isoformat(), "phone": p.phone, "address": p.address,
                  "category": p.category, "places": p.places, "employer_insured": False, "mode": mode,
                  "base_ratio": ratio, "jurisdiction": j, "first_month": months[p.first_month],
                  "waiting_exempt": p.waiting_exempt, "created_at": stamp_of(created), "operator": OPERATOR,
                  "payment_cycle": "monthly", "status": "active"}
        self.people.append((pid, p.id_number, p.name, p.sex, person["birth_date"], p.phone, p.address, p.category,
                            json.dumps(p.places, ensure_ascii=False), 0, mode, ratio, j, person["first_month"],
                            int(p.waiting_exempt), person["created_at"], OPERATOR, "monthly", "active"))
        self._audit(person["created_at"], "person.create", f"people:{pid}", None, person)
        rows = []
        if p.transfer:
            tid, decision, on = self.transfer(pid, p)
            day, at = on.isoformat(), stamp_of(on)
            rows += [(pid, months[m], day, None, "转移凭证", "transfer", None, tid, OPERATOR, at, None)
                     for m in p.prior]
            rows += [(pid, m, day, decision["monthly_standard"], "ZY", "back_payment", mode, tid, OPERATOR, at, None)
                     for m in decision["back_pay_months"]]
        for m, (paid_month, day, how) in p.paid.items():
            decision_id, text, amount, case = self.standard(j, mode, ratio, m)
            paid_on = days[(paid_month, day)]
            self.receipt_seq += 1
            if how == "tax_import":
                receipt = f"SW{months[m][:4]}{months[m][5:]}{self.receipt_seq:08d}"
                rows.append((pid, months[m], paid_on, amount, receipt, how, mode, decision_id, OPERATOR,
                             self.batch_at(m), self.batch(m)))
                self.batch_rows[m] += 1
                self.batch_hash[m].update(f"{pid}|{months[m]}|{paid_on}|{amount}|{receipt}\n".encode())
            else:  # at the counter: one decision per month, as record_months writes it
                on = date.fromisoformat(paid_on)
                own = self._decision(pid, "contribution", {"case": case}, text, on, None)
                rows.append((pid, months[m], paid_on, amount, f"CK{self.receipt_seq:010d}", how, mode, own,
                             OPERATOR, stamp_of(on), None))
        rows.sort(key=lambda r: r[1])
        self.ledger.extend(rows)
        return pid

    def batch_at(self, month: int) -> str:
        return stamp_of(min(first_day(month + 1), AS_OF))

    def flush(self) -> None:
        c = self.conn
        c.execute("BEGIN")
        c.executemany(f"INSERT INTO people VALUES ({', '.join('?' * 19)})", self.people)
        c.executemany("INSERT OR IGNORE INTO people_initials (initials, person_id) VALUES (?, ?)",
                      [(code, row[0]) for row in self.people for code in initials(row[2])])
        c.executemany("INSERT INTO decisions (id, person_id, question, inputs, decision, rule_version, decided_on,"
                      " operator, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", self.decisions)
        # In the ledger's key order (month, person), as monthly imports leave it: one person's months end up on
        # as many table pages as a real file's would, so opening a person is measured honestly.
        self.ledger.sort(key=lambda r: (r[1], r[0]))
        c.executemany("INSERT INTO ledger (person_id, month, paid_on, amount, receipt_no, source, mode, decision_id,"
                      " operator, recorded_at, import_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", self.ledger)
        c.executemany("INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", self.audit)
        c.execute("COMMIT")
        self.people, self.decisions, self.ledger, self.audit = [], [], [], []

    def finish_batches(self) -> None:
        """Each month's import row gets its row count, and its audit entry as the import service writes it."""
        for month in sorted(self.batches):
            import_id, on = self.batches[month], min(first_day(month + 1), AS_OF)
            self.conn.execute("UPDATE imports SET rows = ? WHERE id = ?", [self.batch_rows[month], import_id])
            self._audit(stamp_of(on), "ledger.import", f"imports:{import_id}", None, {
                "file_name": f"税务缴费明细{self.months[month].replace('-', '')}.csv",
                "file_sha256": hashlib.sha256(str(month).encode()).hexdigest(), "rows": self.batch_rows[month],
                "rows_sha256": self.batch_hash[month].hexdigest(),
                "decision_ids": sorted(self.batch_keys.get(month, ())), "people": self.batch_rows[month]})


def _open_fresh(path: Path) -> dict[str, dict]:
    """The real file format: the app creates the file and the office parameters through its services."""
    from desktop_app.rules import JURISDICTIONS
    from desktop_app.services.demo_parameters import enter_demo_parameters
    from desktop_app.services.session import open_trusted_session
    from desktop_app.services.settings import set_office, set_setting
    from desktop_app.store import parameters as parameter_store

    session = open_trusted_session(path, OPERATOR, clock=lambda: datetime.combine(date(2022, 1, 1), dtime(9)))
    try:
        set_office(session, *OFFICE)
        set_setting(session, "demo", True)
        for j in JURISDICTIONS:
            enter_demo_parameters(session, j, AS_OF)
        return {j: parameter_store.office_table(session.db, j) for j in JURISDICTIONS}
    finally:
        session.close()


def build(path: Path, people: int, seed: int, import_rows: int, log=print) -> dict:
    """Create the data file at `path` and the tax file beside it; return the metadata (also saved as JSON)."""
    from desktop_app.rules import JURISDICTIONS

    started = time.perf_counter()
    tmp = path.with_name(path.name + ".building")
    for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm"), Path(f"{tmp}-journal")):
        p.unlink(missing_ok=True)
    params = _open_fresh(tmp)
    conn = sqlite3.connect(tmp, isolation_level=None)
    # Bulk load: the generator's own file until renamed, so a crash only loses the half-built copy.
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -262144")
    writer = Writer(conn, params)
    population = Population(seed, {j: mi(JURISDICTIONS[j].in_force) for j in JURISDICTIONS})
    samples, pending, ledger_rows = [], [], 0
    every = max(1, people // SAMPLES)
    for n in range(people):
        plan = population.person()
        pid = writer.add(plan)
        if n % every == every // 2:
            samples.append({"id": pid, "id_number": plan.id_number, "name": plan.name, "scenario": plan.scenario,
                            "jurisdiction": plan.jurisdiction})
        months = pending_months(plan)
        if months:
            pending.append((pid, plan.id_number, plan.name, plan.jurisdiction, plan.mode, plan.base_ratio, months))
        if len(writer.people) >= CHUNK:
            ledger_rows += len(writer.ledger)
            writer.flush()
            if (n + 1) % (CHUNK * 10) == 0:
                log(f"  {n + 1:,} people, {ledger_rows:,} ledger rows, {time.perf_counter() - started:.0f} s")
    ledger_rows += len(writer.ledger)
    writer.flush()
    conn.execute("BEGIN")
    writer.finish_batches()
    conn.executemany("INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", writer.audit)
    conn.execute("COMMIT")
    tax_file = path.with_name(path.stem + ".tax.csv")
    written = write_tax_file(tax_file, pending, writer, import_rows, random.Random(seed + 1))
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    tmp.rename(path)
    meta = {"people": people, "seed": seed, "ledger_rows": ledger_rows, "import_rows": written,
            "as_of": AS_OF.isoformat(), "import_today": IMPORT_TODAY.isoformat(), "samples": samples,
            "tax_file": tax_file.name, "build_s": round(time.perf_counter() - started, 1)}
    path.with_name(path.stem + ".json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    return meta


def write_tax_file(path: Path, pending: list[tuple], writer: Writer, limit: int, rng: random.Random) -> int:
    """The tax bureau's next file: months after each paying person's last month, by month then person, in GBK
    (what office software writes). Every row is clean, so the whole file can be imported."""
    by_month: dict[int, list[tuple]] = {}
    for entry in pending:
        for m in entry[6]:
            by_month.setdefault(m, []).append(entry)
    written = 0
    with path.open("w", encoding="gbk", newline="") as f:
        out = csv.writer(f)
        out.writerow(["身份证号", "姓名", "费款所属期", "缴费日期", "缴费金额", "票据号"])
        for m in sorted(by_month):
            paid_month = max(m, END + 1)  # arrears are paid in the first month of the file
            for _pid, number, name, j, mode, ratio, _ in by_month[m]:
                if written >= limit:
                    return written
                amount = writer.standard(j, mode, ratio, m)[2]
                day = writer.days[(paid_month, rng.randint(1, 28))]
                written += 1
                out.writerow([number, name, writer.months[m].replace("-", ""), day, amount,
                              f"TX{writer.months[m][:4]}{writer.months[m][5:]}{written:08d}"])
    return written
