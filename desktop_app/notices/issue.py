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
        raise InputError(error.field if error.field in ("kind", "replaces") else None, error.message) from None


def issue_notice(session: Session, person_id: int, kind: str, decision: dict, today: date,
                 replaces: str | None = None, decision_id: int | None = None) -> archive.IssuedNotice:
    """出具通知书: rendered here, numbered and archived (PDF, sha256, inputs) by services.notices."""
    return archive.issue_notice(session, person_id, kind, decision, today, render, replaces, decision_id)


def notice_citations(session: Session, serial: str) -> list[str]:
    """The clauses an archived notice printed; [] when its inputs no longer give a notice (nothing to link)."""
    try:
        return printed_citations(archive.notice_inputs(session, serial))
    except (NoticeError, InputError):
        return []


def rerender_notice(session: Session, serial: str) -> bytes:
    """Render an archived notice's inputs again (a check: it gives the archived bytes)."""
    return render(archive.notice_inputs(session, serial))
