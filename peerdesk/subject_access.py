"""Everything held about one person, as a PDF they could be given (a subject access request). No Qt.

When a colleague asks what their peer supporter keeps about them, the answer
is this document: their alias and real name, the dates support began and
ended, and every session (with its checklist items and notes), every diary
entry, every consent and every referral, with every field the vault holds,
as it was typed. Nothing is summarised or left out; an empty field says
"Not recorded" so that a reader can tell "empty" from "missing".

The layout is the referral PDF's (:func:`peerdesk.referral_pdf.render_sections`):
fonts for any script, "Page x of y", a confidential header, and metadata that
says what the file is ("Subject access"), never whose.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path

from .checklists import template_for_run
from .i18n import _
from .referral_pdf import (
    AsWritten,
    Block,
    Bullets,
    Field,
    Note,
    Section,
    SectionKind,
    Subheading,
    long_date,
    protect,
    render_sections,
)
from .store import Vault
from .store.audit import SUBJECT_ACCESS_EXPORTED
from .store.fsutil import atomic_write
from .store.models import (
    ChecklistRun,
    ConcernCategory,
    Consent,
    ConsentCategory,
    ConsentId,
    ConsentMethod,
    ConsentStatus,
    Incident,
    Person,
    PersonId,
    Referral,
    ReferralItemKind,
    ReferralStatus,
    SafetyCheck,
    Session,
    SessionId,
    Urgency,
)
from .timeline import duration_text, mode_text, referral_status_text
from .vocabulary import category_names, concerns_text, service_name

# A value this short and on one line reads as a field beside its label; anything
# longer is printed under its label, paragraph by paragraph, as it was written.
_FIELD_CHARS = 160


def suggested_file_name(today: date) -> str:
    """``subject-access-2026-11-29.pdf``: a date, never an alias or a name."""
    return f"subject-access-{today.isoformat()}.pdf"


def sections(vault: Vault, person_id: PersonId, *, today: date) -> list[Section]:
    """Everything the vault holds about ``person_id``, in reading order."""
    person = vault.people.get(person_id, today=today)
    sessions = sorted(vault.sessions.list_for_person(person_id), key=lambda s: s.started_at)
    incidents = sorted(vault.incidents.list_for_person(person_id), key=lambda i: i.occurred_at)
    consents = sorted(vault.consents.list_for_person(person_id), key=lambda c: (c.given_on, c.id))
    referrals = sorted(vault.referrals.list_for_person(person_id), key=lambda r: r.created_at)
    runs = {s.id: vault.checklist_runs.list_for_session(s.id) for s in sessions}
    return [
        _summary(person, today),
        _about(),
        _sessions(vault, sessions, runs),
        _incidents(incidents),
        _consents(consents, today),
        _referrals(referrals, consents, sessions, incidents),
    ]


def render(vault: Vault, person_id: PersonId, *, today: date, password: str = "") -> bytes:
    """The PDF's bytes; encrypted with AES-256 under ``password`` if one is given."""
    data = render_sections(
        sections(vault, person_id, today=today),
        header_title=_("Confidential \u2014 subject access"),
        header_line=_("Everything held about one colleague"),
        day=today,
        # What the file is, never whose: no alias, no name.
        metadata_title=_("Subject access"),
    )
    return protect(data, password) if password else data


def export(
    vault: Vault, person_id: PersonId, path: Path, *, today: date, password: str = ""
) -> None:
    """Render and save privately (0600, atomically), then record a content-free audit event.

    Raises :class:`peerdesk.store.VaultWriteError` if the file cannot be written
    (nothing partial is left). The event is recorded once the file exists; if
    the vault cannot record it, the file is removed again, so the disk and the
    audit log always tell the same story.
    """
    data = render(vault, person_id, today=today, password=password)
    atomic_write(path, data, what=_("the subject access PDF"))
    try:
        vault.audit.record(SUBJECT_ACCESS_EXPORTED)
    except BaseException:
        with contextlib.suppress(OSError):
            path.unlink()
        raise


def summary_words(vault: Vault, person_id: PersonId) -> str:
    """What the export will hold, counted, for the confirmation: "3 sessions, 1 diary entry…"."""
    sessions = vault.sessions.list_for_person(person_id)
    counts = (
        (len(sessions), _("1 session"), _("{n} sessions")),
        (
            len(vault.incidents.list_for_person(person_id)),
            _("1 diary entry"),
            _("{n} diary entries"),
        ),
        (len(vault.consents.list_for_person(person_id)), _("1 consent"), _("{n} consents")),
        (len(vault.referrals.list_for_person(person_id)), _("1 referral"), _("{n} referrals")),
    )
    return ", ".join(one if n == 1 else many.format(n=n) for n, one, many in counts)


# -- the words ----------------------------------------------------------------------------


def _not_recorded() -> str:
    return _("Not recorded")


def _text(label: str, text: str | None) -> Block:
    """A field, or the text under its label when it is long or runs over lines."""
    value = (text or "").strip()
    if not value:
        return Field(label, _not_recorded())
    if len(value) > _FIELD_CHARS or "\n" in value or "\r" in value:
        return AsWritten(label, text or "")
    return Field(label, value)


def _moment(when: datetime) -> str:
    """An event time (naive local wall clock): ``3 March 2026, 14:30``."""
    return _("{day}, {time}").format(day=long_date(when.date()), time=f"{when:%H:%M}")


def _recorded(when: datetime) -> str:
    """A record-keeping time (aware UTC), in this computer's local time."""
    return _moment(when.astimezone().replace(tzinfo=None))


def _day_or_none(day: date | None) -> str:
    return long_date(day) if day is not None else _not_recorded()


def _concerns(concerns: Iterable[ConcernCategory]) -> str:
    return concerns_text(concerns)


def _service(kind_text: str, name: str) -> str:
    name = name.strip()
    return f"{kind_text} \u2014 {name}" if name else kind_text


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


# -- the sections ---------------------------------------------------------------------------


def _summary(person: Person, today: date) -> Section:
    blocks: list[Block] = [
        Field(_("Alias"), person.alias),
        Field(_("Real name"), person.real_name or _not_recorded()),
        Field(_("Supported since"), long_date(person.created_at.astimezone().date())),
        Field(
            _("Support ended"),
            long_date(person.closed_at.astimezone().date())
            if person.closed_at is not None
            else _("Still supported"),
        ),
    ]
    if person.keep_until is not None:
        blocks.append(Field(_("Kept until"), long_date(person.keep_until)))
        blocks.append(_text(_("Why it is kept longer"), person.keep_reason))
    blocks.append(Field(_("Prepared on"), long_date(today)))
    return Section(_("Everything held about you"), tuple(blocks), SectionKind.SUMMARY)


def _about() -> Section:
    return Section(
        _("About this document"),
        (
            Note(
                _(
                    "This is everything your peer supporter keeps about you in peerdesk: "
                    "each conversation, each entry in your incident diary, each consent "
                    "you gave and each referral made for you, with every detail as it "
                    "was written. The app also keeps a log that an export or a deletion "
                    "happened; that log names no one, so nothing from it is shown here."
                )
            ),
        ),
    )


def _sessions(
    vault: Vault, sessions: list[Session], runs: dict[SessionId, list[ChecklistRun]]
) -> Section:
    if not sessions:
        return Section(_("Sessions"), (Note(_("No sessions are recorded.")),))
    blocks: list[Block] = []
    for session in sessions:
        blocks.append(Subheading(_("Session, {when}").format(when=_moment(session.started_at))))
        blocks.append(
            Field(_("Duration"), duration_text(session.duration_minutes) or _not_recorded())
        )
        blocks.append(Field(_("How"), mode_text(session.mode)))
        blocks.append(Field(_("Follow-up planned for"), _day_or_none(session.follow_up_on)))
        blocks.append(Field(_("Flagged for risk"), _yes_no(session.risk_flag)))
        if session.concerns:
            blocks.append(Field(_("What it was about"), _concerns(session.concerns)))
        blocks.append(_text(_("Notes"), session.notes))
        for run in runs.get(session.id, []):
            blocks.extend(_checklist(vault, run))
    return Section(_("Sessions"), tuple(blocks))


def _checklist(vault: Vault, run: ChecklistRun) -> list[Block]:
    template = template_for_run(vault, run)
    title = template.title if template is not None else run.template_id
    done: list[str] = []
    for tick in run.ticks:
        item = template.item(tick.item_id) if template is not None else None
        label = item.label if item is not None else tick.item_id
        line = _("{item} (done {when})").format(item=label, when=_recorded(tick.ticked_at))
        if tick.note.strip():
            line = _("{line}: {note}").format(line=line, note=tick.note)
        done.append(line)
    blocks: list[Block] = [
        Field(
            _("Checklist followed"),
            _("{title}, version {version}").format(title=title, version=run.template_version),
        ),
    ]
    blocks.append(Bullets(tuple(done)) if done else Note(_("No checklist items were marked done.")))
    return blocks


def _incidents(incidents: list[Incident]) -> Section:
    if not incidents:
        return Section(_("Incident diary"), (Note(_("No diary entries are recorded.")),))
    blocks: list[Block] = []
    for incident in incidents:
        blocks.extend(
            (
                Subheading(_("Diary entry, {when}").format(when=_moment(incident.occurred_at))),
                _text(_("Where"), incident.place),
                _text(_("What happened"), incident.what_happened),
                _text(_("Who was involved"), incident.who_involved),
                _text(_("Witnesses"), incident.witnesses),
                _text(_("Impact"), incident.impact),
                _text(_("Evidence kept where"), incident.evidence_location),
                Field(_("Written down"), _recorded(incident.created_at)),
                Field(_("Last changed"), _recorded(incident.updated_at)),
            )
        )
    return Section(_("Incident diary"), tuple(blocks))


def _consent_status(consent: Consent, today: date) -> str:
    status = consent.status(today)
    if status is ConsentStatus.WITHDRAWN and consent.withdrawn_on is not None:
        return _("Withdrawn on {day}").format(day=long_date(consent.withdrawn_on))
    return {
        ConsentStatus.ACTIVE: _("Active"),
        ConsentStatus.EXPIRED: _("Expired"),
        ConsentStatus.WITHDRAWN: _("Withdrawn"),
    }[status]


def _consent_title(consent: Consent) -> str:
    return _("Consent given on {day}").format(day=long_date(consent.given_on))


def _consents(consents: list[Consent], today: date) -> Section:
    if not consents:
        return Section(_("Consents"), (Note(_("No consents are recorded.")),))
    names = category_names()
    blocks: list[Block] = []
    for consent in consents:
        categories = [names[c] for c in ConsentCategory if c in consent.categories]
        how = {ConsentMethod.VERBAL: _("Verbally"), ConsentMethod.WRITTEN: _("In writing")}
        blocks.extend(
            (
                Subheading(_consent_title(consent)),
                Field(_("Status"), _consent_status(consent, today)),
                Field(
                    _("To share with"),
                    _service(
                        service_name(consent.recipient_type),
                        consent.recipient_name or _("any such service"),
                    ),
                ),
                _text(_("Purpose"), consent.purpose),
                Field(_("Information covered"), ", ".join(categories) or _not_recorded()),
                Field(_("How consent was given"), how[consent.given_how]),
                Field(_("Given on"), long_date(consent.given_on)),
                Field(_("Until"), long_date(consent.expires_on)),
                Field(_("Withdrawn on"), _day_or_none(consent.withdrawn_on)),
                Field(_("Recorded"), _recorded(consent.created_at)),
            )
        )
    return Section(_("Consents"), tuple(blocks))


def _referrals(
    referrals: list[Referral],
    consents: list[Consent],
    sessions: list[Session],
    incidents: list[Incident],
) -> Section:
    if not referrals:
        return Section(_("Referrals"), (Note(_("No referrals are recorded.")),))
    consent_by_id: dict[ConsentId, Consent] = {c.id: c for c in consents}
    session_on = {int(s.id): s.started_at for s in sessions}
    incident_on = {int(i.id): i.occurred_at for i in incidents}
    blocks: list[Block] = []
    for referral in referrals:
        blocks.append(
            Subheading(
                _("Referral to {service}, started {day}").format(
                    service=service_name(referral.recipient_type),
                    day=long_date(referral.created_at.astimezone().date()),
                )
            )
        )
        blocks.extend(
            (
                Field(_("Status"), referral_status_text(referral.status)),
                Field(
                    _("Service"),
                    _service(service_name(referral.recipient_type), referral.recipient_name),
                ),
                _text(_("Service contact"), referral.recipient_contact),
                Field(_("Urgency"), _urgency(referral.urgency)),
                _text(_("Name given to the service"), referral.colleague_name),
                Field(_("Consent relied on"), _consent_relied_on(referral, consent_by_id)),
            )
        )
        if referral.override_reason is not None:
            blocks.append(
                _text(
                    _("Shared without consent, for duty of care, because"), referral.override_reason
                )
            )
        blocks.extend(
            (
                _text(_("Situation"), referral.situation),
                _text(_("Background"), referral.background),
                _text(_("Assessment"), referral.assessment),
                _text(_("Recommendation"), referral.recommendation),
                Field(
                    _("Risk indicators"),
                    "; ".join(f for f in referral.risk_flags if f.strip()) or _("None recorded"),
                ),
                Field(_("Safety check"), _safety(referral.safety_check)),
                _text(_("Safe way to contact"), referral.contact_safe_way),
                _text(_("Safe times"), referral.contact_safe_times),
                _text(_("Language needs"), referral.language_needs),
                Field(_("Follow-up planned for"), _day_or_none(referral.follow_up_on)),
                AsWritten(_("What happened to it"), "\n".join(_history(referral))),
            )
        )
        for item in referral.items:
            if item.kind is ReferralItemKind.SESSION:
                on = session_on.get(item.record_id)
                what = _("Session")
            else:
                on = incident_on.get(item.record_id)
                what = _("Diary entry")
            record = what if on is None else _("{what}, {when}").format(what=what, when=_moment(on))
            label = (
                _("Included: {record}, summarised and as written")
                if item.include_raw
                else _("Included: {record}, summarised")
            )
            summary = item.summary if item.summary.strip() else _not_recorded()
            blocks.append(AsWritten(label.format(record=record), summary))
    return Section(_("Referrals"), tuple(blocks))


def _urgency(urgency: Urgency) -> str:
    return {Urgency.ROUTINE: _("Routine"), Urgency.SOON: _("Soon"), Urgency.URGENT: _("Urgent")}[
        urgency
    ]


def _safety(check: SafetyCheck) -> str:
    return {
        SafetyCheck.DONE: _("Done"),
        SafetyCheck.NOT_DONE: _("Not done"),
        SafetyCheck.NOT_RECORDED: _("Not recorded"),
    }[check]


def _consent_relied_on(referral: Referral, consents: dict[ConsentId, Consent]) -> str:
    if referral.consent_id is None:
        return _("None")
    consent = consents.get(referral.consent_id)
    return _consent_title(consent) if consent is not None else _not_recorded()


def _history(referral: Referral) -> list[str]:
    """Each step the referral went through, with its date, oldest first."""
    steps = [_("Started on {day}").format(day=_recorded(referral.created_at))]
    if referral.exported_at is not None:
        steps.append(_("PDF made on {day}").format(day=_recorded(referral.exported_at)))
    if referral.sent_on is not None:
        steps.append(_("Sent on {day}").format(day=long_date(referral.sent_on)))
    if referral.acknowledged_on is not None:
        steps.append(_("Acknowledged on {day}").format(day=long_date(referral.acknowledged_on)))
    if referral.status in (ReferralStatus.CONNECTED, ReferralStatus.NOT_CONNECTED):
        outcome = referral_status_text(referral.status)
        day = _day_or_none(referral.outcome_on)
        line = _("{outcome} on {day}").format(outcome=outcome, day=day)
        if referral.outcome_note.strip():
            line = _("{line}: {note}").format(line=line, note=referral.outcome_note)
        steps.append(line)
    return steps
