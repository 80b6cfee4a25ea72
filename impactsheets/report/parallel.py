"""Render many site reports, in worker processes when asked, results in input order.

Each worker loads the questionnaire and the template (fonts included) once. A site whose
rendering raises is returned with its error; the others go on.

>>> from impactsheets.validation import Response
>>> [(k, err) for k, pdf, err in render_many([("a", Response(2, {"site_nom": "A"}))], None, "default", 1)]
[('a', None)]
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from impactsheets.questionnaire import Questionnaire, load_questionnaire
from impactsheets.report import render_site
from impactsheets.report.template import Template, load_template
from impactsheets.validation import Response

Task = tuple[Any, Response]
Result = tuple[Any, bytes | None, str | None]
_WORKER: dict[str, Any] = {}


def _init(questionnaire: str | None, template: str, network: Any = None) -> None:
    _WORKER["questionnaire"] = load_questionnaire(questionnaire)
    _WORKER["template"] = load_template(template)
    _WORKER["network"] = network


def _render_one(task: Task, questionnaire: Questionnaire, template: Template,
                network: Any = None) -> Result:
    key, response = task
    try:
        return key, render_site(response, questionnaire, template, network), None
    except Exception as exc:  # one site's failure must not stop the others
        return key, None, f"{type(exc).__name__}: {exc}"


def _render_in_worker(task: Task) -> Result:
    return _render_one(task, _WORKER["questionnaire"], _WORKER["template"], _WORKER["network"])


def render_many(tasks: Sequence[Task], questionnaire: str | None, template: str,
                jobs: int, network: Any = None) -> Iterator[Result]:
    """Yield ``(key, pdf bytes or None, error or None)`` for each task, in order; ``network``
    (a :class:`~impactsheets.network.comparison.Comparison`) goes to each worker once."""
    if jobs <= 1 or len(tasks) <= 1:
        loaded_q, loaded_t = load_questionnaire(questionnaire), load_template(template)
        for task in tasks:
            yield _render_one(task, loaded_q, loaded_t, network)
        return
    chunk = max(1, min(32, len(tasks) // (jobs * 4)))
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init,
                             initargs=(questionnaire, template, network)) as pool:
        yield from pool.map(_render_in_worker, tasks, chunksize=chunk)
