"""What a person who disagrees with a decision can do, and within how long: statutory, the same everywhere.

Every notice prints it; where to apply is the office's setting (its 复议机关 and court), the periods are the laws'.
"""
from __future__ import annotations

REVIEW_DAYS = 60        # 行政复议法（2023修订）第二十条：自知道或者应当知道该行政行为之日起六十日内
LITIGATION_MONTHS = 6   # 行政诉讼法第四十六条：自知道或者应当知道作出行政行为之日起六个月内
REVIEW_LAW = "《中华人民共和国行政复议法》第二十条"
LITIGATION_LAW = "《中华人民共和国行政诉讼法》第四十六条"


def remedies() -> dict:
    """{"review_days", "review_citation", "litigation_months", "litigation_citation"}."""
    return {"review_days": REVIEW_DAYS, "review_citation": REVIEW_LAW,
            "litigation_months": LITIGATION_MONTHS, "litigation_citation": LITIGATION_LAW}
