"""What a sync leaves behind, comparable between two runs, and a readable account of how two
such snapshots differ (the kill soak prints it when its output is not a clean run's).

>>> a = {"files": {"index.csv": b"Lieu\\nArsenal".hex()}, "state": [["k", "a"]]}
>>> b = {"files": {"index.csv": b"Lieu\\nArsenaux".hex()}, "state": [["k", "b"]]}
>>> print("\\n".join(differences(a, b)))
files: index.csv differs: 12 bytes vs 13 bytes, first difference at byte 11: b'senal' vs b'senaux'
  line 2: 'Arsenal' vs 'Arsenaux'
state[0][1]: 'a' vs 'b'
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import sqlite3
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from impactsheets.emulator import Emulator

#: Local files compared byte for byte: reports, synthesis, index and the dashboard (whose line
#: "Exécution du <date> à <time>, en <duration>" is its run's own, masked).
COMPARED = (".pdf", ".csv", ".html")
RUN_LINE = re.compile("Exécution du [^<]*".encode())


def local_bytes(path: Path) -> bytes:
    """A file's bytes as compared (the dashboard's run line masked).

    >>> import tempfile; page = Path(tempfile.mkdtemp()) / "index.html"
    >>> _ = page.write_text("<p>Exécution du 3 mai 2026 à 02:30, en 8,1 s</p>", encoding="utf-8")
    >>> local_bytes(page).decode()
    '<p>Exécution du …</p>'
    """
    data = path.read_bytes()
    return RUN_LINE.sub("Exécution du …".encode(), data) if path.suffix == ".html" else data


def snapshot(emu: Emulator, key: str, folder: str, out: Path) -> dict[str, Any]:
    """What a run leaves, comparable between two sheets and folders: the PDFs, index and
    state rows, the sheet (values, notes, colours, worksheets) and the Drive listing, with
    Drive ids and the sheet key replaced by names (the state's timestamp column left out)."""
    files = {f["id"]: f["name"] for f in emu.drive_files(folder)}
    listing = sorted((f["name"], f.get("mimeType"), hashlib.sha256(emu.file_content(f["id"]))
                      .hexdigest()) for f in emu.drive_files(folder))
    dump = emu.state()["spreadsheets"][key]
    for sheet in dump["sheets"]:
        sheet["properties"] = {k: v for k, v in sheet["properties"].items() if k != "sheetId"}
    db = sqlite3.connect(out / "state.sqlite")
    rows = db.execute("SELECT key, slug, fingerprint, pdf, drive_id, link FROM sites"
                      " ORDER BY key").fetchall()
    db.close()
    local = {str(p.relative_to(out)): local_bytes(p).hex() for p in sorted(out.rglob("*"))
             if p.is_file() and p.suffix in COMPARED}
    text = json.dumps({"sheet": dump, "state": rows, "files": local, "drive": listing},
                      sort_keys=True, default=str)
    for file_id, name in files.items():
        text = text.replace(file_id, f"<drive:{name}>")
        text = text.replace(file_id.encode().hex(), f"<drive:{name}>".encode().hex())
    for raw, name in ((key, "<key>"), (folder, "<folder>")):  # (the dashboard links the sheet)
        text = text.replace(raw, name).replace(raw.encode().hex(), name.encode().hex())
    return json.loads(text)


def differences(got: Any, want: Any, where: str = "", limit: int = 12) -> list[str]:
    """One line per difference between two snapshots (at most ``limit``): which file, row or
    cell, and how (for a file: sizes, the first differing bytes, and for a PDF its text and
    metadata)."""
    found: list[str] = []
    _walk(got, want, where, found)
    return found[:limit] + ([f"… {len(found) - limit} more"] if len(found) > limit else [])


def _walk(got: Any, want: Any, where: str, found: list[str]) -> None:
    if got == want:
        return
    if isinstance(got, dict) and isinstance(want, dict):
        for k in sorted(set(got) | set(want), key=str):
            if k not in want:
                found.append(f"{where}{'.' if where else ''}{k}: only in the soaked output")
            elif k not in got:
                found.append(f"{where}{'.' if where else ''}{k}: missing from the soaked output")
            elif where == "files":
                if got[k] != want[k]:
                    found.append(f"files: {k} differs: {describe_file(k, got[k], want[k])}")
            else:
                _walk(got[k], want[k], f"{where}{'.' if where else ''}{k}", found)
        return
    if isinstance(got, list) and isinstance(want, list) and len(got) == len(want):
        for i, (a, b) in enumerate(zip(got, want, strict=True)):
            _walk(a, b, f"{where}[{i}]", found)
        return
    found.append(f"{where}: {_short(got)} vs {_short(want)}")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 300 else text[:300] + "…"


def describe_file(name: str, got_hex: str, want_hex: str) -> str:
    """How two versions of one file differ (soaked output first, clean run second)."""
    got, want = bytes.fromhex(got_hex), bytes.fromhex(want_hex)
    first = next((i for i, (a, b) in enumerate(zip(got, want, strict=False)) if a != b),
                 min(len(got), len(want)))
    lo = max(0, first - 4)
    parts = [f"{len(got)} bytes vs {len(want)} bytes, first difference at byte {first}: "
             f"{got[lo:first + 40]!r} vs {want[lo:first + 40]!r}"]
    if name.endswith(".pdf"):
        parts += _pdf_differences(got, want)
    elif name.endswith((".csv", ".html")):
        lines = zip(got.decode("utf-8", "replace").splitlines(),
                    want.decode("utf-8", "replace").splitlines(), strict=False)
        parts += [f"line {i}: {_short(a)} vs {_short(b)}" for i, (a, b) in enumerate(lines, 1)
                  if a != b][:5]
    return "\n  ".join(parts)


def _pdf_differences(got: bytes, want: bytes) -> list[str]:
    try:
        a, b = PdfReader(io.BytesIO(got)), PdfReader(io.BytesIO(want))
        info = [f"metadata {dict(a.metadata or {})} vs {dict(b.metadata or {})}"] \
            if dict(a.metadata or {}) != dict(b.metadata or {}) else []
        texts = ["\n".join(p.extract_text() for p in r.pages).splitlines() for r in (a, b)]
    except Exception as exc:  # a truncated PDF is itself the finding
        return [f"unreadable PDF ({type(exc).__name__}: {exc})"]
    pages = [f"{len(a.pages)} pages vs {len(b.pages)}"] if len(a.pages) != len(b.pages) else []
    lines = [f"text {x!r} vs {y!r}" for x, y in zip(*texts, strict=False) if x != y][:5]
    if len(texts[0]) != len(texts[1]):
        lines.append(f"{len(texts[0])} text lines vs {len(texts[1])}")
    return info + pages + (lines or ["same text (layout or binary difference)"])
