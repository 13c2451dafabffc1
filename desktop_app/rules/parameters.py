"""Dated parameter values: shipped files per jurisdiction, the office's table over them, a case's overrides on top."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import yaml

from .errors import RuleError, invalid
from .money import plain
from .months import Month
from .registry import PARAMS, parse_value

FOLDER = Path(__file__).with_name("parameters")
_FILE_KEYS = {"description", "unit", "values", "note"}
_VALUE_KEYS = {"value", "reference", "verified", "note", "confirm"}
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Dated:
    start: dt.date
    value: Decimal | Month
    source: str
    verified: dt.date | None = None
    demo: bool = False
    origin: str = "shipped"   # shipped | office | case
    # A shipped value the documents do not fix (e.g. 信阳's late-fee rate): what the office must confirm. Decisions
    # use it, but no notice is printed with it until the office enters its own value (services.parameters).
    confirm: str = ""


@dataclass
class ParameterInfo:
    name: str
    label: str
    unit: str
    description: str
    values: list[dict] = field(default_factory=list)
    clause: str = ""   # where the document leaves the value to the city ("" where it says nothing of it)


class ParameterFileError(ValueError):
    pass


def _as_date(v, where: str) -> dt.date:
    if isinstance(v, dt.date):
        return v
    try:
        return dt.date.fromisoformat(str(v))
    except ValueError:
        raise ParameterFileError(f"{where}: not a date: {v!r}") from None


def load_file(path: Path) -> tuple[str, list[Dated]]:
    """One parameter file; unknown keys, unknown names and values without a source are refused."""
    name = path.stem
    if name not in PARAMS:
        raise ParameterFileError(f"{path}: unknown parameter {name!r}")
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader) or {}
    extra = set(data) - _FILE_KEYS
    if extra:
        raise ParameterFileError(f"{path}: unknown keys {sorted(extra)}")
    out = []
    for start, entry in (data.get("values") or {}).items():
        where = f"{path} {start}"
        if not isinstance(entry, dict) or set(entry) - _VALUE_KEYS:
            raise ParameterFileError(f"{where}: entries hold only {sorted(_VALUE_KEYS)}")
        if not str(entry.get("reference") or "").strip():
            raise ParameterFileError(f"{where}: a value needs its reference (document and clause)")
        if "verified" not in entry:
            raise ParameterFileError(f"{where}: a value needs the date it was last verified")
        try:
            value = parse_value(name, entry.get("value"))
        except RuleError as e:
            raise ParameterFileError(f"{where}: {e.message}") from None
        out.append(Dated(_as_date(start, where), value, str(entry["reference"]).strip(),
                         _as_date(entry["verified"], where), confirm=str(entry.get("confirm") or "").strip()))
    return name, sorted(out, key=lambda d: d.start)


@lru_cache(maxsize=None)
def shipped(jurisdiction: str) -> dict[str, tuple[Dated, ...]]:
    folder = FOLDER / jurisdiction
    values = {}
    for path in sorted(folder.glob("*.yaml")):
        name, dated = load_file(path)
        values[name] = tuple(dated)
    return values


def _capped(jurisdiction: str, name: str, value: Decimal, field: str) -> Decimal:
    """A city's value checked against the bound its document sets (江苏 二: 等待期不超过3个月)."""
    from .jurisdictions import get_jurisdiction
    j = get_jurisdiction(jurisdiction)
    cap_name = dict(j.caps).get(name)
    bounds = shipped(jurisdiction).get(cap_name, ()) if cap_name else ()
    if bounds and not isinstance(value, Month) and value > bounds[-1].value:
        raise invalid(field, f"{bounds[-1].source}规定“{PARAMS[name].label}”不超过{plain(bounds[-1].value)}，"
                             f"收到：{plain(value)}")
    return value


def _office_entries(jurisdiction: str, office: dict | None) -> dict[str, list[Dated]]:
    out: dict[str, list[Dated]] = {}
    for name, entries in (office or {}).items():
        for e in entries:
            field = f"office_parameters.{name}"
            value = _capped(jurisdiction, name, parse_value(name, e["value"], field), field)
            start = e["from"] if isinstance(e["from"], dt.date) else dt.date.fromisoformat(str(e["from"]))
            out.setdefault(name, []).append(Dated(start, value, str(e.get("source") or "本机构参数表"),
                                                  None, bool(e.get("demo")), "office"))
    return out


class ParameterSet:
    """Values for one jurisdiction: case overrides > the latest dated entry (office wins a tie with shipped)."""

    def __init__(self, jurisdiction: str, office: dict | None = None, case: dict | None = None):
        self.jurisdiction = jurisdiction
        self._dated: dict[str, list[Dated]] = {k: list(v) for k, v in shipped(jurisdiction).items()}
        for name, entries in _office_entries(jurisdiction, office).items():
            self._dated.setdefault(name, []).extend(entries)
        self._case: dict[str, Decimal] = {}
        if case is not None:
            if not isinstance(case, dict):
                raise invalid("parameters", "parameters 应为对象")
            for name, raw in case.items():
                if name in PARAMS:   # a name this module does not know cannot change a decision
                    self._case[name] = _capped(jurisdiction, name, parse_value(name, raw), f"parameters.{name}")

    def lookup(self, name: str, on: dt.date) -> Dated | None:
        if name in self._case:
            return Dated(on, self._case[name], "本案输入参数", None, False, "case")
        best = None
        for d in self._dated.get(name, ()):
            if d.start <= on and (best is None or d.start > best.start
                                  or (d.start == best.start and d.origin == "office")):
                best = d
        return best


def value_text(value: Decimal | Month) -> str:
    """A parameter value as the trace and the parameter table show it ("0.065", "120000", "2025-08")."""
    return str(value) if isinstance(value, Month) else plain(value)


def trace_entry(name: str, d: Dated) -> dict:
    entry = {"name": name, "label": PARAMS[name].label, "value": value_text(d.value),
             "effective": None if d.origin == "case" else d.start.isoformat(),
             "source": d.source, "demo": d.demo}
    if d.confirm:
        entry["unconfirmed"] = d.confirm   # only then: older decisions and the case format stay as they were
    return entry


def parameter_catalogue(jurisdiction: str) -> list[ParameterInfo]:
    """Every parameter the jurisdiction uses, with its shipped dated values (for the office's parameter table)."""
    from .jurisdictions import get_jurisdiction
    j = get_jurisdiction(jurisdiction)
    values = shipped(jurisdiction)
    clauses = dict(j.city_clauses)
    out = []
    for name in j.parameters:
        p = PARAMS[name]
        out.append(ParameterInfo(name, p.label, p.unit, p.label, [
            {"from": d.start, "value": d.value, "source": d.source, "verified": d.verified, "confirm": d.confirm}
            for d in values.get(name, ())], j.cite(clauses[name]) if name in clauses else ""))
    return out
