"""python -m desktop_app.rules CASE.json: print the decision (exit 0) or the refusal (exit 1) as JSON."""
import json
import sys

from . import RuleError, decide


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(json.dumps({"error": {"code": "invalid_input", "message": "用法：python -m desktop_app.rules CASE.json",
                                    "field": None}}, ensure_ascii=False))
        return 1
    try:
        with open(argv[0], encoding="utf-8-sig") as f:
            case = json.load(f)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as e:
        print(json.dumps({"error": {"code": "invalid_input", "message": f"无法读取案例文件：{e}", "field": None}},
                         ensure_ascii=False))
        return 1
    if isinstance(case, dict):
        case.pop("expect", None)
    try:
        out = decide(case)
    except RuleError as e:
        out, code = e.to_json(), 1
    except Exception as e:  # noqa: BLE001 (never a traceback: a defect still answers in the interface's shape)
        out, code = {"error": {"code": "invalid_input", "message": f"无法办理：{type(e).__name__}: {e}",
                               "field": None}}, 1
    else:
        code = 0
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return code


if __name__ == "__main__":
    from desktop_app.console import utf8_console

    utf8_console()
    sys.exit(main(sys.argv[1:]))
