"""Where forms/ and resources/ live (desktop_app/paths.py: the PyInstaller bundle when frozen, else the
repository root); kept under ui for the widgets that already import it from here."""

from __future__ import annotations

from desktop_app.paths import form_path, resource_path, root

__all__ = ["form_path", "resource_path", "root"]
