"""Render many site reports, in worker processes when asked, results in input order.

Each worker loads the questionnaire and the template (fonts included) once. A site whose
rendering raises is returned with its error; the others go on. A worker that dies (killed,
out of memory) fails the sites not yet rendered, with one error each, instead of stopping
the run.

Workers live only as long as the process that started them: on Linux the kernel kills them
when it dies (``PR_SET_PDEATHSIG``), elsewhere a watchdog thread in each worker does; when
the run stops early (an error, Ctrl-C, SIGTERM) they are killed before it exits. They
write nothing to the terminal: their stdin, stdout and stderr are ``/dev/null``, so a
``| tee`` or a scheduler reading the output never waits for them.

>>> from impactsheets.validation import Response
>>> [(k, err) for k, pdf, err in render_many([("a", Response(2, {"site_nom": "A"}))], None, "default", 1)]
[('a', None)]

:func:`render_files` has each worker write its PDF itself, to a temporary file beside its
target, so that the caller never receives the PDF's bytes; the caller renames each file over
its target when it records it (:func:`~impactsheets.files.finish_partial`).
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from impactsheets.files import remove_partials, write_partial
from impactsheets.questionnaire import Questionnaire, load_questionnaire
from impactsheets.report import render_site
from impactsheets.report.template import Template, load_template
from impactsheets.validation import Response

Task = tuple[Any, Response]
Result = tuple[Any, bytes | None, str | None]
#: (key, response, where its PDF goes)
FileTask = tuple[Any, Response, Path]
#: (key, the PDF's written temporary file or None, error: a message, or the write's OSError)
FileResult = tuple[Any, Path | None, str | OSError | None]
_WORKER: dict[str, Any] = {}
_PR_SET_PDEATHSIG = 1
#: The error of each site left unrendered when a worker process dies.
WORKER_DIED = "a rendering process died (killed, or out of memory?); retried at the next run"
log = logging.getLogger("impactsheets.render")


def _die_with(parent: int) -> None:
    """End this worker as soon as ``parent`` is gone."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    else:  # pragma: no cover - no parent-death signal: watch the parent pid

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(1.0)
            os._exit(1)

        threading.Thread(target=watch, daemon=True).start()
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)


def _detach_output() -> None:
    """Point stdin, stdout and stderr at /dev/null (errors come back as results)."""
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)


def _init(parent: int, questionnaire: str | None, template: str, network: Any = None) -> None:
    _die_with(parent)
    _detach_output()
    _WORKER["parent"] = parent
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


def _render_file(task: FileTask, questionnaire: Questionnaire, template: Template,
                 network: Any = None) -> FileResult:
    key, response, target = task
    _, pdf, error = _render_one((key, response), questionnaire, template, network)
    if pdf is None:
        return key, None, error
    try:  # the file is the sync's (which renames it), not the worker's: named with its pid
        return key, write_partial(target, pdf, _WORKER.get("parent")), None
    except OSError as exc:  # the caller decides: a full disk stops the run
        return key, None, exc


def _render_in_worker(task: Task) -> Result:
    return _render_one(task, _WORKER["questionnaire"], _WORKER["template"], _WORKER["network"])


def _render_file_in_worker(task: FileTask) -> FileResult:
    return _render_file(task, _WORKER["questionnaire"], _WORKER["template"], _WORKER["network"])


def render_many(tasks: Sequence[Task], questionnaire: str | None, template: str,
                jobs: int, network: Any = None) -> Iterator[Result]:
    """Yield ``(key, pdf bytes or None, error or None)`` for each task, in order; ``network``
    (a :class:`~impactsheets.network.comparison.Comparison`) goes to each worker once."""
    return _run(_render_one, _render_in_worker, tasks, questionnaire, template, jobs, network)


def render_files(tasks: Sequence[FileTask], questionnaire: str | None, template: str,
                 jobs: int, network: Any = None) -> Generator[FileResult, None, None]:
    """Like :func:`render_many`, but each PDF is written by the worker that renders it, to a
    temporary file beside its target: yields ``(key, that file, None)``, or ``(key, None,
    error)`` where a failed write's error is its ``OSError``. The caller flushes to disk and
    renames the files it keeps (:func:`~impactsheets.files.finish_partial`); when it stops
    early, the temporary files are removed (a killed run's, by the next run)."""
    folders = {target.parent for _, _, target in tasks}
    finished = False
    try:
        yield from _run(_render_file, _render_file_in_worker, tasks, questionnaire, template,
                        jobs, network)
        finished = True
    finally:
        if not finished:  # the caller stopped early: the files it did not take go
            remove_partials(*folders)


def _run(one: Callable[..., Any], in_worker: Callable[[Any], Any], tasks: Sequence[Any],
         questionnaire: str | None, template: str, jobs: int, network: Any) -> Iterator[Any]:
    if jobs <= 1 or len(tasks) <= 1:
        loaded_q, loaded_t = load_questionnaire(questionnaire), load_template(template)
        for task in tasks:
            yield one(task, loaded_q, loaded_t, network)
        return
    chunk = max(1, min(32, len(tasks) // (jobs * 4)))
    done = 0
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_init,
                               initargs=(os.getpid(), questionnaire, template, network))
    finished = False
    # The workers are forked by the first submit (map submits every chunk at once). Frozen,
    # the run's objects are left alone by the workers' garbage collections, which would
    # otherwise write into (and so copy) every page they inherited: a national run's data.
    try:
        gc.freeze()
        try:
            results = pool.map(in_worker, tasks, chunksize=chunk)
        finally:
            gc.unfreeze()
        for result in results:
            done += 1
            yield result
        finished = True
    except BrokenProcessPool:
        log.error("a rendering process died: %d report(s) not rendered this run",
                  len(tasks) - done)
        for task in tasks[done:]:
            yield task[0], None, WORKER_DIED
        finished = True
    finally:
        if not finished:  # the caller stopped early (an error, Ctrl-C, SIGTERM): end the
            _end_workers(pool)  # workers now rather than wait for the reports they draw
        pool.shutdown(wait=True, cancel_futures=True)


def _end_workers(pool: ProcessPoolExecutor) -> None:
    """SIGKILL the pool's worker processes (their results are no longer wanted)."""
    processes = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            process.kill()
