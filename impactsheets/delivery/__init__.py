"""Delivery: put the rendered PDFs where coordinators download them.

Every run writes ``reports/<slug>.pdf`` in the output folder and an index of all sites
(:mod:`impactsheets.delivery.folder`); with a Drive folder configured, each PDF is also
uploaded (:mod:`impactsheets.google.drive`) and its link goes into the sheet.

>>> Delivered(link="reports/arsenal.pdf").drive_id is None
True
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class Delivered:
    """Where one report can be downloaded: its link, its Drive id, its local file."""

    link: str
    drive_id: str | None = None
    pdf: str = ""  # path relative to the output folder
