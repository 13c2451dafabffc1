"""Building rule cases in tests: a clerk's payment history in a line."""
from desktop_app.rules import RuleError, decide

XY = {"avg_wage_annual": 72000}
JL = {"avg_wage_annual": 90000, "employer_medical_rate": 0.065, "maternity_low_rate": 0.005,
      "individual_medical_rate": 0.02, "waiting_months_first": 6, "waiting_months_after_lapse": 4,
      "new_standard_from": "2025-04", "suspend_after_months": 1}
JS = {"avg_wage_annual": 120000, "base_ratio": "0.6", "employer_medical_rate": 0.08, "individual_medical_rate": 0.02,
      "waiting_months_first": 3, "waiting_months_after_lapse": 2, "required_years_male": 30,
      "required_years_female": 25}
HN = {"avg_wage_annual": 80000, "flexible_rate": 0.08, "required_years_male": 25, "required_years_female": 20}
PARAMS = {"xinyang": XY, "jilin": JL, "jiangsu": JS, "huainan": HN}


def ask(question, jurisdiction, date, **fields):
    case = {"question": question, "jurisdiction": jurisdiction, "date": date,
            "parameters": dict(PARAMS[jurisdiction])}
    for k, v in fields.pop("parameters", {}).items():   # None removes a value the helper would pass
        if v is None:
            case["parameters"].pop(k, None)
        else:
            case["parameters"][k] = v
    case.update(fields)
    return decide(case)


def refused(question, jurisdiction, date, **fields) -> RuleError:
    try:
        ask(question, jurisdiction, date, **fields)
    except RuleError as e:
        return e
    raise AssertionError("expected a refusal")


def months(first: str, last: str):
    y, m = map(int, first.split("-"))
    ly, lm = map(int, last.split("-"))
    out = []
    while (y, m) <= (ly, lm):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def on_time(first: str, last: str, day: int = 10):
    return [{"month": m, "paid_on": f"{m}-{day:02d}"} for m in months(first, last)]


def timeline(jurisdiction, date, first, payments, **kw):
    d = ask("benefit_timeline", jurisdiction, date, first_month=first, payments=payments, **kw)
    d["by_month"] = {m["month"]: m for m in d["months"]}
    return d


def benefits(d, first, last):
    return [d["by_month"][m]["benefits"] for m in months(first, last)]


def states(d, first, last):
    return [d["by_month"][m]["state"] for m in months(first, last)]
