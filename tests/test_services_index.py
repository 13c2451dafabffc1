"""The API index in desktop_app/services/__init__.py is checked against the modules (issue 16): every name it
shows exists where it says, with the parameters it shows, and every counter action (a public function taking the
session first) is in it, under its module."""

import importlib
import inspect
import pkgutil
import re

import pytest

import desktop_app.services as services

# Functions taking the session that only other services call (not part of the counter's API).
HELPERS = {"rules_glue.office_parameters", "rules_glue.ask", "rules_glue.require_office",
           "rules_glue.parameter_in_force", "tax_check.people_index", "tax_check.check_file", "notices.is_demo"}
CALL = re.compile(r"(?<![\w.])((?:[a-z_]\w*\.)*[A-Za-z_]\w*)\(")


def blocks() -> dict[str, str]:
    """module name -> its part of the index (the lines from `name.py` to the next module)."""
    out, current = {}, None
    for line in services.__doc__.splitlines():
        m = re.match(r"^(\w+)\.py\s", line)
        if m:
            current = m.group(1)
            out[current] = ""
        if current:
            out[current] += line + "\n"
    return out


def arguments(text: str, start: int) -> list[str]:
    """The parameter names written inside the parentheses opening at text[start]."""
    depth, i = 0, start
    while i < len(text):
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if depth == 0:
            break
        i += 1
    inner, parts, depth, part = text[start + 1:i], [], 0, ""
    for ch in inner:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(part)
            part = ""
        else:
            part += ch
    parts.append(part)
    names = []
    for p in parts:
        m = re.match(r"\s*\*{0,2}([a-z_]\w*)\s*(?:[=:]|$)", p)
        if m:
            names.append(m.group(1))
    return names


def resolve(module, dotted: str):
    """A name as the index writes it: bare (in this module), `errors.InputError`, or `desktop_app.notices.x.y`."""
    parts = dotted.split(".")
    if parts[0] == "desktop_app":
        for cut in range(len(parts) - 1, 1, -1):
            try:
                target = importlib.import_module(".".join(parts[:cut]))
            except ModuleNotFoundError:
                continue
            for attr in parts[cut:]:
                target = getattr(target, attr, None)
            return target
        return None
    target = module
    for i, attr in enumerate(parts):
        found = getattr(target, attr, None)
        if found is None and i == 0:   # another services module named in passing (auth.login, errors.InputError)
            try:
                found = importlib.import_module(f"desktop_app.services.{attr}")
            except ModuleNotFoundError:
                found = None
        target = found
        if target is None:
            return None
    return target


def shown_names(module_name: str, text: str):
    """(dotted name, parameter names shown or None) for every call-like name and every bare name in a ; list."""
    module = importlib.import_module(f"desktop_app.services.{module_name}")
    for m in CALL.finditer(text):
        name = m.group(1)
        if "." not in name and not hasattr(module, name) and name[0].isupper():
            continue   # a result's shape written in words, e.g. -> IdInfo(...) kept beside its function
        yield module, name, arguments(text, m.end() - 1)
    for m in re.finditer(r"(?:^|;)\s*([a-z_]\w*)\s*(?=;|$)", text, re.M):
        yield module, m.group(1), None


def test_every_name_in_the_index_exists_with_the_parameters_it_shows():
    wrong = []
    for module_name, text in blocks().items():
        for module, name, shown in shown_names(module_name, text):
            target = resolve(module, name)
            if target is None:
                wrong.append(f"{module_name}.py: {name} does not exist")
                continue
            if not shown or not callable(target):
                continue
            if inspect.isclass(target):
                fields = set(getattr(target, "__dataclass_fields__", {})) or set(inspect.signature(target).parameters)
                missing = [p for p in shown if p not in fields]
            else:
                missing = [p for p in shown if p not in inspect.signature(target).parameters]
            if missing:
                wrong.append(f"{module_name}.py: {name} has no {', '.join(missing)}")
    assert wrong == []


def counter_actions():
    for info in pkgutil.iter_modules(services.__path__):
        module = importlib.import_module(f"desktop_app.services.{info.name}")
        for name, fn in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(fn) or fn.__module__ != module.__name__:
                continue
            if list(inspect.signature(fn).parameters)[:1] == ["session"]:
                yield info.name, name


def test_every_counter_action_is_in_the_index_under_its_module():
    index = blocks()
    missing = [f"{m}.{n}" for m, n in counter_actions()
               if f"{m}.{n}" not in HELPERS and not re.search(rf"(?<![\w.]){n}\b", index.get(m, ""))]
    assert missing == [], "add them to desktop_app/services/__init__.py"


def test_the_helpers_left_out_are_still_there():
    assert HELPERS <= {f"{m}.{n}" for m, n in counter_actions()}


def test_the_index_check_can_fail(monkeypatch):
    """A renamed parameter and a function the index does not know are both caught."""
    monkeypatch.setattr(services, "__doc__", services.__doc__.replace("search_people(session, text,",
                                                                      "search_people(session, query,"))
    with pytest.raises(AssertionError, match="search_people has no query"):
        test_every_name_in_the_index_exists_with_the_parameters_it_shows()
    monkeypatch.setattr(services, "__doc__", services.__doc__.replace("get_person(session, person_id)", ""))
    with pytest.raises(AssertionError, match="people.get_person"):
        test_every_counter_action_is_in_the_index_under_its_module()
