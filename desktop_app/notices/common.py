"""What every kind of notice needs from the rule module: the jurisdiction's notes, channels and wording."""

from .errors import NoticeError


def jurisdiction(decision: dict):
    """JURISDICTIONS[key] of the decision: payment_channels, missed_payment_note and their citations."""
    from desktop_app.rules import JURISDICTIONS

    key = decision.get("jurisdiction")
    if key not in JURISDICTIONS:
        raise NoticeError("invalid_input", f"决定中的统筹地区无法识别：{key}", "decision.jurisdiction")
    return JURISDICTIONS[key]


def document(decision: dict) -> str:
    return decision.get("document") or jurisdiction(decision).document


def according_to(decision: dict) -> str:
    """'根据信医保办〔2023〕46号的规定' — the opening of each notice's reasoning."""
    return f"根据{document(decision)}的规定"


def channels_sentence(decision: dict) -> tuple[str, list[str]]:
    """How to pay, in the jurisdiction's own words, and the clause that names the channels."""
    j = jurisdiction(decision)
    channels = "、".join(j.payment_channels)
    sentence = f"请通过以下渠道向税务部门缴纳：{channels}。" if channels else ""
    citation = [j.payment_channels_citation] if getattr(j, "payment_channels_citation", "") else []
    return sentence, citation


def missed_payment(decision: dict) -> tuple[str, list[str]]:
    """What a missed month means, as the rule module built it from the parameters in force for this decision."""
    note = decision.get("missed_payment_note") or {}
    return (note.get("text") or "").strip(), list(note.get("citations") or [])


def not_applicable(message: str) -> NoticeError:
    return NoticeError("not_applicable", message, "decision")


def need(decision: dict, *keys: str):
    """The decision's values for keys, or NoticeError naming the first one missing."""
    out = []
    for key in keys:
        if decision.get(key) is None:
            raise NoticeError("invalid_input", f"决定中缺少“{key}”，无法出具通知书。", f"decision.{key}")
        out.append(decision[key])
    return out if len(out) > 1 else out[0]
