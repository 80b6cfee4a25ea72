"""In-memory state of the emulator: spreadsheets (with their sheets and cells) and Drive files.

One :class:`Store` holds everything; callers take ``store.lock`` around any read or write.
Spreadsheets are also Drive files (mimeType ``application/vnd.google-apps.spreadsheet``).
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import random
import secrets
import string
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from .fields import json_copy

SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"
FOLDER_MIME = "application/vnd.google-apps.folder"
# The identity the emulator pretends every caller has (owner/editor of everything not private).
CALLER_EMAIL = "impactsheets-emulator@impactsheets-emulator.iam.gserviceaccount.com"
_ID_ALPHABET = string.ascii_letters + string.digits + "-_"


class ApiError(Exception):
    """An error answer in Google's JSON shape."""

    STATUS_NAMES: ClassVar[dict[int, str]] = {
        400: "INVALID_ARGUMENT",
        401: "UNAUTHENTICATED",
        403: "PERMISSION_DENIED",
        404: "NOT_FOUND",
        409: "ALREADY_EXISTS",
        413: "INVALID_ARGUMENT",
        429: "RESOURCE_EXHAUSTED",
        500: "INTERNAL",
        502: "UNAVAILABLE",
        503: "UNAVAILABLE",
        504: "DEADLINE_EXCEEDED",
    }

    def __init__(
        self,
        code: int,
        message: str,
        *,
        status: str | None = None,
        details: list[dict[str, Any]] | None = None,
        reason: str | None = None,
        drive: bool = False,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status or self.STATUS_NAMES.get(code, "UNKNOWN")
        self.details = details
        self.reason = reason
        self.drive = drive

    def body(self) -> dict[str, Any]:
        err: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.drive:
            # Drive v3 answers carry the legacy "errors" list; Sheets v4 answers do not.
            err["errors"] = [
                {
                    "message": self.message,
                    "domain": "global",
                    "reason": self.reason or self.status.lower(),
                }
            ]
        err["status"] = self.status
        if self.details:
            err["details"] = self.details
        return {"error": err}


def new_file_id() -> str:
    return "1" + "".join(secrets.choice(_ID_ALPHABET) for _ in range(43))


def now_rfc3339() -> str:
    t = dt.datetime.now(dt.UTC)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


#: ``Sheet.extras`` key of the developer metadata located on a row or column (returned in
#: ``GridData.rowMetadata`` / ``columnMetadata``, not in ``Sheet.developerMetadata``).
DIMENSION_METADATA = "_dimensionMetadata"


@dataclass
class Sheet:
    props: dict[str, Any]
    cells: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    extras: dict[str, Any] = field(default_factory=dict)  # protectedRanges, merges, basicFilter
    #: In a batchUpdate's working copy: the cells copied so far (the others are still the
    #: stored sheet's, copied on their first edit); None: every cell is this sheet's own.
    copied: set[tuple[int, int]] | None = field(default=None, repr=False, compare=False)

    def work_copy(self) -> Sheet:
        """A copy to apply a batchUpdate to, whole or not at all: properties and extras
        copied, cells copied only when edited (:meth:`edit_cell`), so that applying a few
        thousand cells to a sheet of millions costs a few thousand copies."""
        return Sheet(copy.deepcopy(self.props), dict(self.cells), copy.deepcopy(self.extras),
                     copied=set())

    @property
    def sheet_id(self) -> int:
        return int(self.props["sheetId"])

    @property
    def title(self) -> str:
        return str(self.props["title"])

    @property
    def row_count(self) -> int:
        return int(self.props["gridProperties"]["rowCount"])

    @property
    def col_count(self) -> int:
        return int(self.props["gridProperties"]["columnCount"])

    def set_size(self, rows: int | None = None, cols: int | None = None) -> None:
        gp = self.props["gridProperties"]
        if rows is not None:
            gp["rowCount"] = rows
        if cols is not None:
            gp["columnCount"] = cols
        self.cells = {k: v for k, v in self.cells.items() if k[0] < self.row_count and k[1] < self.col_count}

    def cell(self, row: int, col: int) -> dict[str, Any]:
        return self.cells.get((row, col), {})

    def edit_cell(self, row: int, col: int) -> dict[str, Any]:
        if self.copied is not None and (row, col) not in self.copied:
            self.copied.add((row, col))
            self.cells[(row, col)] = json_copy(self.cells.get((row, col), {}))
        return self.cells.setdefault((row, col), {})

    def tidy(self, row: int, col: int) -> None:
        if not self.cells.get((row, col), True):
            del self.cells[(row, col)]

    def has_value(self, row: int, col: int) -> bool:
        return bool(self.cells.get((row, col), {}).get("userEnteredValue"))

    def data_extent(self) -> tuple[int, int]:
        """(rows, cols) of the smallest A1-anchored box holding every value."""
        rows = cols = 0
        for (r, c), cell in self.cells.items():
            if cell.get("userEnteredValue"):
                rows, cols = max(rows, r + 1), max(cols, c + 1)
        return rows, cols


@dataclass
class Spreadsheet:
    spreadsheet_id: str
    properties: dict[str, Any]
    sheets: list[Sheet]
    private: bool = False
    named_ranges: list[dict[str, Any]] = field(default_factory=list)

    def sheet_by_title(self, title: str) -> Sheet | None:
        return next((s for s in self.sheets if s.title == title), None)

    def sheet_by_id(self, sheet_id: int) -> Sheet | None:
        return next((s for s in self.sheets if s.sheet_id == sheet_id), None)

    def reindex(self) -> None:
        for i, s in enumerate(self.sheets):
            s.props["index"] = i

    def new_sheet_id(self) -> int:
        taken = {s.sheet_id for s in self.sheets}
        while True:
            candidate = random.randint(1, 2**31 - 1)
            if candidate not in taken:
                return candidate


DEFAULT_FORMAT: dict[str, Any] = {
    "backgroundColor": {"red": 1, "green": 1, "blue": 1},
    "padding": {"top": 2, "right": 3, "bottom": 2, "left": 3},
    "verticalAlignment": "BOTTOM",
    "wrapStrategy": "OVERFLOW_CELL",
    "textFormat": {
        "foregroundColor": {},
        "fontFamily": "arial,sans,sans-serif",
        "fontSize": 10,
        "bold": False,
        "italic": False,
        "strikethrough": False,
        "underline": False,
        "foregroundColorStyle": {"rgbColor": {}},
    },
    "backgroundColorStyle": {"rgbColor": {"red": 1, "green": 1, "blue": 1}},
}


def _theme_color(kind: str, rgb: tuple[float, float, float] | None) -> dict[str, Any]:
    color: dict[str, Any] = {}
    if rgb:
        color = {k: v for k, v in zip(("red", "green", "blue"), rgb, strict=True) if v}
    return {"colorType": kind, "color": {"rgbColor": color}}


DEFAULT_THEME: dict[str, Any] = {
    "primaryFontFamily": "Arial",
    "themeColors": [
        _theme_color("TEXT", None),
        _theme_color("BACKGROUND", (1, 1, 1)),
        _theme_color("ACCENT1", (0.25882354, 0.52156866, 0.95686275)),
        _theme_color("ACCENT2", (0.91764706, 0.2627451, 0.20784314)),
        _theme_color("ACCENT3", (0.9843137, 0.7372549, 0.015686275)),
        _theme_color("ACCENT4", (0.20392157, 0.65882355, 0.3254902)),
        _theme_color("ACCENT5", (1, 0.42745098, 0.003921569)),
        _theme_color("ACCENT6", (0.27450982, 0.7411765, 0.7764706)),
        _theme_color("LINK", (0.06666667, 0.33333334, 0.8)),
    ],
}


def default_sheet_props(sheet_id: int, title: str, index: int, rows: int = 1000, cols: int = 26):
    return {
        "sheetId": sheet_id,
        "title": title,
        "index": index,
        "sheetType": "GRID",
        "gridProperties": {"rowCount": rows, "columnCount": cols},
    }


@dataclass
class DriveFile:
    meta: dict[str, Any]
    content: bytes = b""


class Store:
    """All emulator state. Guard every access with ``with store.lock:``."""

    def __init__(self, locale: str = "fr_FR", time_zone: str = "Europe/Paris") -> None:
        self.lock = threading.RLock()
        self.locale = locale
        self.time_zone = time_zone
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self.files: dict[str, DriveFile] = {}
        self.forms: dict[str, dict[str, Any]] = {}  # form id -> forms.get answer
        self.request_log: list[dict[str, Any]] = []
        self.faults: list[dict[str, Any]] = []
        self.mail: list[dict[str, Any]] = []  # messages sent through the Gmail API
        #: Called with a copy of every API request's log entry once it is answered (tests
        #: collect them across a whole session); kept by ``Emulator.reset``.
        self.observers: list[Callable[[dict[str, Any]], None]] = []

    # --- spreadsheets -----------------------------------------------------------------------
    def create_spreadsheet(
        self,
        title: str,
        *,
        key: str | None = None,
        sheets: list[dict[str, Any]] | None = None,
        locale: str | None = None,
        time_zone: str | None = None,
        parents: list[str] | None = None,
    ) -> Spreadsheet:
        key = key or new_file_id()
        props = {
            "title": title,
            "locale": locale or self.locale,
            "autoRecalc": "ON_CHANGE",
            "timeZone": time_zone or self.time_zone,
            "defaultFormat": copy.deepcopy(DEFAULT_FORMAT),
            "spreadsheetTheme": copy.deepcopy(DEFAULT_THEME),
        }
        ss = Spreadsheet(key, props, [])
        for i, sprops in enumerate(sheets or [{}]):
            p = default_sheet_props(0 if i == 0 else ss.new_sheet_id(), f"Sheet{i + 1}", i)
            gp = {**p["gridProperties"], **(sprops.get("gridProperties") or {})}
            p.update({k: v for k, v in sprops.items() if k != "gridProperties"})
            p["gridProperties"] = gp
            ss.sheets.append(Sheet(p))
        ss.reindex()
        self.spreadsheets[key] = ss
        self.add_file({"id": key, "name": title, "mimeType": SPREADSHEET_MIME}, parents=parents)
        return ss

    def get_spreadsheet(self, key: str) -> Spreadsheet:
        ss = self.spreadsheets.get(key)
        if ss is None:
            raise ApiError(404, "Requested entity was not found.")
        if ss.private:
            raise ApiError(403, "The caller does not have permission")
        return ss

    # --- drive ------------------------------------------------------------------------------
    def add_file(
        self,
        meta: dict[str, Any],
        content: bytes = b"",
        parents: list[str] | None = None,
    ) -> DriveFile:
        file_id = meta.get("id") or new_file_id()
        stamp = now_rfc3339()
        full = {
            "kind": "drive#file",
            "id": file_id,
            "name": meta.get("name") or "Untitled",
            "mimeType": meta.get("mimeType") or "application/octet-stream",
            "parents": list(parents or meta.get("parents") or ["root"]),
            "trashed": False,
            "createdTime": stamp,
            "modifiedTime": stamp,
            "version": "1",
        }
        for k in ("description", "appProperties", "properties", "driveId"):
            if k in meta:
                full[k] = meta[k]
        f = DriveFile(full, content)
        self._refresh_meta(f)
        self.files[file_id] = f
        return f

    def _refresh_meta(self, f: DriveFile) -> None:
        m = f.meta
        fid = m["id"]
        if m["mimeType"] == SPREADSHEET_MIME:
            m["webViewLink"] = f"https://docs.google.com/spreadsheets/d/{fid}/edit?usp=drivesdk"
        elif m["mimeType"] == FOLDER_MIME:
            m["webViewLink"] = f"https://drive.google.com/drive/folders/{fid}"
        else:
            m["webViewLink"] = f"https://drive.google.com/file/d/{fid}/view?usp=drivesdk"
            m["webContentLink"] = f"https://drive.google.com/uc?id={fid}&export=download"
            m["size"] = str(len(f.content))
            m["md5Checksum"] = hashlib.md5(f.content).hexdigest()

    def update_content(self, f: DriveFile, content: bytes) -> None:
        f.content = content
        f.meta["modifiedTime"] = now_rfc3339()
        f.meta["version"] = str(int(f.meta.get("version", "1")) + 1)
        self._refresh_meta(f)

    def get_file(self, file_id: str) -> DriveFile:
        f = self.files.get(file_id)
        if f is None or (file_id in self.spreadsheets and self.spreadsheets[file_id].private):
            raise ApiError(404, f"File not found: {file_id}.", reason="notFound", drive=True)
        return f

    def delete_file(self, file_id: str) -> None:
        self.get_file(file_id)
        del self.files[file_id]
        self.spreadsheets.pop(file_id, None)
        for child in [f for f in self.files.values() if file_id in f.meta.get("parents", [])]:
            self.delete_file(child.meta["id"])
