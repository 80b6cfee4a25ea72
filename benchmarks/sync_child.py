"""One sync in a fresh process, measured: ``python benchmarks/sync_child.py CONFIG.json``.

Used by ``benchmarks/run.py`` so that the sync's peak memory is its own (the runner holds
big tables). Prints one JSON object on stdout: the run summary, the wall time of
``run_sync``, the peak RSS of this process and of its largest render worker
(``VmHWM``, ``getrusage``), and every Google API request body size seen by the HTTP transport
(the emulator logs requests but not their size).
"""

from __future__ import annotations

import contextlib
import importlib
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # after PYTHONPATH, so a patched copy of the package can be timed
    sys.path.append(str(ROOT))


def _watch_request_bodies() -> list[dict[str, object]]:
    """Record method, path, body size and start time (s since the sync began) of every
    request the Google transport sends."""
    seen: list[dict[str, object]] = []
    try:
        from requests.adapters import HTTPAdapter
    except ImportError:
        return seen
    original = HTTPAdapter.send

    def send(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        body = request.body
        size = len(body) if isinstance(body, bytes | str) else 0
        started = time.perf_counter()
        response = original(self, request, *args, **kwargs)
        seen.append({"method": request.method, "url": request.url.split("?")[0][-120:],
                     "t": started - _STARTED[0],
                     "bytes": size, "wait_s": time.perf_counter() - started,
                     "response_bytes": len(response.content or b"")})
        return response

    HTTPAdapter.send = send  # type: ignore[method-assign]
    return seen


_STARTED = [time.perf_counter()]
#: Steps of impactsheets.sync timed when present (names may change as the sync evolves).
_PHASES = ("open_sheet", "validate", "plan_reports", "_render_and_deliver", "_write_back",
           "write_index", "write_zip")
_IMPORTED_PHASES = (("impactsheets.network.synthesis", "write_synthesis"),)


def _time_phases() -> dict[str, float]:
    """Wrap the sync's steps (and the sheet's ``read``) to add up the wall time of each."""
    import functools

    import impactsheets.sync as sync

    spent: dict[str, float] = {}

    def timed(name: str, func: Any) -> Any:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                result = func(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - started
            if name == "open_sheet" and hasattr(result, "read"):
                with contextlib.suppress(AttributeError):  # a class with slots: untimed
                    result.read = timed("read", result.read)
            return result
        return wrapper

    for name in _PHASES:
        if callable(getattr(sync, name, None)):
            setattr(sync, name, timed(name.strip("_"), getattr(sync, name)))
    for module_name, name in _IMPORTED_PHASES:  # imported by the sync when it runs
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        if callable(getattr(module, name, None)):
            setattr(module, name, timed(name, getattr(module, name)))
    return spent


def _vm_hwm_kb() -> int:
    """This process's own peak resident set (kB), from /proc/self/status."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def main() -> None:
    spec = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    bodies = _watch_request_bodies()
    from impactsheets.config import SyncConfig
    from impactsheets.sync import SyncOptions, run_sync

    if spec.get("render") is False:  # measured without the reports (said so in the figures)
        import impactsheets.sync as sync_module

        sync_module._render_and_deliver = lambda *args, **kwargs: {}  # type: ignore[attr-defined]
    phases = _time_phases()
    config = SyncConfig.from_dict(spec["config"], "benchmark")
    started = _STARTED[0] = time.perf_counter()
    summary = run_sync(config, SyncOptions(full=spec.get("full", False), jobs=spec.get("jobs")))
    wall = time.perf_counter() - started
    result = {
        "summary": summary.to_json(),
        "wall_s": wall,
        # VmHWM, not RUSAGE_SELF: after exec Linux keeps the parent's ru_maxrss if larger.
        "maxrss_self_kb": _vm_hwm_kb() or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "maxrss_workers_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
        "requests": bodies,
        "phases": phases,
    }
    result["summary"].pop("failures", None) if not summary.failures else None
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    main()
