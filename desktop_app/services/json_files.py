"""Small JSON files beside the data (the anchor, a backup folder's catalogue, this PC's server logins), written
so that a power cut leaves the old file or the new one, never half of either."""

from __future__ import annotations

import json
import os
from pathlib import Path


def write_json_atomically(path: Path, doc: dict, mode: int = 0o666) -> None:
    """Write to a .partial beside it, flush to disk, then replace: the replace is the only step a reader sees.
    mode: the new file's permissions (0o600 for what only this user may read; Windows ignores it)."""
    partial = path.with_name(path.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1)
        f.flush()
        os.fsync(f.fileno())
    os.replace(partial, path)
