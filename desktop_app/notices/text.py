"""Chinese line breaking (no line starts with ，。） etc.) and the Text flowable that draws it."""

import re
from functools import lru_cache

from reportlab.lib import colors
from reportlab.platypus import Flowable

from .fonts import checked, font, runs, width

# Characters that may not begin a line (GB/T 15834 punctuation that closes or follows).
NO_START = set("，。、；：？！）》」』】〕〉’”…—·％%,.;:?!)]}")
# Characters that may not end a line (opening brackets, currency signs).
NO_END = set("（《「『【〔〈‘“([{￥$")
# A unit right after a number stays with it: "2024年", "7月", "12个", "元".
UNITS = set("年月日元号个天岁周")
_ASCII_RUN = re.compile(r"[!-~]+")


def _atoms(text: str) -> list[str]:
    """Pieces that must stay on one line: an ASCII run, a CJK character, with punctuation glued on."""
    atoms: list[str] = []
    for piece in _pieces(text):
        if atoms and not atoms[-1].isspace() and not piece.isspace() and (
            piece[0] in NO_START
            or atoms[-1][-1] in NO_END
            or (piece in UNITS and atoms[-1][-1].isdigit())
        ):
            atoms[-1] += piece
        else:
            atoms.append(piece)
    return atoms


def break_lines(text: str, size: float, first_width: float, width_rest: float | None = None) -> list[str]:
    """Greedy line breaking of one paragraph; '\\n' forces a break."""
    return [line for line, _ in _break(text, size, first_width, width_rest)]


@lru_cache(maxsize=4096)
def _break(text, size, first_width, width_rest=None) -> tuple[tuple[str, bool], ...]:
    """(line, justifiable): the last line of each part ending in '\\n' or the text is not justified."""
    width_rest = first_width if width_rest is None else width_rest
    out: list[tuple[str, bool]] = []
    for part in text.split("\n"):
        line, used = "", 0.0
        for atom in _atoms(part):
            avail = first_width if not out else width_rest
            if not line and atom.isspace():
                continue
            w = width(atom, size)
            if used + w <= avail + 0.01:
                line, used = line + atom, used + w
                continue
            if line:
                out.append((line.rstrip(), True))
                line, used, avail = "", 0.0, width_rest
                if atom.isspace():
                    continue
            while width(atom, size) > avail + 0.01:  # longer than a whole line: cut by characters
                cut = len(atom) - 1
                while cut > 1 and width(atom[:cut], size) > avail + 0.01:
                    cut -= 1
                # The same rules inside a cut atom: the character before a closing mark goes down with it.
                while cut > 1 and (atom[cut] in NO_START or atom[cut - 1] in NO_END):
                    cut -= 1
                out.append((atom[:cut], False))
                atom, avail = atom[cut:], width_rest
            line, used = atom, width(atom, size)
        out.append((line.rstrip(), False))
    return tuple(out)


class Text(Flowable):
    """A paragraph in the notice font: CJK line breaking, optional first-line indent in characters,
    alignment left/center/right/justify, optional fake bold (fill + stroke)."""

    def __init__(self, text: str, size: float = 12, leading: float | None = None, *, indent: float = 0,
                 align: str = "justify", bold: bool = False, color=colors.black, space_after: float = 0):
        super().__init__()
        self.text = checked(text)
        self.size = size
        self.leading = leading or size * 1.6
        self.indent = indent * size
        self.align = align
        self.bold = bold
        self.color = color
        self.spaceAfter = space_after
        self._fixed: tuple[tuple[str, bool], ...] | None = None  # set on the halves of a split
        self.lines: tuple[tuple[str, bool], ...] = ()
        self.width = self.height = 0

    def wrap(self, avail_width, avail_height):
        # Tables and KeepTogether wrap a cell many times; the lines depend on the width only.
        if self.lines and avail_width == self.width:
            return self.width, self.height
        self.width = avail_width
        if self._fixed is not None:
            self.lines = self._fixed
        else:
            self.lines = _break(self.text, self.size, avail_width - self.indent, avail_width)
        self.height = len(self.lines) * self.leading
        return self.width, self.height

    def split(self, avail_width, avail_height):
        self.wrap(avail_width, avail_height)
        fit = int(avail_height // self.leading)
        if fit <= 0 or fit >= len(self.lines):
            return []
        return [self._part(self.lines[:fit], self.indent), self._part(self.lines[fit:], 0)]

    def _part(self, lines, indent):
        part = Text.__new__(Text)
        part.__dict__.update(self.__dict__)
        part._fixed, part.indent, part.lines = lines, indent, ()
        return part

    def draw(self):
        c = self.canv
        c.saveState()
        c.setFillColor(self.color)
        if self.bold:
            c.setStrokeColor(self.color)
            c.setLineWidth(self.size * 0.035)
        # Centre the glyph box (about -0.12 to 0.88 em) in each line's leading.
        y = self.height - self.leading / 2 - self.size * 0.38
        for i, (line, justifiable) in enumerate(self.lines):
            x = self.indent if i == 0 else 0.0
            room = self.width - x
            w = width(line, self.size)
            pieces = _pieces(line)
            gap = 0.0
            if self.align == "center":
                x += (room - w) / 2
            elif self.align == "right":
                x += room - w
            elif self.align == "justify" and justifiable and len(pieces) > 1:
                gap = (room - w) / (len(pieces) - 1)
                # A line left short by a long unbreakable piece stays ragged rather than letter-spaced.
                gap = gap if 0 < gap <= self.size * 0.04 else 0.0
            t = c.beginText(x, y)
            t.setFont(font().fontName, self.size)
            if self.bold:
                t.setTextRenderMode(2)
            parts = runs(line)
            if len(parts) > 1 or (parts and parts[0][0] != font().fontName):
                # a rare character from the fallback font: runs in their fonts, no letter-spacing
                for name, piece in parts:
                    t.setFont(name, self.size)
                    t.textOut(piece)
            elif gap:
                # Spread the slack between characters but not inside a number such as 1,234.56:
                # the character spacing is on only for the last character of each piece.
                for piece in pieces:
                    if len(piece) > 1:
                        t.setCharSpace(0)
                        t.textOut(piece[:-1])
                    t.setCharSpace(gap)
                    t.textOut(piece[-1])
                t.setCharSpace(0)  # Tc is graphics state: it would carry over into the next line
            else:
                t.textOut(line)
            c.drawText(t)
            y -= self.leading
        c.restoreState()


def _pieces(line: str) -> list[str]:
    """A line cut where justification may add space: around each CJK character, not inside ASCII runs."""
    out: list[str] = []
    pos = 0
    for m in _ASCII_RUN.finditer(line):
        out.extend(line[pos:m.start()])
        out.append(m.group())
        pos = m.end()
    out.extend(line[pos:])
    return out
