"""Encrypted backups (issue 12): AES-256-GCM from `cryptography`, the key derived with scrypt from the backup
passphrase the administrator sets.

A backup file: b"FLEXBAK1", a 4-byte length and a JSON header (the passphrase's salt and scrypt cost, the key's
id, this file's own salt, when and what was backed up), then 1 MiB chunks, each sealed with AES-GCM under a key
derived for this file (HKDF) with its number as nonce, the header's digest, its number and whether it is the
last as associated data: a chunk changed, moved, dropped or added, or the header altered, and the backup does
not open. Restoring on a replacement PC needs only the file and the passphrase.

For the automatic backups the key stays in the data file (table backup_keys, m007), wrapped by the operating
system where it offers that (Windows DPAPI, this user on this PC). Whoever holds the data file holds the data
anyway; the encryption keeps a lost USB stick or a copied share from giving out every ID number. A lost
passphrase means the backups made with it cannot be opened by anyone: docs/data-safety.md says so.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"FLEXBAK1"
CHUNK = 1 << 20
KDF_N, KDF_R, KDF_P = 2 ** 17, 8, 1      # 128 MiB per guess, as for the operators' passwords
MIN_PASSPHRASE = 12


class BackupCryptoError(Exception):
    """The file is no backup of this program, or it does not open with this key; .message is Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class BackupKey:
    key_id: str
    key: bytes
    salt: str
    n: int
    r: int
    p: int


def derive(passphrase: str, salt: str, n: int = KDF_N, r: int = KDF_R, p: int = KDF_P) -> BackupKey:
    key = Scrypt(salt=bytes.fromhex(salt), length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))
    return BackupKey(key_id_of(key), key, salt, n, r, p)


def new_key(passphrase: str) -> BackupKey:
    return derive(passphrase, secrets.token_hex(16))


def key_id_of(key: bytes) -> str:
    return hmac.new(key, b"flexins backup key id", hashlib.sha256).hexdigest()[:16]


def mac_key(key: bytes) -> bytes:
    """The key that signs the backups' catalogue (services/backup.py)."""
    return hmac.new(key, b"flexins backup catalogue", hashlib.sha256).digest()


def _file_key(key: bytes, file_salt: bytes) -> AESGCM:
    return AESGCM(HKDF(algorithm=hashes.SHA256(), length=32, salt=file_salt, info=b"flexins backup v1").derive(key))


def _aad(header_digest: bytes, index: int, last: bool) -> bytes:
    return header_digest + struct.pack(">Q?", index, last)


def encrypt_file(source: Path, target, key: BackupKey, info: dict, step: Callable[[int, int], None] | None = None
                 ) -> dict:
    """Seal the file `source` into the open binary file `target`; returns the header written."""
    file_salt = secrets.token_bytes(16)
    header = {**info, "version": 1, "kdf": "scrypt", "salt": key.salt, "n": key.n, "r": key.r, "p": key.p,
              "key_id": key.key_id, "file_salt": file_salt.hex(), "chunk": CHUNK}
    raw = json.dumps(header, ensure_ascii=False, sort_keys=True).encode("utf-8")
    target.write(MAGIC + struct.pack(">I", len(raw)) + raw)
    digest = hashlib.sha256(MAGIC + raw).digest()
    sealer = _file_key(key.key, file_salt)
    total = os.path.getsize(source)
    done = index = 0
    with open(source, "rb") as f:
        chunk = f.read(CHUNK)
        while True:
            following = f.read(CHUNK)
            last = not following
            sealed = sealer.encrypt(struct.pack(">4xQ", index), chunk, _aad(digest, index, last))
            target.write(struct.pack(">I", len(sealed)) + sealed)
            done += len(chunk)
            if step is not None:
                step(done, total)
            if last:
                return header
            chunk, index = following, index + 1


def read_header(path: Path) -> dict:
    """The header of a backup, without any key (what it is, which passphrase opens it)."""
    with open(path, "rb") as f:
        header, _digest = _header(f, path)
    return header


def _header(f, path: Path) -> tuple[dict, bytes]:
    start = f.read(len(MAGIC) + 4)
    if len(start) < len(MAGIC) + 4 or not start.startswith(MAGIC):
        raise BackupCryptoError(f"{Path(path).name} 不是本经办台的加密备份文件。")
    size = struct.unpack(">I", start[len(MAGIC):])[0]
    raw = f.read(size) if size < 1 << 20 else b""
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BackupCryptoError(f"备份文件 {Path(path).name} 的文件头已损坏。") from None
    return header, hashlib.sha256(MAGIC + raw).digest()


def is_encrypted(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


def decrypt_file(source: Path, target: Path, key: BackupKey, step: Callable[[int, int], None] | None = None) -> dict:
    """Open the backup `source` into the new file `target`; raises BackupCryptoError (Chinese) when the key is not
    this backup's or anything in it was changed, cut short or added to (then `target` is removed)."""
    total = os.path.getsize(source)
    try:
        with open(source, "rb") as f, open(target, "wb") as out:
            header, digest = _header(f, source)
            if header.get("key_id") != key.key_id:
                raise BackupCryptoError("备份口令不正确（或该备份是用另一个备份口令制作的）。")
            opener = _file_key(key.key, bytes.fromhex(header["file_salt"]))
            index, last = 0, False
            while not last:
                size = f.read(4)
                if len(size) < 4:
                    raise BackupCryptoError("备份文件不完整（末尾被截断），不能用于恢复。")
                declared = struct.unpack(">I", size)[0]
                sealed = f.read(declared)
                if len(sealed) < declared:
                    raise BackupCryptoError("备份文件不完整（末尾被截断），不能用于恢复。")
                try:
                    plain = opener.decrypt(struct.pack(">4xQ", index), sealed, _aad(digest, index, False))
                except InvalidTag:
                    try:
                        plain = opener.decrypt(struct.pack(">4xQ", index), sealed, _aad(digest, index, True))
                        last = True
                    except InvalidTag:
                        raise BackupCryptoError("备份文件已损坏或被改动过（校验不通过），不能用于恢复。") from None
                out.write(plain)
                index += 1
                if step is not None:
                    step(f.tell(), total)
            if f.read(1):
                raise BackupCryptoError("备份文件末尾有多余的内容（被改动过），不能用于恢复。")
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        Path(target).unlink(missing_ok=True)
        raise
    return header
