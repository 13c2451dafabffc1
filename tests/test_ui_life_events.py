"""The rest of a person's life reached from the window (issue 13): 停保/恢复/终止, 参保方式变更, 转出 and the
transfer history, 原参保地 by province."""

from datetime import date

from PySide6.QtCore import QDate

from ui_fixtures import ZHANG, click, enrol, type_into, ui_session, window  # noqa: F401

DEC6 = date(2026, 12, 6)


def at_dec6(window):
    window.clock = lambda: DEC6
    for tab in window.tabs:
        tab.clock = lambda: DEC6


def paid_person(qtbot, window, ui_session, mode="with_account"):
    from desktop_app.services.payments import record_payment

    at_dec6(window)
    pid = enrol(qtbot, window, ZHANG, "张伟", date(2026, 6, 1))
    if mode != "with_account":
        ui_session.db.execute("UPDATE people SET mode = ? WHERE id = ?", [mode, pid])
    record_payment(ui_session, pid, [date(2026, m, 1) for m in range(6, 12)], date(2026, 6, 10), "R2026", DEC6,
                   confirm_past_limit=True)
    window.set_person(None)
    window.set_person(pid)
    return pid


def test_a_stop_is_reached_from_the_person_menu_and_the_ledger_follows(qtbot, window, ui_session):
    pid = paid_person(qtbot, window, ui_session)
    record_december(ui_session, pid)
    dialog = window.change_status()
    qtbot.addWidget(dialog)
    ui = dialog.ui
    assert ui.status_combo.currentData() == "stopped"
    assert ui.valid_from_edit.date() == QDate(2027, 1, 1)
    type_into(qtbot, ui.reason_edit, "本人申请暂停")
    click(qtbot, ui.save_button)
    assert "已办理停保，自2027年1月起" in ui.result_label.text()
    assert "暂停参保" in dialog.ui.person_label.text()
    # the window shows the new status at once
    assert "参保状态：暂停参保" in window.payments_tab.ui.summary_label.text()


def record_december(session, pid):
    from desktop_app.services.payments import record_payment
    record_payment(session, pid, [date(2026, 12, 1)], DEC6, "R202612", DEC6)


def test_a_mode_change_shows_the_difference_and_records_it(qtbot, window, ui_session):
    pid = paid_person(qtbot, window, ui_session, mode="pooling_only")
    ui_session.db.execute("UPDATE ledger SET mode = 'pooling_only' WHERE person_id = ?", [pid])
    window.set_person(None)
    window.set_person(pid)
    assert window.mode_action.isEnabled()
    dialog = window.change_mode()
    qtbot.addWidget(dialog)
    ui = dialog.ui
    assert "6个月单建统筹期间的差额" in ui.quote_label.text() and "= 780.00元" in ui.quote_label.text()
    click(qtbot, ui.save_button)
    assert "请填写票据号" in ui.receipt_no_error.text() or "票据号" in ui.receipt_no_error.text()
    type_into(qtbot, ui.receipt_no_edit, "RDIFF")
    click(qtbot, ui.save_button)
    assert "已变更为统账结合" in ui.result_label.text()
    notice = dialog.print_notice()
    assert notice is not None
    notice.close()


def test_transfer_out_from_the_transfer_tab_and_the_history(qtbot, window, ui_session):
    paid_person(qtbot, window, ui_session)
    tab = window.transfer_tab
    window.ui.tab_widget.setCurrentWidget(tab)
    dialog = tab.ask_transfer_out()
    qtbot.addWidget(dialog)
    click(qtbot, dialog.ui.save_button)
    assert dialog.ui.to_province_error.text() == "请选择转入地所在省份"
    dialog.ui.to_province_combo.setCurrentIndex(dialog.ui.to_province_combo.findData("安徽省"))
    type_into(qtbot, dialog.ui.to_region_edit, "合肥市")
    click(qtbot, dialog.ui.save_button)
    assert "已办理转出：本地缴费6个月" in dialog.ui.result_label.text()
    model = tab.history_model
    assert model.rowCount() == 1 and model.item(0, 0).text() == "转出" and "合肥市" in model.item(0, 1).text()
    assert tab.ui.certificate_button.isEnabled()
    preview = tab.print_certificate()
    assert preview is not None and preview.page_count() == 1
    from notice_samples.poppler import poppler
    text = poppler("pdftotext", preview.pdf)
    assert "参保缴费凭证" in text and "安徽省合肥市" in text and "2026年6月" in text and "2026年11月" in text
    preview.close()


def test_the_province_decides_in_province(qtbot, window, ui_session):
    at_dec6(window)
    enrol(qtbot, window, ZHANG, "张伟", date(2026, 12, 1))
    tab = window.transfer_tab
    window.ui.tab_widget.setCurrentWidget(tab)
    combo = tab.ui.previous_province_combo
    combo.setCurrentIndex(combo.findData("河南省"))
    assert tab.ui.in_province_label.text().startswith("本省")
    combo.setCurrentIndex(combo.findData("安徽省"))
    assert tab.ui.in_province_label.text() == "外省"
    type_into(qtbot, tab.ui.previous_region_edit, "河南省郑州市")
    click(qtbot, tab.ui.decide_button)
    assert "属于河南省" in tab.ui.previous_region_error.text()
