"""Fuzzing checklist templates: a damaged TOML file gives a TemplateError, nothing else.

Starts from the built-in templates in ``resources/checklists/`` (valid by
construction) and damages them as bytes (bit flips, truncation, splices: bad
UTF-8, NULs, cut strings) and as TOML text (lines deleted, duplicated, swapped,
or replaced by TOML-looking lines: tables, arrays of tables, keys with odd
values, deep nesting). The file is read with :func:`read_template_file` and
checked with :func:`parse_template`.

Allowed outcomes: a valid :class:`ChecklistTemplate` (a duplicated comment line
changes nothing), or :class:`TemplateError` whose message names the file, never
its folder. Nothing else, within the time limit, and the file on disk keeps its
bytes and mtime.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peerdesk.checklists import ChecklistTemplate, TemplateError, parse_template, read_template_file

from .mutations import (
    CI,
    SLOW,
    apply_all,
    byte_mutation,
    byte_mutations,
    file_state,
    require_slow_run,
    time_limit,
    write_like,
)

BUILTIN = Path(__file__).resolve().parents[2] / "resources" / "checklists"
NAMES = sorted(p.name for p in BUILTIN.glob("*.toml"))

toml_lines = st.one_of(
    st.sampled_from(
        [
            "[[sections]]",
            "[[sections.items]]",
            "[sections]",
            "id = ''",
            "version = -1",
            "version = 99999999999999999999",
            "title = 3",
            "risk = 'yes'",
            "examples = [" + "[" * 200 + "]" * 200 + "]",
            "label = " + "{a = " * 150 + "1" + "}" * 150,
            'label = """',
            "x = 1979-05-27T07:32:00Z",
            "= value",
            "id = 'id' # comment",
            "\u202e = 'rtl key'",
        ]
    ),
    st.text(max_size=60).map(lambda s: s.replace("\n", " ")),
)


@st.composite
def text_mutation(draw: st.DrawFn, lines: list[str]) -> list[str]:
    lines = list(lines)
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            lines.append(draw(toml_lines))
            continue
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "swap", "replace", "insert"]))
        if action == "delete":
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        elif action == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif action == "replace":
            lines[i] = draw(toml_lines)
        else:
            lines.insert(i, draw(toml_lines))
    return lines


class Pristine(dict[str, bytes]):
    def __repr__(self) -> str:
        return "<built-in templates>"


@pytest.fixture(scope="module")
def pristine() -> dict[str, bytes]:
    assert NAMES, "the built-in templates are the fuzzing's starting point"
    return Pristine({name: (BUILTIN / name).read_bytes() for name in NAMES})


def _attempt(name: str, data: bytes) -> str:
    folder = Path(tempfile.mkdtemp(prefix="fuzz-template-"))
    try:
        path = folder / name
        write_like(path, data)
        before = file_state(path)
        with time_limit():
            try:
                template = parse_template(read_template_file(path), str(path))
            except TemplateError as exc:
                error: TemplateError | None = exc
                outcome = "refused"
            else:
                assert isinstance(template, ChecklistTemplate)
                error = None
                outcome = "parsed"
        if error is not None:  # names the file, never its folder
            assert str(folder) not in str(error)
            assert error.file == name
        assert file_state(path) == before
        return outcome
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_the_builtin_templates_parse(pristine: dict[str, bytes]) -> None:
    for name, data in pristine.items():
        assert _attempt(name, data) == "parsed"
    assert _attempt(NAMES[0], b"") == "refused"


@CI
@given(name=st.sampled_from(NAMES), mutations=byte_mutations)
def test_damaged_bytes_give_a_template_error(
    pristine: dict[str, bytes], name: str, mutations: list[Any]
) -> None:
    _attempt(name, apply_all(pristine[name], mutations))


@CI
@given(name=st.sampled_from(NAMES), data=st.data())
def test_changed_toml_gives_a_template_error(
    pristine: dict[str, bytes], name: str, data: st.DataObject
) -> None:
    lines = pristine[name].decode("utf-8").split("\n")
    changed = data.draw(text_mutation(lines))
    _attempt(name, "\n".join(changed).encode("utf-8", "surrogatepass"))


@pytest.mark.slow
@SLOW
@given(name=st.sampled_from(NAMES), data=st.data())
def test_slow_damaged_templates_give_a_template_error(
    request: pytest.FixtureRequest, pristine: dict[str, bytes], name: str, data: st.DataObject
) -> None:
    require_slow_run(request)
    lines = pristine[name].decode("utf-8").split("\n")
    raw = "\n".join(data.draw(text_mutation(lines))).encode("utf-8", "surrogatepass")
    _attempt(name, apply_all(raw, data.draw(st.lists(byte_mutation(), max_size=2))))
