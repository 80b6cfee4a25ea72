"""Report templates: the wording (phrases per topic) and the style of a site report, as data.

A template is ``templates/<name>/template.yaml`` (or any folder or YAML file). It may
``extends:`` another template and override only what differs. A broken template raises
:class:`~impactsheets.errors.TemplateError` naming the file and the line.

>>> t = load_template("default")
>>> t.name, t.topics["capacite"].sentences[0].count
('default', 'capacite_nombre')
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from impactsheets.errors import TemplateError
from impactsheets.resources import data_path
from impactsheets.yamlfile import LineMapping, YamlError, load_yaml

if TYPE_CHECKING:
    from impactsheets.questionnaire import Questionnaire

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
FILTERS = ("ou", "de", "les", "des")
_SPECIAL = {"n", "groups", "value"}
_TOP_KEYS = {"name", "version", "extends", "description", "labels", "style", "topics", "choices"}
_SENTENCE_KEYS = {"text", "count", "zero", "one", "many", "answer", "cases", "default", "group",
                  "other", "unknown", "negative"}
_TOPIC_KEYS = {"sentences", "omit_when", "quotes", "lead_in"}
_LABELS = ("title", "identity", "answered", "intensity", "keywords", "provisional", "page",
           "subject", "place", "others", "lead_in", "part_empty", "part_no_topic",
           "summary_title", "summary_effects_zero", "summary_effects_one", "summary_effects_many",
           "summary_no_intensity", "corrections_title", "corrections_intro",
           "corrections_question", "corrections_answer", "corrections_why", "corrections_blank")
_COLORS = ("primary", "accent", "text", "muted", "quote_background", "tag_background", "rule")



@dataclass(frozen=True)
class Sentence:
    """One sentence of a topic: plain ``text``, count variants, cases on a choice, or a grouping.

    Placeholders: ``{question_id}`` or ``{question_id|ou|de|les}``; ``[...]`` marks an optional
    part, dropped when a placeholder inside it is empty.
    """

    text: str = ""
    count: str | None = None
    zero: str | None = None
    one: str = ""
    many: str = ""
    on: str | None = None
    cases: dict[str, str] = field(default_factory=dict)
    default: str | None = None
    group: dict[str, str] = field(default_factory=dict)
    other: str | None = None  # for a site's own "other" answer (else ``default``)
    unknown: str | None = None  # when the counted / chosen answer is blank or invalid
    negative: tuple[str, ...] = ()  # choice values meaning "nothing happened"
    file: str = ""
    line: int = 0

    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class TopicTemplate:
    sentences: tuple[Sentence, ...] = ()
    omit_when: dict[str, tuple[str, ...]] = field(default_factory=dict)
    quotes: tuple[str, ...] | None = None  # None: the topic's long-text answers not in sentences
    lead_in: str | None = None  # said before comments when nothing else is (else labels.lead_in)


@dataclass(frozen=True)
class Style:
    page_size: str = "A4"
    margins_mm: tuple[float, float, float, float] = (18, 18, 20, 18)  # top, right, bottom, left
    fonts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    font_size: float = 10
    colors: dict[str, str] = field(default_factory=dict)
    logo: Path | dict[str, str] | None = None
    author: str = ""


@dataclass(frozen=True)
class Template:
    """A loaded template. ``fingerprint`` changes whenever any of its files changes."""

    name: str
    version: str
    folder: Path
    labels: dict[str, str]
    topics: dict[str, TopicTemplate]
    choices: dict[str, dict[str, str]]
    style: Style
    fingerprint: str
    #: What the template names, to check against a questionnaire:
    #: (kind "topic" / "question" / "choice", id, "file:line").
    refs: tuple[tuple[str, str, str], ...] = ()

    def choice_label(self, question: str, value: str) -> str | None:
        """The template's own wording for a choice, if any."""
        return self.choices.get(question, {}).get(value)


def load_template(name_or_path: str | Path, questionnaire: Questionnaire | None = None) -> Template:
    """A bundled template by name (``"default"``), or a template folder / YAML file path;
    checked against ``questionnaire`` when given (:func:`check_template`)."""
    path = _locate(name_or_path)
    raw, files = _read_chain(path, set())
    digest = hashlib.sha256()
    for file in files:
        digest.update(file.read_bytes())
    template = _build(raw, path, digest.hexdigest()[:16])
    if questionnaire is not None:
        check_template(template, questionnaire)
    return template


def check_template(template: Template, questionnaire: Questionnaire) -> None:
    """Raise :class:`TemplateError` (``file:line``) at the first topic, question or choice the
    template names that ``questionnaire`` does not have, before any report is rendered.

    >>> from impactsheets.questionnaire import load_questionnaire
    >>> check_template(load_template("default"), load_questionnaire())
    """
    topics = {t.id for part in questionnaire.parts for t in part.topics}
    for kind, name, where in template.refs:
        if kind == "topic":
            if name not in topics:
                raise TemplateError(f"{where}: unknown topic {name!r} (the questionnaire "
                                    f"{questionnaire.id} has: {', '.join(sorted(topics))})")
            continue
        qid, _, value = name.partition(".") if kind == "choice" else (name, "", "")
        try:
            question = questionnaire.question(qid)
        except KeyError:
            raise TemplateError(f"{where}: unknown question {qid!r} (not in the questionnaire "
                                f"{questionnaire.id})") from None
        if kind == "choice" and value not in {c.value for c in question.choices}:
            raise TemplateError(f"{where}: question {qid!r} has no choice {value!r}")


def _locate(name_or_path: str | Path) -> Path:
    text = str(name_or_path)
    if isinstance(name_or_path, str) and re.fullmatch(r"[\w.-]+", text) and not text.endswith(
            (".yaml", ".yml")):
        path = data_path("templates", text, "template.yaml")
    else:
        path = Path(name_or_path)
        if path.is_dir():
            path = path / "template.yaml"
    if not path.is_file():
        raise TemplateError(f"{path}: template not found")
    return path


def _read_chain(path: Path, seen: set[Path]) -> tuple[LineMapping, list[Path]]:
    """The template's mapping merged over the one it extends, and every file read."""
    if path.resolve() in seen:
        raise TemplateError(f"{path}: 'extends' loops back to this template")
    seen.add(path.resolve())
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"), str(path))
    except YamlError as exc:
        raise TemplateError(f"{path}:{exc.line}: invalid YAML ({exc.problem})") from None
    if not isinstance(raw, LineMapping):
        raise TemplateError(f"{path}:1: a template must be a mapping")
    _check_keys(raw, _TOP_KEYS, "the template")
    files = [path]
    logo = raw.get("style", {}).get("logo") if isinstance(raw.get("style"), dict) else None
    if isinstance(logo, str):
        files.append(path.parent / logo)
    if "extends" not in raw:
        return raw, files
    base, base_files = _read_chain(_locate(str(raw["extends"])), seen)
    return _merge(base, raw), base_files + files


def _merge(base: LineMapping, over: LineMapping) -> LineMapping:
    merged = LineMapping(base)
    merged.file, merged.line, merged.lines = over.file, over.line, {**base.lines, **over.lines}
    # Each key remembers the file it comes from, so messages name the right file and line.
    merged.sources = {**_sources(base), **{k: over.file for k in over}}  # type: ignore[attr-defined]
    for key, value in over.items():
        if (key in ("labels", "style", "topics", "choices") and isinstance(base.get(key), LineMapping)
                and isinstance(value, LineMapping)):
            merged[key] = _merge(base[key], value)  # a topic is replaced whole, not merged
        else:
            merged[key] = value
    return merged


def _sources(node: LineMapping) -> dict[str, str]:
    return getattr(node, "sources", None) or {k: node.file for k in node}


def _where(node: LineMapping, key: str | None) -> str:
    """``file:line`` of ``key`` in ``node`` (of ``node`` itself when ``key`` is None)."""
    if key is None:
        return f"{node.file}:{node.line}"
    return f"{_sources(node).get(key, node.file)}:{node.line_of(key)}"


def _fail(node: LineMapping, key: str | None, message: str) -> TemplateError:
    return TemplateError(f"{_where(node, key)}: {message}")


def _check_keys(node: LineMapping, allowed: set[str], where: str) -> None:
    for key in node:
        if key not in allowed:
            raise _fail(node, key, f"unknown key {key!r} in {where} "
                                   f"(known: {', '.join(sorted(allowed))})")


def _mapping(node: LineMapping, key: str, where: str) -> LineMapping:
    value = node.get(key, LineMapping())
    if not isinstance(value, dict):
        raise _fail(node, key, f"'{key}' of {where} must be a mapping")
    return value if isinstance(value, LineMapping) else LineMapping(value)


def _string(node: LineMapping, key: str, where: str) -> str:
    value = node.get(key)
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise _fail(node, key, f"'{key}' of {where} must be a text")
    _check_placeholders(node, key, str(value))
    return str(value)


def _check_placeholders(node: LineMapping, key: str, text: str) -> None:
    if text.count("[") != text.count("]"):
        raise _fail(node, key, f"unbalanced [ ] in {text!r}")
    for inner in PLACEHOLDER.findall(text):
        name, *filters = inner.split("|")
        if not re.fullmatch(r"\w+", name) or any(f not in FILTERS for f in filters):
            raise _fail(node, key, f"bad placeholder {{{inner}}} (write {{question_id}} or "
                                   f"{{question_id|{'|'.join(FILTERS)}}})")
    if re.search(r"[{}]", PLACEHOLDER.sub("", text)):
        raise _fail(node, key, f"unbalanced {{ }} in {text!r}")


def _build(raw: LineMapping, path: Path, digest: str) -> Template:
    labels_node = _mapping(raw, "labels", "the template")
    labels = {k: _string(labels_node, k, "labels") for k in labels_node}
    for key in _LABELS:
        if key not in labels:
            raise _fail(labels_node, None, f"labels: missing {key!r}")
    topics_node = _mapping(raw, "topics", "the template")
    topics = {tid: _topic(_as_map(topics_node, tid), tid) for tid in topics_node}
    choices_node = _mapping(raw, "choices", "the template")
    choices = {qid: {str(v): _string(_as_map(choices_node, qid), str(v), qid)
                     for v in _as_map(choices_node, qid)} for qid in choices_node}
    version = str(raw.get("version", "1"))
    name = str(raw.get("name", path.parent.name))
    return Template(name=name, version=version, folder=path.parent, labels=labels,
                    topics=topics, choices=choices, style=_style(raw, path.parent),
                    fingerprint=f"{name}@{version}+{digest}",
                    refs=_references(topics_node, topics, choices_node))


def _references(topics_node: LineMapping, topics: dict[str, TopicTemplate],
                choices_node: LineMapping) -> tuple[tuple[str, str, str], ...]:
    """Every topic, question and choice the template names, with its ``file:line``."""
    refs: list[tuple[str, str, str]] = []
    for tid, spec in topics.items():
        node = topics_node[tid]
        refs.append(("topic", tid, _where(topics_node, tid)))
        for s in spec.sentences:
            names = {m.split("|")[0] for text in (s.text, s.one, s.many, s.zero or "",
                                                  s.default or "", *s.cases.values())
                     for m in PLACEHOLDER.findall(text)} - _SPECIAL
            for qid in [*sorted(names), *s.group, *(q for q in (s.on, s.count) if q)]:
                refs.append(("question", qid, s.where()))
            refs += [("choice", f"{s.on}.{v}", s.where()) for v in s.cases if s.on]
        refs += [("question", qid, _where(node, "omit_when")) for qid in spec.omit_when]
        refs += [("question", qid, _where(node, "quotes")) for qid in spec.quotes or ()]
    for qid in choices_node:
        node = choices_node[qid]
        refs.append(("question", str(qid), _where(choices_node, qid)))
        refs += [("choice", f"{qid}.{v}", _where(node, v)) for v in node]
    return tuple(refs)


def _as_map(node: LineMapping, key: str) -> LineMapping:
    value = node[key]
    if not isinstance(value, LineMapping):
        raise _fail(node, key, f"{key!r} must be a mapping")
    return value


def _topic(node: LineMapping, tid: str) -> TopicTemplate:
    _check_keys(node, _TOPIC_KEYS, f"topic {tid!r}")
    raw = node.get("sentences", [])
    if not isinstance(raw, list):
        raise _fail(node, "sentences", f"topic {tid!r}: 'sentences' must be a list")
    sentences = []
    for item in raw:
        if isinstance(item, str):
            _check_placeholders(node, "sentences", item)
            sentences.append(Sentence(text=item, file=node.file, line=node.line_of("sentences")))
        elif isinstance(item, LineMapping):
            sentences.append(_sentence(item, tid))
        else:
            raise _fail(node, "sentences", f"topic {tid!r}: a sentence is a text or a mapping")
    omit = _mapping(node, "omit_when", f"topic {tid!r}")
    quotes = node.get("quotes")
    if quotes is not None and not (isinstance(quotes, list) and all(isinstance(q, str)
                                                                    for q in quotes)):
        raise _fail(node, "quotes", f"topic {tid!r}: 'quotes' must be a list of question ids")
    return TopicTemplate(
        sentences=tuple(sentences),
        omit_when={k: tuple(v) if isinstance(v, list) else (str(v),) for k, v in omit.items()},
        quotes=tuple(quotes) if quotes is not None else None,
        lead_in=_string(node, "lead_in", f"topic {tid!r}") if "lead_in" in node else None)


def _sentence(node: LineMapping, tid: str) -> Sentence:
    where = f"a sentence of topic {tid!r}"
    _check_keys(node, _SENTENCE_KEYS, where)
    text = {k: _string(node, k, where) for k in ("text", "zero", "one", "many", "default",
                                                 "other", "unknown") if k in node}
    negative = node.get("negative", [])
    if not (isinstance(negative, list) and all(isinstance(v, str) for v in negative)):
        raise _fail(node, "negative", f"{where}: 'negative' must be a list of choice values")
    cases = {str(k): _string(_as_map(node, "cases"), str(k), where)
             for k in (_as_map(node, "cases") if "cases" in node else {})}
    group = {str(k): _string(_as_map(node, "group"), str(k), where)
             for k in (_as_map(node, "group") if "group" in node else {})}
    if "count" in node and not ("one" in text and "many" in text):
        raise _fail(node, "count", f"{where}: 'count' needs 'one' and 'many'")
    if "answer" in node and not (cases or "default" in text):
        raise _fail(node, "answer", f"{where}: 'answer' needs 'cases' or 'default'")
    if group and "text" not in text:
        raise _fail(node, "group", f"{where}: 'group' needs a 'text' using {{groups}} and {{value}}")
    if not any(k in node for k in ("text", "count", "answer")):
        raise _fail(node, None, f"{where}: give 'text', 'count' or 'answer'")
    return Sentence(text=text.get("text", ""), count=node.get("count"), zero=text.get("zero"),
                    one=text.get("one", ""), many=text.get("many", ""), on=node.get("answer"),
                    cases=cases, default=text.get("default"), group=group,
                    other=text.get("other"), unknown=text.get("unknown"),
                    negative=tuple(negative), file=node.file, line=node.line)


def _style(raw: LineMapping, folder: Path) -> Style:
    node = _mapping(raw, "style", "the template")
    fonts_node = _mapping(node, "fonts", "style")
    fonts = {}
    for slot in ("regular", "bold", "italic", "bold_italic"):
        value = fonts_node.get(slot)
        if not value:
            raise _fail(fonts_node, None, f"style.fonts: missing {slot!r}")
        fonts[slot] = tuple(value) if isinstance(value, list) else (str(value),)
    colors = {k: str(v) for k, v in _mapping(node, "colors", "style").items()}
    for key in _COLORS:
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", colors.get(key, "")):
            raise _fail(_mapping(node, "colors", "style"), key if key in colors else None,
                        f"style.colors.{key} must be a colour like '#1f4e5f'")
    margins = node.get("margins_mm", [18, 18, 20, 18])
    if not (isinstance(margins, list) and len(margins) == 4
            and all(isinstance(m, int | float) and 5 <= m <= 60 for m in margins)):
        raise _fail(node, "margins_mm", "style.margins_mm: four numbers (top right bottom left), "
                                        "each 5 to 60")
    if node.get("page_size", "A4") not in ("A4", "letter"):
        raise _fail(node, "page_size", "style.page_size must be A4 or letter")
    logo = node.get("logo")
    if isinstance(logo, str):
        logo = folder / logo
        if not logo.is_file():
            raise _fail(node, "logo", f"style.logo: file not found: {logo}")
    elif logo is not None and not isinstance(logo, dict):
        raise _fail(node, "logo", "style.logo: a file name or a mapping {monogram, shape}")
    return Style(page_size=str(node.get("page_size", "A4")),
                 margins_mm=(margins[0], margins[1], margins[2], margins[3]),
                 fonts=fonts, font_size=float(node.get("font_size", 10)), colors=colors,
                 logo=logo, author=str(node.get("author", "")))
