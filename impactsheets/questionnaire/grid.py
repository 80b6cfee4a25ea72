"""Grid questions: Google's "multiple choice grid" (``type: grid``, one answer per row) and
"checkbox grid" (``type: checkbox_grid``, several per row).

In a definition a grid is one entry of ``questions`` with its ``rows`` and ``choices`` (the
grid's columns)::

    - id: pieces
      header: "Notez chaque pièce"     # the sheet's columns: "Notez chaque pièce [Cuisine]"…
      type: grid
      required: true                   # every row (a row may say otherwise)
      choices: [{value: bien, label: "Bien"}, {value: mal, label: "Mal"}]
      rows:
        - {id: cuisine, label: "Cuisine", entry_id: 1234}
        - {id: jardin, label: "Jardin", required: false}

Each row becomes a question of its own (id ``pieces.cuisine``, header "Notez chaque pièce
[Cuisine]", label "… [Cuisine]"), read from its own sheet column: every cell is checked on its
own and a problem names that cell; its ``entry_id`` prefills its row of the form.
``questionnaire init`` and ``questionnaire import`` write grids with :func:`grid_yaml`.

>>> print("\\n".join(grid_yaml([GridRow("cuisine", "Cuisine", entry_id=12),
...                              GridRow("jardin", "Jardin", required=False)], True)))
    rows:
      - {id: cuisine, label: "Cuisine", entry_id: 12}
      - {id: jardin, label: "Jardin", required: false}
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from impactsheets.questionnaire.model import GRID_TYPES, Choice, Grid, Question
from impactsheets.questionnaire.nodes import Builder, choices_of, entry_id, whole
from impactsheets.slugs import slugify
from impactsheets.yamlfile import LineMapping

GRID_KEYS = {"id", "header", "aliases", "label", "type", "required", "topic", "choices", "rows",
             "required_when", "asked_when", "description", "occurrence"}
_ROW_KEYS = {"id", "label", "header", "aliases", "entry_id", "required"}


@dataclass
class GridRow:
    """A row as a draft or an import writes it (``required``: None when as the grid's)."""

    id: str
    label: str
    required: bool | None = None
    entry_id: int | None = None


def row_id(label: str, taken: set[str]) -> str:
    """A row's id from its label, unique among ``taken`` (which it joins).

    >>> taken = set(); row_id("Night w/ light", taken), row_id("Night w/ light!", taken)
    ('night_w_light', 'night_w_light_2')
    """

    base = slugify(label, "ligne").replace("-", "_")[:30].strip("_") or "ligne"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}_{n}", n + 1
    taken.add(candidate)
    return candidate


def grid_yaml(rows: list[GridRow], required: bool) -> list[str]:
    """The ``rows:`` lines of a grid entry (indented for a ``questions`` item)."""
    out = ["    rows:"]
    for row in rows:
        fields = [f"id: {row.id}", f"label: {json.dumps(row.label, ensure_ascii=False)}"]
        if row.entry_id is not None:
            fields.append(f"entry_id: {row.entry_id}")
        if row.required is not None and row.required != required:
            fields.append(f"required: {str(row.required).lower()}")
        out.append(f"      - {{{', '.join(fields)}}}")
    return out


def load_grid(item: LineMapping, b: Builder, lists: dict[str, tuple[Choice, ...]], line: int
              ) -> tuple[Grid, list[Question]]:
    """The grid of a ``questions`` entry and its rows' questions (``lists``: the definition's
    ``choice_lists``)."""
    where = f"grid {item['id']!r}" if isinstance(item.get("id"), str) else "a grid"
    node = b.mapping(item, where, line, GRID_KEYS)
    choices = choices_of(node, b, lists, where)
    gid, kind = b.text(node, "id", where), b.text(node, "type", where)
    header = b.text(node, "header", where)
    label = b.text(node, "label", where, required=False) or header
    aliases = b.strings(node, "aliases", where)
    required = b.flag(node, "required", where)
    topic = b.text(node, "topic", where, required=False) or None
    occurrence = whole(node, "occurrence", b, where) or 1  # a grid Google repeats: its Nth
    raw = node.get("rows")
    if not isinstance(raw, list) or not raw:
        raise b.fail(node.line_of("rows") if "rows" in node else node.line,
                     f"{where}: a grid needs 'rows', a non-empty list")
    questions: list[Question] = []
    taken: set[str] = set()
    for item in raw:
        row = b.mapping(item, f"a row of {where}", node.line_of("rows"), _ROW_KEYS)
        text = b.text(row, "label", f"a row of {where}")
        rid = b.text(row, "id", f"row {text!r} of {where}", required=False) or row_id(text, taken)
        if "id" in row and rid in taken:
            raise b.fail(row.line, f"{where}: duplicate row id {rid!r}")
        taken.add(rid)
        questions.append(Question(
            id=f"{gid}.{rid}",
            header=b.text(row, "header", f"row {rid!r}", required=False) or f"{header} [{text}]",
            label=f"{label} [{text}]",
            type=GRID_TYPES[kind],
            required=b.flag(row, "required", f"row {rid!r}") if "required" in row else required,
            aliases=(*b.strings(row, "aliases", f"row {rid!r}"),
                     *(f"{alias} [{text}]" for alias in aliases)),
            occurrence=occurrence,
            topic=topic,
            choices=choices,
            required_when=b.condition(node, "required_when", where),
            asked_when=b.condition(node, "asked_when", where),
            entry_id=entry_id(row, b, f"row {rid!r} of {where}"),
            description=b.text(node, "description", where, required=False),
            grid=gid,
            row=text,
            line=row.line or node.line,
        ))
    grid = Grid(gid, label, kind, tuple(q.id for q in questions), choices, topic)
    return grid, questions


def is_grid(item: Any) -> bool:
    """Whether a ``questions`` entry is a grid."""
    return isinstance(item, LineMapping) and item.get("type") in GRID_TYPES
