"""转移接续: decide a transfer in from the certificate's figures, then save the months it brings."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from desktop_app.services.errors import InputError, typed_text
from desktop_app.services.payments import zh_month
from desktop_app.services.permissions import require
from desktop_app.services.person_terms import case_parameters
from desktop_app.services.rules_glue import add_months, ask, month_str, months_between
from desktop_app.services.session import Session
from desktop_app.store import decisions as decision_store
from desktop_app.store import ledger as ledger_store
from desktop_app.store import people as people_store
from desktop_app.store.db import atomic

TRANSFER_RECEIPT = "转移凭证"


@dataclass
class TransferForm:
    previous_region: str
    scheme: str                     # 'employee' | 'resident'
    last_paid_month: date           # 1st of the last month paid in the previous region
    contribution_months: int        # from the transfer certificate
    continuous_years: int | None    # required when coming from the resident scheme
    first_month_here: date          # 1st of the first month paid here
    pay_gap: bool                   # the person pays the gap back
    previous_in_province: bool = False  # the previous region is in this province (counts as in-province years)
    receipt_no: str = ""            # receipt of the gap paid back, if any
    previous_province: str = ""     # the province of the previous region: decides previous_in_province when given


def _person(session: Session, person_id: int) -> dict:
    person = people_store.get(session.db, person_id)
    if person is None:
        raise InputError(None, "找不到该参保人")
    return person


PROVINCES = ("北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省", "上海市", "江苏省",
             "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省",
             "广西壮族自治区", "海南省", "重庆市", "四川省", "贵州省", "云南省", "西藏自治区", "陕西省", "甘肃省",
             "青海省", "宁夏回族自治区", "新疆维吾尔自治区", "香港特别行政区", "澳门特别行政区", "台湾省")


def _short(province: str) -> str:
    """"河南" from "河南省", "广西" from "广西壮族自治区": how a region's text may name its province."""
    for suffix in ("壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "省", "市"):
        if province.endswith(suffix):
            return province[: -len(suffix)]
    return province


def _check_province(session: Session, person: dict, form: TransferForm) -> TransferForm:
    """原参保地在本省 follows from the province chosen, and the region's own text may not name another province."""
    from desktop_app.rules import JURISDICTIONS

    province = (form.previous_province or "").strip()
    if not province:
        return form
    if province not in PROVINCES:
        raise InputError("previous_province", "请选择原参保地所在省份")
    region = typed_text(form.previous_region, "previous_region", "原参保地")
    named = [p for p in PROVINCES if _short(p) in region and p != province and _short(p) not in _short(province)]
    if named:
        raise InputError("previous_region", f"原参保地“{region}”属于{named[0]}，与所选省份（{province}）不一致")
    here = JURISDICTIONS[person["jurisdiction"]].province
    in_province = province == here
    if form.previous_in_province and not in_province:
        raise InputError("previous_province", f"原参保地在{province}，不在本省（{here}）")
    form.previous_in_province = in_province
    return form


def _check(form: TransferForm, today: date) -> None:
    if not typed_text(form.previous_region, "previous_region", "原参保地"):
        raise InputError("previous_region", "请填写原参保地")
    if form.scheme not in ("employee", "resident"):
        raise InputError("scheme", "请选择原参保险种（职工医保或居民医保）")
    if not isinstance(form.last_paid_month, date):
        raise InputError("last_paid_month", "请填写原参保地最后缴费月份")
    if not isinstance(form.first_month_here, date):
        raise InputError("first_month_here", "请填写本地首次缴费月份")
    if not isinstance(form.contribution_months, int) or not 0 <= form.contribution_months <= 600:
        raise InputError("contribution_months", "缴费月数应为0至600之间的整数（以转移凭证为准）")
    if form.scheme == "resident" and form.continuous_years is None:
        raise InputError("continuous_years", "由居民医保转入时须填写此前连续参保年数")
    if form.first_month_here <= form.last_paid_month.replace(day=1):
        raise InputError("first_month_here", "本地首次缴费月份应晚于原参保地最后缴费月份")
    if form.first_month_here.replace(day=1) > add_months(today, 1):
        raise InputError("first_month_here", "本地首次缴费月份最晚为下个月")
    if form.last_paid_month > today:
        raise InputError("last_paid_month", "原参保地最后缴费月份不能晚于今天")


def transfer_case(person: dict, form: TransferForm, today: date, db=None) -> dict:
    previous = {"scheme": form.scheme, "last_paid_month": month_str(form.last_paid_month),
                "contribution_months": form.contribution_months}
    if form.continuous_years is not None:
        previous["continuous_years"] = form.continuous_years
    case = {"question": "transfer", "jurisdiction": person["jurisdiction"], "date": today.isoformat(),
            "previous": previous, "first_month_here": month_str(form.first_month_here), "pay_gap": bool(form.pay_gap),
            "mode": person["mode"]}
    # the person's own values in force this month; without the database (bench), the band on the person's row
    params = case_parameters(db, person, case["date"][:7]) if db is not None else \
        ({"base_ratio": str(person["base_ratio"])} if person.get("base_ratio") is not None else {})
    if params:
        case["parameters"] = params
    return case


def decide_transfer(session: Session, person_id: int, form: TransferForm, today: date) -> dict:
    """The rule decision (gap, continuous, back-pay months and amount, waiting, retroactive, recognised years)."""
    require(session, "read")
    person = _person(session, person_id)
    _check(form, today)
    _check_province(session, person, form)
    decision = ask(session, transfer_case(person, form, today, session.db), "first_month_here")
    decision.setdefault("back_pay_amount", None)
    return decision


def _transferred_months(form: TransferForm, decision: dict) -> list[str]:
    """The certificate gives a count and the last month: the months are laid out back from the last one.
    Resident-scheme months are not employee-scheme months, so none are brought over for them."""
    if form.scheme != "employee" or form.contribution_months == 0:
        return []
    last = form.last_paid_month.replace(day=1)
    return [month_str(m) for m in months_between(add_months(last, 1 - form.contribution_months), last)]


def save_transfer(session: Session, person_id: int, form: TransferForm, today: date) -> int:
    """Save the decision; put the transferred months (source transfer) and the gap paid back (source
    back_payment) into the ledger; the first month here becomes the person's first month. One transaction."""
    require(session, "counter")
    person = _person(session, person_id)
    decision = decide_transfer(session, person_id, form, today)
    first_here = month_str(form.first_month_here)
    rows = ledger_store.rows(session.db, person_id)
    if rows and person["first_month"] != first_here:
        raise InputError("first_month_here",
                         f"本地首次缴费月份应与参保登记一致（{zh_month(person['first_month'])}），请核对转移凭证或参保登记")
    transferred = _transferred_months(form, decision)
    gap = list(decision["back_pay_months"])
    taken = sorted({r["month"] for r in rows} & set(transferred + gap))
    if taken:
        earlier = [t for t in transfers_for_person(session, person_id) if t["direction"] == "in"]
        where = f"（已于{earlier[-1]['decided_on']}登记自{earlier[-1]['region']}转入）" if earlier else ""
        raise InputError("last_paid_month", f"转移凭证的月份与已有缴费记录重叠{where}："
                         + "、".join(zh_month(m) for m in taken[:6]) + (f"等共{len(taken)}个月" if len(taken) > 6 else ""))
    standard = decision.get("monthly_standard")
    receipt = typed_text(form.receipt_no, "receipt_no", "票据号")
    case = transfer_case(person, form, today, session.db)
    stamp = session.stamp()
    with atomic(session.db):
        decision_id = decision_store.insert(session.db, stamp, person_id, "transfer",
                                            {"case": case, "form": asdict(form)}, decision, today.isoformat())
        changes = {"first_month": first_here, "waiting_exempt": decision["waiting_months"] == 0}
        if any(person[k] != v for k, v in changes.items()):
            people_store.update(session.db, stamp, person_id, changes)
        entries = [{"month": m, "paid_on": today.isoformat(), "amount": None, "receipt_no": TRANSFER_RECEIPT,
                    "source": "transfer", "mode": None, "decision_id": decision_id} for m in transferred]
        entries += [{"month": m, "paid_on": today.isoformat(), "amount": standard, "receipt_no": receipt,
                     "source": "back_payment", "mode": person["mode"], "decision_id": decision_id} for m in gap]
        if entries:
            ledger_store.insert(session.db, stamp, person_id, entries)
    return decision_id


def transfers_for_person(session: Session, person_id: int) -> list[dict]:
    """Every saved transfer of the person, in and out, oldest first: direction, region, province, the months it
    concerns, when and by whom."""
    require(session, "read")
    out = []
    for d in decision_store.for_person(session.db, person_id, "transfer"):
        form = d["inputs"].get("form") or {}
        decision = d["decision"]
        months = form.get("contribution_months") or 0
        out.append({"id": d["id"], "direction": "in", "region": form.get("previous_region") or "",
                    "province": form.get("previous_province") or "", "last_paid_month": form.get("last_paid_month"),
                    "months": months, "gap_months": decision.get("gap_months"), "continuous": decision.get("continuous"),
                    "decided_on": d["decided_on"], "operator": d["operator"]})
    for d in decision_store.for_person(session.db, person_id, "transfer_out"):
        form = d["inputs"].get("form") or {}
        decision = d["decision"]
        out.append({"id": d["id"], "direction": "out", "region": form.get("to_region") or "",
                    "province": form.get("to_province") or "", "last_paid_month": decision.get("last_month"),
                    "months": decision.get("total_months"), "gap_months": None, "continuous": None,
                    "decided_on": d["decided_on"], "operator": d["operator"]})
    return sorted(out, key=lambda t: (t["decided_on"], t["id"]))


def transfer_out(session: Session, person_id: int, to_region: str, to_province: str, today: date) -> tuple[int, dict]:
    """转出: the person leaves for another region; the decision the 参保缴费凭证 prints (the rule module's
    transfer_out: periods and months paid here, months brought in before, the last month paid), and the status
    转出 from the month after the last month paid. Returns (decision id, decision). One transaction."""
    from desktop_app.store import person_changes as change_store

    require(session, "counter")
    person = _person(session, person_id)
    to_region = typed_text(to_region, "to_region", "转入地")
    if to_province not in PROVINCES:
        raise InputError("to_province", "请选择转入地所在省份")
    if not to_region:
        raise InputError("to_region", "请填写转入地（新参保地）")
    if (person.get("status") or "active") in ("transferred_out", "terminated_death"):
        raise InputError("to_region", "该参保人已转出或已终止参保，不能再办理转出")
    rows = ledger_store.rows(session.db, person_id)
    here = [r["month"] for r in rows if r["month"] >= person["first_month"] and r["month"] <= month_str(today)]
    if not here:
        raise InputError("to_region", "该参保人在本地尚无缴费记录，无需转出")
    before = sum(1 for r in rows if r["month"] < person["first_month"] or r["source"] in ("transfer", "deemed"))
    case = {"question": "transfer_out", "jurisdiction": person["jurisdiction"], "date": today.isoformat(),
            "first_month": person["first_month"], "last_month": max(here), "paid_months": sorted(here),
            "months_before": before}
    decision = ask(session, case, "to_region")
    decision = {**decision, "to_region": to_region, "to_province": to_province}
    start = month_str(add_months(date.fromisoformat(max(here) + "-01"), 1))
    stamp = session.stamp()
    with atomic(session.db):
        decision_id = decision_store.insert(session.db, stamp, person_id, "transfer_out",
                                            {"case": case, "form": {"to_region": to_region, "to_province": to_province}},
                                            decision, today.isoformat())
        change_store.insert(session.db, stamp, person_id, "status", start, "transferred_out",
                            f"转出至{to_province}{to_region}", today.isoformat())
    return decision_id, decision
