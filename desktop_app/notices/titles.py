"""The title printed on each kind of notice: lists and dialogs name them without loading reportlab.

一次性补缴 is what arrears and a transfer gap call for; 一次性缴费（趸缴） is the documents' word only for the
years missing at retirement (信医保办〔2023〕46号 第十二条, 苏医保发〔2021〕61号 二)."""

TITLES = {
    "waiting_period": "待遇享受等待期告知书",
    "lump_sum": "一次性补缴通知书",
    "retirement_lump_sum": "一次性缴费（趸缴）通知书",
    "transfer": "医保关系转移接续结果告知书",
    "retirement": "退休资格审核结果告知书",
    "mode_change": "参保模式变更补缴差额通知书",
    "transfer_out": "参保缴费凭证",
    "payment_reminder": "职工医保缴费提醒",
    "arrears_demand": "职工医保费催缴通知书",
}
