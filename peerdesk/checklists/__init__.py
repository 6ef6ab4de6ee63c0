"""Guided listening checklists: templates, their validation, where they come from, and runs. No Qt.

Templates are TOML files (``resources/checklists/*.toml`` ship with peerdesk;
coordinators can import their own). :func:`parse_template` turns bytes into a
complete :class:`ChecklistTemplate` or a :class:`TemplateError` that names the
file, line and field; :class:`TemplateLibrary` merges built-in and vault
templates; :func:`start_run` and :func:`tick` follow one in a session.
"""

from peerdesk.store.models import TemplateOrigin

from .decoding import MAX_FILE_BYTES
from .errors import TemplateError
from .library import (
    TemplateLibrary,
    export_template,
    import_template,
    load_builtin_templates,
    read_template_file,
)
from .model import (
    ChecklistItem,
    ChecklistSection,
    ChecklistTemplate,
    ItemTexts,
    SectionTexts,
    TemplateTexts,
)
from .parse import (
    MAX_EXAMPLES,
    MAX_ITEMS_PER_SECTION,
    MAX_SECTIONS,
    parse_template,
)
from .runs import TickResult, progress, start_run, template_for_run, tick

__all__ = [
    "MAX_EXAMPLES",
    "MAX_FILE_BYTES",
    "MAX_ITEMS_PER_SECTION",
    "MAX_SECTIONS",
    "ChecklistItem",
    "ChecklistSection",
    "ChecklistTemplate",
    "ItemTexts",
    "SectionTexts",
    "TemplateError",
    "TemplateLibrary",
    "TemplateOrigin",
    "TemplateTexts",
    "TickResult",
    "export_template",
    "import_template",
    "load_builtin_templates",
    "parse_template",
    "progress",
    "read_template_file",
    "start_run",
    "template_for_run",
    "tick",
]
