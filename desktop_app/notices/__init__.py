"""Printed notices as deterministic A4 PDFs (reportlab, bundled WenQuanYi Micro Hei embedded)."""

from datetime import date

from .errors import NoticeError
from .titles import TITLES

__all__ = ["KINDS", "TITLES", "NoticeError", "printed_citations", "render_notice"]


def __getattr__(name: str):
    # reportlab takes a sixth of the application's start-up to import: it loads with the first notice (issue 7).
    if name == "KINDS":
        from . import lump_sum, retirement, transfer, waiting_period

        kinds = {
            "waiting_period": waiting_period.content,
            "lump_sum": lump_sum.content,
            "transfer": transfer.content,
            "retirement": retirement.content,
        }
        globals()["KINDS"] = kinds
        return kinds
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def render_notice(notice: dict) -> bytes:
    """The PDF of one notice. Same notice dict, same bytes (reprints are identical).

    Raises NoticeError: not_applicable (the decision does not call for this kind), invalid_input,
    missing_glyph (a character the bundled font cannot print)."""
    from . import layout

    _check(notice)
    return layout.render(notice, __getattr__("KINDS")[notice["kind"]](notice))


def printed_citations(notice: dict) -> list[str]:
    """The citations the notice prints under 适用条款 (the preview shows them as links to the texts)."""
    from . import basis

    _check(notice)
    content = __getattr__("KINDS")[notice["kind"]](notice)
    return basis.citations(notice["decision"], content.citations)


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
    if not isinstance(notice.get("decision"), dict):
        raise NoticeError("invalid_input", "通知书缺少规则决定。", "decision")
