"""One office, one 统筹地区 (issue 13): the demo is opened as one office, chosen at its start."""

from desktop_app.__main__ import parse_args
from desktop_app.services.session import demo_data_path, is_demo_path
from ui_fixtures import click


def test_demo_takes_an_office_or_asks_for_one():
    assert parse_args(["--demo"]).demo == ""
    assert parse_args(["--demo", "jilin"]).demo == "jilin"
    assert parse_args([]).demo is None


def test_each_office_has_its_own_demo_file_and_only_those_are_demo_files(tmp_path, monkeypatch):
    monkeypatch.setenv("FLEXINS_DATA_DIR", str(tmp_path))
    paths = {j: demo_data_path(j) for j in ("huainan", "jiangsu", "jilin", "xinyang")}
    assert len(set(paths.values())) == 4 and all(p.parent == tmp_path for p in paths.values())
    assert all(is_demo_path(p) for p in paths.values())
    assert not is_demo_path(tmp_path / "flexins.sqlite3") and not is_demo_path(tmp_path / "demo-beijing.sqlite3")


def test_the_chooser_returns_the_office_clicked(qtbot):
    from desktop_app.ui.demo_chooser import DemoChooser

    chooser = DemoChooser()
    qtbot.addWidget(chooser)
    chooser.show()
    assert len(chooser.buttons) == 4 and "淮医保发〔2022〕28号" in chooser.buttons["huainan"].text()
    click(qtbot, chooser.buttons["huainan"])
    assert chooser.choice == "huainan" and chooser.result() == chooser.DialogCode.Accepted
