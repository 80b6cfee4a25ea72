"""Safe YAML loading that remembers lines, so a broken data file is reported at its line.

Used by the questionnaire definition and the report templates.

>>> data = load_yaml("a: 1\\nb:\\n  c: 2\\n", "x.yaml")
>>> data.line_of("b"), data["b"].line_of("c")
(2, 3)
"""

from __future__ import annotations

from typing import Any

import yaml


class YamlError(Exception):
    """A syntax problem; ``line`` is 1-based (0 when unknown)."""

    def __init__(self, line: int, problem: str) -> None:
        super().__init__(problem)
        self.line, self.problem = line, problem


class LineMapping(dict[str, Any]):
    """A mapping that remembers its file and the line of itself and of each key."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.file = ""
        self.line = 0
        self.lines: dict[str, int] = {}

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.line)


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """PyYAML's safe loader, on libyaml (C; its wheels ship it) where available: five times
    faster on the questionnaire, with the same nodes and marks."""

    file = ""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineMapping:
    loader.flatten_mapping(node)
    mapping = LineMapping()
    mapping.file, mapping.line = loader.file, node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if isinstance(key, bool):
            raise YamlError(line, f"YAML reads {key_node.value!r} as true/false here; put it "
                                  "in quotes")
        if str(key) in mapping:
            raise YamlError(line, f"duplicate key {key!r}")
        mapping[str(key)] = loader.construct_object(value_node, deep=True)
        mapping.lines[str(key)] = line
    return mapping


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(text: str, file: str) -> Any:
    """Parse ``text``; every mapping becomes a :class:`LineMapping`. Raises :class:`YamlError`."""
    loader = _Loader(text)
    loader.file = file
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlError(mark.line + 1 if mark else 0, str(exc.problem)) from None
    except yaml.YAMLError as exc:
        raise YamlError(0, str(exc)) from None
    finally:
        loader.dispose()
