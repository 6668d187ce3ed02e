"""The email channel's commands: invitations, reading replies, the inbox server and review."""

from __future__ import annotations

from .inbox import inbox_command
from .ingest import ingest_command
from .invite import invite_command
from .review import review_group

COMMANDS = (invite_command, ingest_command, inbox_command, review_group)
