"""Practice mode: a throwaway vault of fictional colleagues, for training. No Qt.

``peerdesk --practice`` runs the whole app on a vault made here, in a fresh
private temporary folder, and removes that folder when the app exits. The
people in it are invented: each alias starts with "Practice –", each first
session's notes begin with :data:`FICTION_NOTICE` and a scenario brief saying
which checklists it is written to rehearse, and the vault's settings carry
:data:`PRACTICE_SETTING`, so a practice vault can always be told from a real one.

Because the content is fictional, the passphrase is fixed and shown on screen
(:data:`PRACTICE_PASSPHRASE`), and removal is a plain delete, not an overwrite.
The real vault is never opened, read or written: practice never sees the data
folder at all.

The composition root uses it like this::

    with PracticeSession() as practice:
        return run_gui(practice.data_dir, practice=True)
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import stat
import sys
import tempfile
import time as clock
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from types import TracebackType

from .checklists import ChecklistTemplate, load_builtin_templates, start_run
from .paths import vault_dir
from .store import KdfParams, Keychain, Vault, VaultError
from .store.keyslots import KEYCHAIN, KeySlots
from .store.lockfile import VaultLock
from .store.models import (
    ConsentCategory,
    ConsentMethod,
    PersonId,
    RecipientType,
    SessionMode,
    Tick,
)
from .store.vault import SLOTS_NAME

# Fictional data only, so a fixed passphrase shown on screen is the point, not a leak.
PRACTICE_PASSPHRASE = "practice"  # noqa: S105 - documented, displayed, protects fiction
TEMP_PREFIX = "peerdesk-practice-"
# Held for the whole session; a practice folder nobody holds is a leftover from a
# crash or a kill, and the next practice session removes it.
LOCK_NAME = "practice.lock"
STALE_AFTER_SECONDS = 60  # younger folders may belong to a session still starting
ALIAS_PREFIX = "Practice – "
PRACTICE_SETTING = "practice.fictional"
FICTION_NOTICE = (
    "PRACTICE – a fictional person and scenario, written for training. "
    "Not a real colleague: any resemblance is accidental."
)
# Today's fictional events happen a little before the vault is made, never in the future.
_SESSION_MARGIN = 20
_ENTRY_MARGIN = 50


@dataclass(frozen=True, slots=True)
class _Entry:
    """One incident diary entry, ``days_ago`` days before today at ``at``."""

    days_ago: int
    at: time
    place: str
    what_happened: str
    who_involved: str
    witnesses: str
    impact: str
    evidence_location: str


@dataclass(frozen=True, slots=True)
class _Talk:
    """One session, ``days_ago`` days before today; follow-up ``follow_up_in`` days from today."""

    days_ago: int
    at: time
    minutes: int
    mode: SessionMode
    notes: str
    follow_up_in: int | None = None
    # (built-in template id, item ids ticked) for a checklist followed in this session.
    checklist: tuple[str, tuple[str, ...]] | None = None


@dataclass(frozen=True, slots=True)
class _Consent:
    recipient_type: RecipientType
    recipient_name: str
    purpose: str
    categories: frozenset[ConsentCategory]
    given_days_ago: int
    lasts_days: int


@dataclass(frozen=True, slots=True)
class PracticePerson:
    """A fictional colleague: the first talk's notes hold the scenario brief."""

    alias: str
    talks: tuple[_Talk, ...]
    entries: tuple[_Entry, ...] = ()
    consent: _Consent | None = None


def _brief(scenario: str, role_play: str, rehearse: str) -> str:
    return (
        f"{FICTION_NOTICE}\n\n"
        f"Scenario: {scenario}\n\n"
        f"For the person playing this colleague: {role_play}\n\n"
        f"Checklists to rehearse: {rehearse}"
    )


PRACTICE_PEOPLE: tuple[PracticePerson, ...] = (
    PracticePerson(
        alias=f"{ALIAS_PREFIX}Dana (call centre)",
        talks=(
            _Talk(
                days_ago=10,
                at=time(12, 30),
                minutes=40,
                mode=SessionMode.IN_PERSON,
                notes=_brief(
                    "Dana has worked in the call centre for three years with good quality "
                    "scores. Since a new team leader arrived two months ago, Dana's figures "
                    "are read out and criticised in front of the team at the morning huddle, "
                    "and Dana has been taken out of the team chat where shifts are swapped. "
                    "Dana is anxious, sleeping badly, and unsure whether this 'counts' as "
                    "bullying.\n\nAgreed last time: Dana will start a diary and keep the "
                    "team leader's emails; we meet again in about ten days.",
                    "start hesitantly, worried about being seen as a troublemaker. Open up "
                    "if the supporter listens without rushing to advice.",
                    "follow-up-conversation (due now), "
                    "active-listening-oars, incident-diary-start.",
                ),
                follow_up_in=0,
                checklist=(
                    "first-conversation",
                    (
                        "private-space",
                        "explain-role",
                        "explain-confidentiality",
                        "explain-limits",
                        "record-explained",
                        "open-question",
                        "reflect-feelings",
                        "summarise",
                        "mention-diary",
                        "agree-steps",
                        "arrange-follow-up",
                    ),
                ),
            ),
        ),
        entries=(
            _Entry(
                days_ago=12,
                at=time(9, 5),
                place="Team huddle area, second floor",
                what_happened=(
                    "The team leader read out Dana's average call time to the whole team "
                    "and said 'some people clearly think the targets don't apply to them', "
                    "looking at Dana."
                ),
                who_involved="Team leader (fictional)",
                witnesses="About eight people at the huddle",
                impact=(
                    "Felt humiliated; cried in the toilets afterwards; struggled to "
                    "concentrate on calls for the rest of the morning."
                ),
                evidence_location="Dana's own note on a personal phone, written that evening.",
            ),
            _Entry(
                days_ago=5,
                at=time(14, 30),
                place="By email, and the team chat",
                what_happened=(
                    "Dana learned that a shift swap had been agreed in the team chat, "
                    "which Dana was removed from three weeks ago. Dana asked to be added "
                    "back; the team leader replied by email: 'Not necessary.'"
                ),
                who_involved="Team leader (fictional)",
                witnesses="A colleague (fictional) who told Dana about the chat",
                impact="Lost a preferred shift; felt shut out of the team.",
                evidence_location="Screenshot of the email reply on Dana's personal phone.",
            ),
        ),
    ),
    PracticePerson(
        alias=f"{ALIAS_PREFIX}Sam (warehouse)",
        talks=(
            _Talk(
                days_ago=3,
                at=time(18, 0),
                minutes=30,
                mode=SessionMode.PHONE,
                notes=_brief(
                    "Sam drives a forklift on nights. A few people on the shift have given "
                    "Sam a nickname about a stammer and imitate it over the radio. Sam told "
                    "a supervisor, who laughed it off. Sam has started calling in sick, is "
                    "drinking more, and says things like 'I don't see the point of any of "
                    "it any more'.",
                    "if asked directly and calmly, answer honestly: yes, there have been "
                    "passing thoughts of suicide, but no plan, and you want things to get "
                    "better. You live with your sister. If asked in a roundabout way, "
                    "change the subject. (Trainers: if this scenario is close to home for "
                    "anyone in the group, use another.)",
                    "safety-check, supportive-conversation-algee, then "
                    "supporter-debrief-self-care for yourself.",
                ),
                follow_up_in=2,
            ),
        ),
        entries=(
            _Entry(
                days_ago=8,
                at=time(2, 10),
                place="Loading bay, radio channel 2",
                what_happened=(
                    "While Sam read out a pallet count on the radio, someone repeated it "
                    "back with an exaggerated stammer, and others laughed on the channel."
                ),
                who_involved="Not sure; Sam thinks one of three people on the night shift",
                witnesses="Anyone on radio channel 2, about fifteen people",
                impact=(
                    "Stopped using the radio and walked to find people instead; went home "
                    "early feeling sick."
                ),
                evidence_location="No recording. The shift log shows Sam leaving at 3am.",
            ),
            _Entry(
                days_ago=6,
                at=time(22, 15),
                place="Supervisor's office",
                what_happened=(
                    "Sam told the night supervisor about the radio. The supervisor said: "
                    "'It's just banter, you need a thicker skin.'"
                ),
                who_involved="Night supervisor (fictional)",
                witnesses="Nobody else present",
                impact="Felt nobody would help; called in sick for the next two shifts.",
                evidence_location="Sam's handwritten notes, kept at home.",
            ),
        ),
    ),
    PracticePerson(
        alias=f"{ALIAS_PREFIX}Priya (finance)",
        talks=(
            _Talk(
                days_ago=30,
                at=time(13, 0),
                minutes=45,
                mode=SessionMode.VIDEO,
                notes=_brief(
                    "Priya is an accounts assistant. Her manager sets deadlines that cannot "
                    "be met, criticises her work in emails copied to the wider team, and has "
                    "twice presented Priya's reconciliations as his own in meetings. Priya "
                    "has kept the emails. She is angry rather than low, and wants something "
                    "done.",
                    "be clear and organised; push the supporter for what happens next, and "
                    "ask exactly what HR will be told.",
                    "follow-up-conversation, closing-or-handover (a handover to HR, with "
                    "consent), incident-diary-start.",
                ),
            ),
            _Talk(
                days_ago=16,
                at=time(13, 0),
                minutes=30,
                mode=SessionMode.VIDEO,
                notes=(
                    f"{FICTION_NOTICE}\n\nPriya has decided to raise a formal grievance and "
                    "asked for help getting to HR. Verbal consent recorded: a summary of her "
                    "concerns and her diary entries may go to HR, for the grievance. Next: "
                    "check how the HR meeting went."
                ),
                follow_up_in=7,
            ),
        ),
        entries=(
            _Entry(
                days_ago=40,
                at=time(16, 45),
                place="By email",
                what_happened=(
                    "Manager replied to Priya's month-end report, copying in the whole "
                    "team: 'This is sloppy, again. Please try to get it right for once.' "
                    "The figures were later found to be correct."
                ),
                who_involved="Line manager (fictional)",
                witnesses="Six people copied into the email",
                impact="Embarrassed in front of the team; worked late for a week re-checking.",
                evidence_location="Printed copy kept at home; original in her work inbox.",
            ),
            _Entry(
                days_ago=33,
                at=time(10, 0),
                place="Quarterly review meeting, room 4",
                what_happened=(
                    "Manager presented the reconciliation Priya had done as his own work "
                    "and did not mention her when asked who prepared it."
                ),
                who_involved="Line manager (fictional)",
                witnesses="Finance director and two colleagues (fictional)",
                impact="Felt invisible and angry; worried about her appraisal.",
                evidence_location="Her draft with file dates, on a personal USB stick.",
            ),
        ),
        consent=_Consent(
            recipient_type=RecipientType.HR,
            recipient_name="HR business partner (practice)",
            purpose="To support Priya's formal grievance about her manager's behaviour.",
            categories=frozenset(
                {ConsentCategory.CONCERNS_SUMMARY, ConsentCategory.INCIDENT_ENTRIES}
            ),
            given_days_ago=16,
            lasts_days=90,
        ),
    ),
    PracticePerson(
        alias=f"{ALIAS_PREFIX}Alex (IT service desk)",
        talks=(
            _Talk(
                days_ago=0,
                at=time(11, 0),
                minutes=20,
                mode=SessionMode.IN_PERSON,
                notes=_brief(
                    "Alex has just come out of a meeting where a senior manager shouted at "
                    "them, swore, and threw a notepad onto the desk in front of the team. "
                    "Alex is shaking and tearful, and keeps saying they need to get out of "
                    "the building.",
                    "at first you can hardly speak; you calm down slowly if the supporter "
                    "is calm and practical. You are worried about your bus home.",
                    "acute-distress-pfa or acute-incident-safer-r, then "
                    "supporter-debrief-self-care for yourself.",
                ),
                follow_up_in=1,
            ),
        ),
        entries=(
            _Entry(
                days_ago=0,
                at=time(10, 30),
                place="Service desk team meeting, meeting room 2",
                what_happened=(
                    "A senior manager shouted at Alex about a missed ticket, swore, and "
                    "threw a notepad onto the desk in front of Alex."
                ),
                who_involved="Senior manager (fictional)",
                witnesses="Five members of the service desk team",
                impact="Shaking, tearful, unable to go back to the desk.",
                evidence_location="Nothing yet.",
            ),
        ),
    ),
    PracticePerson(
        alias=f"{ALIAS_PREFIX}Jo (school office)",
        talks=(
            _Talk(
                days_ago=60,
                at=time(15, 45),
                minutes=50,
                mode=SessionMode.IN_PERSON,
                notes=_brief(
                    "Jo works in a school office. A colleague there made repeated remarks "
                    "about Jo's weight and age, and moved Jo's work without asking. After "
                    "several conversations Jo started counselling through the EAP, and the "
                    "colleague has since moved to another site.",
                    "you feel much better and a little sad to stop. You are not sure who to "
                    "contact if things start again.",
                    "closing-or-handover, follow-up-conversation.",
                ),
            ),
            _Talk(
                days_ago=10,
                at=time(15, 45),
                minutes=25,
                mode=SessionMode.PHONE,
                notes=(
                    f"{FICTION_NOTICE}\n\nJo is settled in counselling and things at work "
                    "are calm. Jo feels ready to stop peer support. Next: a closing "
                    "conversation."
                ),
                follow_up_in=-1,
            ),
        ),
        entries=(
            _Entry(
                days_ago=70,
                at=time(8, 20),
                place="School office",
                what_happened=(
                    "Colleague said, in front of a parent, 'shouldn't you be retired by "
                    "now?' and laughed."
                ),
                who_involved="Office colleague (fictional)",
                witnesses="A parent at the counter; the office manager (fictional)",
                impact="Felt small and embarrassed; did not want to go in the next day.",
                evidence_location="Jo's diary in a notebook at home.",
            ),
        ),
    ),
)


def create_practice_vault(directory: Path, kdf: KdfParams | None) -> tuple[Vault, str]:
    """Create a vault in ``directory`` holding :data:`PRACTICE_PEOPLE`; return it, open, and
    its passphrase (always :data:`PRACTICE_PASSPHRASE`).

    ``kdf=None`` calibrates Argon2id on this machine, as for a real vault; tests pass
    cheap parameters explicitly. Dates are relative to today, so a follow-up is
    always due and the diary is always recent. The caller closes the vault.
    """
    vault, _recovery_code = Vault.create(directory, PRACTICE_PASSPHRASE, kdf=kdf)
    try:
        vault.settings.set(PRACTICE_SETTING, True)
        now = datetime.now().replace(second=0, microsecond=0)
        builtins = _newest_builtins()
        for person in PRACTICE_PEOPLE:
            _add_person(vault, person, now, builtins)
    except BaseException:
        vault.close()
        raise
    return vault, PRACTICE_PASSPHRASE


def is_practice_vault(vault: Vault) -> bool:
    """Whether ``vault`` was made by :func:`create_practice_vault`."""
    return vault.settings.get(PRACTICE_SETTING) is True


def _moment(now: datetime, days_ago: int, at: time, margin_minutes: int) -> datetime:
    """``at`` o'clock ``days_ago`` days ago, but never later than ``margin_minutes`` ago."""
    moment = datetime.combine(now.date() - timedelta(days=days_ago), at)
    return min(moment, now - timedelta(minutes=margin_minutes))


def _newest_builtins() -> dict[str, ChecklistTemplate]:
    newest: dict[str, ChecklistTemplate] = {}
    for template in load_builtin_templates():
        if template.id not in newest or template.version > newest[template.id].version:
            newest[template.id] = template
    return newest


def _add_person(
    vault: Vault, person: PracticePerson, now: datetime, builtins: dict[str, ChecklistTemplate]
) -> None:
    today = now.date()
    person_id: PersonId = vault.people.add(person.alias).id
    for talk in person.talks:
        started = _moment(now, talk.days_ago, talk.at, _SESSION_MARGIN)
        follow_up = None if talk.follow_up_in is None else today + timedelta(talk.follow_up_in)
        session = vault.sessions.add(
            person_id,
            notes=talk.notes,
            started_at=started,
            duration_minutes=talk.minutes,
            mode=talk.mode,
            follow_up_on=follow_up,
        )
        if talk.checklist is not None:
            template_id, item_ids = talk.checklist
            template = builtins[template_id]
            missing = [item for item in item_ids if template.item(item) is None]
            if missing:
                raise ValueError(f"practice data ticks unknown {template_id} items: {missing}")
            # Followed the way the app follows one, so the run reads back the same way.
            run = start_run(vault, session.id, template)
            ticked = started.astimezone()
            ticks = [
                Tick(item, ticked + timedelta(minutes=2 * n)) for n, item in enumerate(item_ids)
            ]
            vault.checklist_runs.update_ticks(run.id, ticks)
    for entry in person.entries:
        vault.incidents.add(
            person_id,
            occurred_at=_moment(now, entry.days_ago, entry.at, _ENTRY_MARGIN),
            place=entry.place,
            what_happened=entry.what_happened,
            who_involved=entry.who_involved,
            witnesses=entry.witnesses,
            impact=entry.impact,
            evidence_location=entry.evidence_location,
        )
    if person.consent is not None:
        given = today - timedelta(days=person.consent.given_days_ago)
        vault.consents.add(
            person_id,
            recipient_type=person.consent.recipient_type,
            recipient_name=person.consent.recipient_name,
            purpose=person.consent.purpose,
            categories=person.consent.categories,
            given_how=ConsentMethod.VERBAL,
            given_on=given,
            expires_on=given + timedelta(days=person.consent.lasts_days),
        )


class PracticeSession:
    """A practice vault in a private temporary folder, removed on exit.

    ``with PracticeSession() as practice:`` creates the folder
    (``peerdesk-practice-*`` in the system temp folder, 0700), makes the vault in
    its ``vault`` subfolder, closes it so the app can unlock it with
    :attr:`passphrase`, and on leaving the block (normally, by an exception, or
    at interpreter exit if the block is never left) removes the whole folder.
    If "remember on this computer" was used in practice, the keychain entry is
    removed too (``keychain`` gives the keychain; any failure there is ignored).
    """

    def __init__(
        self,
        *,
        kdf: KdfParams | None = None,
        keychain: Callable[[], Keychain] | None = Keychain.from_system,
    ) -> None:
        self._kdf = kdf
        self._keychain = keychain
        self._data_dir: Path | None = None
        self._lock: VaultLock | None = None
        self.passphrase = PRACTICE_PASSPHRASE

    @property
    def data_dir(self) -> Path:
        """The temporary data folder to give the app (the vault is in its ``vault`` folder)."""
        if self._data_dir is None:
            raise RuntimeError("the practice session has not started, or has ended")
        return self._data_dir

    @property
    def vault_dir(self) -> Path:
        return vault_dir(self.data_dir)

    def __enter__(self) -> PracticeSession:
        if self._data_dir is not None:
            raise RuntimeError("a practice session can be entered only once at a time")
        remove_stale_practice_folders()
        # mkdtemp makes the folder 0700 and unique; chmod again against an odd umask.
        self._data_dir = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX))
        atexit.register(self.cleanup)
        try:
            self._lock = VaultLock.acquire(self._data_dir / LOCK_NAME)
            if os.name == "posix":
                os.chmod(self._data_dir, stat.S_IRWXU)
            vault, _passphrase = create_practice_vault(self.vault_dir, self._kdf)
            vault.close()
        except BaseException:
            self.cleanup()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.cleanup()

    def cleanup(self) -> None:
        """Remove the practice folder and everything in it. Safe to call more than once."""
        directory, self._data_dir = self._data_dir, None
        atexit.unregister(self.cleanup)
        if directory is None:
            return
        self._forget_keychain_entry(vault_dir(directory))
        if self._lock is not None:
            self._lock.release()
            self._lock = None
        _remove_tree(directory)

    def _forget_keychain_entry(self, directory: Path) -> None:
        if self._keychain is None:
            return
        try:
            slots = KeySlots.from_bytes((directory / SLOTS_NAME).read_bytes())
        except (OSError, VaultError):
            return
        if KEYCHAIN not in slots.slots:
            return
        with contextlib.suppress(VaultError):
            self._keychain().delete(slots.vault_id)


def remove_stale_practice_folders() -> None:
    """Remove practice folders left by sessions that crashed or were killed.

    Only this user's own ``peerdesk-practice-*`` folders (never through a symbolic
    link), only when no running session holds their lock, and only once they are
    a minute old, so a session that is still starting is left alone.
    """
    temp = Path(tempfile.gettempdir())
    now = clock.time()
    for candidate in temp.glob(f"{TEMP_PREFIX}*"):
        try:
            info = candidate.lstat()
        except OSError:
            continue
        if not stat.S_ISDIR(info.st_mode) or now - info.st_mtime < STALE_AFTER_SECONDS:
            continue
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            continue
        try:
            lock = VaultLock.acquire(candidate / LOCK_NAME)
        except VaultError:  # in use by a running session, or not ours to write
            continue
        lock.release()
        _remove_tree(candidate)


def _remove_tree(directory: Path) -> None:
    """Delete ``directory`` completely, making read-only entries writable where needed."""

    def retry(function: Callable[[str], object], path: str, _exc: object) -> None:
        with contextlib.suppress(OSError):
            os.chmod(path, stat.S_IRWXU)
            function(path)

    # A file still open elsewhere (Windows) can outlive this; the content is fictional,
    # the next practice session sweeps it, and the system clears its temp folder in time.
    with contextlib.suppress(OSError):
        if sys.version_info >= (3, 12):
            shutil.rmtree(directory, onexc=retry)
        else:
            shutil.rmtree(directory, onerror=retry)
