"""Printed notices as deterministic A4 PDFs (reportlab, bundled fonts embedded)."""

from datetime import date

from .errors import NoticeError
from .titles import TITLES

__all__ = ["KINDS", "TITLES", "NoticeError", "printed_citations", "render_notice", "render_notices"]


def __getattr__(name: str):
    # reportlab takes a sixth of the application's start-up to import: it loads with the first notice (issue 7).
    if name == "KINDS":
        from . import lump_sum, mode_change, reminder, retirement, transfer, transfer_out, waiting_period

        kinds = {
            "waiting_period": waiting_period.content,
            "lump_sum": lump_sum.content,
            "retirement_lump_sum": lump_sum.retirement_content,
            "transfer": transfer.content,
            "retirement": retirement.content,
            "mode_change": mode_change.content,
            "transfer_out": transfer_out.content,
            "payment_reminder": reminder.reminder_content,
            "arrears_demand": reminder.demand_content,
        }
        globals()["KINDS"] = kinds
        return kinds
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def render_notice(notice: dict) -> bytes:
    """The PDF of one notice. Same notice dict, same bytes (reprints are identical).

    Raises NoticeError: not_applicable (the decision does not call for this kind), invalid_input,
    unconfirmed_parameter (a shipped value the office has not confirmed; a 示例 notice may use it),
    missing_glyph (a character no bundled font can print)."""
    from . import layout

    _check(notice)
    content = __getattr__("KINDS")[notice["kind"]](notice)
    _check_confirmed(notice, content)
    return layout.render(notice, content)


def render_notices(notices, title: str, pages: dict | None = None) -> bytes:
    """One PDF of many notices to print at once, each laid out as its own archived PDF (a batch of reminders);
    `notices` may be a generator: it is read once, as the pages are made."""
    from . import layout

    def items():
        for notice in notices:
            _check(notice)
            content = __getattr__("KINDS")[notice["kind"]](notice)
            _check_confirmed(notice, content)
            yield notice, content

    return layout.render_many(items(), title, pages)


def printed_citations(notice: dict) -> list[str]:
    """The citations the notice prints under 适用条款 (the preview shows them as links to the texts)."""
    from . import basis

    _check(notice)
    content = __getattr__("KINDS")[notice["kind"]](notice)
    if not content.basis:
        return list(content.citations)
    return basis.citations([notice["decision"], *content.decisions], content.citations)


def _check_confirmed(notice: dict, content) -> None:
    from . import basis, layout

    if not content.basis or layout.is_demo(notice):
        return
    used = basis.used_parameters([notice["decision"], *content.decisions], content.skip_parameters)
    pending = [p for p in used if p.get("unconfirmed")]
    if pending:
        names = "、".join(f"“{p.get('label') or p['name']}”" for p in pending)
        raise NoticeError("unconfirmed_parameter",
                          f"{names}是随程序发布的暂定值，尚未经本机构确认，不能据此出具通知书。请管理员在“设置 → 政策参数”中"
                          f"录入本机构确认的数值（与暂定值相同也须录入）后再出具。", f"parameters.{pending[0]['name']}")


def _check(notice: dict) -> None:
    if notice.get("kind") not in TITLES:
        raise NoticeError("invalid_input", f"未知的通知书类型：{notice.get('kind')}", "kind")
    for key in ("serial", "office_name", "jurisdiction_name"):
        if not str(notice.get(key) or "").strip():
            raise NoticeError("invalid_input", f"通知书缺少“{key}”。", key)
    try:
        date.fromisoformat(str(notice.get("issued_on")))
    except ValueError:
        raise NoticeError("invalid_input", "通知书日期应为 YYYY-MM-DD。", "issued_on") from None
    if notice["kind"] == "transfer_out":
        if not isinstance(notice.get("certificate"), dict):
            raise NoticeError("invalid_input", "参保缴费凭证缺少参保缴费记录。", "certificate")
        return
    if not isinstance(notice.get("decision"), dict):
        raise NoticeError("invalid_input", "通知书缺少规则决定。", "decision")
