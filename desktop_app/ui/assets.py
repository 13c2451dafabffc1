"""Where forms/ and resources/ live: the PyInstaller bundle when frozen, else the repository root."""

from __future__ import annotations

import sys
from pathlib import Path


def root() -> Path:
    """The folder holding forms/ and resources/ (app.spec ships both under the same names)."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    return Path(__file__).resolve().parents[2]


def form_path(name: str) -> Path:
    return root() / "forms" / name


def resource_path(*parts: str) -> Path:
    return root().joinpath("resources", *parts)
