"""The search index stays whole, and search stays right, whatever edits share a transaction.

A corrupted FTS5 index ("checksum mismatch") was once seen after note edits
(schema migration 6), and edits are now re-indexed later, on another path
(schema 8). Any sequence of adds, edits, deletes, renames and re-indexes,
grouped into transactions at random, must leave FTS5's own integrity check and
SQLite's passing, and every search agreeing with what the notes say, both with
edits pending and once they are all re-indexed.
"""

from __future__ import annotations

import os
import random
import string
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerdesk.store.db import Database
from peerdesk.store.indexer import catch_up, reindex
from peerdesk.store.people import PeopleRepository
from peerdesk.store.schema import migrate
from peerdesk.store.search import search
from peerdesk.store.sessions import SessionsRepository

# All six letters long, so no word is the start of another (search completes the
# last word typed); enough of them that edits touch many pages of the index.
WORDS = sorted(
    {"".join(random.Random(n).choices(string.ascii_lowercase, k=6)) for n in range(400)}  # noqa: S311
)
CHECKED = WORDS[::25]

_notes = st.lists(st.sampled_from(WORDS), min_size=0, max_size=60).map(" ".join)
_operation = st.one_of(
    st.tuples(st.just("add"), _notes),
    st.tuples(st.just("edit"), st.integers(0, 7), _notes),
    st.tuples(st.just("delete"), st.integers(0, 7)),
    st.tuples(st.just("rename"), st.sampled_from(CHECKED)),
    st.tuples(st.just("reindex"), st.integers(0, 7)),
    st.tuples(st.just("catch_up")),
)
# Each inner list runs as one transaction.
_script = st.lists(st.lists(_operation, min_size=1, max_size=10), min_size=1, max_size=20)


def _run(db: Database, script: list[list[tuple[Any, ...]]]) -> dict[int, str]:
    people, sessions = PeopleRepository(db), SessionsRepository(db)
    person = people.add(alias="Robin")
    model: dict[int, str] = {}
    for batch in script:
        with db.transaction():
            for operation in batch:
                kind, *args = operation
                ids = sorted(model)
                if kind == "add":
                    model[sessions.add(person.id, notes=args[0]).id] = args[0]
                elif kind == "edit" and ids:
                    target = ids[args[0] % len(ids)]
                    sessions.update(target, notes=args[1])  # type: ignore[arg-type]
                    model[target] = args[1]
                elif kind == "delete" and ids:
                    target = ids[args[0] % len(ids)]
                    sessions.delete(target)  # type: ignore[arg-type]
                    del model[target]
                elif kind == "rename":
                    people.rename(person.id, f"Robin {args[0]}")
                elif kind == "reindex" and ids:
                    reindex(db, ids[args[0] % len(ids)] * 4 + 2)
                elif kind == "catch_up":
                    catch_up(db)
    return model


def _check(db: Database, model: dict[int, str]) -> None:
    # Raises (as a damaged vault) if the index does not match its own content.
    db.execute("INSERT INTO search_index(search_index, rank) VALUES ('integrity-check', 1)")
    for word in CHECKED + [alias_word for alias_word in WORDS[:3]]:
        found = {hit.session_id for hit in search(db, word) if hit.session_id is not None}
        assert found == {sid for sid, notes in model.items() if word in notes.split()}, word


@settings(
    max_examples=int(os.environ.get("PEERDESK_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(script=_script)
def test_any_mix_of_edits_in_a_transaction_keeps_the_index_whole(
    script: list[list[tuple[Any, ...]]],
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = Database.open(Path(folder) / "vault.db", os.urandom(32), create=True)
        try:
            migrate(db)
            model = _run(db, script)
            _check(db, model)  # with edits still pending
            catch_up(db)
            assert db.scalar("SELECT count(*) FROM search_pending") == 0
            _check(db, model)  # and once every edit is in the index
            assert db.scalar("PRAGMA integrity_check") == "ok"
        finally:
            db.close()
