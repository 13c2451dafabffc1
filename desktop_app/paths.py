"""Where forms/ and resources/ live: the PyInstaller bundle when frozen, else the folder above the package.

Neutral ground: ui, notices and the policy texts all find their files here (the installer stages
desktop_app/, forms/ and resources/ side by side, the same layout as the repository).
"""

from __future__ import annotations

import sys
from pathlib import Path


def root() -> Path:
    """The folder holding forms/ and resources/."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    return Path(__file__).resolve().parents[1]


def form_path(name: str) -> Path:
    return root() / "forms" / name


def resource_path(*parts: str) -> Path:
    return root().joinpath("resources", *parts)
