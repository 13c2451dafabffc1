"""Every kind of notice for the four jurisdictions, from real rule decisions with an office's parameter table.

`python tests/notice_samples/gallery.py OUTDIR` writes each as PDF and PNG pages (pdftoppm) to look at;
tests/test_notices_gallery.py reads the same notices back with pdftotext.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from desktop_app.notices.transfer_out import certificate  # noqa: E402
from desktop_app.rules import JURISDICTIONS as RULES  # noqa: E402
from desktop_app.rules import decide  # noqa: E402

DATE = "2025-08-15"
NEXT = "2025-09-01"
SOURCE = "本机构参数表（测试用）"
OFFICES = {
    "huainan": "淮南市医疗保障局", "jiangsu": "南京市医疗保障局", "jilin": "长春市医疗保障局", "xinyang": "信阳市医疗保障局",
}
CONTACT = {"address": "人民路88号政务服务中心二楼医保窗口", "phone": "0376-6229999",
           "channels": ["税务部门办税服务厅", "“豫税通”APP", "微信、支付宝搜索“河南税务”"],
           "review_body": "本级人民政府", "court": "本区人民法院"}
_VALUES = {
    "huainan": {"avg_wage_annual": "99000", "flexible_rate": "0.08", "required_years_male": "25",
                "required_years_female": "20", "large_expense_annual": "120", "prepay_limit_months": "12"},
    "jiangsu": {"avg_wage_annual": "122000", "employer_medical_rate": "0.08", "individual_medical_rate": "0.02",
                "waiting_months_first": "3", "waiting_months_after_lapse": "3", "required_years_male": "30",
                "required_years_female": "25"},
    "jilin": {"avg_wage_annual": "87000", "employer_medical_rate": "0.065", "maternity_low_rate": "0.005",
              "individual_medical_rate": "0.02", "waiting_months_first": "3", "waiting_months_after_lapse": "3",
              "new_standard_from": "2025-04", "suspend_after_months": "1"},
    "xinyang": {"avg_wage_annual": "75000", "large_expense_annual": "150", "prepay_limit_months": "12",
                # the office confirms the shipped late-fee rate by entering it
                "late_fee_daily_rate": "0.0005"},
}
PERSON = {"name": "王建国", "id_number": "411502196406101238"}
JURISDICTIONS = tuple(OFFICES)


def office_table(j: str) -> dict:
    start = {"jilin": "2025-01-01"}.get(j, "2023-01-01")
    return {name: [{"from": "2023-10-01" if name == "late_fee_daily_rate" else start, "value": v, "source": SOURCE}]
            for name, v in _VALUES[j].items()}


def _case(j: str, question: str, **fields) -> dict:
    case = {"question": question, "jurisdiction": j, "date": DATE, **fields}
    if RULES[j].person_chooses_base:
        case.setdefault("parameters", {})["base_ratio"] = "0.6"
    return case


def _paid(first: str, last: str) -> list[dict]:
    out, (y, m) = [], map(int, first.split("-"))
    while f"{y:04d}-{m:02d}" <= last:
        out.append({"month": f"{y:04d}-{m:02d}", "paid_on": f"{y:04d}-{m:02d}-10"})
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def decided(j: str, case: dict) -> dict:
    return decide(case, office_parameters=office_table(j))


def contribution(j: str) -> dict:
    return decided(j, _case(j, "contribution", mode="with_account"))


def notice(j: str, kind: str, decision: dict | None, **extra) -> dict:
    out = {"kind": kind, "serial": f"2025{j[:2].upper()}-000{list(KINDS).index(kind) + 1:03d}", "issued_on": DATE,
           "operator": "张晓明", "office_name": OFFICES[j], "jurisdiction_name": decide(
               {"question": "contribution", "jurisdiction": j, "date": DATE,
                "parameters": {"base_ratio": "0.6"}}, office_parameters=office_table(j))["jurisdiction_name"],
           "person": dict(PERSON), "decision": decision, "replaces": None, "demo": False,
           "office": dict(CONTACT), "payment_cycle": "monthly"}
    out.update(extra)
    return out


def waiting_period(j: str) -> dict:
    d = decided(j, _case(j, "benefit_timeline", first_month="2025-06", payments=_paid("2025-06", "2025-08")))
    return notice(j, "waiting_period", d, contribution=contribution(j))


def _arrears_case(j: str, pay_on: str) -> dict:
    return _case(j, "back_payment", first_month="2025-01", mode="with_account", pay_on=pay_on,
                 payments=_paid("2025-01", "2025-05"))


def lump_sum(j: str) -> dict:
    d = decided(j, _arrears_case(j, DATE))
    later = decided(j, _arrears_case(j, NEXT))
    return notice(j, "lump_sum", d, next_month=later, contribution=contribution(j))


def transfer(j: str) -> dict:
    d = decided(j, _case(j, "transfer", mode="with_account", first_month_here="2025-07", pay_gap=True,
                         previous={"scheme": "employee", "last_paid_month": "2025-04", "contribution_months": 123}))
    return notice(j, "transfer", d, contribution=contribution(j))


def _retirement(j: str) -> dict:
    return decided(j, _case(j, "retirement", mode="with_account",
                            person={"sex": "M", "birth_date": "1964-06-10", "hukou_in_province": True},
                            record={"total_months": 240, "actual_months": 240, "in_province_months": 240,
                                    "local_months": 240, "pooling_only_months": 0}))


def retirement(j: str) -> dict:
    return notice(j, "retirement", _retirement(j))


def retirement_lump_sum(j: str) -> dict:
    return notice(j, "retirement_lump_sum", _retirement(j))


def mode_change(j: str) -> dict | None:
    """Only 信阳 (any time) and 吉林 (at retirement) have two modes."""
    rules = RULES[j]
    if not (rules.mode_change_any_time or rules.mode_change_at_retirement):
        return None
    d = decided(j, _case(j, "mode_change", pooling_only_months=36, at_retirement=not rules.mode_change_any_time))
    return notice(j, "mode_change", d)


def transfer_out(j: str) -> dict:
    cert = certificate([{"from": "2019-03", "to": "2021-12", "months": 34}, {"from": "2022-06", "to": "2025-07",
                                                                            "months": 38}],
                       "2025-07", mode="with_account", transfer_to="浙江省杭州市", recognized_months=195)
    return notice(j, "transfer_out", None, certificate=cert)


KINDS = {"waiting_period": waiting_period, "lump_sum": lump_sum, "transfer": transfer, "retirement": retirement,
         "retirement_lump_sum": retirement_lump_sum, "mode_change": mode_change, "transfer_out": transfer_out}


def all_notices() -> dict[tuple[str, str], dict]:
    out = {}
    for j in JURISDICTIONS:
        for kind, build in KINDS.items():
            n = build(j)
            if n is not None:
                out[(j, kind)] = n
    return out


def main(outdir: str) -> None:
    from desktop_app.notices import render_notice

    folder = Path(outdir)
    folder.mkdir(parents=True, exist_ok=True)
    for (j, kind), n in all_notices().items():
        pdf = folder / f"{j}-{kind}.pdf"
        pdf.write_bytes(render_notice(n))
        subprocess.run(["pdftoppm", "-png", "-r", "70", str(pdf), str(folder / f"{j}-{kind}")], check=True)
        print(pdf)


if __name__ == "__main__":
    main(sys.argv[1])
