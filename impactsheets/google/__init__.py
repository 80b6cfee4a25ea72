"""Google access for impactsheets: every Sheets, Drive and Forms call lives in this package.

* :mod:`.endpoint` — Google or the local emulator (``IMPACTSHEETS_GOOGLE_EMULATOR``);
* :mod:`.auth` — credentials, with least-privilege scopes;
* :mod:`.transport` — the authorized session (retries, timeouts, error mapping, request
  counting) and the ``gspread.Client`` over it;
* :mod:`.grid` — Sheets API data as plain Python (no HTTP);
* :mod:`.sheets` — read the answers, re-read before writing, send the write-back;
* :mod:`.drive` — deliver the reports to a Drive folder;
* :mod:`.forms` — read a form's questions (Forms API ``forms.get``).

Nothing outside this package builds a Google API URL.
"""
