"""Hostile template files: only ever a TemplateError, on the right line, and the vault unchanged.

Huge, deeply nested, random, wrongly typed, duplicated and wrongly encoded
files are generated with hypothesis. The type mutations are written back out
in the layout people write by hand (``[[sections]]``, ``[[sections.items]]``,
one key a line) by a writer here that records where it put every value, so
the line each error names is checked against an independent answer.
"""

from __future__ import annotations

import copy
import re
import tomllib
import unicodedata
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerdesk.checklists import (
    MAX_FILE_BYTES,
    ChecklistTemplate,
    TemplateError,
    import_template,
    parse_template,
)
from peerdesk.checklists.errors import FieldPath, field_text
from peerdesk.store import KdfParams, Vault
from tests.test_checklists import FULL, PASS_PHRASE, TINY

NAME = "hostile.toml"
VALID = tomllib.loads(FULL)


def outcome(data: bytes) -> ChecklistTemplate | TemplateError:
    """Parse, letting nothing but TemplateError out (any other exception fails the test)."""
    try:
        return parse_template(data, NAME)
    except TemplateError as caught:
        error = caught
    assert error.file == NAME
    assert str(error).startswith(NAME)
    assert error.line is None or error.line >= 1
    return error


# -- a TOML writer that knows its own line numbers -------------------------------------------

BARE = re.compile(r"[A-Za-z0-9_-]+")


def toml_key(key: str) -> str:
    return key if BARE.fullmatch(key) else toml_string(key)


def toml_string(text: str) -> str:
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif unicodedata.category(ch) == "Cc":
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return {"inf": "inf", "-inf": "-inf", "nan": "nan"}.get(repr(value), repr(value))
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        inner = ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    return value.isoformat()  # type: ignore[no-any-return]  # dates and times


class Writer:
    """Writes a template-shaped document with headers, recording each value's line."""

    def __init__(self) -> None:
        self.rows: list[str] = []
        self.where: dict[FieldPath, int] = {}

    def text(self, document: dict[str, Any]) -> str:
        self.table(document, (), header=None)
        return "\n".join(self.rows) + "\n"

    def emit(self, row: str, *paths: FieldPath) -> None:
        self.rows.append(row)
        for path in paths:
            self.where.setdefault(path, len(self.rows))

    def table(self, table: dict[str, Any], path: FieldPath, header: str | None) -> None:
        later: list[tuple[str, Any]] = []
        for key, value in table.items():
            if (key == "translations" and _tables_of_tables(value)) or (
                key in ("sections", "items") and _list_of_tables(value)
            ):
                later.append((key, value))
            else:
                self.emit(f"{toml_key(key)} = {toml_value(value)}", (*path, key))
        for key, value in later:
            name = f"{header}.{toml_key(key)}" if header else toml_key(key)
            if key == "translations":
                for lang, texts in value.items():
                    self.emit(f"[{name}.{toml_key(lang)}]", (*path, key), (*path, key, lang))
                    self.table(texts, (*path, key, lang), header=f"{name}.{toml_key(lang)}")
            else:
                for index, element in enumerate(value):
                    self.emit(f"[[{name}]]", (*path, key), (*path, key, index))
                    self.table(element, (*path, key, index), header=name)


def _tables_of_tables(value: object) -> bool:
    return (
        isinstance(value, dict)
        and bool(value)
        and all(
            isinstance(v, dict) and not any(isinstance(x, dict) for x in v.values())
            for v in value.values()
        )
    )


def _list_of_tables(value: object) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def expected_line(where: dict[FieldPath, int], field: str) -> int:
    path: FieldPath = ()
    for name, quoted, index in re.findall(
        r'(?:^|\.)(?:([A-Za-z0-9_-]+)|"([^"]*)")|\[(\d+)\]', field
    ):
        path = (*path, int(index)) if index else (*path, name or quoted)
    for end in range(len(path), 0, -1):
        if path[:end] in where:
            return where[path[:end]]
    return 1


def write(document: dict[str, Any]) -> tuple[bytes, dict[FieldPath, int]]:
    writer = Writer()
    text = writer.text(document)
    return text.encode(), writer.where


def test_the_writer_round_trips_the_valid_template() -> None:
    data, where = write(VALID)
    assert tomllib.loads(data.decode()) == VALID
    assert parse_template(data, NAME).items() == parse_template(FULL.encode(), NAME).items()
    assert where[("sections", 1, "items", 0, "risk")] > where[("sections", 1)]


# -- strategies ---------------------------------------------------------------------------------

KEYS = st.from_regex(r"[A-Za-z0-9_-]{1,8}", fullmatch=True) | st.text(
    st.characters(exclude_categories=("C", "Z"), exclude_characters='"\\'), min_size=1, max_size=8
)
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=20) | st.text(
    "ab \n", min_size=150, max_size=1100
)
SCALARS = st.one_of(
    st.booleans(),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=False),
    TEXT,
    st.dates(),
    st.datetimes(timezones=st.none() | st.just(UTC)),
    st.times(),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=8,
)


def paths_in(value: Any, path: FieldPath = ()) -> Iterator[FieldPath]:
    yield path
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from paths_in(inner, (*path, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from paths_in(inner, (*path, index))


ALL_PATHS = [p for p in paths_in(VALID) if p]


def get(document: Any, path: FieldPath) -> Any:
    for part in path:
        document = document[part]
    return document


# -- mutations: every error is a TemplateError on the line the value is on ----------------------


@settings(max_examples=300, deadline=None)
@given(path=st.sampled_from(ALL_PATHS), value=VALUES)
def test_any_value_anywhere_gives_a_template_or_an_error_on_its_line(
    path: FieldPath, value: Any
) -> None:
    document = copy.deepcopy(VALID)
    parent = get(document, path[:-1])
    parent[path[-1]] = value
    data, where = write(document)
    assert tomllib.loads(data.decode()) == document  # the writer wrote what we meant
    result = outcome(data)
    if isinstance(result, TemplateError):
        assert result.field
        assert result.line == expected_line(where, result.field), (result, data.decode())


REQUIRED = {"id", "version", "title", "language", "purpose", "sources", "sections", "items",
            "label", "guidance"}  # fmt: skip


@pytest.mark.parametrize(
    "path", [pytest.param(p, id=".".join(map(str, p))) for p in ALL_PATHS if isinstance(p[-1], str)]
)
def test_a_removed_key_is_missing_on_its_table_line_unless_optional(path: FieldPath) -> None:
    document = copy.deepcopy(VALID)
    del get(document, path[:-1])[path[-1]]
    data, where = write(document)
    result = outcome(data)
    if path[-1] in REQUIRED and "translations" not in path:
        assert isinstance(result, TemplateError)
        assert (result.field, result.problem) == (field_text(path), "is missing")
        assert result.line == expected_line(where, result.field)
        assert result.line == (where[path[:-1]] if len(path) > 1 else 1)
    else:
        assert isinstance(result, ChecklistTemplate)


@settings(max_examples=100, deadline=None)
@given(
    table=st.sampled_from([p for p in ALL_PATHS if isinstance(get(VALID, p), dict)] + [()]),
    key=KEYS,
    value=VALUES,
)
def test_an_unknown_key_is_named_on_its_own_line(table: FieldPath, key: str, value: Any) -> None:
    document = copy.deepcopy(VALID)
    target = get(document, table)
    if key in target:
        return
    target[key] = value
    data, where = write(document)
    result = outcome(data)
    assert isinstance(result, TemplateError)
    assert result.line == expected_line(where, result.field)


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_a_repeated_id_is_reported_where_it_repeats(data: st.DataObject) -> None:
    document = copy.deepcopy(VALID)
    items = [(s, i) for s, sec in enumerate(document["sections"]) for i in range(len(sec["items"]))]
    kind = data.draw(st.sampled_from(["item", "section"]))
    if kind == "item":
        first, second = sorted(data.draw(st.lists(st.sampled_from(items), min_size=2,
                                                  max_size=2, unique=True)))  # fmt: skip
        shared = document["sections"][first[0]]["items"][first[1]]["id"]
        document["sections"][second[0]]["items"][second[1]]["id"] = shared
        repeated: FieldPath = ("sections", second[0], "items", second[1], "id")
    else:
        shared = document["sections"][0]["id"]
        document["sections"][1]["id"] = shared
        repeated = ("sections", 1, "id")
    data_bytes, where = write(document)
    result = outcome(data_bytes)
    assert isinstance(result, TemplateError)
    assert result.problem.startswith(f"repeats the id “{shared}” already used by")
    assert result.line == where[repeated]


# -- bytes no one meant to be a template ----------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_give_only_a_template_error(data: bytes) -> None:
    assert isinstance(outcome(data), TemplateError)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=500).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_random_text_gives_only_a_template_error(data: bytes) -> None:
    assert isinstance(outcome(data), TemplateError)


@settings(max_examples=200, deadline=None)
@given(position=st.integers(0, len(FULL)), snippet=st.text(max_size=40))
def test_text_spliced_into_a_valid_file_never_crashes(position: int, snippet: str) -> None:
    outcome((FULL[:position] + snippet + FULL[position:]).encode("utf-8", "surrogatepass"))


@settings(max_examples=20, deadline=None)
@given(extra=st.integers(1, 4 * MAX_FILE_BYTES))
def test_a_file_over_the_limit_is_refused_by_size(extra: int) -> None:
    data = TINY.encode() + b" " * (MAX_FILE_BYTES - len(TINY.encode()) + extra)
    result = outcome(data)
    assert isinstance(result, TemplateError)
    assert "larger than 256 KiB" in result.problem


def test_a_file_exactly_at_the_limit_is_read() -> None:
    data = TINY.encode() + b"#" * (MAX_FILE_BYTES - len(TINY.encode()))
    assert len(data) == MAX_FILE_BYTES
    assert isinstance(outcome(data), ChecklistTemplate)


NESTINGS = {
    "arrays": lambda n: "x = " + "[" * n + "]" * n,
    "inline tables": lambda n: "x = " + "{ a = " * n + "1" + " }" * n,
    "mixed": lambda n: "x = " + "[{ a = " * n + "1" + " }]" * n,
    "dotted keys": lambda n: ".".join(["a"] * n) + " = 1",
    "table header": lambda n: "[" + ".".join(["a"] * n) + "]\nb = 1",
    "array of tables header": lambda n: "[[" + ".".join(["a"] * n) + "]]\nb = 1",
    "as an item": lambda n: TINY + "examples = " + "[" * n + '"x"' + "]" * n,
}


@settings(max_examples=60, deadline=None)
@given(kind=st.sampled_from(sorted(NESTINGS)), depth=st.integers(2, 120_000))
def test_deep_nesting_gives_only_a_template_error(kind: str, depth: int) -> None:
    data = NESTINGS[kind](depth).encode()
    result = outcome(data)
    assert isinstance(result, TemplateError)
    if len(data) > MAX_FILE_BYTES:
        assert "larger than" in result.problem


@pytest.mark.parametrize("kind", sorted(NESTINGS))
def test_nesting_past_the_parser_recursion_limit_is_a_clear_error(kind: str) -> None:
    data = NESTINGS[kind](20_000).encode()
    assert len(data) <= MAX_FILE_BYTES
    result = outcome(data)
    assert isinstance(result, TemplateError)
    if "keys" in kind or "header" in kind:
        assert str(result) == (
            "hostile.toml, line 1: has a key with more than 8 dotted parts; "
            "no template needs so many"
        )
    else:
        assert str(result) == "hostile.toml: is nested too deeply to be a checklist template"


# tomllib needs time and memory quadratic in a dotted key's parts: 60,000 of them
# took two gigabytes, 120,000 exhausted a 15 GB machine. They are refused first.
KEY_PART = st.from_regex(r"[A-Za-z0-9_-]{1,3}", fullmatch=True) | st.sampled_from(
    ['"q.u"', "'l.t'", '"#"', '""']
)
DOT = st.sampled_from([".", " . ", "\t.", ". "])


def _statement_rows() -> list[int]:
    """Rows of FULL before which a new statement can go (not inside a multi-line value)."""
    rows = FULL.splitlines()
    safe = []
    for position in range(len(rows) + 1):
        probe = "\n".join([*rows[:position], "zz-probe = 1", *rows[position:]])
        try:
            document = tomllib.loads(probe)
        except tomllib.TOMLDecodeError:
            continue
        if any(p[-1] == "zz-probe" for p in paths_in(document) if p):
            safe.append(position)
    return safe


STATEMENT_ROWS = _statement_rows()


@settings(max_examples=200, deadline=None)
@given(
    parts=st.lists(KEY_PART, min_size=9, max_size=60),
    dots=st.lists(DOT, min_size=60, max_size=60),
    where=st.sampled_from(["key", "header", "array header", "inline", "in an item"]),
    position=st.sampled_from(STATEMENT_ROWS),
)
def test_a_key_with_too_many_parts_is_refused_wherever_it_hides(
    parts: list[str], dots: list[str], where: str, position: int
) -> None:
    key = parts[0] + "".join(d + p for d, p in zip(dots, parts[1:], strict=False))
    statement = {
        "key": f"{key} = 1",
        "header": f"[{key}]",
        "array header": f"[[{key}]]",
        "inline": f"x = {{ a = 1, {key} = 2 }}",
        "in an item": f"examples = [{{ {key} = 1 }}]",
    }[where]
    rows = FULL.splitlines()
    rows.insert(position, statement)
    result = outcome("\n".join(rows).encode())
    assert isinstance(result, TemplateError)
    assert result.problem == "has a key with more than 8 dotted parts; no template needs so many"
    assert result.line == position + 1


def test_statement_rows_skip_the_inside_of_strings() -> None:
    inside = FULL.splitlines().index("[[sections]]", 30)  # the decoy in a guidance string
    assert inside not in STATEMENT_ROWS
    assert 0 in STATEMENT_ROWS
    assert len(STATEMENT_ROWS) > 30


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param('"Item A"', '"a.b.c.d.e.f.g.h.i.j"', id="in a string"),
        pytest.param('"Item A"', "'a.b.c.d.e.f.g.h.i.j'", id="in a literal string"),
        pytest.param('"Do A."', '"""\na.b.c.d.e.f.g.h.i.j = 1\n"""', id="in a multi-line string"),
        pytest.param('"Do A."', '"Do A." # a.b.c.d.e.f.g.h.i.j = 1', id="in a comment"),
        pytest.param('"Do A."', "'Do A.'\nexamples = [\n  'a.b.c.d.e.f.g.h.i.j',\n]", id="list"),
    ],
)
def test_dots_in_text_are_not_keys(old: str, new: str) -> None:
    assert isinstance(outcome(TINY.replace(old, new).encode()), ChecklistTemplate)


def test_a_number_too_long_to_read_is_a_template_error() -> None:
    result = outcome(TINY.replace("version = 1", "version = " + "9" * 5000).encode())
    assert isinstance(result, TemplateError)
    assert result.problem == "has a number too long to read"


@pytest.mark.parametrize(
    ("encoding", "label"),
    [
        ("latin-1", "Café naïve"),
        ("cp1252", "Café “quoted”"),
        ("utf-16", "Item A"),
        ("utf-16-le", "Item A"),
        ("utf-16-be", "Item A"),
        ("utf-32", "Item A"),
        ("shift_jis", "日本語のラベル"),
        ("gb18030", "标签"),
    ],
)
def test_a_template_in_another_encoding_gives_only_a_template_error(
    encoding: str, label: str
) -> None:
    data = TINY.replace("Item A", label).encode(encoding)
    result = outcome(data)
    assert isinstance(result, TemplateError), encoding
    assert result.field == ""


# -- import leaves the vault unchanged ------------------------------------------------------------


@pytest.fixture
def vault(tmp_path: Path, fast_kdf: KdfParams) -> Iterator[Vault]:
    created, _code = Vault.create(tmp_path / "v", PASS_PHRASE, kdf=fast_kdf)
    import_template(created, TINY.encode(), "tiny.toml", builtins=[])
    yield created
    created.close()


def stored(vault: Vault) -> list[tuple[str, int, str, bytes | None]]:
    return [(t, v, o, vault.templates.get(t, v)) for t, v, o in vault.templates.list()]


HOSTILE = st.one_of(
    st.binary(max_size=300),
    st.sampled_from([NESTINGS[k](5000).encode() for k in sorted(NESTINGS)]),
    st.sampled_from([TINY.encode("utf-16"), b"\xff" + TINY.encode()]),
    # The same id and version as the stored one, but different text.
    st.text(min_size=1, max_size=20).map(
        lambda t: TINY.replace('"Item A"', toml_string("Item A " + t)).encode("utf-8", "replace")
    ),
    st.builds(lambda path, value: _mutated(path, value), st.sampled_from(ALL_PATHS), VALUES).map(
        lambda doc: write(doc)[0]
    ),
)


def _mutated(path: FieldPath, value: Any) -> dict[str, Any]:
    document = copy.deepcopy(VALID)
    get(document, path[:-1])[path[-1]] = value
    return document


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],  # one vault, on purpose
)
@given(data=HOSTILE)
def test_a_refused_import_leaves_the_vault_unchanged(vault: Vault, data: bytes) -> None:
    before = stored(vault)
    try:
        import_template(vault, data, NAME, builtins=[])
    except TemplateError:
        assert stored(vault) == before
    else:  # a mutation can happen to stay valid: then it is simply one more template
        assert len(stored(vault)) in (len(before), len(before) + 1)
        assert stored(vault)[: len(before)] == before or set(before) <= set(stored(vault))
