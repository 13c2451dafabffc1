"""The search results list fetches the next people as the clerk scrolls (issue 7: a surname matches thousands)."""

from ui_fixtures import ui_session, window  # noqa: F401

from desktop_app.store import audit
from desktop_app.store import people as people_store
from desktop_app.store.db import atomic
from desktop_app.ui.people_model import PAGE
from tests.conftest import FIXED_NOW, make_id


def add_people(session, count: int) -> None:
    stamp = audit.Stamp("测试员", FIXED_NOW.isoformat())
    with atomic(session.db):  # a shortcut past enrolment: only the list is under test here
        for i in range(count):
            people_store.insert(session.db, stamp, {
                "id_number": make_id(birth=f"19{60 + i // 300:02d}0101", seq=i % 300 * 2 + 1),
                "name": f"王{'伟芳建国'[i % 4]}", "sex": "M", "birth_date": f"19{60 + i // 300:02d}-01-01", "category": "other", "places": ["hukou"],
                "mode": "with_account", "jurisdiction": "xinyang", "first_month": "2025-01"})


def test_a_long_result_list_grows_as_it_scrolls_and_stops_at_the_last_person(qtbot, window, ui_session):
    add_people(ui_session, PAGE * 2 + 7)
    window.ui.search_edit.setText("王")
    window.search()
    model, view = window.people_model, window.ui.results_view
    assert model.rowCount() == PAGE and model.canFetchMore()
    assert "向下滚动" in window.ui.results_label.text()
    for _ in range(5):
        view.scrollToBottom()
        qtbot.wait(10)
    assert model.rowCount() == PAGE * 2 + 7 and not model.canFetchMore()
    ids = [model.person_at(r).id for r in range(model.rowCount())]
    assert len(set(ids)) == len(ids)  # no one twice across pages


def test_a_short_result_list_has_nothing_more_to_fetch(qtbot, window, ui_session):
    add_people(ui_session, 3)
    window.ui.search_edit.setText("王")
    window.search()
    assert window.people_model.rowCount() == 3 and not window.people_model.canFetchMore()
    assert window.ui.results_label.text() == "查找结果：3 人"


def test_a_page_that_fails_is_not_taken_for_the_end_of_the_list(qtbot):
    """Issue 16: only a locked window (InputError: the lock says why) ends the fetching quietly; a database error
    is raised and the list stays incomplete, never shown as all the matches."""
    import sqlite3

    import pytest

    from desktop_app.services.errors import InputError
    from desktop_app.ui.people_model import PeopleModel

    def disk_error(offset, limit):
        raise sqlite3.OperationalError("disk I/O error")

    def locked(offset, limit):
        raise InputError(None, "窗口已锁定，请重新输入密码后继续。")

    model = PeopleModel()
    model.set_rows([object()] * PAGE, more=disk_error)
    with pytest.raises(sqlite3.OperationalError):
        model.fetchMore()
    assert model.rowCount() == PAGE and model.canFetchMore() and not model.complete
    model.set_rows([object()] * PAGE, more=locked)
    model.fetchMore()
    assert model.rowCount() == PAGE and model.complete
