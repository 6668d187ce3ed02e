"""The ``email`` renderer and channel: a plain-text form, invitations, and reading the replies.

The form is written so a person can fill it in by replying; replies arrive as files (.eml, mbox,
maildir) or through a small SMTP inbox, are stored raw before anything else happens, and are read
back into answers.  Whatever cannot be read with certainty goes to a review queue for an officer.
Accepted replies go through :class:`surveykit.SubmitService` with channel ``email``, like every
other channel.  This package is an ordinary surveykit plugin using only the public API.
"""

from __future__ import annotations

from surveykit import hookimpl


@hookimpl
def surveykit_register_renderers(register):
    from .form import EmailRenderer

    register(EmailRenderer())


@hookimpl
def surveykit_register_commands(cli):
    from .commands import COMMANDS as channel_commands
    from .form_command import COMMANDS as form_commands

    for command in (*form_commands, *channel_commands):
        cli.add_command(command)
