"""Tokens, the deployment secret and respondents: unguessable, hashed, never shown."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import stat
import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from surveykit.errors import LinkError, SecretError
from surveykit.identity import (
    SECRET_ENV,
    TOKEN_BYTES,
    Respondent,
    Secret,
    Token,
    bind_secret,
    load_secret,
    redact_tokens,
)
from surveykit.storage import open_store


def test_tokens_carry_at_least_128_random_bits_in_url_safe_text():
    """A token is 24 random bytes as 32 URL-safe characters, and no two are alike."""
    tokens = {Token.new().value for _ in range(1000)}
    assert len(tokens) == 1000
    assert TOKEN_BYTES * 8 >= 128
    for value in tokens:
        assert len(value) == 32
        assert len(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))) == TOKEN_BYTES
        assert set(value) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_a_token_never_shows_itself():
    """repr(), str() and f-strings hide the token; only .value gives it."""
    token = Token.new()
    assert repr(token) == str(token) == f"{token}" == "Token(<hidden>)"
    assert token.value not in repr([token])


def test_a_secret_never_shows_itself():
    """repr() and str() of a secret name where it came from, never the key."""
    secret = Secret(b"k" * 40, "the file /srv/secret")
    assert repr(secret) == str(secret) == "Secret(<hidden>, from the file /srv/secret)"


def test_respondent_reprs_leave_out_name_and_email():
    """A logged respondent shows its authority and role but not the person's name or email."""
    r = Respondent("c", "Kent", "county", "leader", name="Ada Lovelace", email="ada@example.org")
    assert "Ada" not in repr(r)
    assert "ada@example.org" not in repr(r)
    assert "Kent" in repr(r)
    assert len(r.id) == 32


def test_the_stored_hash_is_hmac_sha256_under_the_secret():
    """hash() is the hex HMAC-SHA256 of the token under the key; another key gives another."""
    token = Token("abcdefghijklmnopqrstuvwxyz012345")
    secret = Secret(b"s" * 40, "a test")
    expected = hmac.new(b"s" * 40, token.value.encode(), hashlib.sha256).hexdigest()
    assert secret.hash(token) == expected
    assert Secret(b"t" * 40, "another").hash(token) != expected
    assert secret.matches(token, expected) is True
    tampered = expected[:-1] + ("1" if expected.endswith("0") else "0")
    assert secret.matches(token, tampered) is False
    assert secret.matches(Token.new(), expected) is False


def test_the_fingerprint_identifies_the_secret_without_revealing_it():
    """Equal keys give equal fingerprints; the key appears nowhere in it."""
    key = b"fingerprint-key-" * 3
    assert Secret(key, "a").fingerprint == Secret(key, "b").fingerprint
    assert Secret(key, "a").fingerprint != Secret(key + b"x", "a").fingerprint
    assert key.decode() not in Secret(key, "a").fingerprint


@pytest.mark.parametrize(
    "text",
    [
        "https://consult.example.org/r/abcdefghijklmnopqrstuvwxyz012345",
        "https://consult.example.org/r/abcdefghijklmnopqrstuvwxyz012345/",
        "  abcdefghijklmnopqrstuvwxyz012345\n",
        "https://consult.example.org/r/abcdefghijklmnopqrstuvwxyz012345?from=mail#top",
    ],
)
def test_a_pasted_link_gives_its_token(text):
    """The token is found in a bare token or a whole link, with spaces, slashes or a query."""
    assert Token.parse(text).value == "abcdefghijklmnopqrstuvwxyz012345"


@pytest.mark.parametrize("text", ["", "short", "has spaces in the middle of it here", "a" * 200])
def test_text_that_cannot_be_a_token_is_refused(text):
    """Too short, too long or wrong characters: a LinkError that gives nothing away."""
    with pytest.raises(LinkError) as info:
        Token.parse(text)
    assert str(info.value) == "that is not a valid link: check it was copied in full"


def test_the_environment_variable_wins(tmp_path):
    """SURVEYKIT_SECRET is used when set, and no file is created."""
    secret = load_secret(tmp_path / "s.secret", environ={SECRET_ENV: "e" * 40})
    assert (secret.key, secret.source) == (b"e" * 40, "the environment variable SURVEYKIT_SECRET")
    assert not (tmp_path / "s.secret").exists()


def test_a_short_environment_secret_is_refused():
    """A secret shorter than 32 characters is refused."""
    with pytest.raises(SecretError) as info:
        load_secret(None, environ={SECRET_ENV: "too short"})
    assert str(info.value) == "SURVEYKIT_SECRET must be at least 32 characters long"


def test_the_secret_file_is_made_private_on_first_use_and_reused(tmp_path):
    """The first use creates the file with mode 0600; later uses read the same secret."""
    path = tmp_path / "responses.db.secret"
    first = load_secret(path, environ={})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_secret(path, environ={}).key == first.key
    assert len(first.key) >= 32
    assert first.source == f"the file {path}"
    assert [p.name for p in tmp_path.iterdir()] == ["responses.db.secret"]


def test_first_uses_at_once_agree_on_one_secret(tmp_path):
    """Several threads creating the secret file together all end up with the same key."""
    path = tmp_path / "shared.secret"
    keys: list[bytes] = []
    threads = [
        threading.Thread(target=lambda: keys.append(load_secret(path, environ={}).key))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(keys) == 8
    assert len(set(keys)) == 1


def test_a_secret_file_others_can_read_is_refused(tmp_path):
    """A group- or world-readable secret file is refused with the command that fixes it."""
    path = tmp_path / "open.secret"
    path.write_text("x" * 40)
    os.chmod(path, 0o644)
    with pytest.raises(SecretError) as info:
        load_secret(path, environ={})
    assert str(info.value) == (
        f"the secret file {path} can be read by other users (mode 644); run: chmod 600 {path}"
    )


def test_no_secret_is_refused_unless_the_store_forgets_everything():
    """With neither variable nor file only an ephemeral store gets a throwaway secret."""
    with pytest.raises(SecretError) as info:
        load_secret(None, environ={})
    assert str(info.value) == (
        "no deployment secret: set SURVEYKIT_SECRET or give a secret file (--secret-file)"
    )
    assert load_secret(None, environ={}, ephemeral=True).source == (
        "a throwaway secret for an in-memory store"
    )


def test_a_store_remembers_its_secret(tmp_path):
    """bind_secret accepts the store's own secret and refuses any other, even after reopening."""
    url = f"sqlite:///{tmp_path}/r.db"
    mine = Secret(b"m" * 40, "mine")
    with open_store(url) as store:
        bind_secret(store, mine)
    with open_store(url) as store:
        bind_secret(store, mine)
        with pytest.raises(SecretError, match="set up with a different deployment secret"):
            bind_secret(store, Secret(b"o" * 40, "other"))


def test_tokens_are_redacted_from_quoted_text():
    """A link's token, or a bare token, is replaced; prose and short codes are left alone."""
    token = Token.new().value
    text = f"My link https://x.example/r/{token}?a=1 and ({token}). Ref SK-2TX4-64WF-G91Z."
    assert redact_tokens(text) == (
        "My link https://x.example/r/<redacted>?a=1 and (<redacted>). Ref SK-2TX4-64WF-G91Z."
    )
    assert redact_tokens("Sector-led improvement works well for councils") == (
        "Sector-led improvement works well for councils"
    )


@given(st.builds(Token.new))
def test_every_token_is_redacted_wherever_it_is_quoted(token):
    for template in ("{}", "x /r/{} y", "> https://a.example/r/{}", "({})", "{}."):
        assert token.value not in redact_tokens(template.format(token.value))


def test_keys_derived_for_different_purposes_differ_and_are_stable():
    """derive() is a pure function of the secret and the purpose, distinct per purpose."""
    secret = Secret(b"k" * 32, "test")
    cookie, csrf = secret.derive(b"cookie v1"), secret.derive(b"csrf v1")
    assert cookie == Secret(b"k" * 32, "elsewhere").derive(b"cookie v1")
    assert cookie != csrf
    assert cookie == hmac.new(b"k" * 32, b"cookie v1", hashlib.sha256).digest()
