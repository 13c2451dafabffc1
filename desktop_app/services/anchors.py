"""The audit chain's head and count, anchored outside the data file (issue 12): whoever holds the file can cut
the chain short or rewrite it consistently (entry_hash is public), but not the copies kept elsewhere.

Three anchors, each "entry N had hash H" (a later chain must still have H at N):
- the settings anchor: a small JSON file beside the data file (flexins.sqlite3.anchor.json), rewritten after
  every commit that moves the chain on (store.db.atomic's after-commit hook). A JSON file beside the file,
  not QSettings: the command-line check (python -m desktop_app.audit verify) runs without Qt and must read the
  same anchor; it belongs to the file, not to one Windows user (two clerks' accounts share the file); and it
  moves with the data folder. On Windows it is signed with a key the operating system protects for this user
  (DPAPI), so a copy of the folder taken to another PC cannot have its anchor rewritten there; a replacement PC
  costs nothing (a restore writes a new anchor), the signature is only the settings anchor's.
- the backups' catalogue (services/backup.py): every backup records the chain's count and head there, on the
  USB stick or share, signed with the backup passphrase's key.
- the daily close sheet: close_sheet_anchor() gives the text the 复核员 signs on paper; `verify --anchor N:HASH`
  checks the file against it.
A restore replaces the chain on purpose: it resets the settings anchor (the old one kept in its history) and
marks the catalogue, so anchors from before it are not held against the restored file.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlite_utils import Database

from desktop_app.services.json_files import write_json_atomically

SUFFIX = ".anchor.json"
HISTORY = 20


@dataclass(frozen=True)
class Anchor:
    entries: int
    head: str
    at: str
    where: str          # Chinese: which anchor (本机设置、备份目录、日结单)


def anchor_path(data_path: Path) -> Path:
    return Path(data_path).with_name(Path(data_path).name + SUFFIX)


def head(db: Database) -> tuple[int, str]:
    """(entries, hash of the last); ids run 1..n without gaps in an intact chain."""
    row = db.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    return (row[0], row[1]) if row else (0, "0" * 64)


def hash_at(db: Database, entry_id: int) -> str | None:
    row = db.execute("SELECT hash FROM audit WHERE id = ?", [entry_id]).fetchone()
    return row[0] if row else None


def disagreement(db: Database, anchor: Anchor) -> str | None:
    """Chinese: how the file's chain disagrees with the anchor, None when it still holds."""
    if anchor.entries == 0:
        return None
    entries, _ = head(db)
    if entries < anchor.entries:
        return (f"{anchor.where}记下审计记录已有 {anchor.entries} 条（{anchor.at[:16].replace('T', ' ')}），"
                f"数据文件中只有 {entries} 条：审计记录被截短过。")
    if hash_at(db, anchor.entries) != anchor.head:
        return (f"审计记录第 {anchor.entries} 条的校验值与{anchor.where}记下的（{anchor.head[:16]}…，"
                f"{anchor.at[:16].replace('T', ' ')}）不同：审计记录链被改写过。")
    return None


# -- the keyed signature (Windows DPAPI) ------------------------------------------------------------------
def _dpapi() -> tuple[Callable[[bytes], bytes], Callable[[bytes], bytes]] | None:
    """CryptProtectData / CryptUnprotectData for the current Windows user, through ctypes."""
    if sys.platform != "win32":
        return None
    import ctypes
    from ctypes import wintypes

    class Blob(ctypes.Structure):
        _fields_ = [("cbData", wintypes.DWORD), ("pbData", ctypes.POINTER(ctypes.c_char))]

    crypt32, kernel32 = ctypes.windll.crypt32, ctypes.windll.kernel32

    def call(fn, data: bytes) -> bytes:
        buffer = ctypes.create_string_buffer(data, len(data))
        blob_in = Blob(len(data), ctypes.cast(buffer, ctypes.POINTER(ctypes.c_char)))
        blob_out = Blob()
        if not fn(ctypes.byref(blob_in), None, None, None, None, 0x1, ctypes.byref(blob_out)):  # UI_FORBIDDEN
            raise OSError("DPAPI")
        try:
            return ctypes.string_at(blob_out.pbData, blob_out.cbData)
        finally:
            kernel32.LocalFree(blob_out.pbData)

    return (lambda data: call(crypt32.CryptProtectData, data), lambda data: call(crypt32.CryptUnprotectData, data))


PROTECTOR = _dpapi()   # (protect, unprotect), or None where the operating system offers none


def _fields(doc: dict) -> bytes:
    return json.dumps({k: doc[k] for k in ("file", "entries", "head", "at", "history")}, sort_keys=True,
                      ensure_ascii=False).encode("utf-8")


def _sign(doc: dict) -> None:
    if PROTECTOR is None:
        return
    try:
        key = PROTECTOR[1](bytes.fromhex(doc["key"])) if doc.get("key") else None
    except (OSError, ValueError):
        key = None
    if key is None:
        key = secrets.token_bytes(32)
        doc["key"] = PROTECTOR[0](key).hex()
    doc["mac"] = hmac.new(key, _fields(doc), hashlib.sha256).hexdigest()


def _signature(doc: dict) -> str | None:
    """None when the signature holds (or none is used here); otherwise why not, in Chinese."""
    if "mac" not in doc:
        return "本机设置中的锚点没有签名（锚点文件被替换过）。" if PROTECTOR is not None else None
    if PROTECTOR is None:
        return None  # written on Windows, read elsewhere: nothing to check it with
    try:
        key = PROTECTOR[1](bytes.fromhex(doc["key"]))
    except (OSError, ValueError, KeyError):
        return None  # another PC or Windows user wrote it: unverifiable here, still compared
    if not hmac.compare_digest(hmac.new(key, _fields(doc), hashlib.sha256).hexdigest(), doc["mac"]):
        return "本机设置中的锚点文件被改动过（签名不符）。"
    return None


# -- the settings anchor -----------------------------------------------------------------------------------
def read(data_path: Path) -> tuple[Anchor | None, str | None]:
    """(the settings anchor, a problem with the anchor file itself)."""
    path = anchor_path(data_path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        anchor = Anchor(int(doc["entries"]), str(doc["head"]), str(doc["at"]), "本机设置")
    except FileNotFoundError:
        return None, None
    except (OSError, ValueError, KeyError, TypeError):
        return None, f"本机设置中的锚点文件 {path.name} 无法读取（被改动或损坏）。"
    return anchor, _signature(doc)


def _write(data_path: Path, doc: dict) -> None:
    _sign(doc)
    write_json_atomically(anchor_path(data_path), doc)


def _load(data_path: Path) -> dict:
    try:
        return json.loads(anchor_path(data_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def record(db: Database, data_path: Path) -> None:
    """After a commit: move the anchor to the chain's head, unless the chain no longer agrees with it (then the
    disagreement stays for the audit check to report; an anchor is never moved over a rewritten chain)."""
    entries, last = head(db)
    doc = _load(data_path)
    if doc.get("entries") == entries and doc.get("head") == last:
        return
    anchor, problem = read(data_path)
    if problem is not None or (anchor is not None and disagreement(db, anchor) is not None):
        return
    _write(data_path, {"file": Path(data_path).name, "entries": entries, "head": last,
                       "at": datetime.now().isoformat(timespec="seconds"), "history": doc.get("history", []),
                       "key": doc.get("key")})


def reset(db: Database, data_path: Path, reason: str) -> None:
    """A restore replaced the chain on purpose: the anchor starts again from it; the old one goes to history."""
    entries, last = head(db)
    doc = _load(data_path)
    history = list(doc.get("history", []))
    if "entries" in doc:
        history.append({"entries": doc.get("entries"), "head": doc.get("head"), "at": doc.get("at"),
                        "replaced": datetime.now().isoformat(timespec="seconds"), "reason": reason})
    _write(data_path, {"file": Path(data_path).name, "entries": entries, "head": last,
                       "at": datetime.now().isoformat(timespec="seconds"), "history": history[-HISTORY:],
                       "key": doc.get("key")})


def forget(data_path: Path) -> None:
    """The file itself is deleted (the demo database rebuilt): its anchor goes with it."""
    anchor_path(data_path).unlink(missing_ok=True)


def keep_after_commits(db: Database, data_path: Path) -> None:
    """Every commit through store.db.atomic on this connection moves the settings anchor on."""
    def after_commit(database: Database) -> None:
        try:
            record(database, data_path)
        except OSError:
            pass  # an anchor that lags is only an older anchor: the next commit writes it again
    db.after_commit = after_commit


def parse_paper(text: str) -> Anchor:
    """`N:HASH` as printed on the daily close sheet (at least the first 16 hex digits of the hash)."""
    count, _, digest = (text or "").strip().partition(":")
    if not count.isdigit() or len(digest) < 16 or any(c not in "0123456789abcdef" for c in digest.lower()):
        raise ValueError(text)
    return Anchor(int(count), digest.lower(), "日结单", "日结单")


def paper_disagreement(db: Database, anchor: Anchor) -> str | None:
    entries, _ = head(db)
    if entries < anchor.entries:
        return f"日结单上记下审计记录已有 {anchor.entries} 条，数据文件中只有 {entries} 条：审计记录被截短过。"
    got = hash_at(db, anchor.entries) or ""
    if not got.startswith(anchor.head):
        return f"审计记录第 {anchor.entries} 条的校验值与日结单上的（{anchor.head[:16]}…）不同：审计记录链被改写过。"
    return None
