"""Sentences built from the parameters in force, for the decisions and the notices that print them: what a
missed month means here. Built, not written out, so that an office's own values never contradict the text."""
from __future__ import annotations

from .context import Context


def _limit_text(ctx: Context) -> str | None:
    name = "arrears_limit_days" if ctx.j.limit_in_days else "arrears_limit_months"
    value = ctx.opt(name)
    if value is None:
        return None
    return f"{int(value)}天（含）" if ctx.j.limit_in_days else f"{int(value)}个月（含）"


def missed_payment_note(ctx: Context) -> dict:
    """What happens when a month is not paid in time, from the parameters in force on the decision's date:
    {"text", "citations"}. Its clauses travel with the sentence, not in the decision's own citations (a transfer
    is decided by the transfer clause even though the sentence quotes the arrears clause)."""
    j = ctx.j
    parts = []
    stop = ctx.opt("suspend_after_months")
    if stop is None:
        parts.append("文件未规定欠费后停止享受待遇的时点，按统筹地区规定执行")
    elif int(stop) == 1:
        parts.append("未按时足额缴费的，次月停止享受职工医保待遇")
    else:
        parts.append(f"未按时足额缴费的，自欠缴费用的第{int(stop) + 1}个月起停止享受职工医保待遇")
    limit = _limit_text(ctx)
    if limit is not None:
        if j.heal_needs_back_pay:
            fee = "和滞纳金" if j.late_fee else ""
            after = "缴费当月即享受待遇，欠费期间的待遇可追溯享受" if j.retro_on_back_pay else "自补缴当月起恢复享受待遇"
            parts.append(f"中断{limit}以内补缴欠费{fee}的，{after}")
        else:
            parts.append(f"中断{limit}以内恢复正常缴费的，恢复缴费后发生的医疗费用按规定报销")
        lapse = ctx.opt("waiting_months_after_lapse")
        if lapse is not None and int(lapse) > 0:
            parts.append(f"中断超过{limit}后重新缴费的，设置{int(lapse)}个月待遇享受等待期")
        elif lapse is not None:
            parts.append(f"中断超过{limit}后重新缴费的，不设待遇享受等待期")
    citations = []
    for topic in ("unpaid", "back_pay", "lapse"):
        if j.has(topic) and j.cite(topic) not in citations:
            citations.append(j.cite(topic))
    return {"text": "；".join(parts) + "。", "citations": citations}
