"""Render setup.nsi from setup.nsi.in and write the sorted install/uninstall file lists it includes."""

import re
from pathlib import PurePosixPath, PureWindowsPath

TEMPLATE_KEYS = (
    "GENERATED_NOTE", "APP_ID", "DISPLAY_NAME", "VERSION", "VERSION_QUAD", "PUBLISHER", "DATA_DIR",
    "INSTALL_DIR", "OUTFILE", "ICON", "ICON_REL", "FILES_NSH", "UNFILES_NSH", "SIZE_KB", "COMPRESSOR",
)


class TemplateError(Exception):
    pass


def version_quad(version: str) -> str:
    """'0.1.0' -> '0.1.0.0' for VIProductVersion, which takes four numbers."""
    numbers = [int(n) for n in re.findall(r"\d+", version.split("+")[0])[:4]]
    if not numbers:
        raise TemplateError(f"version {version!r} has no numbers")
    return ".".join(str(n) for n in (numbers + [0, 0, 0, 0])[:4])


def render(template: str, values: dict[str, str]) -> str:
    missing = set(TEMPLATE_KEYS) - set(values)
    if missing:
        raise TemplateError(f"no value for {sorted(missing)}")
    out = template
    for key in TEMPLATE_KEYS:
        out = out.replace(f"@{key}@", str(values[key]))
    left = sorted(set(re.findall(r"@[A-Z_]+@", out)))
    if left:
        raise TemplateError(f"template placeholders without values: {left}")
    return out


def _win(rel: str) -> str:
    return str(PureWindowsPath(PurePosixPath(rel)))


def file_lists(files: list[str], stage_dir: str) -> tuple[str, str]:
    """(install, uninstall) NSIS fragments. files: relative posix paths, already in install order.

    File /r would follow directory order, which differs between builds; one File line per file in a
    fixed order keeps two builds byte-identical (notes/windows-installer.md)."""
    install, dirs = [], set()
    current = None
    for rel in files:
        parent = PurePosixPath(rel).parent
        if parent != current:
            current = parent
            target = "$INSTDIR" if str(parent) == "." else f"$INSTDIR\\{_win(str(parent))}"
            install.append(f'SetOutPath "{target}"')
        install.append(f'File "{stage_dir}/{rel}"')
        for ancestor in [parent, *parent.parents]:
            if str(ancestor) != ".":
                dirs.add(ancestor)
    uninstall = [f'Delete "$INSTDIR\\{_win(rel)}"' for rel in files]
    # Python writes __pycache__ beside the modules on first start; they are ours to remove.
    code_dirs = sorted({PurePosixPath(rel).parent for rel in files if rel.endswith(".py")}, key=str)
    uninstall += [f'RMDir /r "$INSTDIR\\{_win(str(d))}\\__pycache__"' for d in code_dirs if str(d) != "."]
    deepest_first = sorted(dirs, key=lambda d: (-len(d.parts), str(d)))
    uninstall += [f'RMDir "$INSTDIR\\{_win(str(d))}"' for d in deepest_first]
    return "\n".join(install) + "\n", "\n".join(uninstall) + "\n"
