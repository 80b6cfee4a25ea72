"""Write to each site: its report when its answers are complete, else what to correct.

:func:`notify_sites` works on an already validated sheet and the sync's state store (the
nightly sync calls it after its own work); :func:`run_notify` is ``impactsheets notify``:
it reads and validates the sheet itself, under the sync's lock. Who gets what, and when, is
decided by :mod:`impactsheets.notify.ledger`; the wording comes from the template's
``emails/`` folder.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from email.utils import make_msgid, parseaddr
from pathlib import Path
from typing import Any

from impactsheets.config import SyncConfig
from impactsheets.errors import ConfigError, MailError
from impactsheets.network.sites import find_sites
from impactsheets.notify import message
from impactsheets.notify.emails import load_email_template
from impactsheets.notify.ledger import Ledger, Policy
from impactsheets.notify.senders import (
    GmailSender,
    Interrupted,
    PreviewSender,
    Refused,
    Sender,
    SmtpSender,
)
from impactsheets.notify.settings import NotifySettings, valid_address
from impactsheets.plan import plan_reports, site_key
from impactsheets.questionnaire import Questionnaire
from impactsheets.report import template_for
from impactsheets.report.naming import slugify
from impactsheets.report.template import load_template
from impactsheets.state import SiteState, StateStore, fingerprint
from impactsheets.validation import Response

log = logging.getLogger("impactsheets.notify")


@dataclass
class NotifyOptions:
    """``dry_run`` writes ``.eml`` previews; ``redirect`` sends every message to one address."""

    dry_run: bool = False
    sites: tuple[str, ...] = ()
    redirect: str | None = None
    preview_dir: Path | None = None
    sleep: Callable[[float], None] = time.sleep


@dataclass
class NotifySummary:
    """What a notify run did, site by site; in ``summary.json`` / ``notify.json``."""

    sent: int = 0
    failed: int = 0
    uncertain: int = 0
    unchanged: int = 0
    waiting: int = 0  # too soon after the last message, or over the per-run cap
    not_sent: int = 0  # no valid address, no report yet, or given up after refusals
    dry_run: bool = False
    redirect: str | None = None
    previews: list[str] = field(default_factory=list)
    sites: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def note(self, response: Response, outcome: str, kind: str = "", address: str = "",
             detail: str = "") -> None:
        self.sites.append({"row": response.row, "site": response.site, "kind": kind,
                           "address": address, "outcome": outcome, "detail": detail})
        counter = {"sent": "sent", "previewed": "sent", "failed": "failed",
                   "uncertain": "uncertain", "unchanged": "unchanged", "too-soon": "waiting",
                   "over-cap": "waiting"}.get(outcome, "not_sent")
        setattr(self, counter, getattr(self, counter) + 1)


def address_question(questionnaire: Questionnaire, settings: NotifySettings) -> str:
    """The question holding the site's e-mail address: configured, else the first e-mail one."""
    if settings.address_question:
        if settings.address_question not in questionnaire.by_id:
            raise ConfigError(f"notify.address_question: no question "
                              f"{settings.address_question!r} in the questionnaire")
        return settings.address_question
    for question in questionnaire.questions:
        if question.type == "email":
            return question.id
    raise ConfigError("notify: the questionnaire has no e-mail question; set "
                      "notify.address_question")




def _sender(settings: NotifySettings, options: NotifyOptions, config: SyncConfig) -> Sender:
    if options.dry_run:
        return PreviewSender(options.preview_dir or settings.preview_dir
                             or config.output / "emails-preview")
    if settings.method == "gmail":
        return GmailSender(settings.gmail_user, service_account_file=config.service_account_file,
                           oauth_client_file=config.oauth_client_file,
                           token_file=config.token_file, drive=bool(config.drive_folder_id))
    return SmtpSender(settings.smtp)


def notify_sites(config: SyncConfig, questionnaire: Questionnaire, responses: list[Response],
                 store: StateStore, options: NotifyOptions | None = None, *,
                 fresh: set[str]) -> NotifySummary:
    """Send what each current response calls for (see the module docstring). ``fresh`` are
    the keys of the sites whose report on disk (or Drive) matches their current answers."""
    options = options or NotifyOptions()
    settings = config.notify
    if settings is None:
        raise ConfigError(f"{config.path}: no 'notify:' section (sender, mail server)")
    if options.redirect and not valid_address(options.redirect):
        raise ConfigError(f"--redirect: {options.redirect!r} is not an e-mail address")
    templates = {kind: load_email_template(template_for(config.template, questionnaire), kind)
                 for kind in ("report", "corrections")}
    asked = address_question(questionnaire, settings)
    ledger = Ledger(store.connection, read_only=options.dry_run)
    for record in ledger.settle_interrupted():
        log.warning("the message to %s (%s) may not have left (run interrupted); not sent "
                    "again", record.site, record.address)
    policy = Policy(timedelta(days=settings.min_interval_days), settings.max_attempts)
    summary = NotifySummary(dry_run=options.dry_run, redirect=options.redirect)
    states = store.all()
    chosen = set(find_sites([r.site for r in responses], options.sites)) if options.sites \
        else None
    sender: Sender | None = None
    handed = 0
    domain = parseaddr(settings.sender)[1].rpartition("@")[2]
    try:
        for response in sorted(responses, key=lambda r: r.row):
            if chosen is not None and response.site not in chosen:
                continue
            key = site_key(response, questionnaire)
            address = str(response.answers.get(asked) or "")
            if not valid_address(address):
                bad = next((p.value for p in response.problems if p.question == asked), "")
                summary.note(response, "no-address", detail=f"no valid e-mail address "
                             f"({'« ' + str(bad) + ' » refused' if bad else 'no answer'})")
                continue
            content = _content(config, response, questionnaire, templates, address,
                               states.get(key) if key in fresh else None)
            if content is None:
                summary.note(response, "no-report", "report", address,
                             "no report yet (it is rendered by the sync)")
                continue
            attempts = 0
            if not options.redirect:
                decision = ledger.decide(key, content.kind, content.fingerprint, policy)
                if decision.action != "send":
                    summary.note(response, decision.action, content.kind, address,
                                 decision.detail)
                    continue
                attempts = decision.attempts
            if summary.sent + summary.failed + summary.uncertain >= settings.max_per_run:
                summary.note(response, "over-cap", content.kind, address,
                             f"cap of {settings.max_per_run} messages per run reached")
                continue
            if sender is None:
                sender = _sender(settings, options, config)
                sender.open()
            elif handed and not options.dry_run and settings.pause_seconds:
                options.sleep(settings.pause_seconds)
            handed += 1
            mail = message.build_message(
                content.rendered, settings.sender, options.redirect or address,
                message_id=make_msgid("impactsheets", domain=domain), reply_to=settings.reply_to,
                attachment=content.attachment, original_to=address if options.redirect else None)
            keep = not (options.dry_run or options.redirect)
            if keep:
                ledger.sending(key, response.site, address, content.kind, content.fingerprint,
                               attempts, str(mail["Message-ID"]))
            name = f"{response.row:04d}-{slugify(response.site)}-{content.kind}"
            try:
                outcome, detail = _deliver(sender, mail, name)
            except MailError as exc:  # the server went away: not this message's fault
                if keep:
                    ledger.failed(key, str(exc), counted=False)
                raise
            if keep:
                ledger.finish(key, outcome, detail)
            shown = "previewed" if options.dry_run and outcome == "sent" else outcome
            summary.note(response, shown, content.kind, options.redirect or address, detail)
    finally:
        if sender is not None:
            sender.close()
            if isinstance(sender, PreviewSender):
                summary.previews = [str(p) for p in sender.written]
    return summary


def _deliver(sender: Sender, mail: Any, name: str) -> tuple[str, str]:
    try:
        sender.send(mail, name)
    except Refused as exc:
        log.error("message refused: %s", exc)
        return "failed", str(exc)
    except Interrupted as exc:
        log.error("message may not have left: %s", exc)
        return "uncertain", str(exc)
    return "sent", ""


def _content(config: SyncConfig, response: Response, questionnaire: Questionnaire,
             templates: dict[str, Any], address: str,
             state: SiteState | None) -> message.Content | None:
    if response.errors:
        return message.corrections(response, questionnaire, templates["corrections"], address)
    if state is None or not state.pdf:
        return None
    if config.drive_folder_id and state.drive_id and state.link:
        return message.report(response, questionnaire, templates["report"], address, link=state.link)
    pdf = config.output / state.pdf
    try:
        data = pdf.read_bytes()
    except OSError:
        return None
    return message.report(response, questionnaire, templates["report"], address, pdf=(pdf.name, data))


def run_notify(config: SyncConfig, options: NotifyOptions | None = None) -> NotifySummary:
    """``impactsheets notify``: read and validate the sheet, then :func:`notify_sites`.

    Takes the sync's lock (a sync and a notify never run at once); a real run writes its
    summary to ``<output>/notify.json``.
    """
    from impactsheets.pipeline import write_json
    from impactsheets.questionnaire import load_questionnaire
    from impactsheets.runlock import run_lock
    from impactsheets.sheet import open_sheet
    from impactsheets.validation import validate

    options = options or NotifyOptions()
    if config.notify is None:
        raise ConfigError(f"{config.path}: no 'notify:' section (sender, mail server); see "
                          "config/sync.example.yaml")
    questionnaire = load_questionnaire(config.questionnaire)
    with run_lock(config, dry_run=options.dry_run):
        sheet = open_sheet(config.source, config.worksheet, config.output,
                           service_account_file=config.service_account_file,
                           oauth_client_file=config.oauth_client_file,
                           token_file=config.token_file)
        report = validate(sheet.read(), questionnaire)
        if not options.dry_run:
            store = StateStore(config.state_path)
        elif config.state_path.exists():
            store = StateStore(config.state_path, read_only=True)
        else:
            store = StateStore(Path(":memory:"))
        try:
            template = load_template(template_for(config.template, questionnaire))  # the sync's
            versions = fingerprint(questionnaire.fingerprint_text, template.fingerprint)
            _, current, _ = plan_reports(report, questionnaire, template, versions, store.all(),
                                         config.output)
            summary = notify_sites(config, questionnaire, report.current, store, options,
                                   fresh={plan.key for plan in current})
        finally:
            store.close()
        if not options.dry_run:
            write_json(config.output / "notify.json", summary.to_json())
    return summary
