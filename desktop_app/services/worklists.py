"""今日待办: the office's worklists for a day, from each person's outlook (services/outlook.py) and the notices.

Every list is what the person's own tabs say on that day: the outlook is the rule module's timeline and back-payment
answer month by month, and the amount due today is the rule module's back-payment quote (one quote for every group
of people who owe the same months at the same standard; see `_amounts`). tests/test_worklists_agree.py checks a
sample person by person against ledger() and quote_back_payment().
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

from desktop_app.rules import JURISDICTIONS
from desktop_app.services import outlook
from desktop_app.services.enrolment import CATEGORIES
from desktop_app.services.errors import InputError
from desktop_app.services.payments import zh_month
from desktop_app.services.people import mask_id_number
from desktop_app.services.permissions import may, require
from desktop_app.services.rules_glue import add_months, month_date, month_str
from desktop_app.services.session import Session
from desktop_app.store.outlook import (ARREARS, PAY_BY_WIDTH, QUARTER_DUE, RECENT_LAPSE, STOP_NEXT, USABLE,
                                       WAITING_ENDS, at, flags_at, index_month, scanned)

KINDS = {  # key -> (title, what the list is for)
    "arrears_closing": ("补缴期限将至", "欠费月份的补缴期限（最后一天缴清仍可恢复待遇）在N天内届满，列出今天缴清的应缴金额"),
    "stop_next_month": ("次月将停止待遇", "本月有待遇，如本月仍不缴费，下月起暂停享受待遇（各统筹地区的停保规定）"),
    "waiting_ends": ("等待期本月届满", "待遇享受等待期在本月届满，下月起享受待遇"),
    "recent_lapse": ("近三个月中断", "最近三个月内超过补缴期限、转为中断参保的人员"),
    "quarter_due": ("按季缴费本季到期", "按季度缴费、本季度费用须在本月底前缴清而尚未缴纳的人员"),
    "retirement_soon": ("六个月内到龄", "六个月内达到法定退休年龄的人员及尚差的缴费年限"),
    "transfer_open": ("转移接续未办结", "已登记但尚未办结的转移接续"),
    "receipts_missing": ("回执未交回", "已出具、回执尚未交回的告知书"),
}
FLAG_KINDS = {"arrears_closing": ARREARS, "stop_next_month": STOP_NEXT, "waiting_ends": WAITING_ENDS,
              "recent_lapse": RECENT_LAPSE, "quarter_due": QUARTER_DUE}
PRICED = ("arrears_closing", "stop_next_month", "quarter_due")   # lists that show the amount due today
DEFAULT_DAYS = 30
RETIREMENT_AHEAD = 6


@dataclass(frozen=True)
class Filters:
    jurisdiction: str | None = None   # rules.JURISDICTIONS key
    category: str | None = None       # services.enrolment.CATEGORIES key
    operator: str | None = None       # who enrolled the person (who issued the notice, for 回执)
    days: int = DEFAULT_DAYS          # 补缴期限将至: the window closes within this many days


@dataclass
class WorkRow:
    person_id: int
    name: str
    id_number: str          # masked unless the role may see full numbers in lists
    phone: str
    jurisdiction: str
    category: str
    operator: str
    what: str               # what is due / what happens, in the clerk's words
    by_when: date | None    # the last day (or the month's first day) it concerns
    by_when_text: str
    amount: Decimal | None = None      # due if paid today (the rule module's back-payment quote)
    months: list[str] = field(default_factory=list)   # the months concerned
    serial: str | None = None          # 回执未交回: the notice
    detail: str = ""


def _check(filters: Filters) -> None:
    if filters.jurisdiction and filters.jurisdiction not in JURISDICTIONS:
        raise InputError("jurisdiction", "请选择统筹地区")
    if filters.category and filters.category not in CATEGORIES:
        raise InputError("category", "请选择人员类别")
    if not isinstance(filters.days, int) or not 1 <= filters.days <= 366:
        raise InputError("days", "天数应为1至366之间的整数")


def _where(filters: Filters, person: str = "p") -> tuple[str, dict]:
    parts, args = [], {}
    if filters.jurisdiction:
        parts.append(f"{person}.jurisdiction = :j")
        args["j"] = filters.jurisdiction
    if filters.category:
        parts.append(f"{person}.category = :c")
        args["c"] = filters.category
    return "".join(f" AND {p}" for p in parts), args


def counts(session: Session, today: date, filters: Filters = Filters()) -> dict[str, int]:
    """How many people each list has today (refresh the outlooks first: `outlook.pending`)."""
    require(session, "read")
    return {kind: len(rows) for kind, rows in _all(session, today, filters, price=None).items()}


def day(session: Session, today: date, kind: str, filters: Filters = Filters()) -> tuple[dict[str, int], list[WorkRow]]:
    """What 今日待办 shows, in one pass: every list's count and the rows of `kind` (with amounts, sorted by when)."""
    require(session, "read")
    if kind not in KINDS:
        raise InputError("kind", "未知的待办清单")
    lists = _all(session, today, filters, price=kind)
    return {k: len(v) for k, v in lists.items()}, sort_rows(lists[kind])


def worklist(session: Session, kind: str, today: date, filters: Filters = Filters(),
             sort: str = "by_when", descending: bool = False) -> list[WorkRow]:
    """One list for today, filtered and sorted ("by_when", "amount", "name", "jurisdiction", "category",
    "operator"); the amount due today is filled in for the lists that ask for payment."""
    require(session, "read")
    if kind not in KINDS:
        raise InputError("kind", "未知的待办清单")
    rows = _all(session, today, filters, price=kind, only=kind)[kind]
    return sort_rows(rows, sort, descending)


def operators(session: Session) -> list[str]:
    """Who enrolled the people on the lists (the 经办人 filter), from the outlooks' index."""
    require(session, "read")
    return [r[0] for r in session.db.execute("SELECT DISTINCT operator FROM person_outlook WHERE operator IS NOT NULL"
                                             " ORDER BY operator LIMIT 200")]


def sort_rows(rows: list[WorkRow], sort: str = "by_when", descending: bool = False) -> list[WorkRow]:
    keys = {"by_when": lambda r: (r.by_when or date.max, r.name), "amount": lambda r: (r.amount or Decimal(0), r.name),
            "name": lambda r: (r.name, r.person_id), "jurisdiction": lambda r: (r.jurisdiction, r.name),
            "category": lambda r: (r.category, r.name), "operator": lambda r: (r.operator, r.name)}
    if sort not in keys:
        raise InputError("sort", "无法按此列排序")
    return sorted(rows, key=keys[sort], reverse=descending)


def _all(session: Session, today: date, filters: Filters, price: str | None, only: str | None = None) -> dict:
    """Every wanted list's rows: the counts of all of them in one pass over the outlooks' scan index, the rows
    themselves described only for `price` (the list shown) or `only`; other lists' rows carry their person id."""
    require(session, "read")
    _check(filters)
    db = session.db
    p = outlook.today_index(today)
    where, args = _where(filters, "o")
    if filters.operator:
        where += " AND o.operator = :op"
        args["op"] = filters.operator
    out: dict[str, list[WorkRow]] = {k: [] for k in KINDS}
    wanted = [only] if only else list(KINDS)
    shown = only or price
    found: dict[str, list[tuple[int, str, str]]] = {k: [] for k in KINDS}   # kind -> (person id, extra, schedule)
    flag_kinds = [k for k in wanted if k in FLAG_KINDS]
    if flag_kinds:
        mask = sum(FLAG_KINDS[k] for k in flag_kinds)
        flags = flags_at(db)
        sql = (f"SELECT o.person_id, {flags} AS f, {at(db, 'seq_pay_by', PAY_BY_WIDTH)}"
               f" FROM {scanned(db)} WHERE {USABLE} AND ({flags} & {mask}) <> 0{where}")
        limit = (today + timedelta(days=filters.days)).strftime("%Y%m%d")
        for person_id, flags, pay_by in db.execute(sql, {"p": p, **args}):
            for kind in flag_kinds:
                if flags & FLAG_KINDS[kind] and not (kind == "arrears_closing" and pay_by > limit):
                    found[kind].append((person_id, pay_by))
    if "retirement_soon" in wanted:
        a, b = index_month(p), index_month(p + RETIREMENT_AHEAD - 1)
        sql = ("SELECT o.person_id, o.retirement_month, o.retirement_month_alt, o.retirement_note, o.shortfall_months"
               " FROM person_outlook o JOIN people p ON p.id = o.person_id WHERE o.stale = 0 AND p.status = 'active'"
               " AND o.{col} BETWEEN :a AND :b" + where)
        seen = set()
        for col in ("retirement_month", "retirement_month_alt"):
            for r in db.execute(sql.format(col=col), {"a": a, "b": b, **args}):
                if r[0] not in seen:
                    seen.add(r[0])
                    found["retirement_soon"].append((r[0], r[1:]))
    if "transfer_open" in wanted:
        for r in db.execute("SELECT o.person_id, o.transfer_open FROM person_outlook o WHERE o.stale = 0"
                            " AND o.transfer_open IS NOT NULL" + where, args):
            found["transfer_open"].append((r[0], r[1]))
    if "receipts_missing" in wanted:
        out["receipts_missing"] = _receipts(session, filters)
    for kind in KINDS:
        if kind == "receipts_missing":
            continue
        if kind != shown:
            out[kind] = [_bare(person_id) for person_id, _ in found[kind]]
            continue
        people = _people_rows(session, [person_id for person_id, _ in found[kind]])
        out[kind] = [_describe(kind, people[person_id], p, extra) for person_id, extra in found[kind]
                     if person_id in people]
    if price in PRICED:
        _amounts(session, out[price], today)
    return out


def _bare(person_id: int) -> WorkRow:
    return WorkRow(person_id, "", "", "", "", "", "", "", None, "")


def _people_rows(session: Session, ids: list[int]) -> dict[int, tuple[WorkRow, str]]:
    """The listed people's names, numbers (masked by role) and phones, with their outlook's schedule."""
    full = may(session, "list_id_numbers")
    out = {}
    for start in range(0, len(ids), 900):
        part = ids[start:start + 900]
        marks = ", ".join("?" * len(part))
        for r in session.db.execute(
                "SELECT p.id, p.name, p.id_number, p.phone, p.jurisdiction, p.category, p.operator, o.schedule"
                f" FROM people p JOIN person_outlook o ON o.person_id = p.id WHERE p.id IN ({marks})", part):
            number = r[2] if full else mask_id_number(r[2])
            out[r[0]] = (WorkRow(r[0], r[1], number, r[3], r[4], r[5], r[6], "", None, ""), r[7])
    return out


def _years(months: int) -> str:
    years, rest = divmod(int(months), 12)
    return (f"{years}年" if years else "") + (f"{rest}个月" if rest or not years else "")


def _span(months: list[str]) -> str:
    if not months:
        return ""
    if len(months) == 1:
        return zh_month(months[0])
    return f"{zh_month(months[0])}至{zh_month(months[-1])}（{len(months)}个月）"


def _describe(kind: str, person: tuple[WorkRow, str], p: int, extra) -> WorkRow:
    row, schedule = replace(person[0]), person[1]
    month = index_month(p)
    plan = json.loads(schedule)
    entry = plan.get("months", {}).get(month) or {}
    here = month_date(month)
    if kind == "arrears_closing":
        pay_by = extra
        day = date(int(pay_by[:4]), int(pay_by[4:6]), int(pay_by[6:]))
        arrears = list(entry.get("arrears") or [])
        row.what = f"欠缴{_span(arrears)}"
        row.by_when, row.by_when_text = day, f"{day.year}年{day.month}月{day.day}日前缴清"
        row.detail = "逾期转为中断，重新缴费须设等待期"
        row.months = sorted(set(arrears) | set(entry.get("due_now") or []))
    elif kind == "stop_next_month":
        row.months = sorted(set(entry.get("arrears") or []) | set(entry.get("due_now") or []))
        row.what = f"应缴{_span(row.months)}" if row.months else "本月应缴未缴"
        end = add_months(here, 1) - timedelta(days=1)
        row.by_when, row.by_when_text = end, f"{end.month}月{end.day}日前缴清"
        row.detail = f"否则{zh_month(month_str(add_months(here, 1)))}起暂停享受待遇"
    elif kind == "waiting_ends":
        start = add_months(here, 1)
        row.what = f"待遇享受等待期{zh_month(month)}届满"
        row.by_when, row.by_when_text = start, f"{zh_month(month_str(start))}起享受待遇"
        row.detail = "按时缴费方可享受"
    elif kind == "recent_lapse":
        since = entry.get("lapsed_since") or (plan.get("last") or {}).get("lapsed_since") or month
        row.months = [since]
        row.what = f"{zh_month(since)}起中断参保（已超过补缴期限）"
        row.by_when, row.by_when_text = month_date(since), zh_month(since)
        row.detail = "重新缴费须设待遇享受等待期"
    elif kind == "quarter_due":
        row.months = sorted(set(entry.get("due_now") or []) | set(entry.get("arrears") or []))
        row.what = f"本季度应缴{_span(row.months)}"
        end = add_months(here, 1) - timedelta(days=1)
        row.by_when, row.by_when_text = end, f"{end.month}月{end.day}日前缴清"
    elif kind == "retirement_soon":
        main, alt, note, shortfall = extra
        now, last = month, index_month(p + RETIREMENT_AHEAD - 1)
        chosen = main if now <= main <= last else alt
        row.what = f"{zh_month(chosen)}达到法定退休年龄" + ("（按原50周岁）" if chosen != main else "")
        row.by_when, row.by_when_text = month_date(chosen), zh_month(chosen)
        row.months = [chosen]
        row.detail = ("尚差缴费年限" + _years(shortfall) if shortfall else
                      "已满足最低缴费年限" if shortfall == 0 else (note or ""))
    elif kind == "transfer_open":
        row.what = extra
    return row


def _receipts(session: Session, filters: Filters) -> list[WorkRow]:
    from desktop_app.notices.titles import TITLES

    full = may(session, "list_id_numbers")
    people_sql = "p.id, p.name, p.id_number, p.phone, p.jurisdiction, p.category, p.operator"

    def person_row(r) -> WorkRow:
        return WorkRow(r[0], r[1], r[2] if full else mask_id_number(r[2]), r[3], r[4], r[5], r[6], "", None, "")

    where, args = _where(filters)
    if filters.operator:
        where += " AND n.operator = :op"
        args["op"] = filters.operator
    sql = (f"SELECT {people_sql}, n.serial, n.kind, n.issued_on, n.operator FROM notices n"
           " JOIN people p ON p.id = n.person_id LEFT JOIN notice_receipts r ON r.serial = n.serial"
           " WHERE r.serial IS NULL AND n.serial NOT IN (SELECT replaces FROM notices WHERE replaces IS NOT NULL)"
           f"{where}")
    out = []
    for r in session.db.execute(sql, args):
        row = person_row(r)
        issued = date.fromisoformat(r[9])
        row.serial, row.operator = r[7], r[10]
        row.what = f"{TITLES.get(r[8], r[8])}（编号{r[7]}）"
        row.by_when, row.by_when_text = issued, f"{issued.year}年{issued.month}月{issued.day}日出具"
        out.append(row)
    return out


def _amounts(session: Session, rows: list[WorkRow], today: date) -> None:
    """The amount each person pays today: the rule module's back-payment quote. People of one jurisdiction, mode
    and base band whose months to pay (and their due dates) are the same pay the same, so one quote per group."""
    from desktop_app.services.payments import back_payment_today
    from desktop_app.services.person_terms import case_parameters, mode_at, timeline_fields
    from desktop_app.store import people as people_store

    if not rows:
        return
    ids = [r.person_id for r in rows]
    marks = ", ".join("?" * len(ids))
    with_terms = {r[0] for r in session.db.execute(
        f"SELECT DISTINCT person_id FROM person_changes WHERE person_id IN ({marks})", ids)}
    people = {r["id"]: r for r in session.db.query(
        f"SELECT id, jurisdiction, mode, base_ratio, first_month FROM people WHERE id IN ({marks})", ids)}
    month = month_str(today)
    groups: dict[str, list[WorkRow]] = {}
    for row in rows:
        person = people[row.person_id]
        if row.person_id in with_terms:
            full = people_store.get(session.db, row.person_id)
            terms = [mode_at(session.db, full, month), case_parameters(session.db, full, month),
                     timeline_fields(session.db, full)]
        else:
            terms = [person["mode"], {"base_ratio": person["base_ratio"]} if person["base_ratio"] else {}, {}]
        key = json.dumps([person["jurisdiction"], *terms, row.months], sort_keys=True)
        groups.setdefault(key, []).append(row)
    for members in groups.values():
        try:
            quote = back_payment_today(session, members[0].person_id, today)
        except InputError as error:
            for row in members:
                row.detail = "金额未能计算：" + error.message
            continue
        if sorted(quote["months_to_pay"]) != sorted(members[0].months):
            # the list's months and today's quote differ (an outlook not yet refreshed): quote each one
            for row in members:
                row.amount = Decimal(back_payment_today(session, row.person_id, today)["total"])
            continue
        for row in members:
            row.amount = Decimal(quote["total"])


def table(rows: list[WorkRow], kind: str) -> tuple[list[str], list[list]]:
    """The list as the screen and the export show it: headers and cells (text, dates and amounts)."""
    priced = kind in PRICED
    headers = ["姓名", "身份证号", "事项", "期限"] + (["应缴金额（元）"] if priced else []) + \
        ["说明", "联系电话", "统筹地区", "人员类别", "经办人"]
    out = []
    for r in rows:
        out.append([r.name, r.id_number, r.what, r.by_when_text] + ([r.amount] if priced else [])
                   + [r.detail, r.phone, _place(r.jurisdiction), CATEGORIES.get(r.category, r.category), r.operator])
    return headers, out


def _place(key: str) -> str:
    j = JURISDICTIONS.get(key)
    return j.name if j else key
