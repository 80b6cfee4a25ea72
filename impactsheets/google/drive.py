"""Upload the reports to a Google Drive folder, keeping each site's file (and link) stable.

* A new report is created with a multipart upload; a changed report replaces the content of
  the same Drive file (``PATCH``), so the link in the sheet never changes.
* The folder is listed once per run (lazily, at the first upload; every page), and a file of
  the same name is reused when the state has no Drive id or a stale one: a run killed between
  the upload and the state save leaves no duplicate behind.
* The file of a site gone from the sheet is moved to an ``archive`` subfolder (marked ours
  with an ``appProperties`` entry), so it is never reused for another site.
* Drive requests go through the shared transport (retries, timeouts, emulator);
  :meth:`DriveFolder.api_requests` counts them.

A service account has no storage of its own: the folder must be in a Shared drive, the
service account a member of it (Content manager), or use a user's OAuth login instead.

>>> folder = DriveFolder("1AbCdEfGhIjKlMnOpQrStUvWxYz")              # doctest: +SKIP
>>> folder.upload("arsenal.pdf", pdf_bytes, previous_id=None).link   # doctest: +SKIP
'https://drive.google.com/file/d/1Xy…/view?usp=drivesdk'
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from impactsheets.delivery import Delivered
from impactsheets.errors import SheetAccessError

from .transport import GoogleSession, google_session

DRIVE_API = "https://www.googleapis.com/drive/v3/files"
UPLOAD_API = "https://www.googleapis.com/upload/drive/v3/files"
PDF = "application/pdf"
FOLDER = "application/vnd.google-apps.folder"
#: Retired sites' files go to a subfolder of this name, marked ours by this app property.
ARCHIVE_NAME, ARCHIVE_MARK = "archive", ("impactsheets", "archive")
_ALL_DRIVES = {"supportsAllDrives": "true"}


class DriveFolder:
    """A Drive folder receiving one PDF per site (see the module docstring)."""

    def __init__(self, folder_id: str, *, service_account_file: str | None = None,
                 oauth_client_file: str | None = None, token_file: str | None = None,
                 session: GoogleSession | None = None) -> None:
        self.folder_id = folder_id
        self._session = session or google_session(
            service_account_file=service_account_file, oauth_client_file=oauth_client_file,
            token_file=token_file, drive=True, passthrough_statuses=frozenset({403, 404}))
        self._by_name: dict[str, str] | None = None  # file name -> id, from the listing
        self._links: dict[str, str] = {}  # file id -> webViewLink
        self._archive_id: str | None = None  # the archive subfolder, once listed or created

    def api_requests(self) -> int:
        return self._session.api_requests

    def upload(self, name: str, pdf: bytes, previous_id: str | None) -> Delivered:
        """Create or update ``name`` in the folder; its link and Drive id."""
        files = self._listing()
        file_id = previous_id if previous_id in self._links else files.get(name)
        if file_id is not None:
            done = self._send("PATCH", f"{UPLOAD_API}/{file_id}", {"name": name}, pdf)
            if done is not None:
                return done
            files.pop(name, None)  # deleted since the listing: create it again
        done = self._send("POST", UPLOAD_API, {"name": name, "parents": [self.folder_id],
                                               "mimeType": PDF}, pdf)
        if done is None:
            raise self._error(404, {})
        files[name] = done.drive_id or ""
        return done

    def archive(self, file_id: str) -> bool:
        """Move a retired site's file into the folder's archive subfolder (created once, and
        found again by its ``appProperties`` mark, not by its name); False when it is gone."""
        target = self._archive_folder()
        resp = self._session.patch(
            f"{DRIVE_API}/{file_id}", json={},
            params={"addParents": target, "removeParents": self.folder_id, "fields": "id",
                    **_ALL_DRIVES})
        if resp.status_code == 404:
            return False
        if not resp.ok:
            raise self._error(resp.status_code, _json(resp))
        listing = self._listing()
        for name in [n for n, known in listing.items() if known == file_id]:
            del listing[name]
        return True

    def _archive_folder(self) -> str:
        self._listing()
        if self._archive_id is None:
            resp = self._session.post(
                DRIVE_API, json={"name": ARCHIVE_NAME, "mimeType": FOLDER, "parents":
                                 [self.folder_id], "appProperties": dict([ARCHIVE_MARK])},
                params={"fields": "id", **_ALL_DRIVES})
            if not resp.ok:
                raise self._error(resp.status_code, _json(resp))
            self._archive_id = str(resp.json()["id"])
        return self._archive_id

    def _listing(self) -> dict[str, str]:
        """Name -> id of the folder's files (first call only: one request per 1,000 files)."""
        if self._by_name is not None:
            return self._by_name
        by_name: dict[str, str] = {}
        params = {"q": f"'{self.folder_id}' in parents and trashed = false",
                  "fields": "nextPageToken,files(id,name,webViewLink,mimeType,appProperties)",
                  "pageSize": "1000",
                  "includeItemsFromAllDrives": "true", "corpora": "allDrives", **_ALL_DRIVES}
        while True:
            resp = self._session.get(DRIVE_API, params=params)
            if not resp.ok:
                raise self._error(resp.status_code, _json(resp))
            data = resp.json()
            for item in data.get("files") or []:
                if item.get("mimeType") == FOLDER:
                    if (item.get("appProperties") or {}).get(ARCHIVE_MARK[0]) == ARCHIVE_MARK[1]:
                        self._archive_id = str(item["id"])
                    continue
                by_name.setdefault(str(item["name"]), str(item["id"]))
                self._links[str(item["id"])] = str(item.get("webViewLink", ""))
            if not data.get("nextPageToken"):
                break
            params["pageToken"] = str(data["nextPageToken"])
        self._by_name = by_name
        return by_name

    def _send(self, method: str, url: str, meta: dict[str, Any], pdf: bytes) -> Delivered | None:
        """One multipart upload; None when the file is gone (404 on an update)."""
        boundary = f"impactsheets-{uuid.uuid4().hex}"
        head = (f"--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n"
                f"{json.dumps(meta)}\r\n--{boundary}\r\nContent-Type: {PDF}\r\n\r\n")
        body = head.encode() + pdf + f"\r\n--{boundary}--\r\n".encode()
        resp = self._session.request(
            method, url, data=body, headers={"Content-Type": f"multipart/related; boundary={boundary}"},
            params={"uploadType": "multipart", "fields": "id,webViewLink", **_ALL_DRIVES})
        if resp.status_code == 404 and method == "PATCH":
            return None
        if not resp.ok:
            raise self._error(resp.status_code, _json(resp))
        data = resp.json()
        self._links[str(data["id"])] = str(data.get("webViewLink", ""))
        return Delivered(link=str(data.get("webViewLink", "")), drive_id=str(data["id"]))

    def _error(self, status: int, body: dict[str, Any]) -> SheetAccessError:
        account = self._session.account
        error = body.get("error") or {}
        reason = str(((error.get("errors") or [{}])[0]).get("reason", ""))
        if reason == "storageQuotaExceeded":
            return SheetAccessError(
                f"Drive folder {self.folder_id}: {account} has no storage of its own; use a "
                "folder of a Shared drive it is a member of (Content manager)")
        if status in (403, 404):
            return SheetAccessError(
                f"Drive folder {self.folder_id} not found or not shared with {account}: share "
                "it with that address (Content manager on a Shared drive, or Editor)")
        message = str(error.get("message", "")).splitlines()[0][:200] if error else ""
        return SheetAccessError(f"Drive folder {self.folder_id}: Google answered HTTP {status}"
                                + (f" ({message})" if message else ""))


def _json(resp: Any) -> dict[str, Any]:
    try:
        data = resp.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
