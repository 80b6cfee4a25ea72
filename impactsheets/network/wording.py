"""The network view's wording and settings: ``network.yaml`` beside a report template.

The bundled ``templates/default/network.yaml`` holds every key; a template folder may ship its
own ``network.yaml`` overriding some of them. A broken file stops the run naming the file.

>>> w = load_wording("default")
>>> w.text("synthesis", "title"), w.setting("comparison", "min_sites")
('Synthèse du réseau', 5)
>>> w.count("synthesis", "figures.sites", 2)
'2 lieux ont répondu'
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from impactsheets.errors import TemplateError
from impactsheets.report import french
from impactsheets.report.template import Template, load_template
from impactsheets.resources import data_path
from impactsheets.yamlfile import YamlError, load_yaml

FILE = "network.yaml"


def percent(share: float) -> str:
    """A share as a whole French percentage (narrow no-break space before %).

    >>> percent(0.456), decimal(3.5), decimal(3.0)
    ('46\u202f%', '3,5', '3')
    """
    return f"{round(share * 100)}\u202f%"


def decimal(value: float) -> str:
    """A number with a French decimal comma, without a useless ",0"."""
    return f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",")


@dataclass(frozen=True)
class Wording:
    """Merged ``network.yaml`` keys; ``fingerprint`` changes with any of its files."""

    data: dict[str, Any]
    files: tuple[Path, ...]

    def _get(self, section: str, dotted: str) -> Any:
        node: Any = self.data.get(section, {})
        for key in dotted.split("."):
            if not isinstance(node, dict) or key not in node:
                raise TemplateError(f"{self.files[-1]}: missing key {section}.{dotted}")
            node = node[key]
        return node

    def text(self, section: str, key: str, **values: Any) -> str:
        """A phrase with its ``{placeholders}`` filled, French typography applied."""
        raw = self._get(section, key)
        if not isinstance(raw, str):
            raise TemplateError(f"{self.files[-1]}: {section}.{key} must be a text")
        return french.typography(_fill(raw, values))

    def phrase(self, section: str, key: str, n: int, **values: Any) -> str:
        """The ``one``/``many`` form agreeing with ``n`` ("lieux ont répondu")."""
        raw = self._get(section, key)
        if isinstance(raw, dict) and {"one", "many"} <= set(raw):
            text = french.by_count(n, str(raw["one"]), str(raw["many"]))
            return french.typography(_fill(text, values))
        raise TemplateError(f"{self.files[-1]}: {section}.{key} needs 'one' and 'many'")

    def count(self, section: str, key: str, n: int, **values: Any) -> str:
        """"2 lieux ont répondu": the number, then the phrase agreeing with it."""
        text = self.phrase(section, key, n, **values)
        numbered = "{n}" in str(self._get(section, key)["one"]) + str(self._get(section, key)["many"])
        return text if numbered else f"{n} {text}"

    def setting(self, section: str, key: str) -> Any:
        return self._get(section, key)


def _fill(text: str, values: dict[str, Any]) -> str:
    for key, value in values.items():
        text = text.replace("{" + key + "}", str(value))
    return text


def _read(path: Path) -> dict[str, Any]:
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"), str(path))
    except YamlError as exc:
        raise TemplateError(f"{path}:{exc.line}: invalid YAML ({exc.problem})") from None
    except OSError as exc:
        raise TemplateError(f"{path}: cannot read ({exc.strerror})") from None
    if not isinstance(raw, dict):
        raise TemplateError(f"{path}:1: {FILE} must be a mapping")
    return raw


def _merge(base: dict[str, Any], over: dict[str, Any], where: Path) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if key not in base:
            raise TemplateError(f"{where}: unknown key {key!r} (known: {', '.join(sorted(base))})")
        merged[key] = _merge(base[key], value, where) if isinstance(base[key], dict) else value
    return merged


def load_wording(template: Template | str | Path = "default") -> Wording:
    """The network wording of ``template`` (its own ``network.yaml`` over the default one)."""
    loaded = template if isinstance(template, Template) else load_template(template)
    default = data_path("templates", "default", FILE)
    data = _read(default)
    files = [default]
    own = loaded.folder / FILE
    if own.is_file() and own.resolve() != default.resolve():
        data = _merge(data, _read(own), own)
        files.append(own)
    return Wording(data, tuple(files))
