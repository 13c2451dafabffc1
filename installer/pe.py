"""Read the DLL names a Windows PE file imports (normal and delay-load), with the standard library only."""

import struct
from pathlib import Path

_IMPORT_DIR, _DELAY_IMPORT_DIR = 1, 13


def _sections(data: bytes, pe: int) -> list[tuple[int, int, int]]:
    count = struct.unpack_from("<H", data, pe + 6)[0]
    opt_size = struct.unpack_from("<H", data, pe + 20)[0]
    first = pe + 24 + opt_size
    out = []
    for i in range(count):
        vsize, vaddr, rawsize, rawptr = struct.unpack_from("<IIII", data, first + 40 * i + 8)
        out.append((vaddr, max(vsize, rawsize), rawptr))
    return out


def _offset(sections, rva: int) -> int:
    for vaddr, size, rawptr in sections:
        if vaddr <= rva < vaddr + size:
            return rva - vaddr + rawptr
    raise ValueError(f"RVA {rva:#x} is in no section")


def _cstring(data: bytes, off: int) -> str:
    return data[off:data.index(b"\0", off)].decode("ascii")


def imported_dlls(path: Path) -> set[str]:
    """Lower-case names of every DLL the file imports, delay-loaded ones included."""
    data = path.read_bytes()
    if data[:2] != b"MZ":
        raise ValueError(f"{path}: not a PE file")
    pe = struct.unpack_from("<I", data, 0x3C)[0]
    if data[pe:pe + 4] != b"PE\0\0":
        raise ValueError(f"{path}: no PE signature")
    opt = pe + 24
    magic = struct.unpack_from("<H", data, opt)[0]
    dirs = opt + (112 if magic == 0x20B else 96)
    sections = _sections(data, pe)
    names = set()
    for index, entry_size, name_field in ((_IMPORT_DIR, 20, 12), (_DELAY_IMPORT_DIR, 32, 4)):
        rva, size = struct.unpack_from("<II", data, dirs + 8 * index)
        if not rva:
            continue
        off = _offset(sections, rva)
        while True:
            entry = data[off:off + entry_size]
            if len(entry) < entry_size or not any(entry):
                break
            name_rva = struct.unpack_from("<I", entry, name_field)[0]
            names.add(_cstring(data, _offset(sections, name_rva)).lower())
            off += entry_size
    return names


def machine(path: Path) -> int:
    """The COFF machine field: 0x8664 for x64."""
    data = path.read_bytes()[:4096]
    pe = struct.unpack_from("<I", data, 0x3C)[0]
    return struct.unpack_from("<H", data, pe + 4)[0]
