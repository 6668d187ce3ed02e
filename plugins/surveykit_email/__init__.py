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
def surveykit_register_catalogues(register):
    """The email channel's own words in English and Welsh (``locale/``, domain
    ``surveykit_email``)."""
    from surveykit.i18n import catalogues_in

    from .language import DOMAIN, LOCALE

    for catalogue in catalogues_in(LOCALE, DOMAIN):
        register(catalogue)


@hookimpl
def surveykit_register_renderers(register):
    from .form import EmailRenderer

    register(EmailRenderer())


#: name, import path, short help: each imported only when it runs (docs/hooks.md).
LAZY_COMMANDS = (
    (
        "email-form",
        "surveykit_email.form_command:email_form_command",
        "Write a consultation as a plain-text form to fill in by replying to an email.",
    ),
    (
        "invite",
        "surveykit_email.invite:invite_command",
        "Email each roster respondent their own new link and the plain-text form.",
    ),
    (
        "ingest",
        "surveykit_email.ingest:ingest_command",
        "Read emailed replies from .eml files, mbox files or maildirs, and submit or queue them.",
    ),
    (
        "inbox",
        "surveykit_email.inbox:inbox_command",
        "Receive emailed replies over SMTP, storing each before accepting it.",
    ),
    (
        "review",
        "surveykit_email.review:review_group",
        "Resolve the emailed replies that could not be submitted with certainty.",
    ),
)


@hookimpl
def surveykit_register_commands(cli):
    from surveykit.cli.lazy import add_lazy_command

    for name, import_path, short_help in LAZY_COMMANDS:
        add_lazy_command(cli, name, import_path, short_help=short_help, extra="email")
