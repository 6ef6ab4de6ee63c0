"""Full-text search over aliases, session notes and incident diaries.

Whatever the supporter types is searched for as plain words: every word must
appear (in any order), and the last one may be the start of a word, so results
narrow while typing. Nothing typed is ever read as FTS5 syntax, so quotes,
``NEAR(``, ``*``, ``-``, ``AND`` and the like are just words, and no input
raises.

Snippets are one line of plain text: runs of whitespace become one space and
control characters become spaces. Each matched word then sits between
:data:`MATCH_START` and :data:`MATCH_END` (the ASCII "start of text" and "end of
text" control characters), so the markers are unambiguous whatever the notes
contain. Use :func:`snippet_parts` to split a snippet for display.

Very long entries, and entries containing NUL characters, get their snippet cut
by :func:`_long_text_snippet` rather than by FTS5 (see the comments there).
"""

from __future__ import annotations

import re
import secrets

from .db import Database, Row
from .errors import SearchIndexDamaged, VaultDamaged
from .models import IncidentId, PersonId, SearchHit, SearchHitKind, SessionId
from .schema import SEARCH_TABLE, search_rows

MATCH_START = "\x02"
MATCH_END = "\x03"

# More words than anyone types into a search box; keeps a pasted page cheap.
_MAX_WORDS = 32
_SNIPPET_WORDS = 16
# FTS5's snippet() is quadratic in the number of matches in a document: 16,000
# matches take seconds, a 10 MB paste minutes. Above this size (bytes of text
# in one index row) the snippet is cut in Python instead, in linear time.
_FTS_SNIPPET_MAX_BYTES = 32 * 1024
_CONTEXT_BEFORE = 60
_CONTEXT_AFTER = 100

# Control characters and unpaired surrogates are never part of a word; NUL in
# particular would cut the query short inside SQLite and unbalance a quote.
_NOT_TEXT = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_WHITESPACE = re.compile(r"\s+")
# Snippets are for display: control characters (the markers' own included)
# become spaces before the markers go in.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_MARKER_SPLIT = re.compile(f"([{MATCH_START}{MATCH_END}])")
_ALNUM_RUN = re.compile(r"[^\W_]+")

_TEXT_COLUMNS = (
    "alias",
    "notes",
    "place",
    "what_happened",
    "who_involved",
    "witnesses",
    "impact",
    "evidence_location",
)
# octet_length, not length: length() stops at a NUL character.
_ROW_BYTES = " + ".join(f"coalesce(octet_length({column}), 0)" for column in _TEXT_COLUMNS)
# snippet() also drops text after a NUL character, so such rows go to Python too.
_ROW_NULS = " + ".join(
    f"coalesce(instr(CAST({column} AS BLOB), x'00'), 0)" for column in _TEXT_COLUMNS
)

# Results are ranked among the newest matches only, by how many of the words
# searched for the best passage of each holds (its snippet), newest first among
# equals. bm25 ranked every match ("manager" is in 78,000 of 100,000 notes) and,
# even over the newest few hundred, first counted each word's matches across the
# whole index: 35 ms at the 95th percentile against 13 ms for this, and a typed
# search is never more than the best 50 (benchmark issue 7).
RANKED_AMONG = 200

_MATCHED = """
SELECT rowid, kind, person_id, session_id, incident_id,
    CASE WHEN {row_bytes} <= {max_bytes} AND {row_nuls} = 0
        THEN snippet({name}, -1, :start, :end, '…', {words}) END AS snippet
FROM {table} WHERE {name} MATCH :query {where}
"""
# The number of matched words in the snippet (0 for a long row, cut in Python).
_SCORE = "coalesce((length(snippet) - length(replace(snippet, :start, ''))) / length(:start), 0)"


def _ranked(table: str, where: str = "") -> str:
    matched = _MATCHED.format(
        row_bytes=_ROW_BYTES,
        max_bytes=_FTS_SNIPPET_MAX_BYTES,
        row_nuls=_ROW_NULS,
        table=table,
        name=table.rpartition(".")[2],  # functions and MATCH take the bare name
        words=_SNIPPET_WORDS,
        where=where,
    )
    return (
        f"SELECT *, {_SCORE} AS score FROM ({matched}) "  # noqa: S608 - constants only
        "ORDER BY score DESC, rowid DESC LIMIT :limit"
    )


# Aliases first: a person is found by name however many notes mention the word.
_ALIASES = _ranked("search_index")
# Notes and diaries: the best of the newest matches, leaving out rows edited
# since they were indexed (schema 8), which are matched on their current text
# below. FTS5 reads matches newest first and stops after :among.
_NEWEST = _ranked(
    "search_index",
    "AND rowid NOT IN (SELECT doc FROM search_pending) ORDER BY rowid DESC LIMIT :among",
)
_EDITED = _ranked("temp.search_fresh")
_TEXTS = "SELECT {columns} FROM {table} WHERE rowid = ?"

# Rows edited since they were indexed, with their current text, in a small
# in-memory index of the same shape (temp_store is MEMORY: it never reaches a
# file, and it goes with the connection). Refreshed before each search from
# search_pending, only for rows whose text changed since the last refresh.
_FRESH_TABLE = SEARCH_TABLE.replace(
    "CREATE VIRTUAL TABLE search_index", "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_fresh"
)
_FRESH_SEEN = """CREATE TABLE IF NOT EXISTS temp.search_fresh_seen (
    doc INTEGER PRIMARY KEY, changed_at REAL NOT NULL)"""
_FRESH_EXISTS = "SELECT 1 FROM temp.sqlite_master WHERE name = 'search_fresh'"
# The current text of an edited row, by its index rowid (id * 4 + kind).
_FRESH_ROWS = search_rows("temp.search_fresh", "WHERE id = :doc >> 2")


def _words(text: str) -> list[str]:
    return [
        word
        for word in _NOT_TEXT.sub(" ", text).split()
        # A word with no letter or digit is nothing but separators to the tokenizer.
        if any(ch.isalnum() for ch in word)
    ][:_MAX_WORDS]


def fts_query(text: str) -> str | None:
    """Turn typed text into an FTS5 query of quoted words, or None if there are none."""
    return _query(_words(text))


def _query(words: list[str]) -> str | None:
    if not words:
        return None
    quoted = ['"' + word.replace('"', '""') + '"' for word in words]
    # The last word completes from two characters on. A one-letter start matches
    # nearly every note, costs more than any real search, and narrows nothing; as
    # a whole word it still finds "Kofi B".
    if len(words[-1]) >= 2:
        quoted[-1] += "*"
    return " ".join(quoted)


SEARCH_INDEX_DAMAGED = (
    "Search cannot run: the search index is damaged. Your notes are not affected. "
    "Tools \u2192 Check the vault checks everything and can rebuild the index."
)


def search(db: Database, text: str, limit: int = 50) -> list[SearchHit]:
    """The best ``limit`` matches for ``text``.

    Aliases come first, then notes and diaries edited since they were last
    indexed (usually the one being written), then the most relevant of the
    newest :data:`RANKED_AMONG` other matches. Raises :class:`SearchIndexDamaged`
    when the index cannot be read.
    """
    try:
        return _search(db, text, limit)
    except VaultDamaged:
        raise SearchIndexDamaged(SEARCH_INDEX_DAMAGED) from None


def _search(db: Database, text: str, limit: int) -> list[SearchHit]:
    words = _words(text)
    query = _query(words)
    if query is None or limit <= 0:
        return []
    # Markers no stored text contains, swapped for the public ones afterwards.
    start = f"\ue000{secrets.token_hex(8)}\ue001"
    end = f"\ue001{secrets.token_hex(8)}\ue000"
    params: dict[str, object] = {"start": start, "end": end, "limit": limit}
    found: list[tuple[Row, str]] = [
        (row, "search_index")
        for row in db.all(_ALIASES, {**params, "query": f"alias : ({query})"})
    ]
    if _refresh_edited(db):
        found += [(row, "temp.search_fresh") for row in db.all(_EDITED, {**params, "query": query})]
    newest = db.all(_NEWEST, {**params, "query": query, "among": RANKED_AMONG})
    found += [(row, "search_index") for row in newest]
    hits = []
    seen: set[int] = set()
    for row, table in found:
        if row["rowid"] in seen:
            continue  # an alias among the newest matches, or a row indexed meanwhile
        seen.add(row["rowid"])
        if row["snippet"] is not None:
            snippet = _from_fts(row["snippet"], start, end)
        else:
            texts = db.one(_TEXTS.format(columns=", ".join(_TEXT_COLUMNS), table=table),
                           (row["rowid"],))
            snippet = _long_text_snippet([] if texts is None else list(texts), words)
        hits.append(_hit(row, snippet))
        if len(hits) == limit:
            break
    return hits


def _refresh_edited(db: Database) -> bool:
    """Bring the in-memory index of edited rows up to date; whether it holds any."""
    pending = dict(db.all("SELECT doc, changed_at FROM search_pending"))
    if not pending and db.scalar(_FRESH_EXISTS) is None:
        return False
    db.execute(_FRESH_TABLE)
    db.execute(_FRESH_SEEN)
    seen = dict(db.all("SELECT doc, changed_at FROM temp.search_fresh_seen"))
    for doc in seen.keys() - pending.keys():
        db.execute("DELETE FROM temp.search_fresh WHERE rowid = ?", (doc,))
        db.execute("DELETE FROM temp.search_fresh_seen WHERE doc = ?", (doc,))
    for doc, changed_at in pending.items():
        if seen.get(doc) == changed_at:
            continue
        db.execute("DELETE FROM temp.search_fresh WHERE rowid = ?", (doc,))
        db.execute(_FRESH_ROWS[doc % 4], {"doc": doc})
        db.execute(
            "INSERT OR REPLACE INTO temp.search_fresh_seen(doc, changed_at) VALUES (?, ?)",
            (doc, changed_at),
        )
    return bool(pending)


def snippet_parts(snippet: str) -> list[tuple[str, bool]]:
    """Split a snippet into ``(text, matched)`` runs, in order, markers removed."""
    parts: list[tuple[str, bool]] = []
    matched = False
    for piece in _MARKER_SPLIT.split(snippet):
        if piece == MATCH_START:
            matched = True
        elif piece == MATCH_END:
            matched = False
        elif piece:
            parts.append((piece, matched))
    return parts


def _from_fts(raw: str, start: str, end: str) -> str:
    plain = _CONTROL.sub(" ", raw).replace(start, MATCH_START).replace(end, MATCH_END)
    return _WHITESPACE.sub(" ", plain).strip()


def _long_text_snippet(texts: list[str | None], words: list[str]) -> str:
    """A snippet around the first match, found by a case-insensitive regular expression.

    Close to the tokenizer, not identical (it does not fold diacritics): when it
    finds nothing, the snippet is the opening of the text, unmarked.
    """
    pattern = _word_pattern(words)
    present = [text for text in texts if text]
    if pattern is not None:
        for text in present:
            found = pattern.search(text)
            if found is not None:
                return _window(text, found.start(), pattern)
    return _window(present[0], 0, None) if present else ""


def _word_pattern(words: list[str]) -> re.Pattern[str] | None:
    alternatives = []
    for index, word in enumerate(words):
        parts = _ALNUM_RUN.findall(word)
        if not parts:
            continue
        phrase = r"[\W_]+".join(re.escape(part) for part in parts)
        # Like the FTS query: the last word may be the start of a longer one.
        ending = r"[^\W_]*" if index == len(words) - 1 else r"(?![^\W_])"
        alternatives.append(phrase + ending)
    if not alternatives:
        return None
    return re.compile(r"(?<![^\W_])(?:" + "|".join(alternatives) + ")", re.IGNORECASE)


def _window(text: str, at: int, pattern: re.Pattern[str] | None) -> str:
    first = max(0, at - _CONTEXT_BEFORE)
    last = min(len(text), at + _CONTEXT_AFTER)
    piece = text[first:last]
    if first > 0:
        # Start at a word boundary rather than in the middle of a word.
        space = _WHITESPACE.search(piece, 0, at - first)
        if space is not None:
            piece = piece[space.end() :]
    piece = _CONTROL.sub(" ", piece)
    if pattern is not None:
        piece = pattern.sub(lambda m: MATCH_START + m.group(0) + MATCH_END, piece)
    piece = _WHITESPACE.sub(" ", piece).strip()
    return ("…" if first > 0 else "") + piece + ("…" if last < len(text) else "")


def _hit(row: Row, snippet: str) -> SearchHit:
    session_id = row["session_id"]
    incident_id = row["incident_id"]
    return SearchHit(
        kind=SearchHitKind(row["kind"]),
        person_id=PersonId(row["person_id"]),
        session_id=None if session_id is None else SessionId(session_id),
        incident_id=None if incident_id is None else IncidentId(incident_id),
        snippet=snippet,
        rank=float(row["score"]),  # matched words in the best passage: higher is better
    )
