"""A demo database: one office of one 统筹地区 (chosen at the demo's start), about 100 invented people in every
counter scenario, decided under that office's own document; people from elsewhere come in by transfer.

Built only through the services a clerk uses (enrolment, tax import, payments, transfer, corrections,
retirement, notices), so the demo shows exactly what the application does. Seeded: the same `today`
gives the same people and records. Every parameter value entered is marked demo (示例).
"""

from __future__ import annotations

import csv
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from desktop_app.services import anchors
from desktop_app.services.demo_parameters import enter_demo_parameters
from desktop_app.services.demo_people import PeopleMaker
from desktop_app.services.enrolment import EnrolmentForm, enrol
from desktop_app.services.notices import Render, issue_notice
from desktop_app.services.payments import contribution_case, record_months
from desktop_app.services.retirement import add_correction, save_retirement
from desktop_app.services.rules_glue import add_months, ask, month_str, months_between
from desktop_app.services.session import load_office, open_trusted_session
from desktop_app.services.settings import set_office, set_office_contact, set_setting
from desktop_app.services.tax_import import import_tax_file
from desktop_app.services.transfer import TransferForm, save_transfer

SEED = 20231001
DEFAULT_JURISDICTION = "xinyang"
OFFICES = {"huainan": "淮南市医疗保障局田家庵分局（示例）", "jiangsu": "南京市医疗保障局玄武分局（示例）",
           "jilin": "长春市医疗保障局朝阳分局（示例）", "xinyang": "信阳市医疗保障局浉河分局（示例）"}
# scenario -> people (100 in all)
SCENARIOS = {"waiting": 12, "regular": 28, "arrears_paid_back": 10, "in_arrears": 10, "lapsed": 8,
             "lapsed_resumed": 6, "transfer_in": 8, "transfer_over_limit": 4, "near_retirement": 8,
             "short_of_years": 6}
# What the notices print about the office: invented, like every demo value.
DEMO_CONTACT = {"address": "示例路1号政务服务中心医保窗口（示例）", "phone": "0376-0000000",
                "channels": [], "review_body": "示例区人民政府", "court": "示例区人民法院"}
REGIONS = ("郑州市", "合肥市", "武汉市", "杭州市", "沈阳市", "上海市")
IN_PROVINCE = {"huainan": "合肥市", "jiangsu": "苏州市", "jilin": "吉林市", "xinyang": "郑州市"}


@dataclass
class Plan:
    jurisdiction: str
    scenario: str
    sex: str
    birth: date
    first: date
    pays: dict[date, date] = field(default_factory=dict)      # month -> paid on (tax-bureau file)
    counter: dict[date, date] = field(default_factory=dict)   # month -> paid on (at the counter)
    transfer: TransferForm | None = None
    deemed: int = 0
    notice: bool = False
    person_id: int | None = None


class _Builder:
    def __init__(self, session, today: date, render: Render | None):
        from desktop_app.rules import JURISDICTIONS

        self.s, self.today, self.J, self.render = session, today, JURISDICTIONS, render
        self.people = PeopleMaker(SEED)
        self.rng = self.people.rng
        self.cur = today.replace(day=1)
        self.plans: list[Plan] = []

    def floor(self, j: str) -> date:
        return self.J[j].in_force.replace(day=1)

    def day(self, month: date, lo: int = 3, hi: int = 25) -> date:
        """A paying day in `month`, never after today."""
        return min(month.replace(day=self.rng.randint(lo, hi)), self.today)

    def on_time(self, months) -> dict[date, date]:
        return {m: self.day(m) for m in months}

    def plan(self, j: str, scenario: str) -> Plan:
        rng, cur = self.rng, self.cur
        sex = rng.choice("MF")
        birth = self.people.birth(1968 if sex == "M" else 1973, 2002)
        first = max(add_months(cur, -rng.randint(12, 30)), self.floor(j))
        plan = Plan(j, scenario, sex, birth, first)
        upto = cur if self.today.day >= 20 else add_months(cur, -1)
        if scenario == "waiting":
            plan.first = max(add_months(cur, -rng.randint(0, 2)), self.floor(j))
            plan.pays = self.on_time(months_between(plan.first, cur))
            plan.notice = True
        elif scenario in ("regular", "near_retirement", "short_of_years"):
            plan.pays = self.on_time(months_between(first, upto))
            if scenario != "regular":
                plan.sex, plan.birth = self._near_retirement(first)
                plan.deemed = rng.choice((96, 120, 150)) if scenario == "short_of_years" else 0
            if scenario == "near_retirement":
                plan.transfer = TransferForm(IN_PROVINCE[j], "employee", add_months(first, -1), rng.randint(300, 360),
                                             None, first, False, previous_in_province=True)
        elif scenario == "arrears_paid_back":
            months = months_between(first, upto)
            gap_at = max(1, len(months) - rng.randint(4, 8))
            gap = months[gap_at:gap_at + 2]
            plan.pays = self.on_time(m for m in months if m not in gap)
            payback = add_months(gap[-1], 1)
            plan.counter = {m: self.day(payback, 10, 28) for m in gap}
        elif scenario == "in_arrears":
            plan.pays = self.on_time(months_between(first, add_months(cur, -rng.randint(2, 3))))
        elif scenario == "lapsed":
            last = add_months(first, rng.randint(3, 6))
            plan.pays = self.on_time(months_between(first, min(last, add_months(cur, -6))))
        elif scenario == "lapsed_resumed":
            plan.first = max(add_months(cur, -22), self.floor(j))
            back = add_months(plan.first, 11)
            plan.pays = self.on_time(months_between(plan.first, add_months(plan.first, 4))
                                     + months_between(min(back, cur), cur))
        elif scenario in ("transfer_in", "transfer_over_limit"):
            plan.first = max(add_months(cur, -rng.randint(2, 8)), self.floor(j))
            gap = rng.randint(1, 2) if scenario == "transfer_in" else rng.randint(5, 8)
            region = rng.choice(REGIONS)
            plan.transfer = TransferForm(region, "employee", add_months(plan.first, -gap - 1), rng.randint(18, 150),
                                         None, plan.first, scenario == "transfer_in", receipt_no="ZY" + month_str(
                                             plan.first).replace("-", ""))
            plan.pays = self.on_time(months_between(plan.first, upto if plan.first <= upto else plan.first))
            plan.pays = {m: d for m, d in plan.pays.items() if m <= cur}
            plan.notice = scenario == "transfer_over_limit"
        plan.pays = {m: d for m, d in plan.pays.items() if m >= plan.first and d <= self.today}
        if plan.first not in plan.pays and plan.first <= self.cur:
            plan.pays[plan.first] = self.day(plan.first)
        latest = max(plan.pays, default=None)
        if scenario in ("regular", "waiting") and latest and latest > plan.first and rng.random() < 0.4:
            plan.counter[latest] = plan.pays.pop(latest)  # the latest month paid at the counter
        return plan

    def _near_retirement(self, first: date) -> tuple[str, date]:
        """A birth date whose statutory retirement month falls between the first month here and a year from now."""
        from desktop_app.rules.retirement_age import retirement_month

        sex = self.rng.choice("MF")
        target = add_months(self.cur, self.rng.randint(-3, 10))
        target = max(target, add_months(first, 2))
        for back in range(55 * 12, 66 * 12):
            birth = add_months(target, -back).replace(day=self.rng.randint(1, 28))
            if month_str(retirement_month(birth, sex).first_day) == month_str(target):
                return sex, birth
        return sex, add_months(target, -(60 if sex == "M" else 55) * 12)

    def enrol(self, plan: Plan) -> None:
        j = plan.jurisdiction
        person = self.people.make(j, plan.sex, plan.birth)
        modes = self.J[j].modes
        mode = "pooling_only" if len(modes) > 1 and self.rng.random() < 0.3 else modes[0]
        ratio = self.rng.choice(("0.6", "0.8", "1", "1.5", "3")) if self.J[j].person_chooses_base else None
        places = ["residence_permit"] if self.rng.random() < 0.3 else ["hukou"]
        form = EnrolmentForm(person.id_number, person.name, person.phone, person.address,
                             self.rng.choice(("self_employed", "part_time", "platform", "freelancer", "other")),
                             places, False, mode, ratio, plan.first)
        on = min(plan.first.replace(day=self.rng.randint(1, 9)), self.today)
        plan.person_id = enrol(self.s, form, on).person_id

    def tax_file(self, folder: Path) -> Path:
        """The tax bureau's file for every month paid through it, as the office would receive it."""
        from desktop_app.store import people as people_store

        path = folder / "税务缴费明细（示例）.csv"
        rows, n = [], 0
        for plan in self.plans:
            person = people_store.get(self.s.db, plan.person_id)
            for month, paid_on in sorted(plan.pays.items()):
                n += 1
                amount = ask(self.s, contribution_case(person, month_str(month), self.today))["monthly_amount"]
                rows.append([person["id_number"], person["name"], month_str(month).replace("-", ""),
                             paid_on.isoformat(), amount, f"SW{paid_on:%Y%m%d}{n:06d}"])
        with path.open("w", encoding="gbk", newline="") as f:  # office software often writes GBK
            writer = csv.writer(f)
            writer.writerow(["身份证号", "姓名", "费款所属期", "缴费日期", "缴费金额", "票据号"])
            writer.writerows(rows)
        return path

    def finish(self, plan: Plan) -> None:
        s, today = self.s, self.today
        if plan.transfer is not None:
            save_transfer(s, plan.person_id, plan.transfer, today)
        by_day: dict[date, list[date]] = {}
        for month, paid_on in plan.counter.items():
            by_day.setdefault(paid_on, []).append(month)
        for paid_on, months in sorted(by_day.items()):
            record_months(s, plan.person_id, months, paid_on, f"CK{paid_on:%Y%m%d}{plan.person_id:04d}", today)
        if plan.deemed:
            add_correction(s, plan.person_id, "deemed", plan.deemed,
                           "1990年代国有企业连续工龄视同缴费年限（人事档案核定，示例）", today)
        if plan.scenario in ("near_retirement", "short_of_years"):
            save_retirement(s, plan.person_id, today)
        if plan.notice:
            self.notice(plan)

    def notice(self, plan: Plan) -> None:
        from desktop_app.services.payments import ledger

        decision = ledger(self.s, plan.person_id, self.today).decision
        if self.render and decision and decision.get("waiting_periods"):
            issue_notice(self.s, plan.person_id, "waiting_period", decision, self.today, self.render)


def build_demo_database(path: Path, today: date, render: Render | None = None,
                        jurisdiction: str = DEFAULT_JURISDICTION) -> Path:
    """Create (or replace) the demo database of one office of `jurisdiction` at `path` as of `today`; returns
    the path. With `render` (desktop_app.notices.issue.render) the waiting-period notices are issued too."""
    if jurisdiction not in OFFICES:
        raise ValueError(f"unknown jurisdiction {jurisdiction!r}")
    path = Path(path)
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        p.unlink(missing_ok=True)
    anchors.forget(path)  # a new file: the old one's audit anchor is not held against it
    session = open_trusted_session(path, "示例操作员", clock=lambda: datetime.combine(today, time(9, 0)))
    session.demo = True  # trusted code building invented people: its notices are marked 示例 wherever it builds
    try:
        set_office(session, jurisdiction, OFFICES[jurisdiction])
        set_office_contact(session, **DEMO_CONTACT)
        set_setting(session, "demo", True)
        b = _Builder(session, today, render)
        enter_demo_parameters(session, jurisdiction, today)
        if b.floor(jurisdiction) <= b.cur:   # else the document is not in force yet on `today`: no people
            for scenario, count in SCENARIOS.items():
                b.plans += [b.plan(jurisdiction, scenario) for _ in range(count)]
        for plan in b.plans:
            b.enrol(plan)
        with tempfile.TemporaryDirectory() as folder:
            report = import_tax_file(session, b.tax_file(Path(folder)), today, dry_run=False)
        if not report.imported:
            raise RuntimeError("demo tax file refused: " + "; ".join(
                f"{p.row_no} {p.column} {p.message}" for p in report.problems[:5]))
        for plan in b.plans:
            b.finish(plan)
        session.office = load_office(session.db)
    finally:
        session.close()
    return path
