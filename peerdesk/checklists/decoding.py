"""From a file's bytes to a TOML document: size, encoding and syntax, each with a clear message."""

from __future__ import annotations

import codecs
import re
import tomllib
from typing import Any

from peerdesk.i18n import _

from .errors import TemplateError
from .locate import first_long_key

MAX_FILE_BYTES = 256 * 1024
# The format's longest key is [sections.items.translations.cy]: four parts.
MAX_KEY_PARTS = 8

_TOML_LOCATION = re.compile(r"\s*\(at (?:line (\d+), column \d+|end of document)\)\s*$")
_UTF16_OR_32 = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def check_size(data: object, name: str) -> bytes:
    """``data`` as bytes, if it is bytes at all and within the size limit."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TemplateError(name, None, "", _("is not the contents of a file"))
    if memoryview(data).nbytes > MAX_FILE_BYTES:
        raise TemplateError(
            name,
            None,
            "",
            _("is larger than {limit} KiB, too large for a checklist template").format(
                limit=MAX_FILE_BYTES // 1024
            ),
        )
    return bytes(data)


def decode(raw: bytes, name: str) -> str:
    """UTF-8 text (a leading byte-order mark dropped); other encodings are named as such."""
    if raw.startswith(_UTF16_OR_32):
        raise TemplateError(
            name, 1, "", _("is saved as UTF-16 or UTF-32 text; save it as UTF-8 and try again")
        )
    # A UTF-8 byte-order mark is harmless (some Windows editors add one); TOML forbids it.
    body = raw.removeprefix(codecs.BOM_UTF8)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = body.count(b"\n", 0, exc.start) + 1
        raise TemplateError(
            name, line, "", _("is not UTF-8 text; save it as UTF-8 and try again")
        ) from None


def load_toml(text: str, name: str) -> dict[str, Any]:
    """The parsed document; a syntax error keeps the line tomllib found it on."""
    long_key = first_long_key(text, MAX_KEY_PARTS)
    if long_key is not None:
        raise TemplateError(
            name,
            long_key,
            "",
            _("has a key with more than {limit} dotted parts; no template needs so many").format(
                limit=MAX_KEY_PARTS
            ),
        )
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        lineno = getattr(exc, "lineno", None)  # Python 3.14 and later
        match = _TOML_LOCATION.search(message)
        if match is not None:
            message = message[: match.start()]
            if lineno is None:
                lineno = int(match.group(1)) if match.group(1) else _last_line(text)
        problem = _("is not valid TOML: {detail}").format(detail=message or "syntax error")
        raise TemplateError(name, lineno, "", problem) from None
    except ValueError:  # an integer past Python's digit limit, for one
        raise TemplateError(name, None, "", _("has a number too long to read")) from None


def _last_line(text: str) -> int:
    return max(1, text.count("\n") + (0 if text.endswith("\n") else 1))
