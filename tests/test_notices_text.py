"""Line breaking and figure formats of the printed notices (no PDF reader needed)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.notices import fmt
from desktop_app.notices.fonts import missing_glyphs, width
from desktop_app.notices.text import NO_END, NO_START, break_lines

SIZE = 12
EM = width("国", SIZE)


def test_a_comma_that_would_start_a_line_takes_the_character_before_it_along():
    text = "一二三四五六七八九十，这是测试。"
    lines = break_lines(text, SIZE, 10 * EM)
    assert lines == ["一二三四五六七八九", "十，这是测试。"]


def test_closing_brackets_and_title_marks_never_start_a_line():
    text = "依据《中华人民共和国社会保险法》）》」。"
    for chars in range(7, 20):  # narrower than the glued run "法》）》」。" it would have to be cut
        for line in break_lines(text, SIZE, chars * EM)[1:]:
            assert line[0] not in NO_START, (chars, line)


def test_an_opening_bracket_never_ends_a_line():
    text = "甲乙丙丁戊己庚辛壬（癸）"
    lines = break_lines(text, SIZE, 10 * EM)
    assert all(line[-1] not in NO_END for line in lines)
    assert lines == ["甲乙丙丁戊己庚辛壬", "（癸）"]


def test_numbers_and_their_units_stay_on_one_line():
    text = "甲乙丙丁戊己庚辛应缴1,234.56元，自2024年7月起。"
    for chars in range(6, 24):
        joined = "|".join(break_lines(text, SIZE, chars * EM))
        for piece in ("1,234.56元", "2024年", "7月"):
            assert piece in joined.replace("|", "") and "|" not in _around(joined, piece), (chars, joined)


def _around(joined: str, piece: str) -> str:
    """The stretch of joined (lines separated by |) that spells piece."""
    flat, starts = "", []
    for i, ch in enumerate(joined):
        if ch != "|":
            starts.append(i)
            flat += ch
    at = flat.index(piece)
    return joined[starts[at]:starts[at + len(piece) - 1] + 1]


def test_a_forced_break_starts_a_new_line():
    assert break_lines("（1）甲\n（2）乙", SIZE, 20 * EM) == ["（1）甲", "（2）乙"]


CJK = "医疗保险缴费待遇等待期补缴参保人经办机构"
PUNCT = "，。、；：？！）》」"
piece = st.one_of(
    st.text(alphabet=CJK, min_size=1, max_size=6),
    st.sampled_from(["2024年", "7月", "1,234.56元", "〔2023〕46号", "（含）", "《通知》", "CASE-1a2b3c"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(piece, st.sampled_from(["", *PUNCT])), min_size=1, max_size=30),
       st.integers(min_value=8, max_value=40))
def test_no_line_starts_with_closing_punctuation_and_nothing_is_lost(parts, chars):
    text = "".join(word + mark for word, mark in parts)
    avail = chars * EM
    lines = break_lines(text, SIZE, avail)
    assert "".join(lines) == text
    for line in lines[1:]:
        assert line[0] not in NO_START, (line, lines)
    for line in lines:
        assert width(line, SIZE) <= avail + 0.01


def test_every_character_the_notices_use_for_their_own_wording_is_in_the_font():
    from desktop_app.notices import layout, lump_sum, retirement, transfer, waiting_period

    wording = "".join(open(m.__file__, encoding="utf-8").read()
                      for m in (layout, lump_sum, retirement, transfer, waiting_period))
    chinese = "".join(ch for ch in wording if ord(ch) >= 0x2000)
    assert missing_glyphs(chinese) == []


def test_months_dates_and_money_read_the_chinese_way():
    assert fmt.month("2024-07") == "2024年7月"
    assert fmt.day("2024-07-08") == "2024年7月8日"
    assert fmt.money("1234.56") == "1,234.56元"
    assert fmt.money("573.7") == "573.70元"
    assert fmt.money("25200.00") == "25,200.00元"
    assert fmt.percent("0.07") == "7%"
    assert fmt.percent("0.0005") == "0.05%"
    assert fmt.years_months(123) == "10年3个月（123个月）"
    assert fmt.month_list(["2024-04", "2024-05", "2024-06"]) == "2024年4月至2024年6月"
    assert fmt.month_list(["2024-12", "2025-01", "2025-03"]) == "2024年12月至2025年1月、2025年3月"


def test_a_cut_through_a_long_run_does_not_leave_its_closing_mark_alone():
    # found by the property above in CI: an ASCII run, a unit and a comma glued into one atom wider than a line
    lines = break_lines("CASE-1a2b3c7月，", SIZE, 8 * EM)
    assert "".join(lines) == "CASE-1a2b3c7月，" and all(line[0] not in NO_START for line in lines[1:])
