"""月度统计报表: the figures the city bureau asks for, for a month or a range of months, each with the people behind it.

People insured at the end of the range by jurisdiction, category and mode; new, lapsed, resumed, transferred in and
out, retired in the range; contributions by source (费款所属期 in the range) with late fees; people in each benefit
state at the end of the range. States, lapses and resumptions are each person's timeline as the outlook holds it
(services/outlook.py: refreshed first): a month from the outlook's day on as seen in that month, an earlier month as
the timeline showed it that day (the day of the person's last write, or of the last refresh); the rest is read from
the ledger and the saved decisions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from desktop_app.rules import JURISDICTIONS
from desktop_app.services.enrolment import CATEGORIES
from desktop_app.services.errors import InputError
from desktop_app.services.permissions import require
from desktop_app.services.rules_glue import month_str
from desktop_app.services.session import Session
from desktop_app.store import decisions as decisions_store
from desktop_app.store.outlook import month_index, state_at

STATES = {"W": "等待期", "A": "正常享受", "S": "暂停享受", "L": "中断", "T": "停保或终止", "U": "首月未缴"}
INSURED = ("W", "A", "S")
SOURCES = {"counter": "窗口缴费", "tax_import": "税务导入", "back_payment": "补缴", "transfer": "转入（转移接续）",
           "deemed": "视同缴费"}
MODES = {"with_account": "统账结合", "pooling_only": "单建统筹"}



@dataclass
class Figure:
    section: str
    label: str
    value: int | Decimal
    key: tuple            # what `people_behind` needs to list the people
    unit: str = "人"


@dataclass
class Report:
    first: str           # YYYY-MM
    last: str
    figures: list[Figure] = field(default_factory=list)
    incomplete: int = 0  # people whose outlook could not be decided (a parameter the office has not entered)

    def section(self, name: str) -> list[Figure]:
        return [f for f in self.figures if f.section == name]


def _range(first: date, last: date) -> tuple[str, str]:
    if not isinstance(first, date) or not isinstance(last, date):
        raise InputError("month", "请选择统计月份")
    a, b = month_str(first), month_str(last)
    if a > b:
        raise InputError("month", "起始月份不能晚于截止月份")
    return a, b


def monthly_report(session: Session, first: date, last: date) -> Report:
    """The report for the months first..last (the first of each month); refresh the outlooks before (outlook)."""
    require(session, "read")
    a, b = _range(first, last)
    db = session.db
    m = month_index(b)
    report = Report(a, b)
    add = report.figures.append
    rows = db.execute(f"SELECT p.jurisdiction, p.category, p.mode, {state_at(db)} AS s, count(*) FROM person_outlook o"
                      " JOIN people p ON p.id = o.person_id WHERE o.error IS NULL AND p.first_month <= :b"
                      " GROUP BY 1, 2, 3, 4", {"m": m, "b": b}).fetchall()
    by = {}
    for j, c, mode, s, n in rows:
        by.setdefault(("state", s), 0)
        by[("state", s)] += n
        if s in INSURED:
            for key in (("jurisdiction", j), ("category", c), ("mode", mode)):
                by[key] = by.get(key, 0) + n
    insured = sum(by.get(("state", s), 0) for s in INSURED)
    add(Figure("参保人数", f"{b[:4]}年{int(b[5:])}月末参保人数", insured, ("insured",)))
    for j in JURISDICTIONS:
        if by.get(("jurisdiction", j)):
            add(Figure("参保人数", f"其中：{JURISDICTIONS[j].name}", by[("jurisdiction", j)], ("jurisdiction", j)))
    for c, text in CATEGORIES.items():
        if by.get(("category", c)):
            add(Figure("按人员类别", text, by[("category", c)], ("category", c)))
    for mode, text in MODES.items():
        if by.get(("mode", mode)):
            add(Figure("按参保模式", text, by[("mode", mode)], ("mode", mode)))
    changes = [
        ("新参保", db.execute("SELECT count(*) FROM people WHERE first_month BETWEEN ? AND ? AND id NOT IN"
                             " (SELECT person_id FROM decisions WHERE question = 'transfer' AND person_id IS NOT NULL)",
                             [a, b]).fetchone()[0], ("new",)),
        ("中断（超过补缴期限）", _events_count(db, "lapses", a, b), ("lapses",)),
        ("中断后恢复缴费", _events_count(db, "resumes", a, b), ("resumes",)),
        ("转入", _decisions_count(db, "transfer", a, b), ("decided", "transfer")),
        ("转出", _decisions_count(db, "transfer_out", a, b), ("decided", "transfer_out")),
        ("退休（审核符合条件）", _decisions_count(db, "retirement", a, b, qualified=True), ("decided", "retirement")),
    ]
    for label, n, key in changes:
        add(Figure("本期变动", label, n, key))
    money = db.execute("SELECT source, count(*), count(DISTINCT person_id),"
                       " sum(CAST(round(CAST(coalesce(amount, '0') AS NUMERIC) * 100) AS INTEGER)),"
                       " sum(CAST(round(CAST(coalesce(late_fee, '0') AS NUMERIC) * 100) AS INTEGER)) FROM ledger"
                       " WHERE month BETWEEN ? AND ? GROUP BY source", [a, b]).fetchall()
    fees = Decimal(0)
    for source, months, people, fen, late in money:
        add(Figure("缴费（按费款所属期）", f"{SOURCES.get(source, source)}：人数", people, ("source", source)))
        add(Figure("缴费（按费款所属期）", f"{SOURCES.get(source, source)}：月数", months, ("source", source), "个月"))
        add(Figure("缴费（按费款所属期）", f"{SOURCES.get(source, source)}：金额", Decimal(fen) / 100,
                   ("source", source), "元"))
        fees += Decimal(late) / 100
    add(Figure("缴费（按费款所属期）", "滞纳金", fees, ("late_fee",), "元"))
    for code, text in STATES.items():
        add(Figure("待遇状态（期末）", text, by.get(("state", code), 0), ("state", code)))
    report.incomplete = db.execute("SELECT count(*) FROM person_outlook WHERE error IS NOT NULL").fetchone()[0]
    return report


def _events_count(db, column: str, a: str, b: str) -> int:
    return len(_events(db, column, a, b))


def _events(db, column: str, a: str, b: str) -> list[int]:
    out = []
    for person_id, text in db.execute(f"SELECT person_id, {column} FROM person_outlook WHERE {column} <> ''"):
        if any(a <= month <= b for month in text.split(",")):
            out.append(person_id)
    return out


def _decided(db, question: str, a: str, b: str, qualified: bool = False) -> list[int]:
    end = f"{int(b[:4]) + (b[5:] == '12'):04d}-{int(b[5:]) % 12 + 1:02d}-01"
    return decisions_store.people_decided(db, question, a + "-01", end, qualified)


def _decisions_count(db, question: str, a: str, b: str, qualified: bool = False) -> int:
    return len(_decided(db, question, a, b, qualified))


def people_behind(session: Session, report: Report, figure: Figure, limit: int = 5000) -> list[int]:
    """The person ids a figure counts (at most `limit`), for the list the clerk opens from it."""
    require(session, "read")
    db, a, b = session.db, report.first, report.last
    kind, *rest = figure.key
    m = {"m": month_index(b), "b": b}
    base = ("SELECT p.id FROM person_outlook o JOIN people p ON p.id = o.person_id WHERE o.error IS NULL"
            " AND p.first_month <= :b")
    insured = f" AND {state_at(db)} IN ('W', 'A', 'S')"
    if kind == "insured":
        ids = [r[0] for r in db.execute(base + insured, m)]
    elif kind in ("jurisdiction", "category", "mode"):
        ids = [r[0] for r in db.execute(base + insured + f" AND p.{kind} = :v", {**m, "v": rest[0]})]
    elif kind == "state":
        ids = [r[0] for r in db.execute(base + f" AND {state_at(db)} = :v", {**m, "v": rest[0]})]
    elif kind == "new":
        ids = [r[0] for r in db.execute("SELECT id FROM people WHERE first_month BETWEEN ? AND ? AND id NOT IN"
                                        " (SELECT person_id FROM decisions WHERE question = 'transfer'"
                                        " AND person_id IS NOT NULL)", [a, b])]
    elif kind in ("lapses", "resumes"):
        ids = _events(db, kind, a, b)
    elif kind == "decided":
        ids = _decided(db, rest[0], a, b, qualified=rest[0] == "retirement")
    elif kind == "source":
        ids = [r[0] for r in db.execute("SELECT DISTINCT person_id FROM ledger WHERE month BETWEEN ? AND ?"
                                        " AND source = ?", [a, b, rest[0]])]
    elif kind == "late_fee":
        ids = [r[0] for r in db.execute("SELECT DISTINCT person_id FROM ledger WHERE month BETWEEN ? AND ?"
                                        " AND late_fee IS NOT NULL AND late_fee <> '0' AND late_fee <> '0.00'", [a, b])]
    else:
        raise InputError(None, "无法列出该项的人员")
    return sorted(ids)[:limit]


def workbook(report: Report, path, office: str) -> None:
    """The report as an .xlsx workbook: one sheet of figures (section, item, value, unit) with number formats."""
    from desktop_app.services.list_export import write_xlsx

    rows = [[f.section, f.label, f.value if isinstance(f.value, Decimal) else int(f.value), f.unit]
            for f in report.figures]
    title = f"{office}灵活就业人员职工医保月度统计（{_period(report)}）"
    write_xlsx(path, title, ["类别", "项目", "数值", "单位"], rows,
               note="参保人数、待遇状态为期末人数；缴费按费款所属期统计；金额单位：元。")


def _period(report: Report) -> str:
    a, b = report.first, report.last
    text = lambda m: f"{m[:4]}年{int(m[5:])}月"   # noqa: E731
    return text(a) if a == b else f"{text(a)}至{text(b)}"


def period_text(report: Report) -> str:
    return _period(report)
