"""The vault's schema, as numbered migrations.

``PRAGMA user_version`` holds the number of the last migration applied. Each
migration runs in its own transaction together with the version bump, so a
crash leaves the vault at one version or the next, never in between. A shipped
migration is never edited: change the schema by appending a new one (and a seed
for it in ``tests/store/test_schema.py``).

The enum values checked below are frozen copies of those in
:mod:`peerdesk.store.models`, deliberately not generated from them: a migration
must mean the same thing forever.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from peerdesk.i18n import _

from .db import Database
from .errors import VaultError, VaultTooNew

Migration = Callable[[Database], None]

_RECORDS = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    # AUTOINCREMENT: an id is never reused, so a stale reference to a deleted
    # person can never land on someone else.
    """CREATE TABLE people (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        alias TEXT NOT NULL CHECK (length(alias) BETWEEN 1 AND 200),
        real_name TEXT CHECK (real_name IS NULL OR length(real_name) BETWEEN 1 AND 200),
        created_at TEXT NOT NULL,
        closed_at TEXT
    )""",
    """CREATE TABLE sessions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        started_at TEXT NOT NULL,
        duration_minutes INTEGER NOT NULL CHECK (duration_minutes BETWEEN 0 AND 1440),
        mode TEXT NOT NULL CHECK (mode IN ('in_person', 'phone', 'video', 'chat')),
        notes TEXT NOT NULL,
        follow_up_on TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    "CREATE INDEX sessions_by_person_time ON sessions(person_id, started_at)",
    "CREATE INDEX sessions_by_follow_up ON sessions(follow_up_on) WHERE follow_up_on IS NOT NULL",
    """CREATE TABLE incidents (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        occurred_at TEXT NOT NULL,
        place TEXT NOT NULL,
        what_happened TEXT NOT NULL,
        who_involved TEXT NOT NULL,
        witnesses TEXT NOT NULL,
        impact TEXT NOT NULL,
        evidence_location TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    "CREATE INDEX incidents_by_person_time ON incidents(person_id, occurred_at)",
    """CREATE TABLE consents (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        recipient_type TEXT NOT NULL CHECK (recipient_type IN ('eap', 'counselling', 'hr',
            'union', 'occupational_health', 'crisis', 'other')),
        recipient_name TEXT NOT NULL,
        purpose TEXT NOT NULL,
        categories TEXT NOT NULL CHECK (json_valid(categories)),
        given_how TEXT NOT NULL CHECK (given_how IN ('verbal', 'written')),
        given_on TEXT NOT NULL,
        expires_on TEXT NOT NULL CHECK (expires_on >= given_on),
        withdrawn_on TEXT,
        created_at TEXT NOT NULL
    )""",
    "CREATE INDEX consents_by_person ON consents(person_id, given_on)",
    """CREATE TABLE referrals (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        consent_id INTEGER REFERENCES consents(id) ON DELETE SET NULL,
        recipient_type TEXT NOT NULL CHECK (recipient_type IN ('eap', 'counselling', 'hr',
            'union', 'occupational_health', 'crisis', 'other')),
        recipient_name TEXT NOT NULL,
        recipient_contact TEXT NOT NULL,
        situation TEXT NOT NULL,
        background TEXT NOT NULL,
        assessment TEXT NOT NULL,
        recommendation TEXT NOT NULL,
        urgency TEXT NOT NULL CHECK (urgency IN ('routine', 'soon', 'urgent')),
        override_reason TEXT,
        status TEXT NOT NULL CHECK (status IN ('draft', 'exported', 'accepted', 'declined')),
        created_at TEXT NOT NULL,
        exported_at TEXT,
        follow_up_on TEXT
    )""",
    "CREATE INDEX referrals_by_person ON referrals(person_id, created_at)",
    # Without it, deleting a consent would scan every referral for the SET NULL.
    "CREATE INDEX referrals_by_consent ON referrals(consent_id) WHERE consent_id IS NOT NULL",
    """CREATE INDEX referrals_by_follow_up ON referrals(follow_up_on)
        WHERE follow_up_on IS NOT NULL""",
    """CREATE TABLE checklist_runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        template_id TEXT NOT NULL,
        template_version INTEGER NOT NULL,
        ticks TEXT NOT NULL CHECK (json_valid(ticks)),
        started_at TEXT NOT NULL
    )""",
    "CREATE INDEX checklist_runs_by_session ON checklist_runs(session_id)",
    # No reference to a person: the audit log outlives what it records, and the
    # CHECK keeps anything but a short snake_case word out of it.
    """CREATE TABLE audit_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        occurred_at TEXT NOT NULL,
        action TEXT NOT NULL CHECK (length(action) BETWEEN 1 AND 64
            AND action GLOB '[a-z]*' AND action NOT GLOB '*[^a-z_]*'),
        count INTEGER CHECK (count IS NULL OR count >= 0)
    )""",
    """CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL CHECK (json_valid(value))
    )""",
)


def _statements(statements: Sequence[str]) -> Migration:
    def apply(db: Database) -> None:
        for statement in statements:
            db.execute(statement)

    return apply


# One FTS5 table covers aliases, session notes and every incident text field.
# Its rowid is derived from the source row (id * 4 + kind), so triggers reach
# the one index row they need without scanning. Real names are not indexed:
# they are discouraged, and every copy is one more place to erase.
# Combining marks (M*) count as parts of words: without them the vowel signs of
# Devanagari, Bengali, Thai... would split every word; Latin accents are still
# folded by remove_diacritics.
_SEARCH_TABLE = """CREATE VIRTUAL TABLE search_index USING fts5(
    kind UNINDEXED, person_id UNINDEXED, session_id UNINDEXED, incident_id UNINDEXED,
    alias, notes, place, what_happened, who_involved, witnesses, impact, evidence_location,
    tokenize = 'unicode61 remove_diacritics 2 categories ''L* N* Co M*''',
    prefix = '2 3'
)"""
SEARCH_TABLE = _SEARCH_TABLE  # search.py builds its in-memory index of edits to match

def search_rows(table: str, where: str = "") -> dict[int, str]:
    """The statements that copy records' current text into the search table ``table``.

    By kind, as in the rowid (1 alias, 2 session, 3 incident); ``where`` picks the
    records (``"WHERE id = :doc >> 2"`` for one index row), or all of them. Both
    arguments are constants of peerdesk's, never anything typed.
    """
    return {
        1: f"""INSERT INTO {table}(rowid, kind, person_id, alias)
            SELECT id * 4 + 1, 'person', id, alias FROM people {where}""",  # noqa: S608
        2: f"""INSERT INTO {table}(rowid, kind, person_id, session_id, notes)
            SELECT id * 4 + 2, 'session', person_id, id, notes FROM sessions {where}""",  # noqa: S608
        3: f"""INSERT INTO {table}(rowid, kind, person_id, incident_id, place, what_happened,
                who_involved, witnesses, impact, evidence_location)
            SELECT id * 4 + 3, 'incident', person_id, id, place, what_happened, who_involved,
                witnesses, impact, evidence_location FROM incidents {where}""",  # noqa: S608
    }


_SEARCH_FILL = tuple(search_rows("search_index").values())

_SEARCH_TRIGGERS = (
    """CREATE TRIGGER people_search_insert AFTER INSERT ON people BEGIN
        INSERT INTO search_index(rowid, kind, person_id, alias)
        VALUES (NEW.id * 4 + 1, 'person', NEW.id, NEW.alias);
    END""",
    """CREATE TRIGGER people_search_update AFTER UPDATE OF alias ON people BEGIN
        UPDATE search_index SET alias = NEW.alias WHERE rowid = OLD.id * 4 + 1;
    END""",
    """CREATE TRIGGER people_search_delete AFTER DELETE ON people BEGIN
        DELETE FROM search_index WHERE rowid = OLD.id * 4 + 1;
    END""",
    """CREATE TRIGGER sessions_search_insert AFTER INSERT ON sessions BEGIN
        INSERT INTO search_index(rowid, kind, person_id, session_id, notes)
        VALUES (NEW.id * 4 + 2, 'session', NEW.person_id, NEW.id, NEW.notes);
    END""",
    # Only when the notes change: editing a duration must not re-index a long note.
    """CREATE TRIGGER sessions_search_update AFTER UPDATE OF notes ON sessions BEGIN
        UPDATE search_index SET notes = NEW.notes WHERE rowid = OLD.id * 4 + 2;
    END""",
    """CREATE TRIGGER sessions_search_delete AFTER DELETE ON sessions BEGIN
        DELETE FROM search_index WHERE rowid = OLD.id * 4 + 2;
    END""",
    """CREATE TRIGGER incidents_search_insert AFTER INSERT ON incidents BEGIN
        INSERT INTO search_index(rowid, kind, person_id, incident_id, place, what_happened,
            who_involved, witnesses, impact, evidence_location)
        VALUES (NEW.id * 4 + 3, 'incident', NEW.person_id, NEW.id, NEW.place,
                NEW.what_happened, NEW.who_involved, NEW.witnesses, NEW.impact,
                NEW.evidence_location);
    END""",
    """CREATE TRIGGER incidents_search_update AFTER UPDATE OF place, what_happened,
        who_involved, witnesses, impact, evidence_location ON incidents BEGIN
        UPDATE search_index SET place = NEW.place, what_happened = NEW.what_happened,
            who_involved = NEW.who_involved, witnesses = NEW.witnesses,
            impact = NEW.impact, evidence_location = NEW.evidence_location
        WHERE rowid = OLD.id * 4 + 3;
    END""",
    """CREATE TRIGGER incidents_search_delete AFTER DELETE ON incidents BEGIN
        DELETE FROM search_index WHERE rowid = OLD.id * 4 + 3;
    END""",
)


def secure_delete_enabled(db: Database) -> bool:
    """Whether the search index erases deleted words (its ``secure-delete`` option)."""
    value = db.scalar("SELECT v FROM search_index_config WHERE k = 'secure-delete'")
    return bool(value == 1)


def create_search_index(db: Database) -> None:
    """The search index, filled from the records (at migration 2, and to rebuild it)."""
    db.execute(_SEARCH_TABLE)
    # Without this, FTS5 only marks deleted words as deleted: the words of a
    # deleted note stay in the index's pages until a merge happens to drop them
    # (see DESIGN.md, "Traps"). SQLite >= 3.42 only.
    db.execute("INSERT INTO search_index(search_index, rank) VALUES ('secure-delete', 1)")
    if not secure_delete_enabled(db):
        raise VaultError(
            _(
                "This copy of peerdesk was built with a database library too old to "
                "erase deleted text from the search index, so the vault was not "
                "upgraded. Install an official build of peerdesk."
            )
        )
    for statement in _SEARCH_FILL:
        db.execute(statement)


def _search(db: Database) -> None:
    create_search_index(db)
    for statement in _SEARCH_TRIGGERS:
        db.execute(statement)


# The exact text of every template a run followed (and of imported ones), so a
# past session always shows the checklist as it was; and a risk flag on
# sessions, with a small index for "is anyone of theirs flagged" in lists.
_TEMPLATES_AND_RISK = (
    """CREATE TABLE checklist_templates (
        template_id TEXT NOT NULL CHECK (length(template_id) BETWEEN 3 AND 64
            AND template_id NOT GLOB '*[^a-z0-9-]*'),
        version INTEGER NOT NULL CHECK (typeof(version) = 'integer' AND version >= 1),
        source BLOB NOT NULL CHECK (typeof(source) = 'blob'
            AND length(source) BETWEEN 1 AND 262144),
        origin TEXT NOT NULL CHECK (origin IN ('builtin', 'imported')),
        stored_at TEXT NOT NULL,
        PRIMARY KEY (template_id, version)
    )""",
    """ALTER TABLE sessions ADD COLUMN risk_flag INTEGER NOT NULL DEFAULT 0
        CHECK (risk_flag IN (0, 1))""",
    "CREATE INDEX sessions_flagged ON sessions(person_id) WHERE risk_flag = 1",
)

# Referral handoffs: the statuses a referral really goes through (its PDF made,
# sent, acknowledged, whether the colleague got connected), what the service
# needs to reach the colleague safely, and the sessions and diary entries put
# into its background.
#
# SQLite cannot change a CHECK, so `referrals` is rebuilt the way SQLite's
# ALTER TABLE documentation describes: create the new table, copy, drop, rename.
# No table references `referrals` yet (referral_items is created after the
# rename), so foreign keys can stay on inside the migration's transaction.
_REFERRAL_COLUMNS_V3 = (
    "id, person_id, consent_id, recipient_type, recipient_name, recipient_contact, "
    "situation, background, assessment, recommendation, urgency, override_reason, "
    "created_at, exported_at, follow_up_on"
)

_REFERRAL_HANDOFFS = (
    """CREATE TABLE referrals_v4 (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        consent_id INTEGER REFERENCES consents(id) ON DELETE SET NULL,
        recipient_type TEXT NOT NULL CHECK (recipient_type IN ('eap', 'counselling', 'hr',
            'union', 'occupational_health', 'crisis', 'other')),
        recipient_name TEXT NOT NULL,
        recipient_contact TEXT NOT NULL,
        situation TEXT NOT NULL,
        background TEXT NOT NULL,
        assessment TEXT NOT NULL,
        recommendation TEXT NOT NULL,
        urgency TEXT NOT NULL CHECK (urgency IN ('routine', 'soon', 'urgent')),
        override_reason TEXT,
        status TEXT NOT NULL CHECK (status IN ('draft', 'created', 'sent', 'acknowledged',
            'connected', 'not_connected')),
        created_at TEXT NOT NULL,
        exported_at TEXT,
        follow_up_on TEXT,
        colleague_name TEXT NOT NULL DEFAULT '',
        contact_safe_way TEXT NOT NULL DEFAULT '',
        contact_safe_times TEXT NOT NULL DEFAULT '',
        language_needs TEXT NOT NULL DEFAULT '',
        risk_flags TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(risk_flags)),
        safety_check TEXT NOT NULL DEFAULT 'not_recorded'
            CHECK (safety_check IN ('done', 'not_done', 'not_recorded')),
        sent_on TEXT,
        acknowledged_on TEXT,
        outcome_on TEXT,
        outcome_note TEXT NOT NULL DEFAULT ''
    )""",
    # exported -> created (its PDF was made), accepted -> acknowledged (the service
    # answered), declined -> not_connected (it ended without a connection). The
    # dates of those steps were never recorded, so they stay empty.
    f"""INSERT INTO referrals_v4({_REFERRAL_COLUMNS_V3}, status)
        SELECT {_REFERRAL_COLUMNS_V3}, CASE status
            WHEN 'exported' THEN 'created'
            WHEN 'accepted' THEN 'acknowledged'
            WHEN 'declined' THEN 'not_connected'
            ELSE status END
        FROM referrals""",  # noqa: S608 - fixed column names
    # Ids are never reused (AUTOINCREMENT): carry the old counter over, even past
    # referrals deleted before the upgrade. DROP TABLE removes the old entry and
    # RENAME renames the new one.
    "DELETE FROM sqlite_sequence WHERE name = 'referrals_v4'",
    """INSERT INTO sqlite_sequence(name, seq)
        SELECT 'referrals_v4', max(seq) FROM sqlite_sequence WHERE name = 'referrals'
        HAVING max(seq) IS NOT NULL""",
    "DROP TABLE referrals",
    "ALTER TABLE referrals_v4 RENAME TO referrals",
    "CREATE INDEX referrals_by_person ON referrals(person_id, created_at)",
    "CREATE INDEX referrals_by_consent ON referrals(consent_id) WHERE consent_id IS NOT NULL",
    """CREATE INDEX referrals_by_follow_up ON referrals(follow_up_on)
        WHERE follow_up_on IS NOT NULL""",
    # The sessions and diary entries a referral's background draws on, in the
    # supporter's order. Deleting the session or the entry takes it out of the
    # referral too: nothing may outlive an erasure.
    """CREATE TABLE referral_items (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        referral_id INTEGER NOT NULL REFERENCES referrals(id) ON DELETE CASCADE,
        position INTEGER NOT NULL CHECK (typeof(position) = 'integer' AND position >= 0),
        session_id INTEGER REFERENCES sessions(id) ON DELETE CASCADE,
        incident_id INTEGER REFERENCES incidents(id) ON DELETE CASCADE,
        summary TEXT NOT NULL,
        include_raw INTEGER NOT NULL CHECK (include_raw IN (0, 1)),
        CHECK ((session_id IS NULL) <> (incident_id IS NULL)),
        UNIQUE (referral_id, position),
        UNIQUE (referral_id, session_id),
        UNIQUE (referral_id, incident_id)
    )""",
    # (referral_id, position) above serves "the items of these referrals"; these
    # two spare a scan of every item when a session or diary entry is deleted.
    """CREATE INDEX referral_items_by_session ON referral_items(session_id)
        WHERE session_id IS NOT NULL""",
    """CREATE INDEX referral_items_by_incident ON referral_items(incident_id)
        WHERE incident_id IS NOT NULL""",
)

# Data lifecycle: the concern categories a session is about (from a fixed
# taxonomy, for anonymous statistics); a closed person kept past the retention
# period, until when and why; and the contact log that a contact-log-only vault
# keeps instead of people (date, duration, mode, concerns, whether a referral
# was made, and nothing that could name anyone).
_LIFECYCLE = (
    """ALTER TABLE sessions ADD COLUMN concerns TEXT NOT NULL DEFAULT '[]'
        CHECK (json_valid(concerns) AND json_type(concerns) = 'array')""",
    "ALTER TABLE people ADD COLUMN keep_until TEXT",
    "ALTER TABLE people ADD COLUMN keep_reason TEXT",
    """CREATE TABLE contact_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        occurred_on TEXT NOT NULL CHECK (occurred_on GLOB
            '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
        duration_minutes INTEGER NOT NULL CHECK (duration_minutes BETWEEN 0 AND 1440),
        mode TEXT NOT NULL CHECK (mode IN ('in_person', 'phone', 'video', 'chat')),
        concerns TEXT NOT NULL DEFAULT '[]'
            CHECK (json_valid(concerns) AND json_type(concerns) = 'array'),
        referral_made INTEGER NOT NULL CHECK (referral_made IN (0, 1)),
        created_at TEXT NOT NULL
    )""",
    "CREATE INDEX contact_log_by_day ON contact_log(occurred_on)",
    "CREATE INDEX sessions_by_start ON sessions(started_at)",
)

# FTS5 with its 'secure-delete' option corrupts its own index on an UPDATE of an
# indexed row (SQLite 3.53.4 as bundled by sqlcipher3: "fts5: checksum mismatch"
# after a few dozen note edits, found by tests/e2e/test_crash_safety.py). The
# index then fails the quick_check every open runs, and the vault no longer
# opens. So does a DELETE then INSERT of the same rowid in one transaction,
# unless FTS5's pending changes are written out between the two: a 'merge' of
# one page does that (and little else). The DELETE still erases the old words.
_SEARCH_UPDATES_AS_REPLACE = (
    "DROP TRIGGER people_search_update",
    """CREATE TRIGGER people_search_update AFTER UPDATE OF alias ON people BEGIN
        DELETE FROM search_index WHERE rowid = OLD.id * 4 + 1;
        INSERT INTO search_index(search_index, rank) VALUES ('merge', 1);
        INSERT INTO search_index(rowid, kind, person_id, alias)
        VALUES (NEW.id * 4 + 1, 'person', NEW.id, NEW.alias);
    END""",
    "DROP TRIGGER sessions_search_update",
    """CREATE TRIGGER sessions_search_update AFTER UPDATE OF notes ON sessions BEGIN
        DELETE FROM search_index WHERE rowid = OLD.id * 4 + 2;
        INSERT INTO search_index(search_index, rank) VALUES ('merge', 1);
        INSERT INTO search_index(rowid, kind, person_id, session_id, notes)
        VALUES (NEW.id * 4 + 2, 'session', NEW.person_id, NEW.id, NEW.notes);
    END""",
    "DROP TRIGGER incidents_search_update",
    """CREATE TRIGGER incidents_search_update AFTER UPDATE OF place, what_happened,
        who_involved, witnesses, impact, evidence_location ON incidents BEGIN
        DELETE FROM search_index WHERE rowid = OLD.id * 4 + 3;
        INSERT INTO search_index(search_index, rank) VALUES ('merge', 1);
        INSERT INTO search_index(rowid, kind, person_id, incident_id, place, what_happened,
            who_involved, witnesses, impact, evidence_location)
        VALUES (NEW.id * 4 + 3, 'incident', NEW.person_id, NEW.id, NEW.place,
                NEW.what_happened, NEW.who_involved, NEW.witnesses, NEW.impact,
                NEW.evidence_location);
    END""",
)

# The people list asks, for each person, whether their latest session planned a
# follow-up that is now due. Through sessions_by_person_time that is a read of
# the session's whole row (notes and all) per person: about 60 ms for 2,000
# people over 100,000 sessions. This partial index answers it by itself, and
# holds only the sessions that planned a follow-up (benchmark issue 7).
_FOLLOW_UP_BY_PERSON = (
    """CREATE INDEX sessions_follow_up_by_person
        ON sessions(person_id, started_at, follow_up_on) WHERE follow_up_on IS NOT NULL""",
)

# Re-indexing an edited note with 'secure-delete' on rewrites a page of the index
# for every distinct word in it: on 100,000 sessions, 170-300 ms for a 5,000-word
# note, on every autosave (benchmark issue 7). So an edit of a note or an incident
# only marks its index row as behind (search_pending); peerdesk.store.indexer
# re-indexes it on a connection and thread of its own once the typing has
# settled, and at the latest when the vault closes. Until then search reads the
# row's current text (search.py), and the old words, still erased by the
# re-index, never show in results. Deletes still take the words out at once.
_DEFERRED_REINDEX = (
    """CREATE TABLE search_pending (
        doc INTEGER PRIMARY KEY,
        changed_at REAL NOT NULL
    )""",
    "DROP TRIGGER sessions_search_update",
    """CREATE TRIGGER sessions_search_update AFTER UPDATE OF notes ON sessions BEGIN
        INSERT INTO search_pending(doc, changed_at) VALUES (OLD.id * 4 + 2, unixepoch('subsec'))
        ON CONFLICT(doc) DO UPDATE SET changed_at = excluded.changed_at;
    END""",
    "DROP TRIGGER incidents_search_update",
    """CREATE TRIGGER incidents_search_update AFTER UPDATE OF place, what_happened,
        who_involved, witnesses, impact, evidence_location ON incidents BEGIN
        INSERT INTO search_pending(doc, changed_at) VALUES (OLD.id * 4 + 3, unixepoch('subsec'))
        ON CONFLICT(doc) DO UPDATE SET changed_at = excluded.changed_at;
    END""",
    "DROP TRIGGER sessions_search_delete",
    """CREATE TRIGGER sessions_search_delete AFTER DELETE ON sessions BEGIN
        DELETE FROM search_index WHERE rowid = OLD.id * 4 + 2;
        DELETE FROM search_pending WHERE doc = OLD.id * 4 + 2;
    END""",
    "DROP TRIGGER incidents_search_delete",
    """CREATE TRIGGER incidents_search_delete AFTER DELETE ON incidents BEGIN
        DELETE FROM search_index WHERE rowid = OLD.id * 4 + 3;
        DELETE FROM search_pending WHERE doc = OLD.id * 4 + 3;
    END""",
)

MIGRATIONS: tuple[Migration, ...] = (
    _statements(_RECORDS),  # 1: the records
    _search,  # 2: full-text search
    _statements(_TEMPLATES_AND_RISK),  # 3: stored checklist templates, session risk flag
    _statements(_REFERRAL_HANDOFFS),  # 4: referral statuses, safe contact, included records
    _statements(_LIFECYCLE),  # 5: concern categories, retention hold, contact log
    _statements(_SEARCH_UPDATES_AS_REPLACE),  # 6: search index updates that keep it whole
    _statements(_FOLLOW_UP_BY_PERSON),  # 7: the people list's follow-up, from an index
    _statements(_DEFERRED_REINDEX),  # 8: edited notes re-indexed off the save path
)

CURRENT_VERSION = len(MIGRATIONS)

TOO_NEW_MESSAGE = (
    "This vault was written by a newer version of peerdesk. Update peerdesk to "
    "open it; nothing has been changed."
)


def schema_version(db: Database) -> int:
    version = db.scalar("PRAGMA user_version")
    return int(version)


def migrate(db: Database, *, target: int = CURRENT_VERSION) -> int:
    """Bring the vault's schema up to ``target`` and return the version it is at.

    ``target`` below the current version is for tests that build an older vault.
    A vault newer than this peerdesk is refused before anything is written.
    """
    if not 0 <= target <= CURRENT_VERSION:
        raise ValueError(f"no schema version {target}")
    version = schema_version(db)
    if version > CURRENT_VERSION:
        raise VaultTooNew(_(TOO_NEW_MESSAGE))
    while version < target:
        with db.transaction():
            MIGRATIONS[version](db)
            version += 1
            # PRAGMA cannot take a bound parameter; version is an int we computed.
            db.execute(f"PRAGMA user_version = {version:d}")
    return version
