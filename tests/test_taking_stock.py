"""The reference deployment, specs/taking_stock.toml, checked against the seed document.

The seed (the LGA's "Taking stock" consultation as markdown) lives in ``shared/seed`` beside the
repository clone; it is parsed here at test time, so the spec cannot drift from it unnoticed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import surveykit
from surveykit import Choice

REPO_ROOT = Path(__file__).resolve().parents[1]
SPEC = REPO_ROOT / "specs" / "taking_stock.toml"
SEED = REPO_ROOT.parent / "shared" / "seed" / "taking-stock-consultation.md"
LONDON = ZoneInfo("Europe/London")

NUMBERED = [f"q{n}" for n in range(1, 22)]
YES_NO_DONT_KNOW = [("yes", "Yes"), ("no", "No"), ("dont_know", "Don't know")]
SLUG = re.compile(r"[a-z][a-z0-9_]*\Z")

#: The one sentence of "How to respond" that is not the seed's word for word: the seed's
#: "... by clicking here: <third-party survey URL>" is cut, as surveykit issues the links.
EDITED_LINK_SENTENCE = (
    "Anyone else wishing to submit a response can generate their own unique link."
)

# (section id, title, question ids) in spec order.
SECTIONS = [
    ("about_you", "About you", ["role", "authority_type", "authority"]),
    ("key_principles", "Key principles and future challenges", NUMBERED[0:6]),
    (
        "improvement_assurance_intervention",
        "Improvement, assurance and intervention",
        NUMBERED[6:11],
    ),
    ("improvement_support", "Improvement support", ["q12"]),
    ("childrens_services", "Children's services", NUMBERED[12:19]),
    ("adult_social_care_and_health", "Adult social care and health", ["q20"]),
    ("conclusion", "Conclusion", ["q21"]),
    ("publishing", "Publishing your response", ["consent"]),
]

ROLES = [("leader", "Leader"), ("chief_executive", "Chief executive"), ("other", "Other")]
AUTHORITY_TYPES = [
    ("county", "County council"),
    ("district", "District council"),
    ("unitary", "Unitary council"),
    ("metropolitan", "Metropolitan borough council"),
    ("london_borough", "London borough council"),
    ("fire_and_rescue", "Fire and rescue authority"),
    ("other", "Other organisation"),
]


# --- reading the seed -----------------------------------------------------------------------

QUESTION_LINE = re.compile(r"(?:\*\*|#+\s+)(\d+)\.\s+(.+?)(?:\*\*)?\s*\Z")
HEADING = re.compile(r"#+\s+(.*?)\s*\Z")


@dataclass
class SeedQuestion:
    number: str
    text: str
    line: int
    options: list[str] = field(default_factory=list)


def _seed_text() -> str:
    if not SEED.is_file():
        pytest.skip(f"the seed document is not at {SEED} (CI copies shared/ beside the clone)")
    return SEED.read_text(encoding="utf-8")


def parse_seed_questions(text: str) -> list[SeedQuestion]:
    """Numbered bold (or heading) questions, each with its "Answer options:" list if any.

    Options are either "- " bullets or, as in question 1, plain paragraphs; a bulleted list ends
    at the first line that is not a bullet, a plain one at the next bold line or heading.
    """
    questions: list[SeedQuestion] = []
    current: SeedQuestion | None = None
    state = "after_question"  # then "options_start", "bullets", "plain", or "done"
    for index, raw in enumerate(text.splitlines()):
        line = raw.strip()
        match = QUESTION_LINE.match(line)
        if match:
            current = SeedQuestion(match[1], match[2].strip(), index)
            questions.append(current)
            state = "after_question"
            continue
        if current is None or not line or state == "done":
            continue
        if state == "after_question":
            state = "options_start" if line == "Answer options:" else "done"
            continue
        if state == "options_start":
            state = "bullets" if line.startswith("- ") else "plain"
        ended = not line.startswith("- ") if state == "bullets" else line.startswith(("**", "#"))
        if ended:
            state = "done"
        else:
            current.options.append(line.removeprefix("- ").strip())
    return questions


def plain(markdown: str) -> str:
    """Text without heading, bullet and bold markers, with all whitespace runs made one space."""
    text = re.sub(r"^\s*(?:#+|-)\s+", "", markdown, flags=re.MULTILINE)
    return " ".join(text.replace("**", "").split())


def paragraphs(markdown: str) -> list[str]:
    return [p.strip() for p in markdown.strip().split("\n\n") if p.strip()]


def seed_between(text: str, start: str, end: str) -> str:
    """The seed's lines after the heading ``start`` and before the heading ``end``."""
    lines = text.splitlines()
    headings = [(i, m[1]) for i, line in enumerate(lines) if (m := HEADING.match(line.strip()))]
    first = next(i for i, title in headings if title == start)
    last = next(i for i, title in headings if title == end and i > first)
    return "\n".join(lines[first + 1 : last])


def seed_lead_in(text: str, question: SeedQuestion, previous: SeedQuestion) -> str:
    """The narrative between two seed questions, less the section heading that opens it and the
    "Consultation question(s)" headings: what a section's intro must reproduce."""
    lines = text.splitlines()[previous.line + 1 : question.line]
    kept: list[str] = []
    for raw in lines:
        line = raw.strip()
        heading = HEADING.match(line)
        if heading and heading[1].startswith("Consultation question"):
            continue
        if heading and not any(k.strip() for k in kept):
            continue  # the section's own title
        kept.append(raw)
    return "\n".join(kept)


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def consultation() -> surveykit.Consultation:
    return surveykit.load_spec(SPEC)


@pytest.fixture(scope="module")
def engine(consultation: surveykit.Consultation) -> surveykit.Engine:
    return surveykit.Engine(consultation)


@pytest.fixture(scope="module")
def seed_text() -> str:
    return _seed_text()


@pytest.fixture(scope="module")
def seed_questions(seed_text: str) -> dict[str, SeedQuestion]:
    return {f"q{q.number}": q for q in parse_seed_questions(seed_text)}


def numbered(consultation: surveykit.Consultation) -> list[surveykit.Question]:
    return [q for q in consultation.questions if q.id in NUMBERED]


# --- loading --------------------------------------------------------------------------------


def test_spec_loads_without_warnings(consultation):
    """The spec loads cleanly: no problems and no warnings."""
    assert consultation.warnings == ()
    assert len(consultation.questions) == 25


def test_sections_follow_the_seed_structure(consultation):
    """Sections come in the seed's order, about you first and publishing last."""
    got = [(s.id, s.title, [q.id for q in s.questions]) for s in consultation.sections]
    assert got == SECTIONS


# --- the seed's questions -------------------------------------------------------------------


def test_seed_has_twenty_one_questions(seed_questions):
    """The seed parser finds questions 1 to 21, in order, and nothing else."""
    assert list(seed_questions) == NUMBERED


def test_numbered_questions_are_q1_to_q21(consultation):
    """The seed's questions are q1..q21, displayed as "1".."21", in spec order."""
    questions = numbered(consultation)
    assert [q.id for q in questions] == NUMBERED
    assert [q.number for q in questions] == [str(n) for n in range(1, 22)]


def test_question_text_is_the_seeds(consultation, seed_questions):
    """Each question's text is the seed's bold question, character for character."""
    for question in numbered(consultation):
        assert question.text == seed_questions[question.id].text, question.id


def test_option_labels_are_the_seeds(consultation, seed_questions):
    """Each choice question's option labels are the seed's answer options, in order."""
    choice = [q for q in numbered(consultation) if q.options]
    for question in choice:
        labels = [o.label for o in question.options]
        assert labels == seed_questions[question.id].options, question.id


def test_text_questions_are_those_without_options(consultation, seed_questions):
    """Free-text questions are exactly the seed's questions that list no answer options."""
    without_options = {qid for qid, q in seed_questions.items() if not q.options}
    assert without_options == {f"q{n}" for n in (2, 3, 4, 5, 6, 7, 11, 12, 19, 20, 21)}
    kinds = {q.id: q.kind for q in numbered(consultation)}
    assert {qid for qid, kind in kinds.items() if kind == "text"} == without_options
    assert {qid for qid, kind in kinds.items() if kind == "single"} == (
        set(NUMBERED) - without_options
    )


def test_text_questions_have_a_length_limit(consultation):
    """Every free-text seed question allows 5,000 characters; none takes options."""
    for question in numbered(consultation):
        if question.kind == "text":
            assert question.max_length == 5000, question.id
            assert question.options == (), question.id


def test_option_values_are_stable_slugs(consultation):
    """Option values are short lower-case slugs, with the agreed values for q1 and yes/no."""
    for question in consultation.questions:
        for option in question.options:
            assert SLUG.match(option.value), (question.id, option.value)
            assert len(option.value) <= 30, (question.id, option.value)
    by_id = consultation.by_id
    assert [o.value for o in by_id["q1"].options] == [
        "all_relevant",
        "some_changes",
        "none_relevant",
        "dont_know",
    ]
    for qid in ("q8", "q10", "q13", "q14", "q15", "q16", "q17"):
        assert [(o.value, o.label) for o in by_id[qid].options] == YES_NO_DONT_KNOW, qid


def test_seed_questions_are_optional(consultation):
    """As in the seed, a respondent may skip any of questions 1 to 21."""
    assert [q.id for q in numbered(consultation) if q.required] == []


# --- branching ------------------------------------------------------------------------------


def test_only_the_seeds_branches_are_conditional(consultation):
    """q2, q14 and q16 carry the seed's conditions; no other question is conditional."""
    conditions = {q.id: q.shown_if for q in consultation.questions if q.shown_if is not None}
    assert conditions == {
        "q2": 'q1 in ["some_changes", "none_relevant"]',
        "q14": 'q13 == "yes"',
        "q16": 'q15 == "yes"',
    }
    assert all(consultation.by_id[qid].condition is not None for qid in conditions)


@pytest.mark.parametrize(
    ("answer", "shown"),
    [
        (None, False),
        ("all_relevant", False),
        ("some_changes", True),
        ("none_relevant", True),
        ("dont_know", False),
    ],
)
def test_q2_follows_q1(engine, answer, shown):
    """q2 is shown only after "suggest some changes" or "none of them are relevant" at q1."""
    answers = {} if answer is None else {"q1": answer}
    assert ("q2" in engine.visible(answers)) is shown


@pytest.mark.parametrize(("parent", "child"), [("q13", "q14"), ("q15", "q16")])
@pytest.mark.parametrize(
    ("answer", "shown"), [(None, False), ("yes", True), ("no", False), ("dont_know", False)]
)
def test_ofsted_question_follows_yes(engine, parent, child, answer, shown):
    """q14 and q16 ("If you answered yes") are shown only after "yes" to q13 and q15."""
    answers = {} if answer is None else {parent: answer}
    assert (child in engine.visible(answers)) is shown


def test_q2_answer_is_cleaned_after_all_relevant(engine):
    """Answering q1 "all_relevant" drops an earlier q2 answer from the cleaned answers."""
    answers = {"q1": "all_relevant", "q2": "Add a principle on place."}
    assert engine.clean(answers) == {"q1": "all_relevant"}
    kept = {"q1": "some_changes", "q2": "Add a principle on place."}
    assert engine.clean(kept) == kept


def test_every_other_question_is_always_visible(engine):
    """With no answers, all questions but q2, q14 and q16 are shown, in spec order."""
    assert engine.visible({}) == (
        "role",
        "authority_type",
        "authority",
        *(q for q in NUMBERED if q not in {"q2", "q14", "q16"}),
        "consent",
    )


# --- dates ----------------------------------------------------------------------------------


def test_closes_at_end_of_13_march_2015_in_london(consultation):
    """The consultation closes at the end of Friday 13 March 2015, London time, with no opening."""
    meta = consultation.metadata
    assert meta.closes == dt.date(2015, 3, 13)
    assert meta.timezone == "Europe/London"
    assert meta.opens is None
    assert meta.closes_at == dt.datetime(2015, 3, 14, tzinfo=LONDON)


def test_last_minute_is_open_and_midnight_is_closed(consultation):
    """23:59 London time on 13 March 2015 is open; 00:00 on 14 March is closed."""
    meta = consultation.metadata
    assert meta.is_open(dt.datetime(2015, 3, 13, 23, 59, tzinfo=LONDON)) is True
    assert meta.is_open(dt.datetime(2015, 3, 13, 23, 59, 59, 999999, tzinfo=LONDON)) is True
    assert meta.is_open(dt.datetime(2015, 3, 14, 0, 0, tzinfo=LONDON)) is False
    # GMT applies in March before the clocks change, so UTC gives the same instants.
    assert meta.is_open(dt.datetime(2015, 3, 13, 23, 59, tzinfo=dt.UTC)) is True
    assert meta.is_open(dt.datetime(2015, 3, 14, 0, 0, tzinfo=dt.UTC)) is False


# --- metadata and text ----------------------------------------------------------------------


def test_metadata(consultation, seed_text):
    """Identity, publisher and contact are the seed's."""
    meta = consultation.metadata
    assert meta.id == "taking-stock"
    assert meta.title == "Taking stock"
    assert meta.subtitle == "Where next with sector-led improvement?"
    assert meta.publisher == "Local Government Association"
    assert meta.contact == "nick.easton@local.gov.uk"
    assert (
        "If you have any queries about this consultation, please contact "
        "[nick.easton@local.gov.uk](mailto:nick.easton@local.gov.uk)."
    ) in seed_text


def test_privacy_notice_is_the_seeds_promise(consultation, seed_text):
    """The privacy notice is the seed's confidentiality paragraph, word for word."""
    notice = consultation.metadata.privacy_notice
    assert notice == (
        "All responses will be treated confidentially by the LGA. Information will be "
        "aggregated, and no individual or authority will be identified in any publications "
        "without consent."
    )
    assert notice in seed_text.splitlines()


def test_foreword_is_the_seeds(consultation, seed_text):
    """The foreword is the seed's, less the description of the signature image."""
    seed = paragraphs(seed_between(seed_text, "Foreword", "Taking stock"))
    seed = [p for p in seed if not p.startswith("A handwritten signature")]
    assert plain(consultation.metadata.foreword) == plain("\n\n".join(seed))
    assert "signature" not in consultation.metadata.foreword


def test_introduction_is_the_seeds(consultation, seed_text):
    """The introduction is the seed's, word for word."""
    seed = seed_between(seed_text, "Introduction", "Key principles and future challenges")
    assert plain(consultation.metadata.introduction) == plain(seed)


def test_how_to_respond_is_the_seeds_without_the_survey_host(consultation, seed_text):
    """How to respond keeps the seed's paragraphs but not the third-party survey link."""
    text = consultation.metadata.how_to_respond
    seed = plain(seed_text)
    for paragraph in paragraphs(text):
        if paragraph != EDITED_LINK_SENTENCE:
            assert plain(paragraph) in seed, paragraph
    assert EDITED_LINK_SENTENCE in paragraphs(text)
    assert "**The closing date for the consultation is Friday 13th March 2015.**" in text
    assert "confirmit" not in text
    assert "http" not in text


@pytest.mark.parametrize(
    ("section_id", "first", "previous"),
    [
        ("improvement_assurance_intervention", "q7", "q6"),
        ("improvement_support", "q12", "q11"),
        ("childrens_services", "q13", "q12"),
        ("adult_social_care_and_health", "q20", "q19"),
        ("conclusion", "q21", "q20"),
    ],
)
def test_section_intro_is_the_seeds_lead_in(
    consultation, seed_text, seed_questions, section_id, first, previous
):
    """A section's intro is the seed's narrative between the previous question and its first."""
    section = next(s for s in consultation.sections if s.id == section_id)
    lead_in = seed_lead_in(seed_text, seed_questions[first], seed_questions[previous])
    assert plain(section.intro) == plain(lead_in)


def test_key_principles_intro_is_the_seeds(consultation, seed_text):
    """The key principles intro is the seed's text between its heading and question 1."""
    section = consultation.sections[1]
    seed = seed_between(seed_text, "Key principles and future challenges", "Consultation questions")
    assert plain(section.intro) == plain(seed)
    assert "- **a)** Councils are responsible" in section.intro


# --- roles, authority types and about you ---------------------------------------------------


def test_roles_and_authority_types(consultation):
    """Roles and authority types are the roster vocabularies, in order."""
    assert consultation.roles == tuple(Choice(v, label) for v, label in ROLES)
    assert consultation.authority_types == tuple(Choice(v, label) for v, label in AUTHORITY_TYPES)


def test_about_you_questions(consultation):
    """A1-A3 ask role, authority type and authority, all required, offering the roster lists."""
    role, authority_type, authority = consultation.sections[0].questions
    assert (role.id, role.number, role.kind, role.required) == ("role", "A1", "single", True)
    assert [(o.value, o.label) for o in role.options] == ROLES
    assert (authority_type.number, authority_type.kind, authority_type.required) == (
        "A2",
        "single",
        True,
    )
    assert [(o.value, o.label) for o in authority_type.options] == AUTHORITY_TYPES
    assert (authority.number, authority.kind, authority.required) == ("A3", "text", True)
    assert authority.text == "Which authority or organisation do you represent?"
    assert authority.max_length == 200
    assert consultation.sections[0].intro.strip()


# --- publication consent --------------------------------------------------------------------


def test_consent_question_is_required(consultation):
    """B1 asks for publication consent, is required, and explains the consequence."""
    consent = consultation.by_id["consent"]
    assert consultation.questions[-1] is consent
    assert (consent.number, consent.kind, consent.required) == ("B1", "single", True)
    assert consent.shown_if is None
    assert [o.value for o in consent.options] == ["quote_named", "quote_anonymous", "no_quote"]
    assert consent.hint
    assert "counted" in consent.hint


def test_response_without_consent_or_about_you_is_refused(engine):
    """Only the four added questions are required; all of them must be answered."""
    problems = engine.validate({})
    assert [(p.question, p.code) for p in problems] == [
        ("role", "required"),
        ("authority_type", "required"),
        ("authority", "required"),
        ("consent", "required"),
    ]


def test_a_complete_response_is_valid(engine):
    """A response answering every visible question validates and cleans to itself."""
    answers = {
        "role": "leader",
        "authority_type": "county",
        "authority": "Kent County Council",
        "q1": "some_changes",
        "q2": "Add a principle on place.",
        "q9": "yes_unless_exceptional",
        "q13": "yes",
        "q14": "no",
        "q15": "no",
        "q18": "another_existing",
        "q21": "None.",
        "consent": "quote_anonymous",
    }
    checked = engine.check(answers)
    assert checked.problems == []
    assert checked.answers == answers
