"""What one decision collects while it runs: the clauses it applied and the parameter values it used."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .errors import RuleError
from .jurisdictions import Jurisdiction
from .months import Month
from .parameters import ParameterSet, trace_entry
from .registry import PARAMS

RULES_VERSION = "2026.12.1"


class Context:
    def __init__(self, j: Jurisdiction, on: dt.date, params: ParameterSet, question: str):
        self.j = j
        self.date = on
        self.params = params
        self.question = question
        self.citations: list[str] = []
        self.notes: list[str] = []
        self._used: dict[tuple[str, str], dict] = {}

    def cite(self, topic: str) -> None:
        self.cite_text(self.j.cite(topic))

    def cite_text(self, text: str) -> None:
        if text not in self.citations:
            self.citations.append(text)

    def note(self, text: str) -> None:
        """A reading the office chose where the text is open, or a fact the clerk must know; shown on screen."""
        if text not in self.notes:
            self.notes.append(text)

    def _value(self, name: str, on: dt.date | None):
        on = on or self.date
        d = self.params.lookup(name, on)
        if d is None:
            raise RuleError("missing_parameter",
                            f"缺少参数“{PARAMS[name].label}”（{self.j.name}，{on.isoformat()}适用）："
                            f"文件未规定或尚未公布，请在参数表中录入后再办理", f"parameters.{name}")
        entry = trace_entry(name, d)
        self._used.setdefault((name, entry["effective"] or ""), entry)
        return d.value

    def num(self, name: str, on: dt.date | None = None) -> Decimal:
        """A parameter in force on `on` (default the business date); missing is `missing_parameter`."""
        assert not PARAMS[name].is_month, name
        return self._value(name, on)

    def month(self, name: str, on: dt.date | None = None) -> Month:
        """A month-valued parameter (e.g. new_standard_from) known on `on`; missing is `missing_parameter`."""
        assert PARAMS[name].is_month, name
        return self._value(name, on)

    def has(self, name: str, on: dt.date | None = None) -> bool:
        return self.params.lookup(name, on or self.date) is not None

    def opt(self, name: str, on: dt.date | None = None) -> Decimal | None:
        return self.num(name, on) if self.has(name, on) else None

    def result(self, **fields) -> dict:
        out = {"question": self.question, "jurisdiction": self.j.key, "jurisdiction_name": self.j.name,
               "document": self.j.document, "date": self.date.isoformat()}
        out.update(fields)
        out["citations"] = list(self.citations)
        out["notes"] = list(self.notes)
        out["parameters_used"] = list(self._used.values())
        out["rule_version"] = RULES_VERSION
        return out
