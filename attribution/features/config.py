"""Feature configs: YAML presets shipped in ``attribution/configs/`` (light, default, heavy,
attribution) or any YAML path. A config may start from another with ``extends: NAME_OR_PATH``."""

from __future__ import annotations

import copy
import inspect
import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from attribution.errors import ConfigError
from attribution.features.base import FAMILIES
from attribution.features.registry import load_families

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

PRESETS = ("light", "default", "heavy", "attribution")
#: Keys every family accepts besides its transformer's own parameters.
COMMON_FAMILY_KEYS = ("enabled", "weight")
TOP_KEYS = ("name", "seed", "cache", "families")
#: Key naming the config a YAML file or dict starts from (resolved before validation).
EXTENDS = "extends"
CACHE_KEYS = ("dir", "enabled")


def configs_dir() -> Traversable:
    """Where presets live: ``$ATTRIBUTION_CONFIGS``, else ``attribution/configs`` in the installed
    package (read through importlib.resources, so a wheel works anywhere)."""
    env = os.environ.get("ATTRIBUTION_CONFIGS")
    return Path(env) if env else resources.files("attribution").joinpath("configs")


@dataclass(frozen=True)
class FeatureConfig:
    """A validated feature config: which families, their parameters and weights, seed, cache."""

    name: str
    seed: int = 0
    cache: dict[str, Any] = field(default_factory=dict)
    families: dict[str, dict[str, Any]] = field(default_factory=dict)
    source: str | None = None

    @property
    def enabled_families(self) -> list[str]:
        """Names of the families this config uses, in config order."""
        return [name for name, spec in self.families.items() if spec.get("enabled", True)]

    def family_params(self, name: str) -> dict[str, Any]:
        """The transformer parameters of family ``name`` (without ``enabled``/``weight``)."""
        return {k: copy.deepcopy(v) for k, v in self.families[name].items() if k not in COMMON_FAMILY_KEYS}

    def weight(self, name: str) -> float:
        """The family's weight in the union (default 1)."""
        return float(self.families[name].get("weight", 1.0))

    def to_dict(self) -> dict[str, Any]:
        """The config as plain data (to store beside a model, or to rebuild with ``from_dict``)."""
        return {
            "name": self.name,
            "seed": self.seed,
            "cache": dict(self.cache),
            "families": copy.deepcopy(self.families),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, source: str | None = None) -> FeatureConfig:
        """Validate plain data (as read from YAML) into a config; ``ConfigError`` names the bad key."""
        return _validate(data, source or "<dict>")


def load_feature_config(spec: str | Path | dict | FeatureConfig = "default") -> FeatureConfig:
    """Load a preset by name (``light``, ``default``, ``heavy``, ``attribution``), a YAML path, or
    a dict. A bare name is a preset even when a folder of that name sits in the working directory.
    ``extends:`` (a preset name or a YAML path, relative to the file that names it) is resolved
    first: the config's keys override its parent's, family by family (``family: null`` drops one)."""
    if isinstance(spec, FeatureConfig):
        return spec
    if isinstance(spec, dict):
        return FeatureConfig.from_dict(_resolve_extends(dict(spec), None, "<dict>", ()))
    source = _locate(str(spec), None)
    data = _read_config(source, ())
    data.setdefault("name", _stem(source))
    return FeatureConfig.from_dict(data, source=str(source))


def _locate(text: str, base: Path | None) -> Traversable:
    """The preset or YAML file ``text`` names; relative paths start at ``base`` (else the working
    directory)."""
    path = Path(text).expanduser()
    if base is not None and not path.is_absolute():
        path = base / path
    if text in PRESETS or (not path.is_file() and not text.endswith((".yaml", ".yml")) and "/" not in text):
        preset = configs_dir().joinpath(f"{text}.yaml")
        if not preset.is_file():
            raise ConfigError(
                f"config {text!r}: no such preset; choose one of {', '.join(PRESETS)} or give a YAML path"
            )
        return preset
    if not path.is_file():
        raise ConfigError(f"config {text!r}: file not found; give a preset ({', '.join(PRESETS)}) or a YAML path")
    return path


def _stem(source: Traversable) -> str:
    return source.name.rsplit(".", 1)[0]


def _read_config(source: Traversable, chain: tuple[str, ...]) -> dict[str, Any]:
    """The YAML mapping in ``source`` with its ``extends`` chain merged in."""
    try:
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"config {source}: not valid YAML ({exc})") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"config {source}: expected a mapping at the top level, got {type(data).__name__}")
    base = Path(str(source)).parent
    return _resolve_extends(data, base, str(source), chain)


def _resolve_extends(data: dict[str, Any], base: Path | None, source: str, chain: tuple[str, ...]) -> dict[str, Any]:
    """Merge ``data`` over the config its ``extends`` names (recursively); refuse cycles."""
    parent_spec = data.pop(EXTENDS, None)
    if parent_spec is None:
        return data
    if not isinstance(parent_spec, str):
        raise ConfigError(f"config {source}: extends must name a preset or a YAML path, got {parent_spec!r}")
    parent_source = _locate(parent_spec, base)
    if str(parent_source) in chain or str(parent_source) == source:
        raise ConfigError(f"config {source}: extends {parent_spec!r} makes a cycle ({' -> '.join((*chain, source))})")
    parent = _read_config(parent_source, (*chain, source))
    parent.pop("name", None)  # a child is never named after its parent
    return _merge(parent, data, source)


def _merge(parent: dict[str, Any], child: dict[str, Any], source: str) -> dict[str, Any]:
    """``child`` over ``parent``: top-level keys replace, ``cache`` and each family merge key by key."""
    merged = copy.deepcopy(parent)
    for key, value in child.items():
        if key in ("cache", "families") and isinstance(value, dict) and isinstance(merged.get(key), dict):
            target = merged[key]
            for name, spec in value.items():
                if key == "families" and spec is None:
                    target.pop(name, None)
                elif key == "families" and isinstance(spec, dict) and isinstance(target.get(name), dict):
                    target[name] = {**target[name], **spec}
                else:
                    target[name] = copy.deepcopy(spec)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _validate(data: dict[str, Any], source: str) -> FeatureConfig:
    load_families()
    unknown = sorted(set(data) - set(TOP_KEYS))
    if unknown:
        raise ConfigError(f"config {source}: unknown key {unknown[0]!r}; allowed: {', '.join(TOP_KEYS)}")
    seed = data.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise ConfigError(f"config {source}: seed must be an integer, got {seed!r}")
    cache = data.get("cache") or {}
    if not isinstance(cache, dict) or set(cache) - set(CACHE_KEYS):
        raise ConfigError(f"config {source}: cache takes only {', '.join(CACHE_KEYS)}, got {cache!r}")
    families = data.get("families")
    if not isinstance(families, dict) or not families:
        raise ConfigError(f"config {source}: 'families' must map family names to settings")
    checked: dict[str, dict[str, Any]] = {}
    for name, spec in families.items():
        if name not in FAMILIES:
            raise ConfigError(f"config {source}: unknown family {name!r}; allowed: {', '.join(sorted(FAMILIES))}")
        spec = dict(spec or {})
        allowed = set(inspect.signature(FAMILIES[name][0]).parameters)
        bad = sorted(set(spec) - allowed - set(COMMON_FAMILY_KEYS))
        if bad:
            keys = ", ".join(sorted(allowed | set(COMMON_FAMILY_KEYS)))
            raise ConfigError(f"config {source}: families.{name} has unknown key {bad[0]!r}; allowed: {keys}")
        weight = spec.get("weight", 1.0)
        if not isinstance(weight, (int, float)) or weight < 0:
            raise ConfigError(f"config {source}: families.{name}.weight must be a number >= 0, got {weight!r}")
        for key, value in spec.items():
            if isinstance(value, list):  # YAML lists -> tuples: hashable, clone-safe parameters
                spec[key] = tuple(value)
        checked[name] = spec
    if not any(spec.get("enabled", True) for spec in checked.values()):
        raise ConfigError(f"config {source}: every family is disabled; enable at least one")
    return FeatureConfig(
        name=str(data.get("name", "custom")), seed=seed, cache=dict(cache), families=checked, source=source
    )
