"""python -m desktop_app.notices CASE.json OUT.pdf [--kind KIND]: the notice a rule case's decision calls for."""

import hashlib
import json
import sys
from pathlib import Path

from . import KINDS, render_notice
from .errors import NoticeError

USAGE = ("用法：python -m desktop_app.notices CASE.json OUT.pdf [--kind waiting_period|lump_sum|retirement_lump_sum|"
         "transfer|retirement|mode_change]")
# The notice each question calls for; a transfer may also be printed as a lump sum or a waiting period (--kind).
DEFAULT_KIND = {
    "benefit_timeline": "waiting_period",
    "transfer": "transfer",
    "retirement": "retirement",
    "back_payment": "lump_sum",
    "mode_change": "mode_change",
}


def main(argv: list[str]) -> int:
    try:
        case_path, out_path, kind = _parse(argv)
        raw = _read(case_path)
        notice = notice_for_case(json.loads(raw.decode("utf-8-sig")), raw, kind)
        pdf = render_notice(notice)
        _write(out_path, pdf)
    except NoticeError as e:
        return _fail(e.to_json())
    except Exception as e:  # noqa: BLE001 (RuleError, or a defect: answered in the interface's shape, never a traceback)
        from desktop_app.rules import RuleError

        if isinstance(e, RuleError):
            return _fail(e.to_json())
        return _fail({"error": {"code": "invalid_input", "message": f"无法出具通知书：{type(e).__name__}: {e}",
                                "field": None}})
    summary = {"kind": notice["kind"], "serial": notice["serial"], "path": str(out_path),
               "sha256": hashlib.sha256(pdf).hexdigest()}
    print(json.dumps(summary, ensure_ascii=False))
    return 0


def notice_for_case(case, raw: bytes, kind: str | None = None) -> dict:
    """The notice dict for a rule case: decided now, numbered by the case file's hash, dated the case's date."""
    from desktop_app.rules import decide, parse_id_number

    if not isinstance(case, dict):
        raise NoticeError("invalid_input", "案例应为 JSON 对象")
    case = dict(case)
    case.pop("expect", None)
    decision = decide(case)
    question = decision["question"]
    kind = kind or DEFAULT_KIND.get(question)
    if kind is None:
        raise NoticeError("not_applicable", f"“{question}”事项的决定不对应任何通知书"
                          "（可出具：待遇享受等待期、一次性补缴、转移接续、退休资格审核、参保模式变更）。", "question")
    related = _related(case, decision)
    person = case.get("person") if isinstance(case.get("person"), dict) else {}
    id_number = person.get("id_number")
    if id_number:  # printed on the notice, so checked even where the question does not need it
        id_number = parse_id_number(str(id_number)).number
    return {
        "kind": kind,
        "serial": "CASE-" + hashlib.sha256(raw).hexdigest()[:10],
        "issued_on": decision["date"],
        "operator": "—",
        "office_name": decision["jurisdiction_name"] + "医疗保障局",
        "jurisdiction_name": decision["jurisdiction_name"],
        "person": {"name": person.get("name"), "id_number": id_number},
        "decision": decision,
        "replaces": None,
        "demo": False,
        **related,
    }


def _related(case: dict, decision: dict) -> dict:
    """The decisions a notice prints beside the case's own, decided from the same case: this month's contribution
    (what to pay each month) and, for arrears, paying on the first of next month (the comparison)."""
    from desktop_app.rules import RuleError, decide

    out: dict = {}
    question = decision["question"]
    if question in ("benefit_timeline", "transfer", "back_payment"):
        contribution = {"question": "contribution", "jurisdiction": case["jurisdiction"], "date": case["date"],
                        **{k: case[k] for k in ("mode", "parameters") if k in case}}
        try:
            out["contribution"] = decide(contribution)
        except RuleError:  # a case without what the standard needs still prints its own decision
            pass
    if question == "back_payment":
        pay_on = decision.get("pay_on") or decision["date"]
        year, month = int(pay_on[:4]), int(pay_on[5:7])
        first_next = f"{year + month // 12:04d}-{month % 12 + 1:02d}-01"
        out["next_month"] = decide({**case, "pay_on": first_next})
    return out


def _parse(argv: list[str]) -> tuple[Path, Path, str | None]:
    args, kind = list(argv), None
    if "--kind" in args:
        i = args.index("--kind")
        if i + 1 >= len(args) or args[i + 1] not in KINDS:
            raise NoticeError("invalid_input", USAGE, "kind")
        kind = args[i + 1]
        del args[i:i + 2]
    if len(args) != 2:
        raise NoticeError("invalid_input", USAGE)
    return Path(args[0]), Path(args[1]), kind


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as e:
        raise NoticeError("invalid_input", f"无法读取案例文件：{e}") from None


def _write(path: Path, pdf: bytes) -> None:
    try:
        path.write_bytes(pdf)
    except OSError as e:
        raise NoticeError("invalid_input", f"无法写入通知书文件：{e}") from None


def _fail(error: dict) -> int:
    print(json.dumps(error, ensure_ascii=False))
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
