"""This PC's way to the office's server: the address chosen in 设置 (or `--db`), the login's password kept
protected by Windows, and this PC's own folder for what belongs beside the data (the audit anchor).

Operators, roles and passwords live in the database as for a file; what this PC keeps is the server's address
and the database login it connects with:
- the address (postgresql://user@host:port/db, no password) in data_source.json in the user's data folder;
- the password in server_logins.json beside it, wrapped by Windows DPAPI for this Windows user on this PC
  (CryptProtectData, as the audit anchor's key and the backup key are): the file copied to another PC or
  read by another user gives nothing. Where the operating system offers no such store (Linux: the tests and
  a developer's machine) the password is kept in the same file readable by this user only (mode 0600), the
  way libpq's own ~/.pgpass is; docs/office-server.md says so.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from desktop_app.services import anchors
from desktop_app.services.errors import InputError
from desktop_app.services.json_files import write_json_atomically
from desktop_app.store.db import is_server_url, server_label  # server_label: the screens ask it here too

SOURCE_FILE = "data_source.json"
LOGINS_FILE = "server_logins.json"


def _data_dir() -> Path:
    from desktop_app.services.session import default_data_path

    return default_data_path().parent


def split_password(url: str) -> tuple[str, str | None]:
    """(the URL without its password, the password written in it if any)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url, None
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = (quote(unquote(parts.username or ""), safe="") + "@" if parts.username else "") + host + \
        (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment)), unquote(parts.password)


def check_url(url: str) -> str:
    """The address as typed, checked: postgresql://用户名@服务器:端口/数据库; raises InputError in Chinese."""
    url = (url or "").strip()
    if not is_server_url(url):
        raise InputError("server_url", "服务器地址应形如 postgresql://用户名@服务器地址:5432/数据库名")
    parts = urlsplit(url)
    if not parts.hostname or not parts.username or not parts.path.strip("/"):
        raise InputError("server_url", "服务器地址须写明用户名、服务器和数据库名，如 postgresql://jingban@192.168.1.10:5432/flexins")
    try:
        _ = parts.port   # urlsplit checks the port only when asked
    except ValueError:
        raise InputError("server_url", "服务器地址中的端口不正确（应为数字，默认 5432）") from None
    return url


def local_place(public_url: str) -> Path:
    """This PC's folder for one server (its audit anchor, the default backup folder): a pseudo data file
    path, servers/<host>_<port>_<db>, whose neighbours are that server's."""
    parts = urlsplit(public_url)
    slug = re.sub(r"[^0-9A-Za-z.-]+", "_", f"{parts.hostname}_{parts.port or 5432}_{parts.path.strip('/')}")
    folder = _data_dir() / "servers"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / slug


# -- the password ------------------------------------------------------------------------------------------
def _load(name: str) -> dict:
    try:
        return json.loads((_data_dir() / name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _store(name: str, doc: dict) -> None:
    path = _data_dir() / name
    path.parent.mkdir(parents=True, exist_ok=True)
    write_json_atomically(path, doc, 0o600)   # only this user: the password where Windows' store is missing


def save_password(public_url: str, password: str) -> None:
    _GIVEN.pop(public_url, None)   # the password kept from now on is this one
    doc = _load(LOGINS_FILE)
    protector = anchors.PROTECTOR
    if protector is not None:
        doc[public_url] = {"protector": "dpapi", "secret": protector[0](password.encode("utf-8")).hex()}
    else:
        doc[public_url] = {"protector": "file-0600", "secret": password.encode("utf-8").hex()}
    _store(LOGINS_FILE, doc)


# Passwords given to this process (typed, or written in a --db address) for the other connections its jobs open
# (the import worker, the audit check): kept in memory only, never written.
_GIVEN: dict[str, str] = {}


def remember(public_url: str, password: str | None) -> None:
    if password:
        _GIVEN[public_url] = password


def saved_password(public_url: str) -> str | None:
    if public_url in _GIVEN:
        return _GIVEN[public_url]
    entry = _load(LOGINS_FILE).get(public_url)
    if not entry:
        return None
    try:
        secret = bytes.fromhex(entry["secret"])
        if entry.get("protector") == "dpapi":
            if anchors.PROTECTOR is None:
                return None
            secret = anchors.PROTECTOR[1](secret)
        return secret.decode("utf-8")
    except (OSError, ValueError, KeyError, UnicodeDecodeError):
        return None   # another Windows user's or another PC's: ask again


def forget_password(public_url: str) -> None:
    doc = _load(LOGINS_FILE)
    if doc.pop(public_url, None) is not None:
        _store(LOGINS_FILE, doc)


def password_protection() -> str:
    """How this PC keeps the password, in Chinese (设置 shows it)."""
    if anchors.PROTECTOR is not None:
        return "密码由 Windows 加密保存（仅本机的本用户可解密）"
    return "本系统没有 Windows 的加密存储：密码保存在仅本用户可读的文件中"


# -- which data source this PC opens -------------------------------------------------------------------------
def chosen_source() -> str | None:
    """The server this PC was pointed at in 设置 (None: the data file on this PC)."""
    url = _load(SOURCE_FILE).get("url")
    return url if isinstance(url, str) and is_server_url(url) else None


def choose_source(url: str | None, password: str | None = None) -> None:
    """Point this PC at a server (its password kept protected), or back at its own data file (None). Takes
    effect at the next start."""
    if url is None:
        _store(SOURCE_FILE, {})
        return
    public, written = split_password(check_url(url))
    if password or written:
        save_password(public, password or written)
    _store(SOURCE_FILE, {"url": public})


def connect_server(url: str, *, readonly: bool = False, password: str | None = None):
    """Another connection to the server (a check, a worker thread, the command line): the password written in
    the URL, given, or kept on this PC. readonly: a check's connection (it writes nothing but its own
    temporary tables; its snapshot is a READ ONLY transaction, store/verify.py)."""
    from desktop_app.store.db import connect

    public, written = split_password(url)
    db = connect(url if written else public, password=password or written or saved_password(public),
                 label=server_label(public))
    return db


def public_url(source) -> str:
    """The server's address without the password (for anchors, labels and keys)."""
    return split_password(str(source))[0]
