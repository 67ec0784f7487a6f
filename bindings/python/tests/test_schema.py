"""The binding's keyword arguments are exactly the C ABI's JSON members
(include/passkey/passkey_c_*.schema.json), in snake_case, and each one
reaches the library with a value it accepts (a misspelt member would be
invalid_argument)."""

import inspect
import json

import pytest

import passkey
from test_errors import AUTH, AUTH_ARGS, REG, REG_ARGS
from vector_runner import REPO, b64url_decode

SCHEMA_DIR = REPO / "include" / "passkey"


def schema(name):
    return json.loads((SCHEMA_DIR / f"passkey_c_{name}.schema.json").read_text(encoding="utf-8"))


def camel(snake):
    first, *rest = snake.split("_")
    return first + "".join(word.title() for word in rest)


def python_value(keyword, example):
    """The schema's JSON example as the binding's Python argument."""
    if keyword in ("user_handle", "user_id"):
        return b64url_decode(example)
    if keyword == "allow_credentials" and all(isinstance(item, str) for item in example):
        return [b64url_decode(item) for item in example]
    if keyword in ("allow_credentials", "exclude_credentials"):
        return [{**item, "id": b64url_decode(item["id"])} for item in example]
    return example


VERIFY = schema("options")["properties"]
CEREMONIES = {
    "registration": passkey._REGISTRATION_OPTIONS,
    "authentication": passkey._AUTHENTICATION_OPTIONS,
}


def test_verify_keywords_are_the_schema_members():
    fixed = {"rpIds", "origins", "challenge"}  # rp_id, origin, challenge
    members = set()
    for table in CEREMONIES.values():
        for keyword, (member, _) in table.items():
            assert member == camel(keyword)
            members.add(member)
    assert members | fixed == set(VERIFY)
    for member, spec in VERIFY.items():
        in_registration = member in fixed or member in {m for m, _ in CEREMONIES["registration"].values()}
        in_authentication = member in fixed or member in {m for m, _ in CEREMONIES["authentication"].values()}
        if "Registration only" in spec["description"]:
            assert in_registration and not in_authentication, member
        elif "Authentication only" in spec["description"]:
            assert in_authentication and not in_registration, member
        else:
            assert "Both ceremonies" in spec["description"] or member == "userHandle", member
            assert in_registration and in_authentication, member


def _keyword_cases():
    for ceremony, table in CEREMONIES.items():
        for keyword, (member, _) in table.items():
            yield pytest.param(ceremony, keyword, VERIFY[member]["examples"][0], id=f"{ceremony}-{keyword}")


@pytest.mark.parametrize("ceremony, keyword, example", _keyword_cases())
def test_every_verify_keyword_reaches_the_library(ceremony, keyword, example):
    value = python_value(keyword, example)
    try:
        if ceremony == "registration":
            passkey.verify_registration(REG["response"], **REG_ARGS, **{keyword: value})
        else:
            passkey.verify_authentication(AUTH["response"], **AUTH_ARGS, **{keyword: value})
    except passkey.VerificationError as error:
        # The option may make this response fail a check; it must not be
        # refused as an option.
        assert error.code != "invalid_argument", error.message


@pytest.mark.parametrize("function, name", [
    (passkey.registration_options, "creation_params"),
    (passkey.authentication_options, "request_params"),
    (passkey.mds_verify, "mds_options"),
])
def test_options_keywords_are_the_schema_members(function, name):
    properties = schema(name)["properties"]
    keywords = [p for p in inspect.signature(function).parameters.values() if p.kind == p.KEYWORD_ONLY]
    assert {camel(p.name) for p in keywords} == set(properties)
    # What the schema requires is what Python requires.
    assert {camel(p.name) for p in keywords if p.default is p.empty} == set(schema(name).get("required", []))


@pytest.mark.parametrize("function, name", [
    (passkey.registration_options, "creation_params"),
    (passkey.authentication_options, "request_params"),
])
def test_every_options_keyword_reaches_the_library(function, name):
    properties = schema(name)["properties"]
    keywords = [p.name for p in inspect.signature(function).parameters.values() if p.kind == p.KEYWORD_ONLY]
    made = function(**{k: python_value(k, properties[camel(k)]["examples"][0]) for k in keywords})
    assert made.options["challenge"] == passkey._b64url(made.challenge)
    assert made.options["timeout"] == properties["timeout"]["examples"][0]
    assert made.options["userVerification" if name == "request_params" else "authenticatorSelection"]
