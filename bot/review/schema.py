"""Tables of the review tool, next to Rasa's `events` table in the tracker database.

`review_conversations`, `review_turns`, `review_structures` and `review_eligibility` are a
summary kept up to date by the tracker store on every save, so the inbox, the queue and the
dashboard query indexed columns instead of parsing every event. The other tables belong to the
review app (accounts, tags, notes, reviewer labels, audit log).
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

# Same layout as rasa.core.tracker_store.SQLTrackerStore.SQLEvent, so either side may create it.
events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("type_name", sa.String(255), nullable=False),
    sa.Column("timestamp", sa.Float),
    sa.Column("intent_name", sa.String(255)),
    sa.Column("action_name", sa.String(255)),
    sa.Column("data", sa.Text),
)

conversations = sa.Table(
    "review_conversations",
    metadata,
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("channel", sa.String(64)),
    sa.Column("started_at", sa.Float, nullable=False),
    sa.Column("started_day", sa.String(10), nullable=False),
    sa.Column("last_event_at", sa.Float, nullable=False),
    sa.Column("turns", sa.Integer, nullable=False, default=0),
    sa.Column("fallback", sa.Boolean, nullable=False, default=False),
    sa.Column("min_confidence", sa.Float),
    sa.Column("handoff", sa.Boolean, nullable=False, default=False),
    sa.Column("eligibility_done", sa.Boolean, nullable=False, default=False),
    sa.Column("status", sa.String(16), nullable=False, default="new"),
    # Inbox order is newest first; each filter column leads a composite index with the order
    # key so a filtered page is an index range scan, not a sort of the whole table.
    sa.Index("ix_review_conv_started", "started_at", "sender_id"),
    sa.Index("ix_review_conv_day", "started_day"),
    sa.Index("ix_review_conv_last", "last_event_at"),
    sa.Index("ix_review_conv_channel", "channel", "started_at"),
    sa.Index("ix_review_conv_fallback", "fallback", "started_at"),
    sa.Index("ix_review_conv_handoff", "handoff", "started_at"),
    sa.Index("ix_review_conv_eligibility", "eligibility_done", "started_at"),
    sa.Index("ix_review_conv_status", "status", "started_at"),
    sa.Index("ix_review_conv_confidence", "min_confidence"),
)

turns = sa.Table(
    "review_turns",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False),
    sa.Column("ts", sa.Float, nullable=False),
    sa.Column("day", sa.String(10), nullable=False),
    sa.Column("text", sa.Text, nullable=False, default=""),
    # Lower-case, accent-free, punctuation-free text: free-text search and grouping.
    sa.Column("search", sa.Text, nullable=False, default=""),
    sa.Column("group_key", sa.String(200), nullable=False, default=""),
    sa.Column("intent", sa.String(255)),
    sa.Column("confidence", sa.Float),
    sa.Column("entities", sa.Text),
    sa.Column("fallback", sa.Boolean, nullable=False, default=False),
    # Fallback or confidence below LOW_CONFIDENCE: what the misunderstood queue lists.
    sa.Column("doubtful", sa.Boolean, nullable=False, default=False),
    # "/intent{...}" payloads sent by buttons: not something a person typed.
    sa.Column("payload", sa.Boolean, nullable=False, default=False),
    sa.Index("ix_review_turns_sender", "sender_id", "id"),
    sa.Index("ix_review_turns_day", "day"),
    sa.Index("ix_review_turns_intent", "intent", "sender_id"),
    # Covers the queue's GROUP BY (no table access); the second index serves its samples.
    sa.Index("ix_review_turns_doubtful", "doubtful", "payload", "group_key", "ts"),
    sa.Index("ix_review_turns_group", "group_key", "id"),
)

structures = sa.Table(
    "review_structures",
    metadata,
    sa.Column("structure", sa.String(64), primary_key=True),
    sa.Column("sender_id", sa.String(255), primary_key=True),
)

eligibility = sa.Table(
    "review_eligibility",
    metadata,
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("structure", sa.String(64), primary_key=True),
    sa.Column("outcome", sa.String(32), nullable=False),
)

users = sa.Table(
    "review_users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(64), nullable=False, unique=True),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    # Bumped when the role, the password or the active flag changes: older sessions end.
    sa.Column("epoch", sa.Integer, nullable=False, default=0),
    sa.Column("created_at", sa.Float, nullable=False),
)

tags = sa.Table(
    "review_tags",
    metadata,
    sa.Column("tag", sa.String(40), primary_key=True),
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("author", sa.String(64), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Index("ix_review_tags_sender", "sender_id"),
)

notes = sa.Table(
    "review_notes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("author", sa.String(64), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)

labels = sa.Table(
    "review_labels",
    metadata,
    sa.Column("group_key", sa.String(200), primary_key=True),
    sa.Column("intent", sa.String(255), nullable=False),
    sa.Column("author", sa.String(64), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)

audit = sa.Table(
    "review_audit",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", sa.Float, nullable=False, index=True),
    sa.Column("actor", sa.String(64), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("target", sa.String(255), nullable=False, default=""),
    sa.Column("detail", sa.Text, nullable=False, default=""),
)

# One row per deleted conversation, kept after the deletion: the tracker store refuses to
# write back a conversation loaded before it (a turn in flight while a reviewer deletes).
erasures = sa.Table(
    "review_erasures",
    metadata,
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("erased_at", sa.Float, nullable=False),
)

# Rows that belong to one conversation: what retention and deletion remove.
PER_CONVERSATION = (events, turns, structures, eligibility, tags, notes, conversations)
