"""Checklist templates: validation with file, line and field; languages; library; runs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from peerdesk.checklists import (
    MAX_FILE_BYTES,
    ChecklistTemplate,
    TemplateError,
    TemplateLibrary,
    TemplateOrigin,
    export_template,
    import_template,
    load_builtin_templates,
    parse_template,
    progress,
    read_template_file,
    start_run,
    template_for_run,
    tick,
)
from peerdesk.store import KdfParams, NotFound, Vault
from peerdesk.store.models import Session

PASS_PHRASE = "a long pass phrase"

# A small, complete template. Line numbers below refer to it.
TINY = """\
id = "tiny"
version = 1
title = "Tiny"
language = "en"
purpose = "For tests."
sources = ["Active listening (OARS)"]

[[sections]]
id = "one"
title = "One"

[[sections.items]]
id = "a"
label = "Item A"
guidance = "Do A."
"""

# Everything the format allows, in use.
FULL = """\
# A comment, and a header-looking line inside a string further down.
id = "first-conversation"
version = 1
title = "First conversation"
language = "en"
purpose = \"\"\"
Set out what stays private.
Listen well.\"\"\"
sources = [
    "Active listening (OARS)",
    "Mental Health First Aid (ALGEE)",
]

[translations.cy]
title = "Sgwrs gyntaf"

[translations.pt]
title = "Primeira conversa"
purpose = "Para a primeira vez."

[[sections]]
id = "confidentiality"
title = "Confidentiality and its limits"

[sections.translations.cy]
title = "Cyfrinachedd"

[[sections.items]]
id = "explain-limits"
label = "Explain what stays between you, and when it cannot"
guidance = \"\"\"Be honest before they begin.
[[sections]]
id = "not-a-section"\"\"\"
examples = [
    "What you tell me stays between us.",
    "There is one exception.",
]

[sections.items.translations.cy]
label = "Eglurwch y terfynau"

[sections.items.translations.pt-BR]
guidance = "Seja honesto."

[[sections.items]]
id = "record-explained"
label = "Record that you explained it"
guidance = "A tick here is the record."

[[sections]]
id = "safety"
title = "Safety"

[[sections.items]]
id = "ask-directly"
label = "Ask directly about thoughts of harm"
guidance = "Asking does not put the idea in their head."
risk = true
examples = ["Are you thinking about ending your life?"]
"""


def fail(text: str, name: str = "tiny.toml") -> TemplateError:
    with pytest.raises(TemplateError) as caught:
        parse_template(text.encode("utf-8"), name)
    return caught.value


def marked_line(text: str) -> int:
    """The line carrying the ``# <-`` marker: where the error must be reported."""
    (line,) = [n for n, row in enumerate(text.splitlines(), 1) if row.rstrip().endswith("# <-")]
    return line


def tiny(*, root: str = "", section: str = "", item: str = "", after: str = "") -> str:
    """TINY with extra lines at the end of the root table, the section, the item, the file."""
    head, rest = TINY.split("[[sections]]\n", 1)
    sec, it = rest.split("[[sections.items]]\n", 1)
    return (
        f"{head.rstrip()}\n{root}\n[[sections]]\n{sec.rstrip()}\n{section}\n"
        f"[[sections.items]]\n{it}{item}\n{after}"
    )


# -- a valid template -----------------------------------------------------------------------


def test_a_full_template_reads_completely() -> None:
    template = parse_template(FULL.encode(), "first-conversation.toml")
    assert (template.id, template.version, template.title) == (
        "first-conversation",
        1,
        "First conversation",
    )
    assert template.purpose == "Set out what stays private.\nListen well."
    assert template.sources == ("Active listening (OARS)", "Mental Health First Aid (ALGEE)")
    assert [s.id for s in template.sections] == ["confidentiality", "safety"]
    assert [i.id for i in template.items()] == [
        "explain-limits",
        "record-explained",
        "ask-directly",
    ]
    assert [i.id for i in template.risk_items()] == ["ask-directly"]
    limits = template.items()[0]
    assert limits.guidance.endswith('id = "not-a-section"')  # a string, not a table
    assert limits.examples == ("What you tell me stays between us.", "There is one exception.")
    assert limits.risk is False
    assert template.source == FULL.encode()
    assert template.origin is TemplateOrigin.IMPORTED
    assert template.languages() == ("en", "cy", "pt", "pt-BR")
    assert template.item("ask-directly") is template.items()[2]
    assert template.item("nope") is None
    hash(template)  # frozen values, usable as keys


def test_a_utf8_byte_order_mark_and_windows_line_endings_are_accepted() -> None:
    data = b"\xef\xbb\xbf" + TINY.replace("\n", "\r\n").encode()
    assert parse_template(data, "tiny.toml").items()[0].label == "Item A"


def test_a_multi_line_guidance_keeps_its_line_breaks_but_a_label_cannot_have_one() -> None:
    ok = parse_template(tiny(item='examples = ["One", "Two"]').encode(), "t.toml")
    assert ok.items()[0].examples == ("One", "Two")
    text = TINY.replace('guidance = "Do A."', 'guidance = """First.\nSecond."""')
    assert parse_template(text.encode(), "t.toml").items()[0].guidance == "First.\nSecond."


# -- every error names the file, the line and the field ----------------------------------------

LONG = "x" * 201

# (name, text with "# <-" on the line the error must name, field, problem).
# fmt: off
ERRORS = [
    ("missing id", TINY.replace('id = "tiny"\n', "") .replace("version = 1", "version = 1  # <-"),
     "id", "is missing"),
    ("bad id", TINY.replace('id = "tiny"', 'id = "Tiny Template"  # <-'), "id",
     "must be 3 to 64 lower-case letters, digits or hyphens"),
    ("id not text", TINY.replace('id = "tiny"', "id = 7  # <-"), "id",
     "must be 3 to 64 lower-case letters, digits or hyphens"),
    ("version zero", TINY.replace("version = 1", "version = 0  # <-"), "version",
     "must be a whole number of at least 1"),
    ("version text", TINY.replace("version = 1", 'version = "2"  # <-'), "version",
     "must be a whole number of at least 1"),
    ("version true", TINY.replace("version = 1", "version = true  # <-"), "version",
     "must be a whole number of at least 1"),
    ("version float", TINY.replace("version = 1", "version = 1.5  # <-"), "version",
     "must be a whole number of at least 1"),
    ("version huge", TINY.replace("version = 1", "version = 99999999999  # <-"), "version",
     "must be at most 2147483647"),
    ("title a list", TINY.replace('title = "Tiny"', 'title = ["Tiny"]  # <-'), "title",
     "must be text, not a list"),
    ("title empty", TINY.replace('title = "Tiny"', 'title = "   "  # <-'), "title",
     "must not be empty"),
    ("title two lines", TINY.replace('title = "Tiny"', 'title = """Ti\nny"""  # <-', 1)
     .replace('title = """Ti\nny"""  # <-', 'title = """Ti  # <-\nny"""'), "title",
     "must be a single line"),
    ("title with a tab", TINY.replace('title = "Tiny"', 'title = "Ti\\tny"  # <-'), "title",
     "must not contain control characters (found U+0009)"),
    ("title with a line separator", TINY.replace('title = "Tiny"', 'title = "Ti\\u2028ny"  # <-'),
     "title", "must be a single line"),
    ("unknown root key", tiny(root='titel = "Typo"  # <-'), "titel",
     "is not a known key here (check the spelling; known keys: id, version, title, language, "
     "purpose, sources, translations, sections)"),
    ("bad language", TINY.replace('language = "en"', 'language = "English"  # <-'), "language",
     "must be a language code such as “en”, “cy” or “pt-BR”"),
    ("language upper case", TINY.replace('language = "en"', 'language = "EN"  # <-'),
     "language", "must be a language code such as “en”, “cy” or “pt-BR”"),
    ("purpose a number", TINY.replace('purpose = "For tests."', "purpose = 3  # <-"), "purpose",
     "must be text, not a whole number"),
    ("purpose too long", TINY.replace('purpose = "For tests."', f'purpose = "{"p" * 1001}"  # <-'),
     "purpose", "must be text of at most 1000 characters"),
    ("sources empty", TINY.replace('sources = ["Active listening (OARS)"]', "sources = []  # <-"),
     "sources", "must not be an empty list"),
    ("sources text", TINY.replace('sources = ["Active listening (OARS)"]', 'sources = "O"  # <-'),
     "sources", "must be a list, not text"),
    ("source not text", TINY.replace('sources = ["Active listening (OARS)"]',
     'sources = [\n  "OARS",\n  2024,  # <-\n]'), "sources[1]", "must be text, not a whole number"),
    ("sections missing", TINY.split("[[sections]]")[0].replace('id = "tiny"', 'id = "tiny"  # <-'),
     "sections", "is missing"),
    ("sections empty", tiny(root="sections = []  # <-").split("[[sections]]")[0], "sections",
     "must not be an empty list"),
    ("sections a table", TINY.split("[[sections]]")[0] + "[sections]  # <-\nid = 'x'\n",
     "sections", "must be a list, not a table"),
    ("section not a table", TINY.split("[[sections]]")[0] + 'sections = ["one"]  # <-\n',
     "sections[0]", "must be a table, not text"),
    ("section without items", TINY.split("[[sections.items]]")[0].replace(
     "[[sections]]", "[[sections]]  # <-"), "sections[0].items", "is missing"),
    ("section without a title", TINY.replace('title = "One"\n', "").replace(
     "[[sections]]", "[[sections]]  # <-"), "sections[0].title", "is missing"),
    ("unknown section key", tiny(section="colour = 'red'  # <-"), "sections[0].colour",
     "is not a known key here (check the spelling; known keys: id, title, translations, items)"),
    ("section id with a space", TINY.replace('id = "one"', 'id = "one two"  # <-'),
     "sections[0].id", "must be 1 to 64 lower-case letters, digits, hyphens or underscores, "
     "starting with a letter or digit"),
    ("duplicate section id", tiny(after='[[sections]]\nid = "one"  # <-\ntitle = "Again"\n'
     '[[sections.items]]\nid = "b"\nlabel = "B"\nguidance = "B."'), "sections[1].id",
     "repeats the id “one” already used by sections[0] on line 9"),
    ("duplicate item id across sections", tiny(after='[[sections]]\nid = "two"\ntitle = "Two"\n'
     '[[sections.items]]\nid = "a"  # <-\nlabel = "Again"\nguidance = "Again."'),
     "sections[1].items[0].id",
     "repeats the id “a” already used by sections[0].items[0] on line 13"),
    ("item without a label", TINY.replace('label = "Item A"\n', "").replace(
     "[[sections.items]]", "[[sections.items]]  # <-"), "sections[0].items[0].label",
     "is missing"),
    ("item without guidance", TINY.replace('guidance = "Do A."\n', "").replace(
     "[[sections.items]]", "[[sections.items]]  # <-"), "sections[0].items[0].guidance",
     "is missing"),
    ("unknown item key", tiny(item='lable = "Typo"  # <-'), "sections[0].items[0].lable",
     "is not a known key here (check the spelling; known keys: id, label, guidance, examples, "
     "risk, translations)"),
    ("quoted unknown key", tiny(item='"lab el" = "Typo"  # <-'), 'sections[0].items[0]."lab el"',
     "is not a known key here"),
    ("label too long", TINY.replace('label = "Item A"', f'label = "{LONG}"  # <-'),
     "sections[0].items[0].label", "must be text of at most 200 characters"),
    ("label with a bell", TINY.replace('label = "Item A"', 'label = "Item\\u0007A"  # <-'),
     "sections[0].items[0].label", "must not contain control characters (found U+0007)"),
    ("label with a line break", TINY.replace('label = "Item A"', 'label = "Item\\nA"  # <-'),
     "sections[0].items[0].label", "must be a single line"),
    ("guidance with a tab", TINY.replace('guidance = "Do A."', 'guidance = "Do\\tA."  # <-'),
     "sections[0].items[0].guidance", "must not contain control characters (found U+0009)"),
    ("guidance too long", TINY.replace('guidance = "Do A."', f'guidance = "{"g" * 1001}"  # <-'),
     "sections[0].items[0].guidance", "must be text of at most 1000 characters"),
    ("examples text", tiny(item='examples = "Say hello"  # <-'), "sections[0].items[0].examples",
     "must be a list, not text"),
    ("example too long", tiny(item=f'examples = [\n  "ok",\n  "{"e" * 301}",  # <-\n]'),
     "sections[0].items[0].examples[1]", "must be text of at most 300 characters"),
    ("example a table", tiny(item='examples = [{ text = "hi" }]  # <-'),
     "sections[0].items[0].examples[0]", "must be text, not a table"),
    ("too many examples", tiny(item="examples = [\n" + '  "e",\n' * 10 + '  "e",  # <-\n]'),
     "sections[0].items[0].examples", "has 11 examples; at most 10 are allowed"),
    ("risk as text", tiny(item='risk = "yes"  # <-'), "sections[0].items[0].risk",
     "must be true or false, not text"),
    ("risk as a number", tiny(item="risk = 1  # <-"), "sections[0].items[0].risk",
     "must be true or false, not a whole number"),
    ("translations text", tiny(root='translations = "cy"  # <-'), "translations",
     "must be a table, not text"),
    ("translation language bad", tiny(after='[translations.welsh]  # <-\ntitle = "x"'),
     "translations.welsh", "is not a language code such as “en”, “cy” or “pt-BR”"),
    ("translation of its own language", tiny(after='[translations.en]  # <-\ntitle = "x"'),
     "translations.en", "repeats the template's own language"),
    ("translation a string", tiny(root='translations.cy = "Teitl"  # <-'), "translations.cy",
     "must be a table, not text"),
    ("translation unknown key", tiny(after='[translations.cy]\ntitel = "x"  # <-'),
     "translations.cy.titel", "is not a known key here (check the spelling; known keys: title, "
     "purpose)"),
    ("translated title too long", tiny(root=f'translations.cy.title = "{LONG}"  # <-'),
     "translations.cy.title", "must be text of at most 200 characters"),
    ("translated label a number", tiny(after="[sections.items.translations.cy]\n"
     "label = 5  # <-"), "sections[0].items[0].translations.cy.label",
     "must be text, not a whole number"),
    ("translated examples text", tiny(after="[sections.items.translations.cy]\n"
     'examples = "Helo"  # <-'), "sections[0].items[0].translations.cy.examples",
     "must be a list, not text"),
    ("translated section unknown key", tiny(after="[sections.translations.cy]\n"
     'label = "x"  # <-'), "sections[0].translations.cy.label", "is not a known key here"),
    ("two spellings of a language", tiny(after='[translations.cy-GB]\ntitle = "a"\n'
     '[translations.cy-gb]  # <-\ntitle = "b"'), "translations.cy-gb",
     "is the same language as another translation here"),
    ("inline table item", TINY.split("[[sections.items]]")[0]
     + 'items = [{ id = "a", label = 5, guidance = "x" }]  # <-\n',
     "sections[0].items[0].label", "must be text, not a whole number"),
]
# fmt: on


@pytest.mark.parametrize(
    ("text", "field", "problem"),
    [pytest.param(text, field, problem, id=name) for name, text, field, problem in ERRORS],
)
def test_every_validation_error_names_file_line_and_field(
    text: str, field: str, problem: str
) -> None:
    error = fail(text, "/home/coordinator/Private folder/tiny.toml")
    assert error.file == "tiny.toml"  # never the folder
    assert error.field == field
    assert error.line == marked_line(text)
    assert error.problem.startswith(problem)
    assert str(error) == f"tiny.toml, line {error.line}, {field}: {error.problem}"
    assert "Private folder" not in str(error)


def test_the_message_reads_as_documented() -> None:
    text = FULL.replace('label = "Ask directly about thoughts of harm"', f'label = "{LONG}"')
    error = fail(text, "first-conversation.toml")
    assert str(error) == (
        "first-conversation.toml, line 56, sections[1].items[0].label: "
        "must be text of at most 200 characters"
    )


def test_a_typo_is_reported_before_the_key_it_replaced_is_missed() -> None:
    text = TINY.replace('label = "Item A"', 'lable = "Item A"  # <-')
    error = fail(text)
    assert (error.field, error.line) == ("sections[0].items[0].lable", marked_line(text))


def test_lines_stay_right_after_strings_that_look_like_tables() -> None:
    # FULL has "[[sections]]" inside a guidance string; a later error must not be miscounted.
    text = FULL.replace("risk = true", 'risk = "true"  # <-')
    error = fail(text)
    assert (error.field, error.line) == ("sections[1].items[0].risk", marked_line(text))


def test_lines_are_right_with_windows_line_endings() -> None:
    text = TINY.replace('label = "Item A"', f'label = "{LONG}"  # <-')
    with pytest.raises(TemplateError) as caught:
        parse_template(text.replace("\n", "\r\n").encode(), "tiny.toml")
    assert caught.value.line == marked_line(text)


@pytest.mark.parametrize(
    "count_line",
    [
        pytest.param("sections", id="41 sections"),
        pytest.param("items", id="61 items"),
    ],
)
def test_too_many_sections_or_items_points_at_the_first_one_too_many(count_line: str) -> None:
    item = '[[sections.items]]\nid = "i{n}"\nlabel = "L"\nguidance = "G"\n'
    head = TINY.split("[[sections]]")[0]
    if count_line == "sections":
        body = "".join(
            f'[[sections]]{"  # <-" if n == 40 else ""}\nid = "s{n}"\ntitle = "T"\n'
            + item.format(n=n)
            for n in range(41)
        )
        field, problem = "sections", "has 41 sections; at most 40 are allowed"
    else:
        body = '[[sections]]\nid = "s"\ntitle = "T"\n' + "".join(
            item.format(n=n).replace("]]\n", "]]  # <-\n" if n == 60 else "]]\n", 1)
            for n in range(61)
        )
        field, problem = "sections[0].items", "has 61 items; at most 60 are allowed"
    text = head + body
    error = fail(text)
    assert (error.field, error.problem, error.line) == (field, problem, marked_line(text))


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        pytest.param(
            'id = "tiny"\nversion = \n', "is not valid TOML: Invalid value", id="no value"
        ),
        pytest.param('id = "tiny"\nid = "again"\n', "is not valid TOML", id="duplicate key"),
        pytest.param('id = "tiny"\ntitle = "open\n', "is not valid TOML", id="unterminated"),
        pytest.param('id = "tiny"\n[[sections]\n', "is not valid TOML", id="bad header"),
    ],
)
def test_a_syntax_error_names_the_line_tomllib_found(text: str, problem: str) -> None:
    error = fail(text)
    assert error.field == ""
    assert error.line == 2
    assert error.problem.startswith(problem)
    assert "(at line" not in error.problem
    assert str(error).startswith("tiny.toml, line 2: is not valid TOML")


def test_a_file_in_another_encoding_is_named_as_such_with_its_line() -> None:
    text = TINY.replace('title = "Tiny"', 'title = "Café"')
    with pytest.raises(TemplateError) as latin1:
        parse_template(text.encode("latin-1"), "tiny.toml")
    assert (latin1.value.line, latin1.value.field) == (3, "")
    assert "is not UTF-8 text" in latin1.value.problem
    for encoding in ("utf-16", "utf-32"):
        with pytest.raises(TemplateError) as caught:
            parse_template(text.encode(encoding), "tiny.toml")
        assert caught.value.line == 1
        assert "UTF-16 or UTF-32" in caught.value.problem


def test_a_file_over_the_size_limit_is_refused_before_it_is_read() -> None:
    data = TINY.encode() + b"#" * MAX_FILE_BYTES
    error = parse_template_error(data)
    assert (error.line, error.field) == (None, "")
    assert str(error) == ("tiny.toml: is larger than 256 KiB, too large for a checklist template")


def test_a_file_name_with_odd_characters_cannot_spoof_the_message() -> None:
    error = parse_template_error(b"id = ", name="C:\\Users\\robin\\evil\u202e\nname.toml")
    assert error.file == "evil<U+202E><U+000A>name.toml"


def parse_template_error(data: bytes, name: str = "tiny.toml") -> TemplateError:
    with pytest.raises(TemplateError) as caught:
        parse_template(data, name)
    return caught.value


# -- languages ------------------------------------------------------------------------------


def test_each_text_falls_back_to_the_template_language_on_its_own() -> None:
    template = parse_template(FULL.encode(), "f.toml")
    welsh = template.localised("cy")
    assert welsh.title == "Sgwrs gyntaf"
    assert welsh.purpose == template.purpose  # not translated: the English text
    assert welsh.sections[0].title == "Cyfrinachedd"
    assert welsh.sections[1].title == "Safety"
    limits, recorded, ask = welsh.items()
    assert limits.label == "Eglurwch y terfynau"
    assert limits.guidance == template.items()[0].guidance
    assert limits.examples == template.items()[0].examples
    assert recorded.label == "Record that you explained it"
    assert ask.risk is True
    assert welsh.language == "cy"
    assert (welsh.id, welsh.version, welsh.source) == (template.id, 1, template.source)


def test_a_regional_language_uses_its_own_text_then_the_general_one() -> None:
    template = parse_template(FULL.encode(), "f.toml")
    brazil = template.localised("pt_BR")  # as Qt's QLocale.name() spells it
    assert brazil.title == "Primeira conversa"  # from "pt"
    assert brazil.items()[0].guidance == "Seja honesto."  # from "pt-BR"
    assert brazil.items()[0].label == template.items()[0].label  # neither: English
    assert brazil.language == "pt-BR"
    assert template.localised("PT").title == "Primeira conversa"
    assert template.localised("cy-GB").title == "Sgwrs gyntaf"


def test_an_unknown_or_the_own_language_gives_the_template_text() -> None:
    template = parse_template(FULL.encode(), "f.toml")
    for lang in ("en", "fr", "", "en-GB"):
        shown = template.localised(lang)
        assert shown.title == template.title
        assert [i.label for i in shown.items()] == [i.label for i in template.items()]
        assert shown.language == "en"


def test_a_template_in_another_language_falls_back_to_that_language() -> None:
    text = TINY.replace('language = "en"', 'language = "cy"') + '[translations.en]\ntitle = "T"\n'
    welsh_first = parse_template(text.encode(), "t.toml")
    assert welsh_first.localised("en").title == "T"
    assert welsh_first.localised("fr").title == "Tiny"
    assert welsh_first.localised("fr").items()[0].label == "Item A"


# -- built-in templates ----------------------------------------------------------------------------


def test_every_built_in_template_loads_with_a_unique_id() -> None:
    builtins = load_builtin_templates()
    assert len(builtins) >= 8
    assert len({t.id for t in builtins}) == len(builtins)
    for template in builtins:
        assert template.origin is TemplateOrigin.BUILTIN
        assert template.sources
        assert template.items()
        assert export_template(template.source) == template.source


def test_two_built_in_files_with_the_same_id_and_version_are_a_bug(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(TINY)
    (tmp_path / "b.toml").write_text(TINY.replace('title = "Tiny"', 'title = "Other"'))
    with pytest.raises(TemplateError) as caught:
        load_builtin_templates(tmp_path)
    assert (caught.value.file, caught.value.line, caught.value.field) == ("b.toml", 2, "version")
    assert "also in a.toml" in caught.value.problem


def test_a_broken_built_in_file_is_reported_not_skipped(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(TINY)
    (tmp_path / "b.toml").write_text(TINY.replace('id = "tiny"', 'id = "b"'))
    with pytest.raises(TemplateError, match=r"^b\.toml, line 1, id: "):
        load_builtin_templates(tmp_path)


def test_reading_a_template_file_stops_past_the_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.toml"
    big.write_bytes(b"#" * (MAX_FILE_BYTES * 4))
    assert len(read_template_file(big)) == MAX_FILE_BYTES + 1
    with pytest.raises(TemplateError, match=r"^missing\.toml: could not be opened"):
        read_template_file(tmp_path / "missing.toml")


# -- the vault: library, import, export, runs ------------------------------------------------


def version_of(text: str, version: int, label: str | None = None) -> bytes:
    text = text.replace("version = 1", f"version = {version}")
    if label is not None:
        text = text.replace('label = "Item A"', f'label = "{label}"')
    return text.encode()


RISKY = tiny(
    after='[[sections]]\nid = "safety"\ntitle = "Safety"\n[[sections.items]]\n'
    'id = "harm"\nlabel = "Ask about harm"\nguidance = "Directly."\nrisk = true\n'
)


@pytest.fixture
def vault(tmp_path: Path, fast_kdf: KdfParams) -> Iterator[Vault]:
    created, _code = Vault.create(tmp_path / "v", PASS_PHRASE, kdf=fast_kdf)
    yield created
    created.close()


@pytest.fixture
def session(vault: Vault) -> Session:
    person = vault.people.add(alias="Robin")
    return vault.sessions.add(person.id, notes="Talked about the rota.")


def builtin(data: bytes) -> ChecklistTemplate:
    return parse_template(data, "tiny.toml", origin=TemplateOrigin.BUILTIN)


def test_import_stores_the_exact_file_and_offers_it_for_new_runs(vault: Vault) -> None:
    data = FULL.replace("\n", "\r\n").encode()
    template = import_template(vault, data, "/media/usb/first-conversation.toml", builtins=[])
    assert template.origin is TemplateOrigin.IMPORTED
    assert vault.templates.get("first-conversation", 1) == data
    library = TemplateLibrary.from_vault(vault, builtins=[])
    assert [t.key for t in library.current()] == [("first-conversation", 1)]
    assert export_template(library.get("first-conversation", 1).source) == data  # type: ignore[union-attr]


def test_importing_the_same_file_again_changes_nothing(vault: Vault) -> None:
    import_template(vault, TINY.encode(), "tiny.toml", builtins=[])
    again = import_template(vault, TINY.encode(), "tiny.toml", builtins=[])
    assert again.key == ("tiny", 1)
    assert len(vault.templates.list()) == 1


def test_a_changed_file_with_a_used_version_is_refused_and_nothing_changes(vault: Vault) -> None:
    import_template(vault, TINY.encode(), "tiny.toml", builtins=[])
    before = vault.templates.list()
    with pytest.raises(TemplateError) as caught:
        import_template(vault, version_of(TINY, 1, label="Changed"), "tiny.toml", builtins=[])
    assert (caught.value.line, caught.value.field) == (2, "version")
    assert "give this file a higher version number" in caught.value.problem
    assert vault.templates.list() == before
    assert vault.templates.get("tiny", 1) == TINY.encode()


def test_a_file_that_reuses_a_built_in_version_with_other_text_is_refused(vault: Vault) -> None:
    shipped = builtin(TINY.encode())
    with pytest.raises(TemplateError, match="already in peerdesk"):
        import_template(vault, version_of(TINY, 1, label="Mine"), "tiny.toml", builtins=[shipped])
    assert vault.templates.list() == []
    # The very same file as the built-in is simply the built-in.
    same = import_template(vault, TINY.encode(), "tiny.toml", builtins=[shipped])
    assert same.origin is TemplateOrigin.BUILTIN
    assert vault.templates.list() == []


def test_a_bad_file_changes_nothing(vault: Vault) -> None:
    import_template(vault, TINY.encode(), "tiny.toml", builtins=[])
    before = [(key, vault.templates.get(key[0], key[1])) for key in vault.templates.list()]
    for data in (b"\xff\xfe garbage", RISKY.replace("Directly.", "").encode(), b""):
        with pytest.raises(TemplateError):
            import_template(vault, data, "bad.toml", builtins=[])
    assert [(k, vault.templates.get(k[0], k[1])) for k in vault.templates.list()] == before


def test_export_round_trips_the_exact_bytes_and_refuses_a_broken_source() -> None:
    data = b"\xef\xbb\xbf# kept comment\r\n" + TINY.replace("\n", "\r\n").encode()
    assert export_template(data) == data
    with pytest.raises(TemplateError):
        export_template(b"id = ")


def test_a_newer_version_replaces_the_older_for_new_runs_only(
    vault: Vault, session: Session
) -> None:
    shipped = builtin(TINY.encode())
    library = TemplateLibrary([shipped], [])
    (current,) = library.current()
    old_run = start_run(vault, session.id, current)
    tick(vault, old_run.id, "a", True)

    import_template(vault, version_of(TINY, 2, label="Item A, reworded"), "tiny.toml",
                    builtins=[shipped])  # fmt: skip
    library = TemplateLibrary.from_vault(vault, builtins=[shipped])
    (current,) = library.current()
    assert (current.version, current.items()[0].label) == (2, "Item A, reworded")
    assert current.origin is TemplateOrigin.IMPORTED
    new_run = start_run(vault, session.id, current)
    assert (new_run.template_id, new_run.template_version) == ("tiny", 2)

    # The past run still reads exactly as it was followed.
    past = library.get(old_run.template_id, old_run.template_version)
    assert past is not None
    assert past.items()[0].label == "Item A"
    assert library.versions("tiny") == [1, 2]
    assert progress(vault.checklist_runs.get(old_run.id), past) == (1, 1)


def test_a_past_run_keeps_its_text_when_the_built_in_file_changes(
    vault: Vault, session: Session
) -> None:
    run = start_run(vault, session.id, builtin(TINY.encode()))
    assert vault.templates.list() == [("tiny", 1, TemplateOrigin.BUILTIN)]

    # A later peerdesk ships version 2 only; version 1 lives on in the vault.
    library = TemplateLibrary.from_vault(vault, builtins=[builtin(version_of(TINY, 2, "New"))])
    assert [(t.version, t.items()[0].label) for t in library.current()] == [(2, "New")]
    past = library.get("tiny", 1)
    assert past is not None
    assert past.items()[0].label == "Item A"
    assert template_for_run(vault, run) == past

    # Even an edit of a built-in without a new version does not rewrite the past.
    edited = TemplateLibrary.from_vault(vault, builtins=[builtin(version_of(TINY, 1, "Edited"))])
    assert edited.get("tiny", 1).items()[0].label == "Item A"  # type: ignore[union-attr]
    assert edited.current()[0].items()[0].label == "Item A"  # runs go on following the kept copy


def test_a_damaged_stored_template_is_left_out_and_reported(vault: Vault) -> None:
    vault.templates.add("broken", 1, b"id = ", TemplateOrigin.IMPORTED)
    import_template(vault, TINY.encode(), "tiny.toml", builtins=[])
    library = TemplateLibrary.from_vault(vault, builtins=[])
    assert [t.id for t in library.current()] == ["tiny"]
    assert [(p.file, p.line) for p in library.problems] == [("broken.toml", 1)]


def test_starting_runs_keeps_one_copy_of_a_built_in(vault: Vault, session: Session) -> None:
    template = builtin(TINY.encode())
    first = start_run(vault, session.id, template)
    second = start_run(vault, session.id, template.localised("cy"))
    assert (first.template_id, first.template_version) == ("tiny", 1)
    assert [r.id for r in vault.checklist_runs.list_for_session(session.id)] == [
        first.id,
        second.id,
    ]
    assert vault.templates.list() == [("tiny", 1, TemplateOrigin.BUILTIN)]
    assert vault.templates.get("tiny", 1) == TINY.encode()


def test_a_run_needs_a_real_session_and_a_stored_imported_template(
    vault: Vault, session: Session
) -> None:
    with pytest.raises(NotFound):
        start_run(vault, session.id + 1000, builtin(TINY.encode()))  # type: ignore[arg-type]
    assert vault.templates.list() == []
    with pytest.raises(ValueError, match="import a template"):
        start_run(vault, session.id, parse_template(TINY.encode(), "tiny.toml"))


def test_ticking_adds_notes_unticks_and_counts_progress(vault: Vault, session: Session) -> None:
    template = builtin(RISKY.encode())
    run = start_run(vault, session.id, template)
    assert progress(run, template) == (0, 2)

    first = tick(vault, run.id, "a", True)
    assert (first.risk, first.newly_ticked) == (False, True)
    assert progress(first.run, template) == (1, 2)
    ticked_at = first.run.ticks[0].ticked_at

    noted = tick(vault, run.id, "a", True, "said it twice")
    assert noted.newly_ticked is False
    assert noted.run.ticks == ((("a", ticked_at, "said it twice")),)  # first tick time kept

    cleared = tick(vault, run.id, "a", False)
    assert cleared.run.ticks == ()
    assert progress(cleared.run, template) == (0, 2)
    with pytest.raises(ValueError, match="no such item"):
        tick(vault, run.id, "not-an-item", True)


def test_a_risk_item_flags_the_session_and_the_person(vault: Vault, session: Session) -> None:
    run = start_run(vault, session.id, builtin(RISKY.encode()))
    assert tick(vault, run.id, "a", True).risk is False
    assert vault.sessions.get(session.id).risk_flag is False

    result = tick(vault, run.id, "harm", True)
    assert (result.risk, result.newly_ticked) == (True, True)
    assert vault.sessions.get(session.id).risk_flag is True
    (person,) = vault.people.list()
    assert person.risk_flagged is True

    # Unticking is not a decision about risk: the flag stays until cleared by hand.
    assert tick(vault, run.id, "harm", False).risk is False
    assert vault.sessions.get(session.id).risk_flag is True
    vault.sessions.set_risk_flag(session.id, False)
    # Editing the note of a ticked risk item does not raise it again.
    tick(vault, run.id, "harm", True)
    vault.sessions.set_risk_flag(session.id, False)
    again = tick(vault, run.id, "harm", True, "asked; said no")
    assert (again.risk, again.newly_ticked) == (True, False)
    assert vault.sessions.get(session.id).risk_flag is False


def test_ticks_and_flags_survive_closing_and_reopening(tmp_path: Path, fast_kdf: KdfParams) -> None:
    vault, _code = Vault.create(tmp_path / "v", PASS_PHRASE, kdf=fast_kdf)
    person = vault.people.add(alias="Robin")
    session = vault.sessions.add(person.id)
    run = start_run(vault, session.id, builtin(RISKY.encode()))
    tick(vault, run.id, "harm", True, "asked directly")
    tick(vault, run.id, "a", True)
    vault.close()

    vault = Vault.open(tmp_path / "v", PASS_PHRASE, kdf=fast_kdf)
    try:
        (kept,) = vault.checklist_runs.list_for_session(session.id)
        assert [(t.item_id, t.note) for t in kept.ticks] == [("harm", "asked directly"), ("a", "")]
        template = template_for_run(vault, kept)
        assert template is not None
        assert progress(kept, template) == (2, 2)
        assert vault.sessions.get(session.id).risk_flag is True
        assert vault.people.get(person.id).risk_flagged is True
    finally:
        vault.close()


def test_a_run_from_before_templates_were_kept_still_ticks(vault: Vault, session: Session) -> None:
    legacy = vault.checklist_runs.add(session.id, "retired-template", 3)
    assert template_for_run(vault, legacy) is None
    result = tick(vault, legacy.id, "open_questions", True)
    assert ([t.item_id for t in result.run.ticks], result.risk) == (["open_questions"], False)


def test_problem_text_is_plain_and_short() -> None:
    error = fail(tiny(item=f'"{"k" * 500}" = 1'))
    assert len(error.field) < 100
    assert re.fullmatch(r'sections\[0\]\.items\[0\]\."k+…"', error.field)
