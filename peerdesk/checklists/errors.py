"""The one error a template file can cause: what is wrong, in which file, on which line."""

from __future__ import annotations

import re
import unicodedata

FieldPath = tuple[str | int, ...]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")
_SHOWN_KEY_CHARS = 40
_SHOWN_NAME_CHARS = 80
_SHOWN_PROBLEM_CHARS = 300


class TemplateError(ValueError):
    """A checklist template that cannot be used, and why.

    ``file`` is the file's name only (never its folder), ``line`` the 1-based
    line the problem is on when known, ``field`` the dotted path of the value
    (``sections[2].items[0].label``; empty for problems with the whole file),
    and ``problem`` what is wrong, already translated. ``str()`` joins them:
    ``first-conversation.toml, line 42, sections[2].items[0].label: must be ...``.
    """

    def __init__(self, file: str, line: int | None, field: str, problem: str) -> None:
        self.file = display_file_name(file)
        self.line = line
        self.field = field
        self.problem = _shorten(problem, _SHOWN_PROBLEM_CHARS)
        super().__init__(self._text())

    def _text(self) -> str:
        where = [self.file]
        if self.line is not None:
            where.append(f"line {self.line}")
        location = ", ".join(where)
        if self.field:
            location = f"{location}, {self.field}"
        return f"{location}: {self.problem}"

    def __str__(self) -> str:
        return self._text()

    def __reduce__(self) -> tuple[type[TemplateError], tuple[str, int | None, str, str]]:
        return (type(self), (self.file, self.line, self.field, self.problem))


def display_file_name(file_name: str) -> str:
    """The last part of a path, printable and short: messages never reveal folders."""
    name = re.split(r"[\\/]", str(file_name))[-1]
    name = _printable(name)
    return _shorten(name, _SHOWN_NAME_CHARS) or "template"


def field_text(path: FieldPath) -> str:
    """``("sections", 2, "items", 0, "label")`` → ``sections[2].items[0].label``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
            continue
        if not _BARE_KEY.fullmatch(part):
            shown = _shorten(_printable(part), _SHOWN_KEY_CHARS).replace('"', '\\"')
            part = f'"{shown}"'
        text += f".{part}" if text else part
    return text


def _printable(text: str) -> str:
    """Control and invisible formatting characters spelled out, so a message cannot be spoofed."""
    return "".join(
        ch if unicodedata.category(ch)[0] not in "CZ" or ch == " " else f"<U+{ord(ch):04X}>"
        for ch in text
    )


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
