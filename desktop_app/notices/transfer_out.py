"""参保缴费凭证 for a transfer out (转出): what the next region needs — the person, the periods insured here, the
months paid here, the last paid month, the office. A certificate of record: no rule decision, no 计算依据 page.

The counter action builds the notice with `certificate_notice(...)` from plain data and issues it through
services.notices.issue_notice(kind="transfer_out", certificate=...); `content` is what the renderer calls.
"""

from . import fmt
from .errors import NoticeError
from .layout import Content
from .titles import TITLES

TITLE = TITLES["transfer_out"]
_MODE = {"with_account": "统账结合", "pooling_only": "单建统筹"}


def certificate(periods: list[dict], last_paid_month: str, *, scheme: str = "职工基本医疗保险",
                mode: str | None = None, transfer_to: str = "", recognized_months: int | None = None,
                months_here: int | None = None) -> dict:
    """The plain data the certificate prints (what notice["certificate"] holds):
    periods: [{"from": "YYYY-MM", "to": "YYYY-MM", "months": n}] — the insured periods here, each with the months
    paid in it; last_paid_month "YYYY-MM"; mode (with_account | pooling_only) where the person had one;
    transfer_to: the region he moves to, when known; recognized_months: total years recognised here, months
    brought in by earlier transfers included (None: not printed); months_here: the months paid here, the rule
    module's transfer_out total (it must agree with the periods)."""
    data = {"scheme": scheme, "periods": [dict(p) for p in periods], "last_paid_month": last_paid_month,
            "mode": mode, "transfer_to": transfer_to, "recognized_months": recognized_months}
    if months_here is not None:
        data["months_here"] = months_here
    return data


def _check(cert: dict) -> list[dict]:
    periods = cert.get("periods")
    if not isinstance(periods, list) or not periods:
        raise NoticeError("invalid_input", "参保缴费凭证须列明在本地的参保期间。", "certificate.periods")
    for i, p in enumerate(periods):
        try:
            first, last, months = p["from"], p["to"], int(p["months"])
            if fmt.month_index(first) > fmt.month_index(last) or not 0 <= months <= fmt.months_between(first, last):
                raise ValueError
        except (KeyError, TypeError, ValueError):
            raise NoticeError("invalid_input", f"参保期间第{i + 1}段不正确（起止月份、缴费月数）。",
                              f"certificate.periods[{i}]") from None
    if not cert.get("last_paid_month"):
        raise NoticeError("invalid_input", "参保缴费凭证须写明最后缴费月份。", "certificate.last_paid_month")
    total = cert.get("months_here")
    if total is not None and total != sum(int(p["months"]) for p in periods):
        raise NoticeError("invalid_input", "参保缴费凭证的缴费月数合计与各期间的缴费月数之和不一致。",
                          "certificate.months_here")
    return periods


def content(notice: dict) -> Content:
    cert = notice["certificate"]
    periods = _check(cert)
    # the rule module's total; a certificate archived before it was passed shows its periods' sum (a reprint
    # gives the same bytes)
    paid = cert["months_here"] if cert.get("months_here") is not None else sum(int(p["months"]) for p in periods)
    place = notice["jurisdiction_name"]
    scheme = cert.get("scheme") or "职工基本医疗保险"
    key = [f"在{place}参加{scheme}并缴费{fmt.years_months(paid)}，最后缴费月份为{fmt.month(cert['last_paid_month'])}。"]
    if cert.get("recognized_months") is not None:
        key.append(f"本地累计认定缴费年限（含此前转入）：{fmt.years_months(cert['recognized_months'])}。")
    figures = [("参保险种", scheme)]
    if cert.get("mode"):
        figures.append(("参保模式", _MODE.get(cert["mode"], str(cert["mode"]))))
    for i, p in enumerate(periods, 1):
        label = "参保缴费期间" if len(periods) == 1 else f"参保缴费期间（{i}）"
        figures.append((label, f"{fmt.month(p['from'])}至{fmt.month(p['to'])}，缴费{fmt.month_count(p['months'])}"))
    figures += [("在本地缴费月数合计", fmt.years_months(paid)),
                ("最后缴费月份", fmt.month(cert["last_paid_month"]))]
    if cert.get("recognized_months") is not None:
        figures.append(("累计认定缴费年限", fmt.years_months(cert["recognized_months"])))
    if cert.get("transfer_to"):
        figures.append(("转往地区", str(cert["transfer_to"])))
    figures.append(("出具机构", notice["office_name"]))
    paragraphs = [f"兹证明上述人员在{place}参加{scheme}的参保缴费情况如下，供办理医保关系转移接续使用。"]
    closing = ["请持本凭证到转入地医疗保障经办机构办理转移接续手续；转入地可凭本凭证及其编号向本机构核实。"]
    return Content(TITLE, paragraphs, figures, closing, key_facts=key, basis=False)
