"""Following a checklist in a session: start a run, tick items, count progress."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from peerdesk.i18n import _
from peerdesk.store.models import ChecklistRun, ChecklistRunId, SessionId, TemplateOrigin, Tick
from peerdesk.store.values import utc_now

from .errors import TemplateError
from .library import load_builtin_templates
from .model import ChecklistTemplate
from .parse import parse_template

if TYPE_CHECKING:
    from peerdesk.store import Vault


class TickResult(NamedTuple):
    """What a tick changed.

    ``risk``: the item is a risk item and is now ticked; the session has been
    flagged. ``newly_ticked``: it was not ticked before, so this is the moment
    to bring up the escalation contacts (editing the note of an already ticked
    risk item gives ``risk`` but not ``newly_ticked``).
    """

    run: ChecklistRun
    risk: bool
    newly_ticked: bool = False


def start_run(vault: Vault, session_id: SessionId, template: ChecklistTemplate) -> ChecklistRun:
    """Start following ``template`` in a session.

    The run records the template's id and version, and the vault keeps that
    version's exact text (a built-in's on first use; an imported one already
    has it), so the run reads the same forever.
    """
    if not template.source:
        raise ValueError("start a run from a template read by parse_template or a library")
    vault.sessions.get(session_id)  # NotFound before anything is stored
    if vault.templates.get(template.id, template.version) is None:
        if template.origin is not TemplateOrigin.BUILTIN:
            raise ValueError("import a template into the vault before starting a run with it")
        vault.templates.snapshot_builtin(template.id, template.version, template.source)
    return vault.checklist_runs.add(session_id, template.id, template.version)


def tick(
    vault: Vault, run_id: ChecklistRunId, item_id: str, ticked: bool, note: str = ""
) -> TickResult:
    """Mark an item done (with an optional short note), or not done; it is saved at once.

    Ticking an item again keeps when it was first ticked and replaces its note.
    Newly ticking a risk item flags the session for risk in the same call;
    unticking never clears the flag (that is the supporter's decision, through
    ``vault.sessions.set_risk_flag``).
    """
    run = vault.checklist_runs.get(run_id)
    template = template_for_run(vault, run)
    item = None if template is None else template.item(item_id)
    if template is not None and item is None:
        raise ValueError(_("This checklist has no such item."))
    previous = next((t for t in run.ticks if t.item_id == item_id), None)
    newly_ticked = ticked and previous is None
    risk = bool(ticked and item is not None and item.risk)
    if risk and newly_ticked:
        # Flag first: if the app dies between the two writes, a flag without
        # its tick is the safe way round.
        vault.sessions.set_risk_flag(run.session_id, True)
    ticks = [t for t in run.ticks if t.item_id != item_id]
    if ticked:
        updated = Tick(item_id, previous.ticked_at if previous else utc_now(), note)
        position = run.ticks.index(previous) if previous else len(ticks)
        ticks.insert(position, updated)
    return TickResult(vault.checklist_runs.update_ticks(run_id, ticks), risk, newly_ticked)


def progress(run: ChecklistRun, template: ChecklistTemplate) -> tuple[int, int]:
    """``(done, total)`` for "7 of 12": ticks of items the template has, and its item count."""
    item_ids = {item.id for item in template.items()}
    return (len(item_ids & {t.item_id for t in run.ticks}), len(item_ids))


def template_for_run(vault: Vault, run: ChecklistRun) -> ChecklistTemplate | None:
    """The exact template version a run followed: the vault's copy, else a built-in file.

    ``None`` for a run whose template is known nowhere (it was recorded before
    templates were kept in the vault, and that version is no longer shipped).
    """
    source = vault.templates.get(run.template_id, run.template_version)
    if source is not None:
        try:
            return parse_template(source, f"{run.template_id}.toml")
        except TemplateError:
            return None
    for template in load_builtin_templates():
        if template.key == (run.template_id, run.template_version):
            return template
    return None
