"""The options of a form export's checkbox column, told from its answers alone.

>>> sorted(split_options(["A, B", "A", "Big, small, Other thing", "Big, small"]))
['A', 'B', 'Big, small', 'Other thing']
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from itertools import pairwise

from impactsheets.questionnaire.labels import normalize_label


def split_options(cells: Iterable[str]) -> Counter[str]:
    """The options of a checkbox column and how often each was ticked.

    Google joins the ticked labels with ", ", and a label may itself hold ", ": a part starting
    in lower case continues the label before it, a whole cell given by several rows whose
    parts are never seen in any other answer is one label ("Big, small" above), and so are
    neighbouring parts that several different answers give together and none gives apart
    ("Hispanic, Latino, or Spanish origin" alone, with "White", with two others)."""
    cells = [c for c in cells if c]
    pieces = {cell: split_answer(cell, set()) for cell in set(cells)}
    elsewhere = Counter(p for parts in pieces.values() for p in set(parts))
    known = {cell for cell, parts in pieces.items() if len(parts) > 1 and cells.count(cell) > 1
             and all(elsewhere[p] == 1 for p in parts)}
    known |= _together([pieces[cell] for cell in sorted(pieces)])
    counts: Counter[str] = Counter()
    for cell in cells:
        for option in dict.fromkeys(split_answer(cell, known)):
            counts[option] += 1
    return counts


def _together(answers: list[list[str]]) -> set[str]:
    """The labels holding ", " told by the parts of the different answers: two neighbours
    seen side by side in at least two of them and never one without the other are joined,
    until none is (options always ticked together in one same answer stay apart).

    >>> sorted(_together([["A", "B", "C"], ["A", "B"], ["C"], ["D", "E"]]))
    ['A, B']
    """
    while True:
        seen = Counter(part for parts in answers for part in parts)
        pairs = Counter(pair for parts in answers for pair in pairwise(parts))
        pair = next((p for p, n in pairs.items() if n > 1 and seen[p[0]] == seen[p[1]] == n
                     and p[0] != p[1]), None)
        if pair is None:
            return {part for parts in answers for part in parts if ", " in part}
        joined = ", ".join(pair)
        for k, parts in enumerate(answers):
            out: list[str] = []
            for part in parts:
                if out and (out[-1], part) == pair:
                    out[-1] = joined
                else:
                    out.append(part)
            answers[k] = out


def split_answer(cell: str, known: set[str]) -> list[str]:
    """The labels of one checkbox answer: the ``known`` labels holding ", " kept whole, a part
    starting in lower case joined to the label before it.

    >>> split_answer("Big, small, Other thing, and more", {"Big, small"})
    ['Big, small', 'Other thing, and more']
    """
    tokens, i = cell.split(", "), 0
    out: list[str] = []
    while i < len(tokens):
        j = next((j for j in range(len(tokens), i + 1, -1) if ", ".join(tokens[i:j]) in known),
                 i + 1)  # the longest known label first
        label = ", ".join(tokens[i:j])
        if j == i + 1 and out and label[:1].islower():
            out[-1] += ", " + label
        else:
            out.append(label)
        i = j
    return out


def folded(counts: Counter[str]) -> Counter[str]:
    """Answers that differ only in case, spaces or apostrophes counted as one, under their
    most frequent spelling ("Brown", "brown ", "brown" -> "brown": 3).

    >>> folded(Counter({"Brown": 1, "brown": 2, "Blue": 1}))
    Counter({'brown': 3, 'Blue': 1})
    """
    spelling: dict[str, str] = {}
    for text, _ in counts.most_common():
        spelling.setdefault(normalize_label(text), text)
    counted: Counter[str] = Counter()
    for text, n in counts.items():
        counted[spelling[normalize_label(text)]] += n
    return counted


def spellings(counts: Counter[str]) -> list[str]:
    """The answers folded (:func:`folded`), the most frequent first."""
    return [o for o, _ in folded(counts).most_common()]
