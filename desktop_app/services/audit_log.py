"""The audit log for the administrator's screen: verify the chain, list the latest entries with labels."""

from __future__ import annotations

from desktop_app.services.permissions import require
from desktop_app.services.session import Session
from desktop_app.store import audit


def verify_chain(session: Session) -> audit.ChainCheck:
    """Same check as `python -m desktop_app.audit verify DATABASE`. 管理员 only."""
    require(session, "admin")
    return audit.verify(session.db)


def audit_entries(session: Session, limit: int = 200) -> list[dict]:
    """Newest first, each with `label`: the action in Chinese. 管理员 only."""
    require(session, "admin")
    rows = audit.entries(session.db, limit)
    for row in rows:
        row["label"] = audit.ACTION_LABELS.get(row["action"], row["action"])
    return rows
