"""Validating a template: bytes in, a whole :class:`ChecklistTemplate` or a :class:`TemplateError`.

Nothing half-loads: the template is returned only once every check has
passed. The first problem found is reported (unknown keys before missing
ones, since a typo is the likelier cause), and any other exception, such as
a recursion error from a deeply nested hostile file, becomes a
:class:`TemplateError` too.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from datetime import date, datetime, time
from typing import Any, NoReturn, TypeVar

from peerdesk.i18n import _
from peerdesk.store.models import TemplateOrigin

from .decoding import check_size, decode, load_toml
from .errors import FieldPath, TemplateError, display_file_name, field_text
from .locate import line_of, locate_lines
from .model import (
    ChecklistItem,
    ChecklistSection,
    ChecklistTemplate,
    ItemTexts,
    SectionTexts,
    TemplateTexts,
    frozen_mapping,
)

MAX_SECTIONS = 40
MAX_ITEMS_PER_SECTION = 60
MAX_EXAMPLES = 10
MAX_SOURCES = 20
MAX_LINE_CHARS = 200  # titles, labels, sources
MAX_EXAMPLE_CHARS = 300
MAX_GUIDANCE_CHARS = 1000  # guidance and purpose; these may have line breaks
MAX_VERSION = 2**31 - 1

TEMPLATE_ID = re.compile(r"[a-z0-9-]{3,64}")
PART_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8}){0,4}")

_TEMPLATE_KEYS = ("id", "version", "title", "language", "purpose", "sources", "translations",
                  "sections")  # fmt: skip
_SECTION_KEYS = ("id", "title", "translations", "items")
_ITEM_KEYS = ("id", "label", "guidance", "examples", "risk", "translations")
_TEMPLATE_TEXT_KEYS = ("title", "purpose")
_SECTION_TEXT_KEYS = ("title",)
_ITEM_TEXT_KEYS = ("label", "guidance", "examples")


_T = TypeVar("_T")


def parse_template(
    data: bytes, file_name: str, *, origin: TemplateOrigin = TemplateOrigin.IMPORTED
) -> ChecklistTemplate:
    """Validate ``data`` completely and return the template, or raise :class:`TemplateError`.

    ``file_name`` is only used in messages (its folders are dropped). The
    template keeps ``data`` unchanged as its ``source``.
    """
    name = display_file_name(file_name)
    try:
        raw = check_size(data, name)
        text = decode(raw, name)
        document = load_toml(text, name)
        return _Validator(name, text, raw, origin).template(document)
    except TemplateError:
        raise
    except RecursionError:
        raise TemplateError(
            name, None, "", _("is nested too deeply to be a checklist template")
        ) from None
    except Exception as exc:  # never let a hostile file crash the caller
        raise TemplateError(name, None, "", _("could not be read as a checklist template")) from exc


def _kind(value: object) -> str:
    """What a TOML value is, in a supporter's words."""
    if isinstance(value, bool):
        return _("true or false")
    if isinstance(value, int):
        return _("a whole number")
    if isinstance(value, float):
        return _("a number")
    if isinstance(value, str):
        return _("text")
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, dict):
        return _("a table")
    if isinstance(value, datetime | date | time):
        return _("a date or time")
    return _("something else")


class _Validator:
    def __init__(self, name: str, text: str, raw: bytes, origin: TemplateOrigin) -> None:
        self._name = name
        self._text = text
        self._raw = raw
        self._origin = origin
        self._lines: dict[FieldPath, int] | None = None
        self._language = ""
        self._section_ids: dict[str, FieldPath] = {}
        self._item_ids: dict[str, FieldPath] = {}

    # -- reporting ---------------------------------------------------------------

    def line(self, path: FieldPath) -> int:
        if self._lines is None:  # scanned only when something is wrong
            self._lines = locate_lines(self._text)
        return line_of(self._lines, path)

    def fail(self, path: FieldPath, problem: str, *, at: FieldPath | None = None) -> NoReturn:
        """Report ``problem`` with ``path``, on the line of ``at`` (default: ``path``)."""
        raise TemplateError(self._name, self.line(path if at is None else at), field_text(path),
                            problem)  # fmt: skip

    # -- shapes --------------------------------------------------------------------

    def table(self, value: object, path: FieldPath, allowed: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(path, _("must be a table, not {kind}").format(kind=_kind(value)))
        for key in value:
            if key not in allowed:
                self.fail(
                    (*path, key),
                    _("is not a known key here (check the spelling; known keys: {keys})").format(
                        keys=", ".join(allowed)
                    ),
                )
        return value

    def required(self, table: dict[str, Any], key: str, path: FieldPath) -> object:
        if key not in table:
            self.fail((*path, key), _("is missing"))
        return table[key]

    def array(
        self, value: object, path: FieldPath, *, most: int, noun: str, empty_ok: bool = False
    ) -> list[Any]:
        if not isinstance(value, list):
            self.fail(path, _("must be a list, not {kind}").format(kind=_kind(value)))
        if not value and not empty_ok:
            self.fail(path, _("must not be an empty list"))
        if len(value) > most:
            self.fail(
                path,
                _("has {count} {noun}; at most {limit} are allowed").format(
                    count=len(value), noun=noun, limit=most
                ),
                at=(*path, most),
            )
        return value

    def text(self, value: object, path: FieldPath, *, limit: int, multiline: bool = False) -> str:
        if not isinstance(value, str):
            self.fail(path, _("must be text, not {kind}").format(kind=_kind(value)))
        value = value.strip()
        if not value:
            self.fail(path, _("must not be empty"))
        if len(value) > limit:
            self.fail(path, _("must be text of at most {limit} characters").format(limit=limit))
        for ch in value:
            category = unicodedata.category(ch)
            if ch == "\n" and multiline:
                continue
            if ch == "\n" or category in ("Zl", "Zp"):
                self.fail(path, _("must be a single line"))
            if category in ("Cc", "Cs"):
                self.fail(
                    path,
                    _("must not contain control characters (found U+{code:04X})").format(
                        code=ord(ch)
                    ),
                )
        return value

    def texts(
        self, value: object, path: FieldPath, *, most: int, limit: int, noun: str, empty_ok: bool
    ) -> tuple[str, ...]:
        values = self.array(value, path, most=most, noun=noun, empty_ok=empty_ok)
        return tuple(self.text(v, (*path, i), limit=limit) for i, v in enumerate(values))

    def template_id(self, value: object, path: FieldPath) -> str:
        if not isinstance(value, str) or not TEMPLATE_ID.fullmatch(value):
            self.fail(path, _("must be 3 to 64 lower-case letters, digits or hyphens"))
        return value

    def part_id(self, value: object, path: FieldPath, seen: dict[str, FieldPath]) -> str:
        """A section's or an item's id, unique among its kind in the template."""
        if not isinstance(value, str) or not PART_ID.fullmatch(value):
            self.fail(
                path,
                _(
                    "must be 1 to 64 lower-case letters, digits, hyphens or underscores, "
                    "starting with a letter or digit"
                ),
            )
        if value in seen:
            first = seen[value]
            self.fail(
                path,
                _("repeats the id “{id}” already used by {other} on line {line}").format(
                    id=value, other=field_text(first[:-1]), line=self.line(first)
                ),
            )
        seen[value] = path
        return value

    def version(self, value: object, path: FieldPath) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.fail(path, _("must be a whole number of at least 1"))
        if value > MAX_VERSION:
            self.fail(path, _("must be at most {limit}").format(limit=MAX_VERSION))
        return value

    def language(self, value: object, path: FieldPath) -> str:
        if not isinstance(value, str) or not LANGUAGE.fullmatch(value):
            self.fail(path, _("must be a language code such as “en”, “cy” or “pt-BR”"))
        return value

    def flag(self, value: object, path: FieldPath) -> bool:
        if not isinstance(value, bool):
            self.fail(path, _("must be true or false, not {kind}").format(kind=_kind(value)))
        return value

    def translations(
        self,
        table: dict[str, Any],
        path: FieldPath,
        keys: tuple[str, ...],
        read: Callable[[dict[str, Any], FieldPath], _T],
    ) -> Mapping[str, _T]:
        if "translations" not in table:
            return {}
        path = (*path, "translations")
        value = table["translations"]
        if not isinstance(value, dict):
            self.fail(path, _("must be a table, not {kind}").format(kind=_kind(value)))
        result: dict[str, _T] = {}
        seen: set[str] = set()
        for tag, texts in value.items():
            here = (*path, tag)
            if not LANGUAGE.fullmatch(tag):
                self.fail(here, _("is not a language code such as “en”, “cy” or “pt-BR”"))
            if tag.casefold() == self._language.casefold():
                self.fail(
                    here,
                    _("repeats the template's own language; put that text in the main fields"),
                )
            if tag.casefold() in seen:
                self.fail(here, _("is the same language as another translation here"))
            seen.add(tag.casefold())
            result[tag] = read(self.table(texts, here, keys), here)
        return result

    def optional(self, table: dict[str, Any], key: str, read: Callable[[object], _T]) -> _T | None:
        return read(table[key]) if key in table else None

    # -- the template ----------------------------------------------------------------

    def template(self, document: dict[str, Any]) -> ChecklistTemplate:
        root: FieldPath = ()
        doc = self.table(document, root, _TEMPLATE_KEYS)
        template_id = self.template_id(self.required(doc, "id", root), ("id",))
        version = self.version(self.required(doc, "version", root), ("version",))
        title = self.text(self.required(doc, "title", root), ("title",), limit=MAX_LINE_CHARS)
        self._language = self.language(self.required(doc, "language", root), ("language",))
        purpose = self.text(
            self.required(doc, "purpose", root),
            ("purpose",),
            limit=MAX_GUIDANCE_CHARS,
            multiline=True,
        )
        sources = self.texts(
            self.required(doc, "sources", root),
            ("sources",),
            most=MAX_SOURCES,
            limit=MAX_LINE_CHARS,
            noun=_("sources"),
            empty_ok=False,
        )
        translations = self.translations(doc, root, _TEMPLATE_TEXT_KEYS, self.template_texts)
        sections = self.array(
            self.required(doc, "sections", root),
            ("sections",),
            most=MAX_SECTIONS,
            noun=_("sections"),
        )
        return ChecklistTemplate(
            id=template_id,
            version=version,
            title=title,
            language=self._language,
            purpose=purpose,
            sources=sources,
            sections=tuple(self.section(s, ("sections", i)) for i, s in enumerate(sections)),
            translations=frozen_mapping(translations),
            origin=self._origin,
            source=self._raw,
        )

    def template_texts(self, table: dict[str, Any], path: FieldPath) -> TemplateTexts:
        return TemplateTexts(
            title=self.optional(
                table, "title", lambda v: self.text(v, (*path, "title"), limit=MAX_LINE_CHARS)
            ),
            purpose=self.optional(
                table,
                "purpose",
                lambda v: self.text(
                    v, (*path, "purpose"), limit=MAX_GUIDANCE_CHARS, multiline=True
                ),
            ),
        )

    def section(self, value: object, path: FieldPath) -> ChecklistSection:
        section = self.table(value, path, _SECTION_KEYS)
        section_id = self.part_id(
            self.required(section, "id", path), (*path, "id"), self._section_ids
        )
        title = self.text(
            self.required(section, "title", path), (*path, "title"), limit=MAX_LINE_CHARS
        )
        translations = self.translations(section, path, _SECTION_TEXT_KEYS, self.section_texts)
        items = self.array(
            self.required(section, "items", path),
            (*path, "items"),
            most=MAX_ITEMS_PER_SECTION,
            noun=_("items"),
        )
        return ChecklistSection(
            id=section_id,
            title=title,
            items=tuple(self.item(item, (*path, "items", i)) for i, item in enumerate(items)),
            translations=frozen_mapping(translations),
        )

    def section_texts(self, table: dict[str, Any], path: FieldPath) -> SectionTexts:
        return SectionTexts(
            title=self.optional(
                table, "title", lambda v: self.text(v, (*path, "title"), limit=MAX_LINE_CHARS)
            )
        )

    def item(self, value: object, path: FieldPath) -> ChecklistItem:
        item = self.table(value, path, _ITEM_KEYS)
        item_id = self.part_id(self.required(item, "id", path), (*path, "id"), self._item_ids)
        label = self.text(
            self.required(item, "label", path), (*path, "label"), limit=MAX_LINE_CHARS
        )
        guidance = self.text(
            self.required(item, "guidance", path),
            (*path, "guidance"),
            limit=MAX_GUIDANCE_CHARS,
            multiline=True,
        )
        examples = self.optional(item, "examples", lambda v: self.examples(v, (*path, "examples")))
        risk = self.optional(item, "risk", lambda v: self.flag(v, (*path, "risk")))
        translations = self.translations(item, path, _ITEM_TEXT_KEYS, self.item_texts)
        return ChecklistItem(
            id=item_id,
            label=label,
            guidance=guidance,
            examples=examples or (),
            risk=bool(risk),
            translations=frozen_mapping(translations),
        )

    def examples(self, value: object, path: FieldPath) -> tuple[str, ...]:
        return self.texts(
            value,
            path,
            most=MAX_EXAMPLES,
            limit=MAX_EXAMPLE_CHARS,
            noun=_("examples"),
            empty_ok=True,
        )

    def item_texts(self, table: dict[str, Any], path: FieldPath) -> ItemTexts:
        return ItemTexts(
            label=self.optional(
                table, "label", lambda v: self.text(v, (*path, "label"), limit=MAX_LINE_CHARS)
            ),
            guidance=self.optional(
                table,
                "guidance",
                lambda v: self.text(
                    v, (*path, "guidance"), limit=MAX_GUIDANCE_CHARS, multiline=True
                ),
            ),
            examples=self.optional(
                table, "examples", lambda v: self.examples(v, (*path, "examples"))
            ),
        )
