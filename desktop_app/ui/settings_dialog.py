"""The administrator's settings: office jurisdiction and name, and the dated parameter table."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDialog, QHeaderView, QVBoxLayout

from desktop_app.rules import JURISDICTIONS, RuleError, parameter_catalogue
from desktop_app.services.errors import InputError
from desktop_app.services.parameters import (parameter_change_impact, parameter_coverage, parameter_rows,
                                             set_parameter, unconfirmed_parameters)
from desktop_app.services.settings import get_office, get_office_contact, set_office, set_office_contact
from desktop_app.ui.field_errors import FieldErrors
from desktop_app.ui.forms import load_form
from desktop_app.ui.labels import date_text, month_ranges_text
from desktop_app.ui.tab_base import compact_rows, from_qdate, to_qdate
from desktop_app.ui.table_model import RowsModel

DEMO_MARK = "示例"
UNITS = {"yuan_year": "元/年", "yuan": "元", "rate": "百分数（如 7%）", "ratio": "百分数（如 60%）",
         "months": "月", "years": "年", "days": "天", "month": "月份（YYYY-MM，如 2025-08）"}
COLUMNS = ("参数", "生效日期", "数值", "单位", "来源", "录入")
DEMO_BACKGROUND = QColor("#fff3c4")
MISSING_BACKGROUND = QColor("#f6c6c6")
PERCENT_UNITS = ("rate", "ratio")


def shown_value(unit: str, value: str) -> str:
    """A rate as the clerk reads it (7%、0.05%), other values as entered."""
    if unit not in PERCENT_UNITS or not value:
        return value
    try:
        percent = Decimal(value) * 100
    except InvalidOperation:
        return value
    return f"{percent.normalize():f}%"


class ParameterModel(RowsModel):
    """Every dated value with its source; demo values are marked 示例 and tinted."""

    COLUMNS = COLUMNS

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return row.label
            if column == 1:
                return date_text(row.valid_from)
            if column == 2:
                if row.origin == "missing":
                    return "（待录入）"
                value = shown_value(row.unit, row.value)
                return f"{value}（{DEMO_MARK}）" if row.demo else value
            if column == 3:
                return UNITS.get(row.unit, row.unit).split("（")[0]
            if column == 4:
                marked = row.demo and DEMO_MARK not in row.source
                return f"【{DEMO_MARK}】{row.source}" if marked else row.source
            if column == 5:
                if row.origin == "shipped":
                    return "随程序发布"
                if row.origin == "missing":
                    return "尚无数值"
                return f"本机构录入（{row.entered_by or ''} {(row.entered_at or '')[:10]}）"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{row.label}（{row.name}）\n来源：{row.source}"
        if role == Qt.ItemDataRole.BackgroundRole and row.origin == "missing":
            return MISSING_BACKGROUND
        if role == Qt.ItemDataRole.BackgroundRole and row.demo:
            return DEMO_BACKGROUND
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class SettingsDialog(QDialog):
    def __init__(self, session, clock=date.today, parent=None):
        super().__init__(parent)
        self.setWindowTitle("设置：经办机构与政策参数")
        QVBoxLayout(self).setContentsMargins(4, 4, 4, 4)
        self.ui = load_form("settings_dialog.ui", self)
        self.session = session
        self.clock = clock
        self.errors = FieldErrors(self.ui, {"name": "parameter"})
        self.model = ParameterModel(self)
        self.ui.parameter_view.setModel(self.model)
        compact_rows(self.ui.parameter_view)
        header = self.ui.parameter_view.horizontalHeader()
        for column in range(len(COLUMNS) - 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.ResizeToContents)

        office = get_office(session)
        for key, jurisdiction in JURISDICTIONS.items():
            self.ui.jurisdiction_combo.addItem(f"{jurisdiction.name}（{jurisdiction.document}）", key)
        if office.jurisdiction in JURISDICTIONS:
            self.ui.jurisdiction_combo.setCurrentIndex(self.ui.jurisdiction_combo.findData(office.jurisdiction))
        else:
            self.ui.jurisdiction_combo.setCurrentIndex(-1)
        self.ui.office_name_edit.setText(office.name or "")

        self.ui.jurisdiction_combo.currentIndexChanged.connect(self._load_jurisdiction)
        self.ui.parameter_combo.currentIndexChanged.connect(self._show_unit)
        self.ui.parameter_view.selectionModel().currentRowChanged.connect(self._pick_row)
        self.ui.office_save_button.clicked.connect(self.save_office)
        self.ui.office_name_edit.returnPressed.connect(self.save_office)
        self.ui.add_parameter_button.clicked.connect(self.add_parameter)
        self.ui.value_edit.returnPressed.connect(self.add_parameter)
        self.ui.source_edit.returnPressed.connect(self.add_parameter)
        self.ui.close_button.clicked.connect(self.accept)
        self._setup_notice_info()
        self._load_jurisdiction()
        self.resize(1100, 680)

    def jurisdiction(self) -> str | None:
        return self.ui.jurisdiction_combo.currentData()

    def _load_jurisdiction(self) -> None:
        key = self.jurisdiction()
        combo = self.ui.parameter_combo
        combo.blockSignals(True)
        combo.clear()
        if key:
            jurisdiction = JURISDICTIONS[key]
            self.ui.document_label.setText(
                f"适用文件：{jurisdiction.document}，自 {date_text(jurisdiction.in_force)} 起施行。")
            for info in parameter_catalogue(key):
                combo.addItem(info.label, info.name)
        else:
            self.ui.document_label.setText("请选择本机构所属的统筹地区，并保存机构设置。")
        combo.blockSignals(False)
        self._show_unit()
        self.refresh_parameters()

    def refresh_parameters(self) -> None:
        key = self.jurisdiction()
        try:
            rows = parameter_rows(self.session, key) if key else []
        except InputError as error:
            self.errors.show(error)
            rows = []
        self.model.set_rows(rows)

    def _show_unit(self) -> None:
        key, name = self.jurisdiction(), self.ui.parameter_combo.currentData()
        if not key or not name:
            self.ui.unit_label.setText("")
            return
        info = next((p for p in parameter_catalogue(key) if p.name == name), None)
        if info is None:
            return
        description = getattr(info, "description", "") or ""
        cover = self._coverage(key, name)
        gaps = f"尚无数值的月份：{month_ranges_text(cover.uncovered)}。" if cover and cover.uncovered else ""
        self.ui.unit_label.setText(f"单位：{UNITS.get(info.unit, info.unit)}。{description}　{gaps}".strip())
        if cover is not None:  # the start of the period the office needs a value for (services/rules decide it)
            self.ui.valid_from_edit.setDate(to_qdate(cover.suggested_from))

    def _coverage(self, key: str, name: str):
        try:
            return parameter_coverage(self.session, name, self.clock(), key)
        except (InputError, RuleError):
            return None

    def _pick_row(self, current, _previous) -> None:
        """Selecting a row prepares a new value for the same parameter."""
        if not current.isValid():
            return
        row = self.model.rows[current.row()]
        index = self.ui.parameter_combo.findData(row.name)
        if index >= 0:
            self.ui.parameter_combo.setCurrentIndex(index)

    def save_office(self) -> None:
        self.errors.clear()
        key = self.jurisdiction()
        try:
            set_office(self.session, key or "", self.ui.office_name_edit.text())
        except InputError as error:
            self.errors.show(error)
            return
        self.ui.parameter_result_label.setText("")
        self.ui.document_label.setText(self.ui.document_label.text() + "　已保存机构设置。")

    def add_parameter(self) -> None:
        self.errors.clear()
        self.ui.parameter_result_label.setText("")
        key, name = self.jurisdiction(), self.ui.parameter_combo.currentData()
        if not key:
            self.errors.set("jurisdiction", "请先选择统筹地区")
            return
        if not name:
            self.errors.set("parameter", "请选择参数")
            return
        valid_from = from_qdate(self.ui.valid_from_edit.date())
        text = self.ui.value_edit.text().strip()
        unit = next((p.unit for p in parameter_catalogue(key) if p.name == name), "")
        if unit in PERCENT_UNITS and text and not text.endswith(("%", "％")):
            text += "%"   # a rate is typed as a percentage: 7 means 7%
        try:
            row = set_parameter(self.session, name, valid_from, text,
                                self.ui.source_edit.text(), self.clock(), jurisdiction=key)
        except InputError as error:
            self.errors.show(error)
            return
        except RuleError as error:  # a refusal the service did not convert: still shown at the field
            self.errors.set("value", error.message)
            return
        self.refresh_parameters()
        self.ui.value_edit.clear()
        used = parameter_change_impact(self.session, name, valid_from, key)
        kept = f"已保存的 {used} 项决定使用过此参数，仍按原值保留。" if used else "已保存的决定不变。"
        cover = self._coverage(key, name)
        if cover is not None and cover.uncovered:
            gaps = (f"仍缺少数值的月份：{month_ranges_text(cover.uncovered)}；涉及这些月份的业务（如补缴）"
                    "在录入相应数值之前无法办理。")
        else:
            gaps = f"自 {date_text(cover.needed_from)} 起至本月均已有数值。" if cover is not None else ""
        self.ui.parameter_result_label.setText(
            f"已新增：{row.label} = {shown_value(row.unit, row.value)}，自 {date_text(row.valid_from)} 起用于新的决定；{kept}{gaps}")
        self.ui.parameter_result_label.setStyleSheet("color: #8a5300;" if gaps.startswith("仍缺少") else "color: #1b5e20;")
        self._show_unit()  # the next period still without a value, and the date it starts

    # -- 告知书信息: address, 咨询电话, channels, where to appeal; values that wait for the office's confirmation --
    def _setup_notice_info(self) -> None:
        contact = get_office_contact(self.session)
        self.ui.office_address_edit.setText(contact.address)
        self.ui.office_phone_edit.setText(contact.phone)
        self.ui.office_review_body_edit.setText(contact.review_body)
        self.ui.office_court_edit.setText(contact.court)
        self.ui.office_channels_edit.setPlainText("\n".join(contact.channels))
        self.ui.notice_info_save_button.clicked.connect(self.save_notice_info)
        self.ui.jurisdiction_combo.currentIndexChanged.connect(self._show_pending)
        self.ui.add_parameter_button.clicked.connect(self._show_pending)  # after the value is added
        self._show_pending()

    def _show_pending(self) -> None:
        key = self.jurisdiction()
        pending = unconfirmed_parameters(self.session, key) if key else []
        if pending:
            self.ui.notice_info_label.setText(
                "待本机构确认：" + "；".join(f"{p.label} {p.value}（自{date_text(p.valid_from)}起）" for p in pending)
                + "。在下方参数表中录入本机构确认的数值后，才能出具依据它的告知书。")
            self.ui.notice_info_label.setToolTip("\n".join(p.confirm for p in pending))
            self.ui.notice_info_label.setStyleSheet("color: #8a4b00;")
        else:
            self.ui.notice_info_label.setText("")

    def save_notice_info(self) -> None:
        self.errors.clear()
        ui = self.ui
        try:
            contact = set_office_contact(self.session, ui.office_address_edit.text(), ui.office_phone_edit.text(),
                                         ui.office_channels_edit.toPlainText(), ui.office_review_body_edit.text(),
                                         ui.office_court_edit.text())
        except InputError as error:
            self.errors.show(error)
            return
        missing = contact.missing()
        text = "已保存告知书信息。" + (f"尚未填写：{'、'.join(missing)}。" if missing else "")
        ui.notice_info_label.setText(text)
        ui.notice_info_label.setStyleSheet("color: #1b5e20;" if not missing else "color: #8a4b00;")
