"""The payment ledger as a Qt table model: one row per month, the benefit state colour-coded."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from desktop_app.ui.labels import SOURCES, STATE_COLOURS, STATES, date_text, month_text
from desktop_app.ui.table_model import RowsModel

# 缴费日期 says 未缴 (in red) for a month not paid: one column fewer, so the table fits a 1024-pixel screen
COLUMNS = ("月份", "缴费日期", "金额", "滞纳金", "票据号", "来源", "待遇状态")
STATE_COLUMN = 6
RECEIPT_COLUMN = 4
UNPAID_COLOUR = QColor("#b3261e")
UNPAID_BRUSH = QBrush(UNPAID_COLOUR)
STATE_BRUSHES = {state: QBrush(QColor(colour)) for state, colour in STATE_COLOURS.items()}
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
DISPLAY, BACKGROUND, FOREGROUND, ALIGNMENT, TOOLTIP, USER = (
    int(r) for r in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole,
                     Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.UserRole))
ROLES = frozenset((DISPLAY, BACKGROUND, FOREGROUND, ALIGNMENT, TOOLTIP, USER))


class LedgerModel(RowsModel):
    """Rows: services.payments.LedgerMonth, the prior (transferred) months first."""

    COLUMNS = COLUMNS
    KEY = "month"

    def __init__(self, parent=None):
        super().__init__(parent)
        self._texts: list[tuple | None] = []

    def set_ledger(self, ledger) -> None:
        self.set_rows([] if ledger is None else list(ledger.prior) + list(ledger.months))

    def set_rows(self, rows) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self._texts = [None] * len(self.rows)
        self.endResetModel()

    def month_at(self, row: int):
        return self.rows[row]

    def data(self, index, role=DISPLAY):
        # Called for every role of every visible cell on each repaint (about a thousand calls for one
        # person): roles the model does not answer return first, and a row's texts are made once (issue 7).
        if role not in ROLES:
            return None
        row = index.row()
        if not 0 <= row < len(self.rows):
            return None
        column = index.column()
        if role == DISPLAY:
            texts = self._texts[row]
            if texts is None:
                texts = self._texts[row] = tuple(self._text(self.rows[row], c) for c in range(len(COLUMNS)))
            return texts[column]
        entry = self.rows[row]
        if role == BACKGROUND:
            return STATE_BRUSHES.get(entry.state) if column == STATE_COLUMN else None
        if role == FOREGROUND:
            return UNPAID_BRUSH if column == 1 and not entry.paid else None
        if role == ALIGNMENT:
            return RIGHT if column in (2, 3) else None
        if role == TOOLTIP:
            if not entry.paid:
                return None
            if column == RECEIPT_COLUMN and entry.receipt_no:
                return f"票据号：{entry.receipt_no}"
            who = getattr(entry, "operator", None)
            at = getattr(entry, "recorded_at", None)
            return f"登记人：{who or '—'}　登记时间：{at or '—'}" if (who or at) else None
        return entry.state  # UserRole

    @staticmethod
    def _text(entry, column: int) -> str:
        if column == 0:
            return month_text(entry.month)
        if column == 1:
            return (date_text(entry.paid_on) if entry.paid_on else "已缴") if entry.paid else "未缴"
        if column == 2:
            return f"{entry.amount:,.2f}" if entry.amount is not None else ""
        if column == 3:   # the late fee paid with the month (issue 13: recorded, not only quoted)
            fee = getattr(entry, "late_fee", None)
            return f"{fee:,.2f}" if fee else ""
        if column == 4:
            return entry.receipt_no or ""
        if column == 5:
            return SOURCES.get(entry.source, entry.source or "")
        text = STATES.get(entry.state, entry.state)
        return text + ("（享受待遇）" if entry.benefits and entry.state not in ("active",) else "")
