"""Which line of a TOML file defines each value: ``tomllib`` reports none once parsing succeeds.

:func:`locate_lines` scans text that ``tomllib`` has already accepted and maps
every field path it meets to the line it starts on: table headers
(``[[sections]]``, ``[[sections.items]]``, ``[translations.cy]``), ``key =``
lines (dotted keys too) and the elements of arrays and inline tables, wherever
they start. Strings, including multi-line ones, are skipped whole, so text
that merely looks like a header inside a guidance string is never mistaken
for one. The scan never raises: on anything unexpected it stops and returns
what it has, and :func:`line_of` falls back to the nearest enclosing table.
"""

from __future__ import annotations

import bisect
import contextlib
import tomllib

from .errors import FieldPath

# Deeper values are skipped without recording their elements: nothing in a
# template is nested more than a few levels, and the scan must not recurse
# without bound on a hostile file.
_MAX_DEPTH = 32
_BARE_KEY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_SCALAR_END = frozenset(",]}#\n")


class _Stop(Exception):
    """The text is not shaped as expected: keep what was found so far."""


def locate_lines(text: str) -> dict[FieldPath, int]:
    """Map field paths such as ``("sections", 1, "items", 0, "label")`` to 1-based lines."""
    scanner = _Scanner(text)
    with contextlib.suppress(_Stop, IndexError, ValueError, RecursionError):
        scanner.document()
    return scanner.lines


def first_long_key(text: str, max_parts: int) -> int | None:
    """The line of the first dotted key with more than ``max_parts`` parts, if any.

    Run *before* ``tomllib``, which takes time and memory quadratic in a key's
    parts (a 60,000-part ``a.a.a...`` needs gigabytes). One linear pass:
    strings and comments are skipped exactly (quotes and ``#`` mean nothing
    else in TOML), and a run of tokens joined by dots outside them can only be
    a key, or a float such as ``1.5``. Stops quietly at an unterminated string,
    where ``tomllib`` will stop too.
    """
    scanner = _Scanner(text)
    s, n = text, len(text)
    dots = 0  # dots joining tokens in the current run
    after_token = after_dot = False
    try:
        while scanner.i < n:
            ch = s[scanner.i]
            if ch in _BARE_KEY_CHARS or ch in ('"', "'"):
                if not after_dot:
                    dots = 0
                start = scanner.i
                if ch in _BARE_KEY_CHARS:
                    while scanner.i < n and s[scanner.i] in _BARE_KEY_CHARS:
                        scanner.i += 1
                else:
                    scanner._skip_string()
                after_token, after_dot = True, False
                if dots >= max_parts:
                    return scanner._line(start)
            elif ch in " \t":
                scanner.i += 1
            elif ch == "." and after_token:
                dots += 1
                after_token, after_dot = False, True
                scanner.i += 1
            elif ch == "#":
                end = s.find("\n", scanner.i)
                scanner.i = n if end < 0 else end
            else:
                dots = 0
                after_token = after_dot = False
                scanner.i += 1
    except (_Stop, IndexError):
        pass
    return None


def line_of(lines: dict[FieldPath, int], path: FieldPath) -> int:
    """The line of ``path``, or of its nearest ancestor found (a missing key: its table)."""
    for end in range(len(path), 0, -1):
        line = lines.get(path[:end])
        if line is not None:
            return line
    return 1  # the root table starts on the first line


class _Scanner:
    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0
        self.n = len(text)
        self._newlines = [pos for pos, ch in enumerate(text) if ch == "\n"]
        self.lines: dict[FieldPath, int] = {}
        # How many elements each array of tables ([[...]]) has so far, by its path.
        self._tables_in_array: dict[FieldPath, int] = {}

    # -- positions --------------------------------------------------------------

    def _line(self, pos: int) -> int:
        return bisect.bisect_left(self._newlines, pos) + 1

    def _note(self, path: FieldPath, pos: int) -> None:
        self.lines.setdefault(path, self._line(pos))

    def _peek(self) -> str:
        return self.s[self.i] if self.i < self.n else ""

    def _skip_spaces(self) -> None:
        while self.i < self.n and self.s[self.i] in " \t":
            self.i += 1

    def _skip_blank(self) -> None:
        """Spaces, line breaks and comments."""
        while self.i < self.n:
            ch = self.s[self.i]
            if ch in " \t\r\n":
                self.i += 1
            elif ch == "#":
                end = self.s.find("\n", self.i)
                self.i = self.n if end < 0 else end
            else:
                return

    def _expect(self, text: str) -> None:
        if not self.s.startswith(text, self.i):
            raise _Stop
        self.i += len(text)

    # -- statements ---------------------------------------------------------------

    def document(self) -> None:
        table: FieldPath = ()
        while True:
            self._skip_blank()
            if self.i >= self.n:
                return
            if self._peek() == "[":
                table = self._header()
            else:
                self._key_value(table, 0)

    def _header(self) -> FieldPath:
        start = self.i
        array = self.s.startswith("[[", self.i)
        self.i += 2 if array else 1
        keys = self._keys()
        self._skip_spaces()
        self._expect("]]" if array else "]")
        # Each key but the last names a table, or an array of tables whose
        # latest element is meant (TOML's rule for [[a.b]] under [[a]]).
        path: FieldPath = ()
        for key in keys[:-1]:
            path = (*path, key)
            self._note(path, start)
            count = self._tables_in_array.get(path)
            if count:
                path = (*path, count - 1)
        path = (*path, keys[-1])
        self._note(path, start)
        if array:
            count = self._tables_in_array.get(path, 0)
            self._tables_in_array[path] = count + 1
            path = (*path, count)
            self._note(path, start)
        return path

    def _key_value(self, table: FieldPath, depth: int) -> None:
        start = self.i
        path = table
        for key in self._keys():
            path = (*path, key)
            self._note(path, start)
        self._skip_spaces()
        self._expect("=")
        self._skip_spaces()
        self._value(path, depth)

    def _keys(self) -> list[str]:
        keys = []
        while True:
            self._skip_spaces()
            keys.append(self._key())
            self._skip_spaces()
            if self._peek() != ".":
                return keys
            self.i += 1

    def _key(self) -> str:
        start = self.i
        ch = self._peek()
        if ch == '"':
            self._skip_basic_string()
            return _decode_quoted_key(self.s[start : self.i])
        if ch == "'":
            self._skip_literal_string()
            return self.s[start + 1 : self.i - 1]
        while self.i < self.n and self.s[self.i] in _BARE_KEY_CHARS:
            self.i += 1
        if self.i == start:
            raise _Stop
        return self.s[start : self.i]

    # -- values -------------------------------------------------------------------

    def _value(self, path: FieldPath, depth: int) -> None:
        ch = self._peek()
        if ch in ('"', "'"):
            self._skip_string()
        elif ch in ("[", "{"):
            if depth >= _MAX_DEPTH:
                self._skip_nested()
            elif ch == "[":
                self._array(path, depth + 1)
            else:
                self._inline_table(path, depth + 1)
        else:
            while self.i < self.n and self.s[self.i] not in _SCALAR_END:
                self.i += 1

    def _array(self, path: FieldPath, depth: int) -> None:
        self.i += 1
        index = 0
        while True:
            self._skip_blank()
            if self._peek() == "]":
                self.i += 1
                return
            element = (*path, index)
            self._note(element, self.i)
            self._value(element, depth)
            self._skip_blank()
            if self._peek() == ",":
                self.i += 1
                index += 1
            elif self._peek() == "]":
                self.i += 1
                return
            else:
                raise _Stop

    def _inline_table(self, path: FieldPath, depth: int) -> None:
        self.i += 1
        while True:
            self._skip_blank()
            if self._peek() == "}":
                self.i += 1
                return
            self._key_value(path, depth)
            self._skip_blank()
            if self._peek() == ",":
                self.i += 1
            elif self._peek() == "}":
                self.i += 1
                return
            else:
                raise _Stop

    def _skip_nested(self) -> None:
        """Skip a whole array or inline table without looking inside (no recursion)."""
        level = 0
        while self.i < self.n:
            ch = self.s[self.i]
            if ch in ('"', "'"):
                self._skip_string()
                continue
            if ch == "#":
                self._skip_blank()
                continue
            if ch in "[{":
                level += 1
            elif ch in "]}":
                level -= 1
                if level == 0:
                    self.i += 1
                    return
            self.i += 1
        raise _Stop

    # -- strings ------------------------------------------------------------------

    def _skip_string(self) -> None:
        if self.s.startswith('"""', self.i):
            self.i = self._multiline_end(self.i + 3, '"', escapes=True)
        elif self.s.startswith("'''", self.i):
            self.i = self._multiline_end(self.i + 3, "'", escapes=False)
        elif self._peek() == '"':
            self._skip_basic_string()
        else:
            self._skip_literal_string()

    def _skip_basic_string(self) -> None:
        j = self.i + 1
        while self.s[j] != '"':
            if self.s[j] == "\n":
                raise _Stop
            j += 2 if self.s[j] == "\\" else 1
        self.i = j + 1

    def _skip_literal_string(self) -> None:
        end = self.s.find("'", self.i + 1)
        if end < 0:
            raise _Stop
        self.i = end + 1

    def _multiline_end(self, j: int, quote: str, *, escapes: bool) -> int:
        closing = quote * 3
        while j < self.n:
            if escapes and self.s[j] == "\\":
                j += 2
            elif self.s.startswith(closing, j):
                # Up to two more quotes belong to the text: '''it's'''' ends with a quote.
                end = j + 3
                while end < self.n and end < j + 5 and self.s[end] == quote:
                    end += 1
                return end
            else:
                j += 1
        raise _Stop


def _decode_quoted_key(token: str) -> str:
    """A quoted key's text, escapes resolved the way tomllib resolved them."""
    try:
        value = tomllib.loads(f"k = {token}")["k"]
    except tomllib.TOMLDecodeError:
        return token[1:-1]
    return value if isinstance(value, str) else token[1:-1]
