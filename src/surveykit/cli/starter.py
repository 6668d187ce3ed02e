"""What ``surveykit init`` writes: a deployment file and a small spec to start from.

The spec is written for a council officer to edit, not for a programmer: every question kind,
a conditional question and a consent question, each with a comment saying what it shows.  It
opens the day it is written and closes twelve weeks later, the usual length of a consultation,
so it can be served and answered at once.
"""

from __future__ import annotations

import datetime as dt

__all__ = ["DEPLOYMENT_TEXT", "SPEC_FILE", "spec_text", "starter_files"]

#: Where the starter spec goes, relative to the deployment file.
SPEC_FILE = "specs/consultation.toml"
#: How long the starter consultation stays open.
WEEKS_OPEN = 12

DEPLOYMENT_TEXT = f"""\
# The deployment: what every surveykit command run in this folder shares.
# An option on the command line, or its environment variable, overrides a setting here;
# `surveykit config` shows the settings in force and where each came from.
# Relative paths are relative to this file's folder.

[deployment]
store = "sqlite:///responses.db"
# secret_file = "responses.db.secret"          # default: beside the SQLite database
# base_url = "https://consult.example.gov.uk"  # where the web form is served
# open_until = 2030-12-31                      # reopen every consultation, for a demonstration

# [smtp]
# server = "localhost:25"
# sender = "consultations@example.gov.uk"

# [branding]
# organisation = "Example Borough Council"
# service_name = "Have your say"
# contact_email = "consultations@example.gov.uk"

# One [[consultations]] table for each consultation this deployment runs.
[[consultations]]
spec = "{SPEC_FILE}"    # a spec file, or a packaged spec's name such as "taking-stock"
path = "library-hours"               # served under /library-hours/; commands take this name
"""


def spec_text(today: dt.date) -> str:
    """The starter spec, open from ``today`` for :data:`WEEKS_OPEN` weeks."""
    closes = today + dt.timedelta(weeks=WEEKS_OPEN)
    return f'''\
# A starter consultation: edit the wording, the dates and the questions, then check it with
#   surveykit validate {SPEC_FILE}
# and see it as respondents will with
#   surveykit show library-hours
# docs/spec-format.md describes every key.

[consultation]
id = "library-hours"
title = "Library opening hours"
publisher = "Example Borough Council"
opens = {today.isoformat()}
closes = {closes.isoformat()}     # responses are taken until the end of this day
timezone = "Europe/London"
contact = "consultations@example.gov.uk"
privacy_notice = """\\
Your answers are used only for this consultation. No one will be identified in what we \\
publish unless they agree to it."""
introduction = """
We are reviewing when our libraries are open. Tell us how you use them and what would suit you.
"""

[[sections]]
id = "your_library"
title = "Your library"

# A single choice: one answer from a list.  Option values are stored; never change them once
# responses exist (labels may be corrected at any time).
[[sections.questions]]
id = "visits"
number = "1"
text = "How often do you visit a library?"
kind = "single"
required = true
options = [
    {{ value = "weekly", label = "Every week" }},
    {{ value = "monthly", label = "Every month" }},
    {{ value = "rarely", label = "Less often" }},
    {{ value = "never", label = "Never" }},
]

# A multiple choice: any number of answers.
[[sections.questions]]
id = "times"
number = "2"
text = "When would you most like the library to be open?"
hint = "Choose all that apply."
kind = "multi"
options = [
    {{ value = "mornings", label = "Weekday mornings" }},
    {{ value = "evenings", label = "Weekday evenings" }},
    {{ value = "weekends", label = "Weekends" }},
]

# A conditional question: shown only to those who answered "Never" to question 1.
[[sections.questions]]
id = "why_not"
number = "3"
text = "What stops you using the library?"
kind = "text"
max_length = 2000
shown_if = 'visits == "never"'

[[sections]]
id = "publishing"
title = "Publishing your response"

[[sections.questions]]
id = "consent"
number = "4"
text = "May we quote what you have written when we publish the results?"
kind = "single"
required = true
options = [
    {{ value = "quote", label = "Yes, without my name" }},
    {{ value = "no_quote", label = "No" }},
]

# What published reports may show: only quotes from those who agreed, and no count below 5.
[publication]
consent_question = "consent"
quote = ["quote"]
threshold = 5
'''


def starter_files(today: dt.date) -> dict[str, str]:
    """Each file ``surveykit init`` writes, by its path relative to the folder, and its text."""
    return {"surveykit.toml": DEPLOYMENT_TEXT, SPEC_FILE: spec_text(today)}
