"""A counter's window on the office's server (issue 17): the status bar names the server and its database, the
administrator points the PC at a server in 设置 → 数据库服务器, and a server that cannot be reached at start is
said so with 重试, never a silent switch to a file on this PC."""

from __future__ import annotations

import json

import pytest

from desktop_app.services import server_login
from tests.pg_server import PgServer
from ui_fixtures import click, type_into, ui_session, window  # noqa: F401


@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
def test_the_status_bar_names_the_server_and_the_about_box_says_where_the_data_is(engine, window, pg_server):
    status = window.data_status.text()
    assert status.startswith(f"数据库：服务器 127.0.0.1:{pg_server.port}/t")
    assert "flexins-test" not in status + window.data_status.toolTip()      # never the password
    window.grab().save(str(window.session.path.parent / "server-window.png"))


@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
def test_the_administrator_points_this_pc_at_a_server_after_a_test_connection(engine, qtbot, ui_session, pg_server,
                                                                               tmp_path):
    from desktop_app.ui.server_dialog import ServerDialog

    dialog = ServerDialog(ui_session)
    qtbot.addWidget(dialog)
    dialog.show()
    type_into(qtbot, dialog.url_edit, "postgresql://192.168.1.10/flexins")
    click(qtbot, dialog.save_button)
    assert "用户名" in dialog.url_error.text()
    address = f"postgresql://postgres@127.0.0.1:{pg_server.port}/postgres"
    type_into(qtbot, dialog.url_edit, address)
    type_into(qtbot, dialog.password_edit, pg_server.password)
    click(qtbot, dialog.save_button)
    assert "连接成功" in dialog.result_label.text() and "已保存" in dialog.result_label.text()
    assert server_login.chosen_source() == address
    assert json.loads((tmp_path / "data_source.json").read_text("utf-8")) == {"url": address}
    assert pg_server.password not in (tmp_path / "server_logins.json").read_text("utf-8")
    dialog.grab().save(str(tmp_path / "server-dialog.png"))
    click(qtbot, dialog.local_button)
    assert server_login.chosen_source() is None


def test_a_server_that_cannot_be_reached_at_start_asks_to_retry_and_never_opens_a_local_file(qapp, tmp_path,
                                                                                              monkeypatch):
    from desktop_app.services.session import DATA_DIR_ENV
    from desktop_app.ui.startup import open_server

    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))
    server = PgServer().start()
    url = server.create_database("office")
    address = server_login.public_url(url)
    monkeypatch.delenv("PGPASSWORD", raising=False)
    asked, tries = [], []
    session = open_server(address, ask=lambda text: asked.append(text) or server.password,
                          retry=lambda message: False)
    assert asked and "加密保存" in asked[0] and session is not None      # the password asked once, then kept
    session.close()
    server.pg_ctl("stop")
    try:
        assert open_server(address, ask=lambda text: None, retry=lambda m: tries.append(m) or len(tries) < 2) is None
        assert len(tries) == 2 and "无法连接服务器 127.0.0.1" in tries[0]
        assert not list(tmp_path.glob("*.sqlite3"))
    finally:
        server.stop()
