"""The title printed on each kind of notice: lists and dialogs name them without loading reportlab."""

TITLES = {
    "waiting_period": "待遇享受等待期告知书",
    "lump_sum": "一次性补缴（趸缴）通知书",
    "transfer": "医保关系转移接续结果告知书",
    "retirement": "退休资格审核结果告知书",
}
