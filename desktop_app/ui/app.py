"""QApplication setup: bundled CJK font, Qt's own Chinese strings, the window icon."""

from __future__ import annotations

import logging

from PySide6.QtCore import QByteArray, QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication

from desktop_app.ui.assets import resource_path

log = logging.getLogger(__name__)

APP_NAME = "灵活就业参保经办台"
FONT_POINT_SIZE = 10


def register_fonts() -> list[str]:
    """Register every .ttf/.ttc in resources/fonts; return the families, so Chinese never shows as boxes.

    From the bytes, not the path: under C:\\users\\张三 on an English Windows the offscreen platform could not
    open the file by name (issue 18); Python reads any path."""
    families: list[str] = []
    fonts_dir = resource_path("fonts")
    if not fonts_dir.is_dir():
        return families
    for path in sorted(fonts_dir.iterdir()):
        if path.suffix.lower() not in (".ttf", ".ttc"):
            continue
        try:
            data = path.read_bytes()
        except OSError as error:
            log.warning("cannot read font %s: %s", path, error)
            continue
        font_id = QFontDatabase.addApplicationFontFromData(QByteArray(data))
        if font_id < 0:
            log.warning("cannot register font %s", path)
            continue
        for family in QFontDatabase.applicationFontFamilies(font_id):
            if family not in families:
                families.append(family)
    return families


def install_translator(app: QApplication) -> QTranslator | None:
    """Load qtbase_zh_CN.qm (bundled copy first, then the PySide6 wheel's) so Qt's buttons read 确定/取消."""
    candidates = [
        resource_path("translations"),
        QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath),
    ]
    translator = QTranslator(app)
    for folder in candidates:
        if translator.load("qtbase_zh_CN", str(folder)):
            app.installTranslator(translator)
            return translator
    log.warning("qtbase_zh_CN.qm not found; Qt's own dialogs stay in English")
    return None


def app_icon() -> QIcon:
    icon = QIcon()
    for name in ("app-256.png", "app-64.png", "app-32.png", "app-16.png"):
        path = resource_path("icons", name)
        if path.is_file():
            icon.addFile(str(path))
    return icon


def setup_application(app: QApplication) -> QApplication:
    """Apply font, translation, locale and icon to an existing QApplication (also used by tests)."""
    if getattr(app, "_flexins_ready", False):
        return app
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("flexins-desk")
    families = register_fonts()
    if families:
        # WenQuanYi Micro Hei first; BabelStone Han supplies the rare ideographs (Extensions A–H) it lacks
        font = QFont(families[0], FONT_POINT_SIZE)
        font.setFamilies(sorted(families, key=lambda f: "WenQuanYi" not in f))
        app.setFont(font)
    app._flexins_translator = install_translator(app)  # keep a reference
    app.setWindowIcon(app_icon())
    app._flexins_ready = True
    return app


def create_application(argv: list[str]) -> QApplication:
    app = QApplication.instance() or QApplication(argv)
    return setup_application(app)
