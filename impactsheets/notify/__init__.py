"""E-mail each site its report, or the list of answers to correct with a prefilled form link.

:func:`run_notify` is ``impactsheets notify``; :func:`notify_sites` is what the nightly sync
calls when the configuration has a ``notify:`` section. See README.md, "E-mails to the sites".
"""

from __future__ import annotations

from impactsheets.notify.run import NotifyOptions, NotifySummary, notify_sites, run_notify

__all__ = ["NotifyOptions", "NotifySummary", "notify_sites", "run_notify"]
