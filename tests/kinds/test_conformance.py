"""Every built-in kind runs the kind conformance suite that plugin authors run on theirs."""

from __future__ import annotations

from surveykit.testing_kinds import KindConformance
from surveykit_kinds import (
    Date,
    Email,
    Grid,
    MultiChoice,
    Number,
    Phone,
    Ranking,
    SingleChoice,
    Text,
    UKPostcode,
)


class TestSingle(KindConformance):
    kind = SingleChoice()


class TestMulti(KindConformance):
    kind = MultiChoice()


class TestText(KindConformance):
    kind = Text()


class TestNumber(KindConformance):
    kind = Number()


class TestDate(KindConformance):
    kind = Date()


class TestEmail(KindConformance):
    kind = Email()


class TestPostcode(KindConformance):
    kind = UKPostcode()


class TestPhone(KindConformance):
    kind = Phone()


class TestGrid(KindConformance):
    kind = Grid()


class TestRanking(KindConformance):
    kind = Ranking()
