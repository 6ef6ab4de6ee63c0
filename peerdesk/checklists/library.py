"""Where templates come from: the built-in files, and the vault (imported and remembered ones).

Two questions are asked of the library, and they have different answers on
purpose. *Which template do I use for a new run?* The newest version of each
id (:meth:`TemplateLibrary.current`). *What did this past run follow?* Exactly
the id and version it recorded (:meth:`TemplateLibrary.get`), read from the
vault's copy first, so that neither a newer version nor an edited built-in
file ever rewrites what happened in a past session.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from peerdesk.i18n import _
from peerdesk.paths import resource_path
from peerdesk.store.models import TemplateOrigin

from .decoding import MAX_FILE_BYTES
from .errors import TemplateError, display_file_name
from .locate import line_of, locate_lines
from .model import ChecklistTemplate
from .parse import parse_template

if TYPE_CHECKING:
    from peerdesk.store import Vault

TemplateKey = tuple[str, int]


def read_template_file(path: Path) -> bytes:
    """A template file's bytes, reading no more than one byte past the size limit.

    Raises :class:`TemplateError` (naming the file, not its folder) if it cannot be read.
    """
    try:
        with Path(path).open("rb") as file:
            return file.read(MAX_FILE_BYTES + 1)
    except OSError:
        raise TemplateError(
            display_file_name(str(path)), None, "", _("could not be opened for reading")
        ) from None


def load_builtin_templates(directory: Path | None = None) -> list[ChecklistTemplate]:
    """Every template shipped in ``resources/checklists/``, by file name.

    A broken built-in file is a bug in peerdesk, so it raises
    :class:`TemplateError` rather than being skipped; so does a second file
    with an id and version already used.
    """
    folder = resource_path("checklists") if directory is None else directory
    templates: list[ChecklistTemplate] = []
    first_file: dict[TemplateKey, str] = {}
    for path in sorted(folder.glob("*.toml")):
        if not path.is_file():
            continue
        template = parse_template(
            read_template_file(path), path.name, origin=TemplateOrigin.BUILTIN
        )
        if template.key in first_file:
            raise _version_taken(template, path.name, first_file[template.key])
        first_file[template.key] = path.name
        templates.append(template)
    return templates


class TemplateLibrary:
    """Built-in templates and the vault's stored ones, merged.

    ``imported`` holds what the vault keeps: imported templates, and copies of
    built-in versions that runs have used (``origin`` tells them apart). Only
    built-ins and imported templates are offered for new runs; the copies only
    answer for the past. Where both a built-in file and the vault hold the
    same id and version, the vault's copy wins: it is what runs followed.
    ``problems`` lists stored templates that could not be read (they are left
    out, and shown nowhere else).
    """

    def __init__(
        self, builtins: Iterable[ChecklistTemplate], imported: Iterable[ChecklistTemplate] = ()
    ) -> None:
        self._builtins = {template.key: template for template in builtins}
        self._stored = {template.key: template for template in imported}
        self.problems: list[TemplateError] = []

    @classmethod
    def from_vault(
        cls, vault: Vault, builtins: Iterable[ChecklistTemplate] | None = None
    ) -> TemplateLibrary:
        """The built-in templates (loaded unless given) with everything the vault stores."""
        stored: list[ChecklistTemplate] = []
        problems: list[TemplateError] = []
        for template_id, version, origin in vault.templates.list():
            source = vault.templates.get(template_id, version) or b""
            try:
                template = parse_template(source, f"{template_id}.toml", origin=origin)
            except TemplateError as error:
                problems.append(error)
                continue
            if template.key != (template_id, version):
                problems.append(
                    TemplateError(
                        f"{template_id}.toml",
                        None,
                        "",
                        _("is stored under a different id or version than it declares"),
                    )
                )
                continue
            stored.append(template)
        library = cls(load_builtin_templates() if builtins is None else builtins, stored)
        library.problems = problems
        return library

    def current(self) -> list[ChecklistTemplate]:
        """The newest version of each template, for new runs, by title."""
        offered = [
            *self._builtins.values(),
            *(t for t in self._stored.values() if t.origin is TemplateOrigin.IMPORTED),
        ]
        newest: dict[str, ChecklistTemplate] = {}
        for template in offered:
            best = newest.get(template.id)
            if best is None or template.version > best.version:
                newest[template.id] = template
        chosen = [self._stored.get(t.key, t) for t in newest.values()]
        return sorted(chosen, key=lambda t: (t.title.casefold(), t.id))

    def get(self, template_id: str, version: int) -> ChecklistTemplate | None:
        """Exactly this id and version (for showing a past run), or ``None`` if unknown."""
        key = (template_id, version)
        return self._stored.get(key) or self._builtins.get(key)

    def versions(self, template_id: str) -> list[int]:
        """Every known version of a template, oldest first."""
        keys = self._builtins.keys() | self._stored.keys()
        return sorted(version for tid, version in keys if tid == template_id)


def export_template(template_source: bytes) -> bytes:
    """The bytes to write when exporting: the template's exact source, checked once more.

    Raises :class:`TemplateError` if the source is not a valid template (it
    never is for one that came from a library), so a broken file is never handed out.
    """
    source = bytes(template_source)
    parse_template(source, "template.toml")
    return source


def import_template(
    vault: Vault,
    data: bytes,
    file_name: str,
    *,
    builtins: Iterable[ChecklistTemplate] | None = None,
) -> ChecklistTemplate:
    """Check a coordinator's template file and store it in the vault.

    Raises :class:`TemplateError`, having changed nothing, if the file is not a
    valid template or if a different template with the same id and version is
    already known (a version, once used, must keep meaning the same text).
    Importing the very same file again changes nothing and succeeds.
    """
    template = parse_template(data, file_name, origin=TemplateOrigin.IMPORTED)
    source = template.source
    stored = vault.templates.get(template.id, template.version)
    if stored is not None:
        if stored != source:
            raise _version_taken(template, file_name)
        return template
    shipped = {t.key: t for t in (load_builtin_templates() if builtins is None else builtins)}
    builtin = shipped.get(template.key)
    if builtin is not None:
        if builtin.source != source:
            raise _version_taken(template, file_name)
        return builtin  # the same file peerdesk ships: nothing to store
    vault.templates.add(template.id, template.version, source, TemplateOrigin.IMPORTED)
    return template


def _version_taken(
    template: ChecklistTemplate, file_name: str, other_file: str | None = None
) -> TemplateError:
    try:
        line = line_of(locate_lines(template.source.decode("utf-8-sig")), ("version",))
    except UnicodeDecodeError:  # cannot happen for a parsed template; be safe anyway
        line = None
    if other_file is None:
        problem = _(
            "a different template “{id}” version {version} is already in peerdesk; "
            "give this file a higher version number to import it as a new version"
        )
    else:
        problem = _("“{id}” version {version} is also in {other}; each version must be unique")
    return TemplateError(
        file_name,
        line,
        "version",
        problem.format(id=template.id, version=template.version, other=other_file),
    )
