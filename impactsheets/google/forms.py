"""Google Forms API v1: read a form's questions (``forms.get``).

The session asks for one scope, ``forms.body.readonly``, and only when a form is read: the
sync never does. The answer is Google's ``Form`` as JSON (``info``, ``items[]`` with
``questionItem`` / ``questionGroupItem`` / ``pageBreakItem`` / ``textItem``, ``responderUri``,
``linkedSheetId``...): see the fixtures in ``tests/data/forms/``.

>>> parse_form_spec("https://docs.google.com/forms/d/1mZ0Tq8vGkq4Xc3RjYw2b7HnPdL5sEuA9fKiBoVhNtSx/edit")
'1mZ0Tq8vGkq4Xc3RjYw2b7HnPdL5sEuA9fKiBoVhNtSx'
>>> parse_form_spec("https://docs.google.com/forms/d/e/1FAIpQLSe/viewform")
Traceback (most recent call last):
...
impactsheets.errors.ConfigError: this is the form's answer link; use its edit link (…/forms/d/ID/edit)
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from impactsheets.errors import ConfigError

from .auth import FORMS_READ_SCOPE
from .transport import GoogleSession, google_session

FORMS_API = "https://forms.googleapis.com/v1/forms"
_ID_RE = re.compile(r"^[A-Za-z0-9_-]{10,}$")


def parse_form_spec(spec: str) -> str:
    """The form ID of an edit link (``…/forms/d/ID/edit``) or of a bare ID."""
    text = spec.strip()
    if "/forms/d/e/" in text:
        raise ConfigError("this is the form's answer link; use its edit link "
                          "(…/forms/d/ID/edit)")
    m = re.search(r"/forms/(?:u/\d+/)?d/([A-Za-z0-9_-]+)", text)
    if m:
        return m.group(1)
    if _ID_RE.match(text):
        return text
    raise ConfigError(f"not a Google Forms link or form ID: {spec!r}")


def forms_session(*, service_account_file: str | None = None,
                  oauth_client_file: str | None = None, token_file: str | None = None,
                  **kwargs: Any) -> GoogleSession:
    """A session with the single scope ``forms.body.readonly``."""
    return google_session(service_account_file=service_account_file,
                          oauth_client_file=oauth_client_file, token_file=token_file,
                          scopes=[FORMS_READ_SCOPE], **kwargs)


def get_form(spec: str, *, session: GoogleSession | None = None) -> dict[str, Any]:
    """``forms.get``: the form's structure, one request.

    Errors are the transport's one-line messages: 403 "form ID is not shared with …",
    404 "form not found: ID" (:class:`~impactsheets.errors.SheetAccessError`, exit 5).
    """
    form_id = parse_form_spec(spec)  # a malformed spec fails before credentials are looked for
    session = session or forms_session()
    resp = session.get(f"{FORMS_API}/{quote(form_id, safe='')}")
    return dict(resp.json())
