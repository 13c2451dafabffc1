"""Issuing a notice at the counter: the service numbers and archives it, this layer renders it."""
from __future__ import annotations

from datetime import date

from desktop_app.notices import NoticeError, printed_citations, render_notice
from desktop_app.services import notices as archive
from desktop_app.services.errors import InputError
from desktop_app.services.session import Session


def render(notice: dict) -> bytes:
    try:
        return render_notice(notice)
    except NoticeError as error:
        field = error.field if error.field in ("kind", "replaces") or (error.field or "").startswith("parameters.") \
            else None
        raise InputError(field, error.message) from None


def issue_notice(session: Session, person_id: int, kind: str, decision: dict | None, today: date,
                 replaces: str | None = None, decision_id: int | None = None, related: dict | None = None,
                 certificate: dict | None = None) -> archive.IssuedNotice:
    """出具通知书: rendered here, numbered and archived (PDF, sha256, inputs) by services.notices.
    related: {"next_month": …, "contribution": …} (see services.notices.issue_notice)."""
    return archive.issue_notice(session, person_id, kind, decision, today, render, replaces, decision_id, related,
                                certificate)


def issue_transfer_certificate(session: Session, person_id: int, today: date, periods: list[dict],
                               last_paid_month: str, *, mode: str | None = None, transfer_to: str = "",
                               recognized_months: int | None = None,
                               months_here: int | None = None) -> archive.IssuedNotice:
    """参保缴费凭证 for a transfer out (转出), archived like every notice. Plain data: periods
    [{"from": "YYYY-MM", "to": "YYYY-MM", "months": n}] insured here, the last paid month, and optionally the
    mode, the region he moves to and the total months recognised here (notices.transfer_out.certificate)."""
    from desktop_app.notices.transfer_out import certificate

    data = certificate(periods, last_paid_month, mode=mode, transfer_to=transfer_to,
                       recognized_months=recognized_months, months_here=months_here)
    return archive.issue_notice(session, person_id, "transfer_out", None, today, render, certificate=data)


def notice_citations(session: Session, serial: str) -> list[str]:
    """The clauses an archived notice printed; [] when its inputs no longer give a notice (nothing to link)."""
    try:
        return printed_citations(archive.notice_inputs(session, serial))
    except (NoticeError, InputError):
        return []


def rerender_notice(session: Session, serial: str) -> bytes:
    """Render an archived notice's inputs again (a check: it gives the archived bytes)."""
    return render(archive.notice_inputs(session, serial))
