"""Option pieces shared by the ``surveykit`` commands, core and plugin alike (public API)."""

from __future__ import annotations

import datetime as dt

import click

__all__ = ["parse_date"]


def parse_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    """A click callback reading YYYY-MM-DD, with a usage error people can act on."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date: write it as 2030-12-31") from None
