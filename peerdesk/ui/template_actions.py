"""Tools → Import and Export checklist template: a coordinator's own checklists in and out.

Import reads one TOML file and hands its bytes to
:func:`peerdesk.checklists.import_template`, which either adds the template
whole or raises :class:`~peerdesk.checklists.TemplateError` and changes
nothing; the error's own words (file, line, field, what is wrong) are shown.

Export writes a template's exact source, byte for byte, as a private file
(0600, written atomically), and remembers the path so the lock can scrub it
from the desktop's recent-files lists.

Each step that asks something sits behind a function, so tests script the
answers (:func:`peerdesk.ui.dialogs.answer_next`) and never block.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import QInputDialog, QWidget

from ..checklists import (
    ChecklistTemplate,
    TemplateError,
    TemplateLibrary,
    export_template,
    import_template,
    read_template_file,
)
from ..i18n import _
from ..paths import APP_NAME
from ..store import Vault, VaultError
from ..store.fsutil import atomic_write
from . import dialogs
from .checklist_panel import ui_language
from .file_dialogs import get_open_path, get_save_path, remember_file
from .widgets import error_text


def template_filter() -> str:
    return _("Checklist templates (*.toml)")


def choice_text(template: ChecklistTemplate) -> str:
    """How a template reads in the export chooser: its title, and which version."""
    return _("{title} (version {version})").format(title=template.title, version=template.version)


def choose_template(
    parent: QWidget | None, templates: Sequence[ChecklistTemplate], question: str
) -> ChecklistTemplate | None:
    """Pick one of ``templates``, or None if cancelled.

    Tests answer with the template's id (see :func:`dialogs.answer_next`).
    """
    # dialogs.py has no chooser yet; this one shares its queue of scripted answers.
    scripted, answer = dialogs._take()
    if scripted:
        return next((t for t in templates if t.id == answer), None)
    if not templates:
        return None
    shown = [choice_text(t.localised(ui_language())) for t in templates]
    picked, ok = QInputDialog.getItem(parent, APP_NAME, question, shown, 0, False)
    if not ok or picked not in shown:
        return None
    return templates[shown.index(picked)]


# -- import -------------------------------------------------------------------------------


def import_template_file(parent: QWidget | None, vault: Vault) -> ChecklistTemplate | None:
    """Ask for a template file and import it; say what was added, or exactly what is wrong."""
    path = get_open_path(parent, _("Import checklist template"), template_filter())
    if path is None:
        return None
    try:
        # Reads at most one byte past the loader's size limit: a huge file is refused,
        # not loaded into memory.
        template = import_template(vault, read_template_file(path), path.name)
    except TemplateError as problem:
        dialogs.inform(
            parent,
            _("This template cannot be imported. Nothing was changed.\n\n{problem}").format(
                problem=str(problem)
            ),
            problem=True,
        )
        return None
    except VaultError as problem:
        dialogs.inform(parent, error_text(problem), problem=True)
        return None
    shown = template.localised(ui_language())
    dialogs.inform(
        parent,
        _(
            "Added “{title}”, version {version}. New sessions can use it from "
            "“Add a checklist”; past sessions keep the version they used."
        ).format(title=shown.title, version=template.version),
    )
    return template


# -- export -------------------------------------------------------------------------------


def suggested_file_name(template: ChecklistTemplate) -> str:
    return f"{template.id}-v{template.version}.toml"


def export_template_file(parent: QWidget | None, vault: Vault) -> Path | None:
    """Ask which template and where, then write its exact source there (0600, atomically)."""
    try:
        templates = sorted(
            TemplateLibrary.from_vault(vault).current(),
            key=lambda t: t.localised(ui_language()).title.casefold(),
        )
    except VaultError as problem:
        dialogs.inform(parent, error_text(problem), problem=True)
        return None
    template = choose_template(parent, templates, _("Which checklist template to export?"))
    if template is None:
        return None
    path = get_save_path(
        parent, _("Export checklist template"), suggested_file_name(template), template_filter()
    )
    if path is None:
        return None
    remember_file(path)  # get_save_path did too; a renamed path must be scrubbed as well
    try:
        atomic_write(path, export_template(template.source), what=_("the template file"))
    except VaultError as problem:
        dialogs.inform(parent, error_text(problem), problem=True)
        return None
    dialogs.inform(
        parent,
        _("Exported “{title}”, version {version}.").format(
            title=template.localised(ui_language()).title, version=template.version
        ),
    )
    return path
