"""Local Google Sheets v4 / Drive v3 / Forms v1 emulator (in-memory, loopback only) for tests
and demos.

Every request is judged against Google's discovery documents (:mod:`.discovery`) when
``google-api-python-client`` (a test dependency) is installed: a request Google would refuse
gets Google's 400, and its log entry a ``refused`` message.

>>> with Emulator() as emu:
...     key = emu.load_values("KEY", {"Réponses": [["Horodateur", "Site"], ["x", "y"]]})
...     emu.sheet_values("KEY", "Réponses")
...     # with IMPACTSHEETS_GOOGLE_EMULATOR=emu.base_url, gspread and Drive calls come here
[['Horodateur', 'Site'], ['x', 'y']]

Start one from the command line with :func:`serve` (wired as ``impactsheets emulator``).
"""

from __future__ import annotations

import copy
import sys
import threading
from pathlib import Path
from typing import Any

from . import drive as _drive
from .control import dump_state, validate_fault
from .discovery import load_judge
from .forms import load_form as _load_form
from .loader import load_values as _load_values
from .loader import load_xlsx as _load_xlsx
from .server import EmulatorHTTPServer, start_server
from .store import ApiError, Store
from .values_api import read_box

__all__ = ["ApiError", "Emulator", "Store", "serve"]


class Emulator:
    """An emulator server on 127.0.0.1 with a Python API for tests."""

    def __init__(self, port: int = 0, *, locale: str = "fr_FR", time_zone: str = "Europe/Paris",
                 judge: bool = True) -> None:
        self.store = Store(locale=locale, time_zone=time_zone)
        self._port = port
        self.judge = load_judge() if judge else None
        self._server: EmulatorHTTPServer | None = None

    # --- lifecycle ----------------------------------------------------------------------------
    def start(self) -> Emulator:
        if self._server is None:
            self._server = start_server(self.store, "127.0.0.1", self._port, self.judge)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("emulator not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def reset(self) -> None:
        """Forget every spreadsheet, file, form, logged request and pending fault."""
        with self.store.lock:
            self.store.spreadsheets.clear()
            self.store.files.clear()
            self.store.forms.clear()
            self.store.request_log.clear()
            self.store.faults.clear()
            self.store.mail.clear()

    # --- seeding ------------------------------------------------------------------------------
    def load_xlsx(self, path: str | Path, key: str, title: str | None = None) -> str:
        with self.store.lock:
            return _load_xlsx(self.store, path, key, title).spreadsheet_id

    def load_values(self, key: str, sheets: dict[str, list[list[Any]]], title: str | None = None) -> str:
        with self.store.lock:
            return _load_values(self.store, key, sheets, title).spreadsheet_id

    def load_form(self, source: dict[str, Any] | str | Path) -> str:
        """Serve a ``forms.get`` answer (a dict or a JSON file, schema-checked); its form id."""
        with self.store.lock:
            return _load_form(self.store, source)

    def make_private(self, key: str, private: bool = True) -> None:
        """Answer 403 PERMISSION_DENIED for this spreadsheet, as when it is not shared."""
        with self.store.lock:
            if key not in self.store.spreadsheets:
                _load_values(self.store, key, {"Sheet1": []})
            self.store.spreadsheets[key].private = private

    def create_folder(self, name: str, drive_id: str | None = None) -> str:
        with self.store.lock:
            return str(_drive.create_folder(self.store, name, drive_id).meta["id"])

    # --- observing ----------------------------------------------------------------------------
    def requests(self) -> list[dict[str, Any]]:
        with self.store.lock:
            return copy.deepcopy(self.store.request_log)

    def reset_requests(self) -> None:
        with self.store.lock:
            self.store.request_log.clear()

    def inject(
        self,
        action: int | str,
        *,
        times: int = 1,
        method: str | None = None,
        path_regex: str | None = None,
        delay_s: float | None = None,
        retry_after: float | None = None,
        reason: str | None = None,
    ) -> None:
        """Make the next ``times`` matching API calls fail (429/500/503/...), be slow, be
        dropped without an answer, or answer 200 with a malformed JSON body ("bad-json") or
        with an HTML login page ("captive-portal").
        ``reason``: a Drive-style error with this ``errors[0].reason`` (``rateLimitExceeded``)."""
        rule: dict[str, Any] = {"action": action, "times": times, "match": {}}
        if method:
            rule["match"]["method"] = method.upper()
        if path_regex:
            rule["match"]["path_regex"] = path_regex
        if delay_s is not None:
            rule["delay_s"] = delay_s
        if retry_after is not None:
            rule["retry_after"] = retry_after
        if reason is not None:
            rule["reason"] = reason
        validate_fault(rule)
        with self.store.lock:
            self.store.faults.append(rule)

    def clear_faults(self) -> None:
        with self.store.lock:
            self.store.faults.clear()

    def sheet_values(self, key: str, sheet: str, render: str = "UNFORMATTED_VALUE") -> list[list[Any]]:
        """The sheet's values as Google would answer them (trailing empties trimmed)."""
        from .sheets import Box

        with self.store.lock:
            ss = self.store.spreadsheets[key]
            sh = ss.sheet_by_title(sheet)
            if sh is None:
                raise KeyError(sheet)
            box = Box(sh, 0, 0, sh.row_count, sh.col_count)
            return read_box(ss, box, render, "SERIAL_NUMBER", "ROWS")

    def cell(self, key: str, sheet: str, row: int, col: int) -> dict[str, Any]:
        """The stored cell (0-based row/col): userEnteredValue, userEnteredFormat, note..."""
        with self.store.lock:
            sh = self.store.spreadsheets[key].sheet_by_title(sheet)
            if sh is None:
                raise KeyError(sheet)
            return copy.deepcopy(sh.cell(row, col))

    def sheet_titles(self, key: str) -> list[str]:
        with self.store.lock:
            return [s.title for s in self.store.spreadsheets[key].sheets]

    def drive_files(self, folder_id: str | None = None) -> list[dict[str, Any]]:
        """Metadata of the (non-trashed) files whose parents include ``folder_id``."""
        with self.store.lock:
            return [
                copy.deepcopy(f.meta)
                for f in self.store.files.values()
                if (folder_id is None or folder_id in f.meta.get("parents", [])) and not f.meta.get("trashed")
            ]

    def file_content(self, file_id: str) -> bytes:
        with self.store.lock:
            return self.store.files[file_id].content

    def sent_mail(self) -> list[dict[str, Any]]:
        """The messages sent through the Gmail API: ``{id, user, to, raw}``."""
        with self.store.lock:
            return copy.deepcopy(self.store.mail)

    def state(self) -> dict[str, Any]:
        with self.store.lock:
            return copy.deepcopy(dump_state(self.store))


def serve(port: int = 8765, load: str | Path | None = None, key: str | None = None) -> None:
    """Run an emulator until Ctrl-C; print its base URL on stderr."""
    emu = Emulator(port)
    if load is not None:
        emu.load_xlsx(load, key or Path(load).stem)
    emu.start()
    print(f"Google emulator listening on {emu.base_url}", file=sys.stderr)
    print(f"export IMPACTSHEETS_GOOGLE_EMULATOR={emu.base_url}", file=sys.stderr)
    if load is not None:
        print(f"spreadsheet key: {key or Path(load).stem}", file=sys.stderr)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        emu.stop()
