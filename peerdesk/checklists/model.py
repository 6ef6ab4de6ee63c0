"""Checklist templates as immutable values, and how they read in another language.

A template's own fields hold its text in its own ``language``; ``translations``
hold per-language overrides, any of which may be missing. :meth:`localised`
resolves them field by field, so a half-finished translation still shows a
complete checklist.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import TypeVar

from peerdesk.store.models import TemplateOrigin

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class TemplateTexts:
    """A template's title and purpose in another language (``None``: not translated)."""

    title: str | None = None
    purpose: str | None = None


@dataclass(frozen=True, slots=True)
class SectionTexts:
    title: str | None = None


@dataclass(frozen=True, slots=True)
class ItemTexts:
    label: str | None = None
    guidance: str | None = None
    examples: tuple[str, ...] | None = None


def frozen_mapping(mapping: Mapping[str, _T] | None = None) -> Mapping[str, _T]:
    """A read-only copy: templates are shared between threads and must not change."""
    return MappingProxyType(dict(mapping or {}))


# Mapping fields are left out of the hash (a mapping has none) but still compared.
@dataclass(frozen=True, slots=True)
class ChecklistItem:
    """One prompt: a short label, guidance, optional example phrases, and whether it is a risk."""

    id: str
    label: str
    guidance: str
    examples: tuple[str, ...] = ()
    risk: bool = False
    translations: Mapping[str, ItemTexts] = field(default_factory=frozen_mapping, hash=False)

    def localised(self, lang: str) -> ChecklistItem:
        chain = _lookup_chain(lang, self.translations)
        return replace(
            self,
            label=_pick(chain, "label", self.label),
            guidance=_pick(chain, "guidance", self.guidance),
            examples=_pick(chain, "examples", self.examples),
            translations=frozen_mapping(),
        )


@dataclass(frozen=True, slots=True)
class ChecklistSection:
    id: str
    title: str
    items: tuple[ChecklistItem, ...]
    translations: Mapping[str, SectionTexts] = field(default_factory=frozen_mapping, hash=False)

    def localised(self, lang: str) -> ChecklistSection:
        chain = _lookup_chain(lang, self.translations)
        return replace(
            self,
            title=_pick(chain, "title", self.title),
            items=tuple(item.localised(lang) for item in self.items),
            translations=frozen_mapping(),
        )


@dataclass(frozen=True, slots=True)
class ChecklistTemplate:
    """A validated checklist template.

    ``source`` is the exact file it was read from (kept so that the vault can
    hold the text a run followed, and so export round-trips byte for byte);
    ``origin`` says whether it ships with peerdesk or was imported.
    """

    id: str
    version: int
    title: str
    language: str
    purpose: str
    sources: tuple[str, ...]
    sections: tuple[ChecklistSection, ...]
    translations: Mapping[str, TemplateTexts] = field(default_factory=frozen_mapping, hash=False)
    origin: TemplateOrigin = field(default=TemplateOrigin.IMPORTED, compare=False)
    source: bytes = field(default=b"", repr=False, compare=False, hash=False)

    @property
    def key(self) -> tuple[str, int]:
        """``(id, version)``: what a checklist run records, and what the vault is keyed by."""
        return (self.id, self.version)

    def items(self) -> tuple[ChecklistItem, ...]:
        """Every item, section by section, in order."""
        return tuple(item for section in self.sections for item in section.items)

    def risk_items(self) -> tuple[ChecklistItem, ...]:
        return tuple(item for item in self.items() if item.risk)

    def item(self, item_id: str) -> ChecklistItem | None:
        return next((item for item in self.items() if item.id == item_id), None)

    def languages(self) -> tuple[str, ...]:
        """The template's own language first, then every language any text is translated to."""
        found: dict[str, str] = {}
        tables: list[Mapping[str, object]] = [self.translations]
        for section in self.sections:
            tables.append(section.translations)
            tables.extend(item.translations for item in section.items)
        for table in tables:
            for tag in table:
                found.setdefault(tag.casefold(), tag)
        found.pop(self.language.casefold(), None)
        return (self.language, *sorted(found.values(), key=str.casefold))

    def localised(self, lang: str) -> ChecklistTemplate:
        """The template as read in ``lang``, falling back field by field.

        For each text, the translation for ``lang`` itself (``cy-GB``; ``cy_GB``
        as Qt spells it works too), then for its primary language (``cy``), then
        the template's own text, which validation guarantees is complete (in
        English for every built-in template). The result carries no
        translations; localise the original again to change language. ``id``,
        ``version``, ``origin`` and ``source`` stay, so a run can be started from it.
        """
        chain = _lookup_chain(lang, self.translations)
        translated = {tag: tag for tag in self.languages()[1:]}
        language = _normalise(lang) if _lookup_chain(lang, translated) else self.language
        return replace(
            self,
            title=_pick(chain, "title", self.title),
            purpose=_pick(chain, "purpose", self.purpose),
            sections=tuple(section.localised(lang) for section in self.sections),
            language=language,
            translations=frozen_mapping(),
        )


def _normalise(lang: str) -> str:
    return lang.strip().replace("_", "-")


def _lookup_chain(lang: str, translations: Mapping[str, _T]) -> list[_T]:
    """The translations to try for ``lang``, most specific first."""
    wanted = _normalise(lang).casefold() if isinstance(lang, str) else ""
    if not wanted or not translations:
        return []
    by_tag = {tag.casefold(): texts for tag, texts in translations.items()}
    subtags = wanted.split("-")
    chain: list[_T] = []
    # "pt-br-x" → "pt-br-x", "pt-br", "pt": RFC 4647 lookup, minus the wildcard.
    for end in range(len(subtags), 0, -1):
        texts = by_tag.get("-".join(subtags[:end]))
        if texts is not None:
            chain.append(texts)
    return chain


def _pick(chain: Sequence[object], name: str, base: _T) -> _T:
    for texts in chain:
        value = getattr(texts, name)
        if value is not None:
            return value  # type: ignore[no-any-return]
    return base
