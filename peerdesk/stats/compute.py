"""The report for one vault: exact counts read from the store, suppressed at once."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from .figures import Month, Report, check_span, suppress

if TYPE_CHECKING:
    from ..store import Vault


@functools.cache
def builtin_templates() -> dict[str, str]:
    """Built-in checklist template ids and their titles (the newest version's)."""
    from ..checklists.library import load_builtin_templates

    titles: dict[str, tuple[int, str]] = {}
    for template in load_builtin_templates():
        if template.id not in titles or titles[template.id][0] < template.version:
            titles[template.id] = (template.version, template.title)
    return {template_id: title for template_id, (_v, title) in titles.items()}


def template_titles(vault: Vault | None = None) -> dict[str, str]:
    """Titles to show for template ids: the built-in ones, and ``vault``'s imported ones.

    A template this laptop does not know (in a report merged from other
    supporters' files, or one whose stored copy cannot be read) shows by its id.
    """
    titles = dict(builtin_templates())
    if vault is not None:
        from ..checklists.library import TemplateLibrary

        for template in TemplateLibrary.from_vault(vault, builtins=()).current():
            titles[template.id] = template.title
    return titles


def report_for(vault: Vault, first: Month, last: Month) -> Report:
    """Anonymous figures for ``first`` to ``last`` (months, both included) from ``vault``.

    The exact counts never leave this function: the report holds only
    suppressed figures (:func:`peerdesk.stats.figures.suppress`).
    """
    check_span(first, last)
    activity = vault.statistics.activity(first.first_day, last.next().first_day)
    return suppress(activity, first, last, builtin_templates())
