"""Change nested parameters of a config in one call, and list their names.

Instead of nesting :func:`dataclasses.replace` three deep::

    from akimsim import toy_config, with_params

    cfg = toy_config()
    cfg2 = with_params(cfg, {"behaviour.voters.admin_support": 2.0,
                             "rule.district": "two_round",
                             "regimes.rural": "appointment"})
    cfg3 = with_params(cfg, seed=3, end_year=2025)  # top-level fields as keywords

:func:`with_params` returns a new config (the one given is left as it was), converts
strings to the field's enum (``"two_round"`` to ``RuleName.two_round``) and checks the
result with :func:`akimsim.config.validate.validate`, the check every composed config
gets. :func:`params_of` lists every dotted path and its value, the names
:func:`with_params` takes.

Paths are the field names joined by dots; an item of a list of sections is written with
its index, ``behaviour.parties[0].attachment`` (or ``behaviour.parties.0.attachment``).
"""

from __future__ import annotations

import copy
import dataclasses
import difflib
import enum
import numbers
import re
import types
import typing
from collections.abc import Mapping
from typing import Any, TypeVar

from akimsim.config.schema import RunConfig
from akimsim.config.validate import ConfigError, check_numbers, validate

T = TypeVar("T")

_PIECE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)?((?:\[\d+\])*)$")


def _is_section(obj: object) -> bool:
    return dataclasses.is_dataclass(obj) and not isinstance(obj, type)


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    """The resolved type annotation of each field of a config class."""
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _segments(path: str) -> list[str | int]:
    """``behaviour.parties[0].name`` as ``["behaviour", "parties", 0, "name"]``."""
    if not isinstance(path, str) or not path.strip():
        raise ConfigError(f"with_params: a path must be a non-empty string, not {path!r}")
    out: list[str | int] = []
    for piece in path.strip().split("."):
        match = _PIECE.match(piece)
        if piece.isdigit():
            out.append(int(piece))
        elif match and match.group(1):
            out.append(match.group(1))
            out += [int(i) for i in re.findall(r"\d+", match.group(2))]
        else:
            raise ConfigError(f"with_params: {path!r} is not a dotted path (write e.g. "
                              f"behaviour.voters.admin_support or "
                              f"behaviour.parties[0].attachment)")
    return out


def _join(parts: list[str | int]) -> str:
    text = ""
    for p in parts:
        text += f"[{p}]" if isinstance(p, int) else (f".{p}" if text else p)
    return text


def _args(tp: Any) -> tuple[Any, ...]:
    return typing.get_args(tp)


def _is_union(tp: Any) -> bool:
    return typing.get_origin(tp) in (typing.Union, types.UnionType)


def _item_type(tp: Any) -> Any:
    """The item type of ``list[X]`` (``Any`` if not a list type)."""
    args = _args(tp) if typing.get_origin(tp) is list else ()
    return args[0] if args else Any


def _kind(tp: Any) -> str:
    """A type annotation in words, for messages."""
    if _is_union(tp):
        return " or ".join(_kind(a) for a in _args(tp))
    if tp is type(None):
        return "None"
    if typing.get_origin(tp) is list:
        return f"a list of {_kind(_item_type(tp))}"
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return f"one of {', '.join(repr(m.value) for m in tp)}"
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return f"a {tp.__name__} (or a dict of its fields)"
    names = {bool: "True or False", int: "a whole number", float: "a number",
             str: "a string"}
    return names.get(tp, getattr(tp, "__name__", str(tp)))


def _bad(path: str, value: object, tp: Any, why: str = "") -> ConfigError:
    return ConfigError(f"with_params: {path} = {value!r} is invalid: expected "
                       f"{_kind(tp)}{why}")


def _convert(value: Any, tp: Any, path: str) -> Any:
    """``value`` as a field of type ``tp`` holds it: a string as the enum member, an int
    as a float, a dict or a list of dicts as config sections; a copy, never the caller's
    object. Raises :class:`ConfigError` naming ``path`` if the type does not fit (the
    range is checked afterwards, by :func:`validate`)."""
    if tp is Any:
        return copy.deepcopy(value)
    if _is_union(tp):
        arms = _args(tp)
        if value is None and type(None) in arms:
            return None
        real = [a for a in arms if a is not type(None)]
        if len(real) == 1:
            try:
                return _convert(value, real[0], path)
            except ConfigError:
                raise _bad(path, value, tp) from None
        for arm in real:
            try:
                return _convert(value, arm, path)
            except ConfigError:
                continue
        raise _bad(path, value, tp)
    if typing.get_origin(tp) is list:
        if isinstance(value, str | bytes | Mapping) or not isinstance(value, list | tuple):
            raise _bad(path, value, tp)
        item = _item_type(tp)
        return [_convert(v, item, f"{path}[{i}]") for i, v in enumerate(value)]
    if not isinstance(tp, type):
        return copy.deepcopy(value)
    if issubclass(tp, enum.Enum):
        if isinstance(value, tp):
            return value
        if isinstance(value, str):
            try:
                return tp(value)
            except ValueError:
                close = difflib.get_close_matches(value, [str(m.value) for m in tp], n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise _bad(path, value, tp, hint) from None
        raise _bad(path, value, tp)
    if dataclasses.is_dataclass(tp):
        if isinstance(value, tp):  # rebuilt field by field, so "rural" becomes Tier.rural
            return _build(tp, {f.name: getattr(value, f.name)
                               for f in dataclasses.fields(value) if f.init}, path)
        if isinstance(value, Mapping):
            return _build(tp, value, path)
        raise _bad(path, value, tp)
    if tp is bool:
        if isinstance(value, bool):
            return value
        raise _bad(path, value, tp)
    if tp is int:
        if isinstance(value, numbers.Integral) and not isinstance(value, bool):
            return int(value)
        raise _bad(path, value, tp)
    if tp is float:
        if isinstance(value, numbers.Real) and not isinstance(value, bool):
            try:
                return float(value)
            except OverflowError:
                raise _bad(path, value, tp, " that fits in a float") from None
        raise _bad(path, value, tp)
    if isinstance(value, tp):
        return copy.deepcopy(value)
    raise _bad(path, value, tp)


def _unknown(name: object, cls: type, where: str, path: str) -> ConfigError:
    names = [f.name for f in dataclasses.fields(cls)]
    close = difflib.get_close_matches(str(name), names, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return ConfigError(f"with_params: {path!r}: {where or 'the config'} ({cls.__name__}) has "
                       f"no field {str(name)!r}; {hint}its fields are {', '.join(names)}")


def _build(cls: type, fields: Mapping[str, Any], path: str) -> Any:
    """A new ``cls`` from a dict of some of its fields (the others take their defaults)."""
    hints = _hints(cls)
    known = {f.name for f in dataclasses.fields(cls) if f.init}
    kwargs = {}
    for name, value in fields.items():
        if name not in known:
            raise _unknown(name, cls, path, f"{path}.{name}")
        kwargs[name] = _convert(value, hints[name], f"{path}.{name}")
    return cls(**kwargs)


def _locate(root: Any, path: str) -> tuple[Any, str | int, Any]:
    """Where ``path`` leads in ``root``: the section or list holding it, its field name or
    index there, and the type the field declares. Raises :class:`ConfigError` naming the
    first segment that does not exist, with the valid names at that level."""
    parts = _segments(path)
    obj, tp = root, type(root)
    for depth, part in enumerate(parts):
        where = _join(parts[:depth])
        if isinstance(part, int):
            if not isinstance(obj, list):
                raise ConfigError(f"with_params: {path!r}: {where} is not a list, so "
                                  f"[{part}] cannot index it")
            if part >= len(obj):
                raise ConfigError(f"with_params: {path!r}: {where} has {len(obj)} "
                                  f"item(s), so index {part} is out of range (to change "
                                  f"the number of items, set {where} to a whole list)")
            item = _item_type(tp)
        else:
            if not _is_section(obj):
                raise ConfigError(f"with_params: {path!r}: {where} is {_kind(tp)}, not a "
                                  f"section with fields, so it has no field {part!r}")
            if part not in {f.name for f in dataclasses.fields(obj)}:
                raise _unknown(part, type(obj), where, path)
            item = _hints(type(obj))[part]
        if depth == len(parts) - 1:
            return obj, part, item
        obj = obj[part] if isinstance(part, int) else getattr(obj, part)
        tp = item
    raise AssertionError("unreachable: a path has at least one segment")


def _set(root: Any, path: str, value: Any) -> None:
    """Set ``path`` of ``root`` (a config section, changed in place) to ``value``."""
    holder, key, tp = _locate(root, path)
    new = _convert(value, tp, _join(_segments(path)))
    if isinstance(key, int):
        holder[key] = new
    else:
        setattr(holder, key, new)


def with_params(cfg: T, changes: Mapping[str, Any] | None = None, /, **dotted: Any) -> T:
    """A copy of ``cfg`` with each dotted path set to its value, validated.

    ``changes`` maps dotted paths to values; keywords set top-level fields (``seed=3``).
    The changes are applied in order, the mapping's first, then checked together, so
    ``start_year`` and ``end_year`` can move at once. ``cfg`` is left unchanged and the
    copy shares no section or list with it.

    Values take the field's type: a string for an enum field becomes the member
    (``"two_round"`` -> ``RuleName.two_round``, ``"rural"`` -> ``Tier.rural``), an int for a
    float field a float; a section (``behaviour.voters``) or a list of sections
    (``regimes.schedule``, ``behaviour.parties``) can be set whole from instances or from
    dicts of their fields (the fields a dict leaves out take their defaults).

    Raises :class:`~akimsim.config.ConfigError` (a ``ValueError``) naming the path: an
    unknown field (with the valid names at that level and the closest match), a value
    of the wrong type, or a value that :func:`~akimsim.config.validate` refuses (out of
    its range, or inconsistent with another field).

    Examples::

        from akimsim import RegimeName, ReformStep, Tier, toy_config, with_params

        cfg = toy_config()
        with_params(cfg, {"behaviour.voters.admin_support": 2.0}).behaviour.voters.admin_support
        # 2.0 (cfg.behaviour.voters.admin_support is unchanged)
        with_params(cfg, {"rule.district": "two_round", "regimes.rural": "appointment"})
        with_params(cfg, seed=3, end_year=2025)
        with_params(cfg, {"regimes.schedule": [
            {"year": 2021, "tier": "rural"},
            ReformStep(2023, Tier.district, RegimeName.direct, units=45)]})
        with_params(cfg, {"behaviour.parties[0].attachment": 0.3})
        with_params(cfg, {"behaviour.voter.admin_support": 2.0})
        # ConfigError: with_params: 'behaviour.voter.admin_support': behaviour
        # (BehaviourConfig) has no field 'voter'; did you mean 'voters'? its fields are
        # voters, candidates, akims, appointers, maslikhats, parties
        with_params(cfg, {"behaviour.voters.party_pull": 1.5})
        # ConfigError: with_params: behaviour.voters.party_pull = 1.5 is invalid:
        # expected a share in [0, 1] (setting behaviour.voters.party_pull)
    """
    if not _is_section(cfg):
        raise TypeError(f"with_params: expected a config (e.g. a RunConfig), not "
                        f"{type(cfg).__name__}")
    if changes is not None and not isinstance(changes, Mapping):
        raise TypeError(f"with_params: changes must be a mapping of dotted paths to "
                        f"values, not {type(changes).__name__}")
    todo = dict(changes or {})
    for name, value in dotted.items():
        if name in todo:
            raise ConfigError(f"with_params: {name!r} is given twice (in the mapping and "
                              f"as a keyword)")
        todo[name] = value
    out = copy.deepcopy(cfg)
    for path, value in todo.items():
        _set(out, path, value)
    try:
        if isinstance(out, RunConfig):
            validate(out)
        else:
            check_numbers(out)  # a section alone: the generic pass over its numbers
    except ConfigError as exc:
        changed = ", ".join(todo) or "nothing"
        raise ConfigError(f"with_params: {exc} (setting {changed})") from None
    return out


def _walk(obj: Any, path: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        where = f"{path}.{f.name}" if path else f.name
        if _is_section(value):
            out.update(_walk(value, where))
        elif isinstance(value, list) and value and all(_is_section(v) for v in value):
            for i, item in enumerate(value):
                out.update(_walk(item, f"{where}[{i}]"))
        else:
            out[where] = copy.deepcopy(value)
    return out


def params_of(cfg: Any, prefix: str = "") -> dict[str, Any]:
    """Every parameter of ``cfg`` as ``{dotted path: value}``, in the schema's order: the
    names :func:`with_params` takes. With ``prefix`` (a section's path, e.g.
    ``"behaviour.voters"`` or ``"rule"``), only the parameters under it.

    Sections are walked down to their fields; a list of sections is listed item by
    item (``behaviour.parties[0].name``, ...), and an empty one as its whole value
    (``regimes.schedule``: ``[]``). The values are copies, so
    ``with_params(cfg, params_of(cfg)) == cfg``.

    Examples::

        from akimsim import params_of, toy_config

        params_of(toy_config(), "rule")
        # {'rule.name': <RuleName.plurality: 'plurality'>, 'rule.region': None, ...}
        [p for p in params_of(toy_config()) if "turnout" in p]
    """
    if not _is_section(cfg):
        raise TypeError(f"params_of: expected a config (e.g. a RunConfig), not "
                        f"{type(cfg).__name__}")
    every = _walk(cfg, "")
    if not prefix:
        return every
    wanted = _join(_segments(prefix))
    chosen = {p: v for p, v in every.items()
              if p == wanted or p.startswith((f"{wanted}.", f"{wanted}["))}
    if not chosen:
        try:  # a wrong name: the message with_params gives
            _locate(cfg, wanted)
        except ConfigError as exc:
            raise ConfigError(str(exc).replace("with_params:", "params_of:", 1)) from None
        raise ConfigError(f"params_of: {prefix!r} holds no parameter")
    return chosen


__all__ = ["params_of", "with_params"]
