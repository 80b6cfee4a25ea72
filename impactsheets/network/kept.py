"""The network's figures kept between runs, in ``.network-stats.json`` in the output folder.

A national network's figures take seconds to compute (a frame of every answer, keywords and
quotes from every comment); a night without new answers reads them back instead. They are
computed again whenever anything they are made from changed: a current site's answers,
errors or identity (through :func:`impactsheets.plan.answers_digest`), the counts, the
questionnaire and template (``versions``), the wording files, or the code that computes them.
A missing, damaged or outdated file is simply computed again: the file is a shortcut, never a
source.

>>> from impactsheets.pipeline import EXAMPLE_WORKBOOK, validate_source
>>> from impactsheets.resources import data_path
>>> from impactsheets.questionnaire import load_questionnaire
>>> q = load_questionnaire()
>>> stats = network_stats(validate_source(data_path("examples", EXAMPLE_WORKBOOK), q)[1], q)
>>> stats_from_json(json.loads(json.dumps(stats_json(stats)))) == stats
True
"""

from __future__ import annotations

import hashlib
import json
import marshal
from pathlib import Path
from typing import Any

from impactsheets.files import atomic_write
from impactsheets.network.stats import (
    ChoiceStats,
    NetworkStats,
    PartStats,
    Quote,
    ScaleStats,
    Share,
    TopicStats,
    network_stats,
)
from impactsheets.network.wording import Wording
from impactsheets.questionnaire import Questionnaire
from impactsheets.validation import ValidationReport

FILE_NAME = ".network-stats.json"
FORMAT = 1
#: The modules the figures are computed by: a change in any of them computes them again.
CODE = ("network/stats.py", "network/frame.py", "network/identity.py", "network/kept.py",
        "report/phrases.py", "report/french.py")
PACKAGE = Path(__file__).resolve().parent.parent


def kept_network_stats(report: ValidationReport, questionnaire: Questionnaire, wording: Wording,
                       versions: str, digests: list[bytes], out_dir: Path, *,
                       keep: bool = False) -> NetworkStats:
    """The figures kept in ``out_dir`` when made from the same inputs, else computed (and,
    with ``keep``, kept for the next run). ``digests``: the current responses'
    :func:`~impactsheets.plan.answers_digest`, in order."""
    key = stats_key(report, versions, wording, digests)
    path = out_dir / FILE_NAME
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
        if kept.get("format") == FORMAT and kept.get("key") == key:
            return stats_from_json(kept["stats"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass  # none yet, or unreadable: computed again
    stats = network_stats(report, questionnaire, wording)
    if keep:
        atomic_write(path, json.dumps({"format": FORMAT, "key": key, "stats": stats_json(stats)},
                                      ensure_ascii=False).encode("utf-8"))
    return stats


def stats_key(report: ValidationReport, versions: str, wording: Wording,
              digests: list[bytes]) -> str:
    """A SHA-256 of everything the figures are made from."""
    code = []
    for name in CODE:
        try:
            code.append((PACKAGE / name).read_bytes())
        except OSError:  # installed without its sources: its version stands for them
            from impactsheets import __version__

            code.append(__version__.encode())
    files = [Path(f).read_bytes() for f in wording.files]
    sites = [(r.row, r.site, d) for r, d in zip(report.current, digests, strict=True)]
    counts = sorted(report.summary().items())
    data = marshal.dumps((FORMAT, versions, code, files, counts, sites), 2)
    return hashlib.sha256(data).hexdigest()


def stats_json(stats: NetworkStats) -> dict[str, Any]:
    """The figures as JSON-ready data (see :func:`stats_from_json`)."""
    return {
        "sites": stats.sites, "valid": stats.valid, "provisional": stats.provisional,
        "superseded": stats.superseded,
        "parts": [{"id": p.id, "title": p.title, "scale": _question(p.scale) if p.scale else None,
                   "topics": [{"id": t.id, "title": t.title,
                               "questions": [_question(q) for q in t.questions]}
                              for t in p.topics]} for p in stats.parts],
        "others": [_question(q) for q in stats.others],
        "departements": [list(d) for d in stats.departements],
        "keywords": [list(k) for k in stats.keywords],
        "quotes": [[q.text, q.site, q.town, q.topic] for q in stats.quotes],
        "shares": [[question, value, share] for (question, value), share in stats.shares.items()],
    }


def stats_from_json(data: dict[str, Any]) -> NetworkStats:
    """The figures back from :func:`stats_json`'s data."""
    return NetworkStats(
        sites=data["sites"], valid=data["valid"], provisional=data["provisional"],
        superseded=data["superseded"],
        parts=tuple(PartStats(p["id"], p["title"], _scale(p["scale"]) if p["scale"] else None,
                              tuple(TopicStats(t["id"], t["title"],
                                               tuple(_choice(q) for q in t["questions"]))
                                    for t in p["topics"])) for p in data["parts"]),
        others=tuple(_scale(q) if "levels" in q else _choice(q) for q in data["others"]),
        departements=tuple((str(name), int(n)) for name, n in data["departements"]),
        keywords=tuple((str(word), int(n)) for word, n in data["keywords"]),
        quotes=tuple(Quote(*q) for q in data["quotes"]),
        shares={(question, value): share for question, value, share in data["shares"]})


def _question(stats: ChoiceStats | ScaleStats) -> dict[str, Any]:
    if isinstance(stats, ScaleStats):
        return {"id": stats.id, "label": stats.label, "levels": list(stats.levels),
                "counts": list(stats.counts), "median": stats.median}
    return {"id": stats.id, "label": stats.label, "answered": stats.answered,
            "shares": [[s.value, s.label, s.count, s.share] for s in stats.shares]}


def _scale(data: dict[str, Any]) -> ScaleStats:
    return ScaleStats(data["id"], data["label"], tuple(data["levels"]), tuple(data["counts"]),
                      data["median"])


def _choice(data: dict[str, Any]) -> ChoiceStats:
    return ChoiceStats(data["id"], data["label"], data["answered"],
                       tuple(Share(*s) for s in data["shares"]))
