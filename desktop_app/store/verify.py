"""Do the business tables say what the audit log says they should? (issue 12)

The audit chain (store/audit.py) shows an edit of the log itself. This shows an edit of the data beside it:
the entries are replayed, in order, into what every row should now hold, and each table is compared with
that, row by row: people, the ledger (counter rows one by one, each import's rows by the digest of their id
range), voided rows, operators (a digest of the password hash, never the hash), parameters, notices (the PDF
against its sha256 against the entry's), decisions, corrections, imports, settings, a batch's serial blocks and
the signed daily closes. A row with no entry,
an entry whose row is gone, a value that differs: the first one found is named, with the entry that set it.

Fields an entry does not record are not compared (entries written before issue 12 lack some: the ledger's
mode, the import's row digest, the decisions' digests, the password digest). The replay is kept in this
connection's TEMP tables, so a read-only connection does it and memory stays bounded on a county's file.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlite_utils import Database

from desktop_app.store.audit import canonical
from desktop_app.store.db import stream
from desktop_app.store.dialect import dialect
from desktop_app.store.ledger import range_digest
from desktop_app.store.operators import password_digest

# This connection's own tables (temp. on SQLite, pg_temp. on a server): _x(db) spells them for the engine.
EXPECTED_NAME, VOIDED_NAME = "verify_expected", "verify_voided"


def _e(db: Database) -> str:
    return dialect(db).temp + EXPECTED_NAME


def _v(db: Database) -> str:
    return dialect(db).temp + VOIDED_NAME


@dataclass(frozen=True)
class TableCheck:
    ok: bool
    message: str            # Chinese: what matches, or the first row that does not
    entry_id: int | None = None
    rows: int = 0


class _Mismatch(Exception):
    def __init__(self, message: str, entry_id: int | None = None):
        super().__init__(message)
        self.message, self.entry_id = message, entry_id


# -- the expected state, in TEMP tables ------------------------------------------------------------------
def _create(db: Database) -> None:
    _drop(db)
    d = dialect(db)
    db.execute(f"CREATE TABLE {_e(db)} (kind {d.text} NOT NULL, key {d.text} NOT NULL, row {d.text} NOT NULL,"
               f" entry BIGINT NOT NULL, seen INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (kind, key)){d.without_rowid}")
    db.execute(f"CREATE TABLE {_v(db)} (import_id BIGINT NOT NULL, row {d.text} NOT NULL)")


def _drop(db: Database) -> None:
    db.execute(f"DROP TABLE IF EXISTS {_e(db)}")
    db.execute(f"DROP TABLE IF EXISTS {_v(db)}")


def _get(db: Database, kind: str, key) -> tuple[dict, int] | None:
    row = db.execute(f"SELECT row, entry FROM {_e(db)} WHERE kind = ? AND key = ?", [kind, str(key)]).fetchone()
    return (json.loads(row[0]), row[1]) if row else None


def _put(db: Database, kind: str, key, row: dict, entry: int) -> None:
    db.execute(f"INSERT INTO {_e(db)} (kind, key, row, entry) VALUES (?, ?, ?, ?)"
               " ON CONFLICT (kind, key) DO UPDATE SET row = excluded.row, entry = excluded.entry",
               [kind, str(key), canonical(row), entry])


def _merge(db: Database, kind: str, key, changes: dict, entry: int) -> None:
    found = _get(db, kind, key)
    _put(db, kind, key, {**(found[0] if found else {"_partial": True}), **changes}, entry)


def _delete(db: Database, kind: str, key) -> None:
    db.execute(f"DELETE FROM {_e(db)} WHERE kind = ? AND key = ?", [kind, str(key)])


# -- replaying the entries -------------------------------------------------------------------------------
def _stamped(after: dict, entry: dict, who: str = "operator", when: str = "recorded_at") -> dict:
    return {**after, who: entry["operator"], when: entry["at"]}


def _replay(db: Database, entry: dict, counters: dict) -> None:
    action, entity, eid = entry["action"], entry["entity"], entry["id"]
    after = json.loads(entry["after"]) if entry["after"] else None
    before = json.loads(entry["before"]) if entry["before"] else None
    head, _, rest = entity.partition(":")
    if action == "person.create":
        _put(db, "people", after["id"], after, eid)
    elif action == "person.update":
        _merge(db, "people", head_id(rest), after, eid)
    elif action == "ledger.record":
        person_id = head_id(rest)
        for item in after:
            row = {"paid_on": item["paid_on"], "amount": item["amount"], "receipt_no": item.get("receipt_no") or "",
                   "source": item["source"], "decision_id": item.get("decision_id"), "operator": entry["operator"],
                   "recorded_at": entry["at"]}
            if "mode" in item:
                row["mode"] = item["mode"]
            row["late_fee"] = item.get("late_fee")   # recorded with the month since m008 (None before: none was)
            _put(db, "ledger", f"{person_id}|{item['month']}", row, eid)
            if item.get("decision_id") is not None:
                _put(db, "decision", item["decision_id"], {"_digest": item.get("decision_sha256")}, eid)
    elif action == "ledger.void":
        if before.get("import_id") is None:
            _delete(db, "ledger", f"{before['person_id']}|{before['month']}")
        else:
            db.execute(f"INSERT INTO {_v(db)} (import_id, row) VALUES (?, ?)", [before["import_id"], canonical(before)])
            counters[before["import_id"]] = counters.get(before["import_id"], 0) + 1
        _put(db, "ledger_voids", after["void_id"], {
            "ledger_id": before["id"], "person_id": before["person_id"], "month": before["month"],
            "row": canonical(before), "reason": after["reason"], "operator": entry["operator"],
            "recorded_at": entry["at"]}, eid)
    elif action == "ledger.import":
        import_id = int(rest)
        _put(db, "imports", import_id, {"file_name": after["file_name"], "sha256": after["file_sha256"],
                                        "rows": after["rows"], "operator": entry["operator"],
                                        "recorded_at": entry["at"]}, eid)
        _put(db, "import_rows", import_id, {"rows": after["rows"], "ids": after.get("ledger_ids"),
                                            "sha256": after.get("ledger_sha256")}, eid)
        for decision_id in after.get("decision_ids") or []:
            _put(db, "decision", decision_id, {"_import": import_id}, eid)
        if after.get("decisions_sha256"):
            _put(db, "decision_set", import_id, {"ids": after.get("decision_ids") or [],
                                                 "sha256": after["decisions_sha256"]}, eid)
    elif action == "decision.save":
        _put(db, "decision", head_id(rest), {
            "person_id": after["person_id"], "question": after["question"], "inputs": canonical(after["inputs"]),
            "decision": canonical(after["decision"]), "operator": entry["operator"],
            "recorded_at": entry["at"]}, eid)
    elif action in ("correction.add", "correction.void"):
        _put(db, "corrections", after["id"], after, eid)
    elif action == "notice.issue":
        _put(db, "notices", after["serial"], _stamped(after, entry), eid)
    elif action == "parameter.set":
        jurisdiction, name, valid_from = rest.split("/", 2)
        n = counters["parameters"] = counters.get("parameters", 0) + 1
        _put(db, "parameters", f"{n:09d}", {
            "jurisdiction": jurisdiction, "name": name, "valid_from": valid_from, "value": after["value"],
            "source": after["source"], "demo": bool(after.get("demo")), "entered_by": entry["operator"],
            "entered_at": entry["at"]}, eid)
    elif action == "settings.set":
        for key, value in after.items():
            _put(db, "settings", key, {"value": value}, eid)
    elif head == "operators" and rest != "?" and isinstance(after, dict):
        columns = {k: v for k, v in after.items() if k in OPERATOR_FIELDS}
        if action == "operator.create":
            _put(db, "operators", rest.lower(), columns, eid)
        elif columns:
            _merge(db, "operators", rest.lower(), columns, eid)
    elif action == "person.change" and "id" in after:
        _put(db, "person_changes", after["id"], _stamped(after, entry), eid)
    elif action == "mode_difference.pay":
        _put(db, "mode_differences", head_id(rest), {**_stamped(after, entry), "months": canonical(after["months"])},
             eid)
    elif action == "notice.receipt":
        _put(db, "notice_receipts", after["serial"], _stamped(after, entry), eid)
    elif action == "notice.reserve":   # a batch's block of serial numbers (issue 15)
        _put(db, "notice_serial_blocks", head_id(rest), {
            "prefix": after["prefix"], "first_seq": after["first"], "last_seq": after["last"],
            "purpose": after["purpose"], "status": "reserved", "operator": entry["operator"],
            "recorded_at": entry["at"]}, eid)
    elif action == "notice.batch":
        _merge(db, "notice_serial_blocks", head_id(rest), {"status": after["status"]}, eid)
    elif action == "close.sign":       # a 复核员's sign-off of a daily close (issue 15)
        _put(db, "daily_closes", head_id(rest), {
            **{k: after[k] for k in ("figures", "note") if k in after}, "day": after["day"],
            "operator": after["operator"], "sha256": after["sha256"], "signed_by": entry["operator"],
            "signed_at": entry["at"]}, eid)
    elif action == "backup.passphrase":
        _put(db, "backup_keys", after["key_id"], {k: after[k] for k in BACKUP_KEY_FIELDS if k in after}, eid)


def head_id(text: str) -> int:
    return int(text.split("/", 1)[0])


OPERATOR_FIELDS = {"id", "username", "full_name", "role", "must_change_password", "failed_logins", "locked_until",
                   "active", "demo", "created_at", "created_by", "password_changed_at", "last_login_at",
                   "password_sha256"}
BACKUP_KEY_FIELDS = ("key_id", "salt", "n", "r", "p", "created_at", "operator")


# -- comparing ---------------------------------------------------------------------------------------------
LABELS = {"people": "参保人员", "ledger": "缴费记录", "ledger_voids": "作废的缴费记录", "operators": "操作员",
          "parameters": "本机构参数", "notices": "告知书存档", "decision": "经办决定", "corrections": "缴费年限更正",
          "imports": "税务导入批次", "settings": "设置", "backup_keys": "备份口令", "person_changes": "信息变更记录",
          "mode_differences": "参保方式变更差额", "notice_receipts": "告知书回执",
          "notice_serial_blocks": "批量告知书预留编号", "daily_closes": "日结签字确认"}


def _compare(db: Database, kind: str, key: str, actual: dict, describe: str) -> None:
    found = _get(db, kind, key)
    if found is None:
        raise _Mismatch(f"{LABELS[kind]}（{describe}）没有对应的审计记录：该记录是绕过本程序写入的。")
    expected, entry = found
    for field, value in expected.items():
        if field.startswith("_") or field not in actual:
            continue
        if not _same(value, actual[field]):
            raise _Mismatch(f"{LABELS[kind]}（{describe}）的“{field}”为 {_show(actual[field])}，而审计记录第 {entry} 条"
                            f"记下的是 {_show(value)}：该记录被绕过本程序修改过。", entry)
    db.execute(f"UPDATE {_e(db)} SET seen = 1 WHERE kind = ? AND key = ?", [kind, key])


def _same(expected, actual) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return bool(expected) == bool(actual) if expected is not None and actual is not None else expected == actual
    if expected is None or actual is None:
        return expected == actual
    return canonical(expected) == canonical(actual) or str(expected) == str(actual)


def _show(value) -> str:
    text = canonical(value) if not isinstance(value, str) else value
    return f"“{text[:40]}{'…' if len(text) > 40 else ''}”"


def _missing(db: Database, kind: str, describe: Callable[[str], str]) -> None:
    row = db.execute(f"SELECT key, entry FROM {_e(db)} WHERE kind = ? AND seen = 0 ORDER BY entry LIMIT 1",
                     [kind]).fetchone()
    if row:
        raise _Mismatch(f"审计记录第 {row[1]} 条记下的{LABELS[kind]}（{describe(row[0])}）在数据中找不到：该记录被绕过本程序删除过。",
                        row[1])


def _rows(db: Database, sql: str) -> Iterator[dict]:
    cursor = stream(db, sql)
    names = [d[0] for d in cursor.description]
    for values in cursor:
        yield dict(zip(names, values))


def _tables(db: Database) -> set[str]:
    return {r[0] for r in db.execute(dialect(db).table_names_sql())}


def _check_people(db: Database) -> int:
    n = 0
    for row in _rows(db, "SELECT * FROM people ORDER BY id"):
        row["places"] = json.loads(row["places"]) if row["places"] else []
        row["employer_insured"], row["waiting_exempt"] = bool(row["employer_insured"]), bool(row["waiting_exempt"])
        _compare(db, "people", str(row["id"]), row, f"序号 {row['id']}，{row['name']}")
        n += 1
    _missing(db, "people", lambda k: f"序号 {k}")
    return n


def _check_ledger(db: Database, counters: dict) -> int:
    n = 0
    for row in _rows(db, "SELECT * FROM ledger WHERE import_id IS NULL"):
        _compare(db, "ledger", f"{row['person_id']}|{row['month']}", row,
                 f"人员序号 {row['person_id']}，费款所属期 {row['month']}")
        n += 1
    _missing(db, "ledger", lambda k: "人员序号 {}，费款所属期 {}".format(*k.split("|")))
    counts = dict(db.execute("SELECT import_id, count(*) FROM ledger WHERE import_id IS NOT NULL"
                             " GROUP BY import_id").fetchall())
    for key, row_text, entry in db.execute(f"SELECT key, row, entry FROM {_e(db)} WHERE kind = 'import_rows'"
                                           " ORDER BY entry").fetchall():
        import_id, expected = int(key), json.loads(row_text)
        voided = [json.loads(r[0]) for r in db.execute(f"SELECT row FROM {_v(db)} WHERE import_id = ?", [import_id])]
        have = counts.pop(import_id, 0)
        if have != expected["rows"] - len(voided):
            raise _Mismatch(f"税务导入批次 {import_id} 现有 {have} 条缴费记录，而审计记录第 {entry} 条记下导入 {expected['rows']} 条"
                            + (f"（其后作废 {len(voided)} 条）" if voided else "") + "：缴费记录被绕过本程序增删过。", entry)
        if expected.get("sha256") and expected.get("ids"):
            first, last = expected["ids"]
            if range_digest(db, first, last, voided) != expected["sha256"]:
                raise _Mismatch(f"税务导入批次 {import_id} 的缴费记录（序号 {first} 至 {last}）与审计记录第 {entry} 条记下的校验值不符："
                                f"{_first_changed(db, first, last)}被绕过本程序修改过。", entry)
        n += have
    if counts:
        import_id = min(counts)
        raise _Mismatch(f"有 {counts[import_id]} 条缴费记录注明来自税务导入批次 {import_id}，但审计记录中没有这一批：它们是绕过本程序写入的。")
    return n


def _first_changed(db: Database, first: int, last: int) -> str:
    """Where an import's rows no longer look as the import wrote them (its decision's amount, its import id)."""
    amount = dialect(db).json_text("d.decision", "monthly_amount")
    row = db.execute(
        "SELECT l.id, l.person_id, l.month FROM ledger AS l LEFT JOIN decisions AS d ON d.id = l.decision_id"
        f" WHERE l.id BETWEEN ? AND ? AND (d.id IS NULL OR l.amount IS DISTINCT FROM {amount})"
        " ORDER BY l.id LIMIT 1", [first, last]).fetchone()
    if row:
        return f"第一处在序号 {row[0]}（人员序号 {row[1]}，费款所属期 {row[2]}，金额与其缴费标准不符），"
    return "其中的记录"


def _check_simple(db: Database, kind: str, table: str, key: str, fix: Callable[[dict], None] | None = None) -> int:
    n = 0
    for row in _rows(db, f"SELECT * FROM {table} ORDER BY id"):
        if fix is not None:
            fix(row)
        _compare(db, kind, str(row[key]).lower() if kind == "operators" else str(row[key]), row,
                 f"{key} {row[key]}")
        n += 1
    _missing(db, kind, lambda k: k)
    return n


def _fix_operator(row: dict) -> None:
    for flag in ("must_change_password", "active", "demo"):
        row[flag] = bool(row[flag])
    row["password_sha256"] = password_digest(row.pop("password_hash") or "")


def _fix_months(row: dict) -> None:
    row["months"] = canonical(json.loads(row["months"]))


def _fix_notice(row: dict) -> None:
    pdf = bytes(row.pop("pdf") or b"")
    if hashlib.sha256(pdf).hexdigest() != row["sha256"]:
        raise _Mismatch(f"告知书存档（编号 {row['serial']}）的 PDF 与其校验值不符：存档被绕过本程序改动过。")
    row["inputs_sha256"] = hashlib.sha256(row.pop("inputs").encode("utf-8")).hexdigest()


def _check_parameters(db: Database) -> int:
    n = 0
    for row in _rows(db, "SELECT * FROM parameters ORDER BY id"):
        n += 1
        row["demo"] = bool(row["demo"])
        _compare(db, "parameters", f"{n:09d}", row, f"{row['jurisdiction']} {row['name']} 自 {row['valid_from']}")
    _missing(db, "parameters", lambda k: f"第 {int(k)} 条")
    return n


def _check_settings(db: Database) -> int:
    n = 0
    for key, value in db.execute("SELECT key, value FROM settings ORDER BY key").fetchall():
        _compare(db, "settings", key, {"value": json.loads(value)}, f"设置项 {key}")
        n += 1
    return n  # a setting entered and never stored cannot happen: settings.put writes both


def _check_decisions(db: Database) -> int:
    n = 0
    sets = {int(k): json.loads(r) for k, r in db.execute(
        f"SELECT key, row FROM {_e(db)} WHERE kind = 'decision_set'").fetchall()}
    from desktop_app.store.ledger import decision_digest

    for row in _rows(db, "SELECT id, person_id, question, inputs, decision, operator, recorded_at FROM decisions"
                         " ORDER BY id"):
        found = _get(db, "decision", row["id"])
        describe = f"序号 {row['id']}"
        if found is None:
            raise _Mismatch(f"经办决定（{describe}）没有对应的审计记录：该记录是绕过本程序写入的。")
        expected, entry = found
        if expected.get("_digest") and decision_digest(db, [row["id"]]) != expected["_digest"]:
            raise _Mismatch(f"经办决定（{describe}）与审计记录第 {entry} 条记下的校验值不符：该决定被绕过本程序修改过。", entry)
        _compare(db, "decision", str(row["id"]), row, describe)
        n += 1
    for import_id, expected in sets.items():
        if decision_digest(db, expected["ids"]) != expected["sha256"]:
            raise _Mismatch(f"税务导入批次 {import_id} 所依据的缴费标准决定与审计记录记下的校验值不符：这些决定被绕过本程序修改过。")
    _missing(db, "decision", lambda k: f"序号 {k}")
    return n


def check_tables(db: Database, progress: Callable[[str], None] | None = None) -> TableCheck:
    """Replay every entry, then compare every table with it; the first difference, named, or all clear."""
    tables = _tables(db)
    own = not db.conn.in_transaction
    server = dialect(db).server
    if server:
        _create(db)   # before the snapshot, which is read-only (a server allows no CREATE inside one)
    if own:
        # one snapshot of every table (a write meanwhile on another connection waits its turn, or on a server
        # goes on unseen by this snapshot)
        db.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" if server else "BEGIN")
    if not server:
        _create(db)
    try:
        counters: dict = {}
        cursor = stream(db, "SELECT id, at, operator, action, entity, before, after FROM audit ORDER BY id")
        names = [d[0] for d in cursor.description]
        entries = 0
        while batch := cursor.fetchmany(2000):
            for values in batch:
                try:
                    _replay(db, dict(zip(names, values)), counters)
                except (KeyError, TypeError, ValueError, AttributeError):
                    continue  # an entry of an older or unknown shape records nothing this check can compare
                entries += 1
        rows = 0
        steps = [("people", _check_people), ("ledger", lambda d: _check_ledger(d, counters)),
                 ("ledger_voids", lambda d: _check_simple(d, "ledger_voids", "ledger_voids", "id")),
                 ("operators", lambda d: _check_simple(d, "operators", "operators", "username", _fix_operator)),
                 ("parameters", _check_parameters),
                 ("notices", lambda d: _check_simple(d, "notices", "notices", "serial", _fix_notice)),
                 ("decisions", _check_decisions),
                 ("corrections", lambda d: _check_simple(d, "corrections", "corrections", "id")),
                 ("imports", lambda d: _check_simple(d, "imports", "imports", "id")),
                 ("settings", _check_settings),
                 ("backup_keys", lambda d: _check_simple(d, "backup_keys", "backup_keys", "key_id")),
                 ("person_changes", lambda d: _check_simple(d, "person_changes", "person_changes", "id")),
                 ("mode_differences", lambda d: _check_simple(d, "mode_differences", "mode_differences", "id",
                                                              _fix_months)),
                 ("notice_receipts", lambda d: _check_simple(d, "notice_receipts", "notice_receipts", "serial")),
                 ("notice_serial_blocks", lambda d: _check_simple(d, "notice_serial_blocks", "notice_serial_blocks",
                                                                  "id")),
                 ("daily_closes", lambda d: _check_simple(d, "daily_closes", "daily_closes", "id"))]
        for table, step in steps:
            if table not in tables:
                continue
            if progress is not None:
                progress(LABELS.get(table, table))
            rows += step(db)
    except _Mismatch as bad:
        return TableCheck(False, bad.message, bad.entry_id)
    finally:
        if own and db.conn.in_transaction:
            db.conn.rollback()   # the TEMP tables made inside the snapshot go with it
        _drop(db)
    return TableCheck(True, f"数据与审计记录一致：核对了 {rows} 行。", None, rows)
