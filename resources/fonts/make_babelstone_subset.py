"""Make babelstone-han-ext.ttf: BabelStone Han cut to the CJK ideographs WenQuanYi Micro Hei lacks.

Run once by a developer (needs fontTools; not a dependency of the program):

    apt-get download fonts-babelstone-han && dpkg-deb -x fonts-babelstone-han_15.0.5-2_all.deb x
    python make_babelstone_subset.py x/usr/share/fonts/truetype/babelstone/BabelStoneHan.ttf

Kept: every CJK Unified Ideograph (URO, Extensions A–H) and compatibility ideograph the source has and
wqy-microhei.ttc (face 0) does not; hinting, layout tables and vertical metrics dropped. The outlines are
unchanged (TrueType, so reportlab can embed them). Modified per the Arphic Public License §2: the name table
says how and when.
"""

import hashlib
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

HERE = Path(__file__).resolve().parent
SOURCE_SHA256 = "a2027ca3606907f6a628e9cd869605e3879beaaa38b37c7fec95b372130628c8"
RANGES = [(0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2A6DF), (0x2A700, 0x2EE5F),
          (0x2F800, 0x2FA1F), (0x30000, 0x323AF)]
NOTICE = ("Modified 2026-12 by flexins-desk: subset of BabelStone Han 15.0.5 (Debian fonts-babelstone-han "
          "15.0.5-2) keeping only the CJK ideographs that WenQuanYi Micro Hei lacks; hinting and layout tables "
          "removed; outlines unchanged.")


def main(source: str) -> None:
    data = Path(source).read_bytes()
    if hashlib.sha256(data).hexdigest() != SOURCE_SHA256:
        sys.exit("not the pinned BabelStoneHan.ttf")
    primary = set(TTCollection(str(HERE / "wqy-microhei.ttc")).fonts[0].getBestCmap())
    font = TTFont(source)
    keep = [c for c in font.getBestCmap() if any(a <= c <= b for a, b in RANGES) and c not in primary]
    options = subset.Options()
    options.layout_features = []
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.drop_tables += ["vhea", "vmtx", "VORG", "GSUB", "GPOS", "GDEF", "meta", "FFTM"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=keep)
    subsetter.subset(font)
    font["name"].setName(NOTICE, 10, 3, 1, 0x409)   # description
    font["name"].setName(NOTICE, 10, 1, 0, 0)
    font.save(HERE / "babelstone-han-ext.ttf")
    print(f"{len(keep)} ideographs")


if __name__ == "__main__":
    main(sys.argv[1])
