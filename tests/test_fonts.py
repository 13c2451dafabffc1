"""Rare ideographs in names (Extensions A–H, GB 18030-2022): accepted, shown in the window, printed on the
notices with the fallback font; an ideograph no bundled font has is refused at entry with a message about the font."""

import re

import pytest

from desktop_app.glyphs import unprintable
from desktop_app.notices import render_notice
from desktop_app.notices.fonts import coverage_lines
from desktop_app.paths import resource_path
from desktop_app.services.enrolment import enrol
from desktop_app.services.errors import InputError
from notice_samples import gallery
from notice_samples.poppler import poppler
from tests.conftest import TODAY
from tests.test_services_enrolment import form

RARE = ["王𠮷", "刘䶮", "张𪚥"]   # Extension B, Extension A, Extension B
NOT_IN_ANY_FONT = "\U00020023"    # 𠀣 (Extension B): in neither bundled font


def test_the_coverage_list_services_read_matches_the_bundled_fonts():
    shipped = resource_path("fonts", "coverage.txt").read_text(encoding="ascii").split()
    assert shipped == coverage_lines()


def test_the_fallback_font_and_its_licence_are_shipped_beside_the_main_one():
    folder = resource_path("fonts")
    assert (folder / "babelstone-han-ext.ttf").stat().st_size > 10_000_000
    licence = (folder / "babelstone-han.COPYRIGHT.txt").read_text(encoding="utf-8")
    assert "ARPHIC PUBLIC LICENSE" in licence
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "babelstone-han-ext.ttf" in readme and "Arphic Public License" in readme


@pytest.mark.parametrize("name", RARE)
def test_a_name_with_a_rare_ideograph_is_enrolled(session, name):
    result = enrol(session, form(name=name), TODAY)
    assert session.db.execute("SELECT name FROM people WHERE id = ?", [result.person_id]).fetchone()[0] == name


def test_an_ideograph_no_font_has_is_refused_with_a_message_about_the_font(session):
    assert unprintable("王" + NOT_IN_ANY_FONT) == [NOT_IN_ANY_FONT]
    with pytest.raises(InputError) as e:
        enrol(session, form(name="王" + NOT_IN_ANY_FONT), TODAY)
    assert e.value.field == "name"
    assert "字库尚未收录此字" in e.value.message and NOT_IN_ANY_FONT in e.value.message
    assert "应为2至30个汉字" not in e.value.message   # not blamed on the clerk's typing
    assert session.db["people"].count == 0


def test_rare_names_print_on_a_notice_with_the_fallback_font_embedded():
    notice = gallery.waiting_period("xinyang")
    notice["person"] = {"name": "王𠮷", "id_number": "411502196406101238"}
    notice["office_name"] = "信阳市医疗保障局䶮𪚥测试窗口"
    pdf = render_notice(notice)
    text = re.sub(r"\s+", "", poppler("pdftotext", pdf, "-raw"))
    assert "王𠮷（公民身份号码：411502196406101238）" in text
    assert text.count("王𠮷") >= 2   # the addressee and the 回执
    assert "信阳市医疗保障局䶮𪚥测试窗口" in text
    fonts = poppler("pdffonts", pdf)
    assert "WenQuanYiMicroHei" in fonts and "+BabelStoneHan " in fonts
    for row in fonts.splitlines()[2:]:
        assert row.split()[-5:-2] == ["yes", "yes", "yes"], row   # embedded, subset, unicode map


def test_an_ordinary_notice_does_not_carry_the_fallback_font():
    pdf = render_notice(gallery.waiting_period("huainan"))
    assert "BabelStoneHan" not in poppler("pdffonts", pdf)


def test_the_window_font_falls_back_to_the_rare_ideographs(qapp):
    from PySide6.QtGui import QFont, QRawFont

    from desktop_app.ui.app import setup_application

    setup_application(qapp)
    families = qapp.font().families()
    assert families[0] == "WenQuanYi Micro Hei" and "BabelStone Han" in families
    raw = QRawFont.fromFont(QFont("BabelStone Han"))
    assert all(raw.supportsCharacter(ord(ch)) for ch in "𠮷䶮𪚥")
    assert not QRawFont.fromFont(QFont("WenQuanYi Micro Hei")).supportsCharacter(0x20BB7)
