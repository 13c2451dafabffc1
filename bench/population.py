"""Invented county population: who each person is and which months they paid, how and when (no database here)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from desktop_app.services.demo_people import AREAS, FEMALE_CHARS, MALE_CHARS, SURNAMES, check_digit

# The database is "as of" AS_OF; the tax bureau's next file (the import measured) covers the months after it.
AS_OF = date(2026, 4, 30)
IMPORT_TODAY = date(2026, 10, 31)
HISTORY_MONTHS = 120  # ten years of monthly ledger, 2016-05 .. 2026-04

# Shares of the population (issue 7: arrears, lapses and transfers in realistic proportions).
JURISDICTION_SHARES = {"xinyang": 0.35, "huainan": 0.25, "jiangsu": 0.25, "jilin": 0.15}
SCENARIO_SHARES = {
    "regular": 0.62,            # every month paid on time
    "arrears_paid_back": 0.10,  # a gap of 1-3 months paid late at the counter
    "in_arrears": 0.08,         # the last 1-3 months unpaid
    "lapsed": 0.07,             # stopped paying more than three months ago
    "lapsed_resumed": 0.05,     # a gap of 4-12 months, then paying again
    "transfer_in": 0.05,        # arrived from another region with a transfer certificate
    "new": 0.03,                # enrolled within the last year (waiting periods)
}
FULL_HISTORY_SHARE = 0.95  # "ten years of monthly ledger for most"
COUNTER_SHARE = 0.05      # months paid at the counter rather than through the tax bureau
CATEGORIES = ("self_employed", "part_time", "platform", "freelancer", "other")
JIANGSU_RATIOS = ("0.6", "0.8", "1", "1.5", "3")
REGIONS = ("郑州市", "合肥市", "武汉市", "杭州市", "沈阳市", "上海市", "广州市", "成都市")
RARE_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "皇甫", "东方")


def mi(d: date) -> int:
    """Month index: months since year 0."""
    return d.year * 12 + d.month - 1


def month_of(i: int) -> str:
    return f"{i // 12:04d}-{i % 12 + 1:02d}"


def first_day(i: int) -> date:
    return date(i // 12, i % 12 + 1, 1)


END = mi(AS_OF)
HIST0 = END - HISTORY_MONTHS + 1
IMPORT_END = mi(IMPORT_TODAY)


@dataclass
class Plan:
    """One person and their record. Months are month indices; pays maps month -> (paid_on day index, how)."""

    id_number: str
    name: str
    sex: str
    birth_date: date
    phone: str
    address: str
    category: str
    places: list[str]
    jurisdiction: str
    mode: str
    base_ratio: str | None
    scenario: str
    first_month: int                              # first month paid here
    prior: list[int] = field(default_factory=list)  # months brought by a transfer (before first_month)
    transfer: dict | None = None                  # previous_region, last_paid, months, decided_on, in_province
    paid: dict[int, tuple[int, int, str]] = field(default_factory=dict)  # month -> (paid month, day, how)
    waiting_exempt: bool = False


def _weighted(rng: random.Random, shares: dict[str, float]) -> str:
    x, acc = rng.random(), 0.0
    for key, share in shares.items():
        acc += share
        if x < acc:
            return key
    return key


class Population:
    """Seeded: the same seed gives the same people and records; ID numbers never repeat."""

    def __init__(self, seed: int, floors: dict[str, int]):
        self.rng = random.Random(seed)
        self.floors = floors  # jurisdiction -> month index of the document's entry into force
        self.used: set[str] = set()

    def _id_number(self, jurisdiction: str, sex: str, birth: date) -> tuple[str, str]:
        rng = self.rng
        _, districts, _ = AREAS[jurisdiction]
        code = rng.choice(sorted(districts))
        while True:
            seq = rng.randrange(0, 500) * 2 + (1 if sex == "M" else 0)  # 17th digit odd for a man (GB 11643)
            first17 = f"{code}{birth:%Y%m%d}{seq:03d}"
            number = first17 + check_digit(first17)
            if number not in self.used:
                self.used.add(number)
                return number, code

    def _name(self, sex: str) -> str:
        rng = self.rng
        chars = MALE_CHARS if sex == "M" else FEMALE_CHARS
        given = rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.7 else "")
        surname = rng.choice(RARE_SURNAMES) if rng.random() < 0.01 else rng.choice(SURNAMES)
        return surname + given

    def person(self) -> Plan:
        rng = self.rng
        j = _weighted(rng, JURISDICTION_SHARES)
        sex = rng.choice("MF")
        birth = date(rng.randint(1966, 2003), rng.randint(1, 12), rng.randint(1, 28))
        number, code = self._id_number(j, sex, birth)
        province, districts, streets = AREAS[j]
        from desktop_app.rules import JURISDICTIONS

        modes = JURISDICTIONS[j].modes
        chooses_base = JURISDICTIONS[j].person_chooses_base   # 江苏 二: the person's chosen band
        plan = Plan(
            id_number=number, name=self._name(sex), sex=sex, birth_date=birth,
            phone="1" + rng.choice("3578") + f"{rng.randrange(10 ** 9):09d}",
            address=f"{province}{districts[code]}{rng.choice(streets)}{rng.randint(1, 300)}号",
            category=rng.choice(CATEGORIES),
            # a residence permit is a local tie everywhere, 江苏's the one that needs it spelt out
            places=["residence_permit"] if chooses_base and rng.random() < 0.3 else ["hukou"],
            jurisdiction=j, mode="pooling_only" if len(modes) > 1 and rng.random() < 0.3 else modes[0],
            base_ratio=rng.choice(JIANGSU_RATIOS) if chooses_base else None,
            scenario=_weighted(rng, SCENARIO_SHARES), first_month=0,
        )
        self._history(plan)
        return plan

    def _history(self, p: Plan) -> None:
        rng, floor = self.rng, self.floors[p.jurisdiction]
        if p.scenario == "new":
            start = END - rng.randint(0, 11)
        elif rng.random() < FULL_HISTORY_SHARE:
            start = HIST0
        else:
            start = rng.randint(HIST0 + 1, END - 2)
        if p.scenario == "transfer_in":
            first = rng.randint(floor + 1, END - 1) if floor + 1 < END else END
            gap = rng.choice((0, 0, 1, 2))
            last_paid = first - gap - 1
            count = rng.randint(12, 96)
            p.prior = list(range(last_paid - count + 1, last_paid + 1))
            p.transfer = {"previous_region": rng.choice(REGIONS), "last_paid": last_paid, "months": count,
                          "decided": first, "in_province": rng.random() < 0.3, "gap": gap}
        else:
            first = max(start, floor)
            if start < first:
                # The record from before this document came into force, brought over as a transfer in (one
                # decision per person), so the first month here is the month the document took effect.
                p.prior = list(range(start, first))
                p.transfer = {"previous_region": "本市（本办法施行前参保记录）", "last_paid": first - 1,
                              "months": first - start, "decided": first, "in_province": True, "gap": 0}
        p.first_month = first
        months = list(range(first, END + 1))
        unpaid: set[int] = set()
        late: dict[int, int] = {}
        if p.scenario == "arrears_paid_back" and len(months) > 4:
            at = rng.randint(1, len(months) - 4)
            gap = months[at:at + rng.randint(1, 3)]
            late = {m: gap[-1] + 1 for m in gap}
        elif p.scenario == "in_arrears" and len(months) > 3:
            unpaid = set(months[-rng.randint(1, 3):])
        elif p.scenario == "lapsed" and len(months) > 5:
            stop = rng.randint(1, len(months) - 5)
            unpaid = set(months[stop:])
        elif p.scenario == "lapsed_resumed" and len(months) > 6:
            at = rng.randint(1, len(months) - 5)
            unpaid = set(months[at:at + rng.randint(4, 12)])
        for m in months:
            if m in unpaid:
                continue
            if m in late:
                p.paid[m] = (late[m], rng.randint(10, 28), "back_payment")
            else:
                how = "counter" if rng.random() < COUNTER_SHARE else "tax_import"
                p.paid[m] = (m, rng.randint(5, 25), how)
        p.waiting_exempt = bool(p.prior) and p.transfer["gap"] == 0


def pending_months(p: Plan) -> list[int]:
    """Months the next tax-bureau file pays for this person (nothing for a lapsed person)."""
    if p.scenario == "lapsed":
        return []
    last = max(p.paid, default=p.first_month - 1)
    return list(range(max(last + 1, p.first_month), IMPORT_END + 1))
