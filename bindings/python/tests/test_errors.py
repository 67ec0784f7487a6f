"""Error codes through the binding: every rejection raises VerificationError
with the exact stable code; Python-side misuse raises TypeError/ValueError
before the library is called."""

import json
import os
import subprocess
import sys
import uuid

import pytest

import passkey
from vector_runner import GENERATED_DIR, b64url_decode



def generated(file, vector_id):
    """A vector of testdata/generated (software authenticator, ES256, none)."""
    vectors = json.loads((GENERATED_DIR / file).read_text(encoding="utf-8"))["vectors"]
    return next(v for v in vectors if v["id"] == vector_id)


AUTH = generated("authentication.json", "passkey/auth/es256")
REG = generated("registration.json", "passkey/reg/es256-none")

AUTH_ARGS = {"credential": AUTH["credential"], "rp_id": AUTH["rpId"], "origin": AUTH["origins"],
             "challenge": b64url_decode(AUTH["challenge"])}
REG_ARGS = {"rp_id": REG["rpId"], "origin": REG["origins"], "challenge": b64url_decode(REG["challenge"])}

# COSE_Key {1: 2, 3: alg, -1: 1, -2: 32 zero bytes, -3: 32 zero bytes}: with
# alg -7 (ES256) the point (0, 0) is not on P-256; alg -999 is defined by no one.
OFF_CURVE_KEY = "pQECAyYgASFYIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIlggAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
UNKNOWN_ALG_KEY = "pQECAzkD5iABIVggAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAiWCAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"


def code_of(call):
    with pytest.raises(passkey.VerificationError) as raised:
        call()
    error = raised.value
    assert error.message, "the library gives a message with every code"
    assert str(error) == f"{error.code}: {error.message}"
    return error.code


def test_baseline_vectors_verify():
    # The mutations below start from inputs that verify.
    assert passkey.verify_authentication(AUTH["response"], **AUTH_ARGS)["signCount"] == 2
    assert passkey.verify_registration(REG["response"], **REG_ARGS)["id"] == REG["expect"]["credentialId"]


@pytest.mark.parametrize("changes, code", [
    ({"rp_id": "other.example"}, "rp_id_mismatch"),
    ({"origin": "https://other.example"}, "origin_mismatch"),
    ({"challenge": b"another challenge"}, "challenge_mismatch"),
    ({"allowed_algorithms": [-8]}, "algorithm_not_allowed"),
    ({"allow_credentials": [b"another credential"]}, "credential_not_allowed"),
    ({"expected_types": ["webauthn.create"]}, "type_mismatch"),
    ({"credential": {**AUTH["credential"], "signCount": 2}}, "sign_count_rollback"),
    ({"credential": {**AUTH["credential"], "id": "AAAA"}}, "credential_id_mismatch"),
    ({"credential": {**AUTH["credential"], "version": 9}}, "unsupported_record_version"),
    ({"credential": "not a record"}, "malformed_credential_record"),
    ({"credential": {**AUTH["credential"], "publicKey": OFF_CURVE_KEY}}, "invalid_public_key"),
    # The caller's own options are invalid_argument.
    ({"rp_id": []}, "invalid_argument"),
    ({"rp_id": "Example.org"}, "invalid_argument"),
    ({"origin": "https://example.org/"}, "invalid_argument"),
    ({"challenge": b""}, "invalid_argument"),
    ({"user_verification": "sometimes"}, "invalid_argument"),
    ({"now": -1}, "invalid_argument"),
])
def test_authentication_codes(changes, code):
    args = {**AUTH_ARGS, **changes}
    assert code_of(lambda: passkey.verify_authentication(AUTH["response"], **args)) == code


@pytest.mark.parametrize("response, code", [
    ("{", "malformed_response"),
    ({}, "malformed_response"),
    ({**AUTH["response"], "type": "other"}, "malformed_response"),
    ({**AUTH["response"], "response": {**AUTH["response"]["response"], "signature": "AAAA"}}, "signature_invalid"),
    ({**AUTH["response"], "response": {**AUTH["response"]["response"], "signature": "*"}}, "malformed_response"),
])
def test_authentication_response_codes(response, code):
    assert code_of(lambda: passkey.verify_authentication(response, **AUTH_ARGS)) == code


@pytest.mark.parametrize("changes, code", [
    ({"challenge": b"another challenge"}, "challenge_mismatch"),
    ({"origin": ["https://a.example", "https://b.example"]}, "origin_mismatch"),
    ({"rp_id": ["a.example", "b.example"]}, "rp_id_mismatch"),
    ({"allowed_algorithms": [-257]}, "algorithm_not_allowed"),
    ({"trust_anchors": ["not PEM"]}, "invalid_argument"),
    ({"crls": "not PEM"}, "invalid_argument"),
    ({"mediation": "loud"}, "invalid_argument"),
    ({"now": 2 ** 40}, "invalid_argument"),
    # Anchors required, and "none" attestation chains to nothing.
    ({"require_trusted_attestation": True}, "attestation_untrusted"),
])
def test_registration_codes(changes, code):
    args = {**REG_ARGS, **changes}
    assert code_of(lambda: passkey.verify_registration(REG["response"], **args)) == code


@pytest.mark.parametrize("record, code", [
    ("{", "malformed_credential_record"),
    ({"id": "AAAA"}, "malformed_credential_record"),
    ({**AUTH["credential"], "version": 2}, "unsupported_record_version"),
    ({**AUTH["credential"], "publicKey": OFF_CURVE_KEY}, "invalid_public_key"),
    ({**AUTH["credential"], "publicKey": UNKNOWN_ALG_KEY}, "unsupported_algorithm"),
])
def test_prepare_codes(record, code):
    assert code_of(lambda: passkey.PreparedCredential(record)) == code


@pytest.mark.parametrize("call, code", [
    (lambda: passkey.registration_options(rp_id="example.com", rp_name="x", user_name="y", challenge_size=8),
     "invalid_argument"),
    (lambda: passkey.registration_options(rp_id="example.com", rp_name="x", user_name="y", user_id=bytes(65)),
     "invalid_argument"),
    (lambda: passkey.registration_options(rp_id="Example.com", rp_name="x", user_name="y"), "invalid_argument"),
    (lambda: passkey.registration_options(rp_id="example.com", rp_name="x", user_name="y", hints=["psychic"]),
     "invalid_argument"),
    (lambda: passkey.registration_options(rp_id="example.com", rp_name="x", user_name="y", attestation="all"),
     "invalid_argument"),
    (lambda: passkey.authentication_options(rp_id="example.com", user_verification="nah"), "invalid_argument"),
    (lambda: passkey.authentication_options(rp_id="example.com", challenge_size=65), "invalid_argument"),
    (lambda: passkey.aaguid("not-a-uuid"), "invalid_argument"),
    (lambda: passkey.mds_verify("not a jws", roots=[]), "invalid_argument"),
    (lambda: passkey.mds_verify("not a jws", roots=["junk"]), "invalid_argument"),
])
def test_other_codes(call, code):
    assert code_of(call) == code


def test_aaguid_lookup():
    assert passkey.aaguid("00000000-0000-0000-0000-000000000000") is None
    # Google Password Manager's AAGUID is in the built-in catalog.
    gpm = "ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4"
    info = passkey.aaguid(gpm)
    assert info["aaguid"] == gpm and info["name"] == "Google Password Manager"
    assert passkey.aaguid(uuid.UUID(gpm)) == info
    assert passkey.aaguid(gpm.upper()) == info


def test_version():
    assert passkey.version() == "0.1.0"


# --- Misuse caught in Python ------------------------------------------------


@pytest.mark.parametrize("changes", [
    {"bogus": 1},
    {"appid": "https://example.org"},  # authentication only
    {"allowCredentials": []},          # the JSON name, not the keyword
])
def test_unknown_registration_keyword_is_type_error(changes):
    with pytest.raises(TypeError, match="unexpected keyword argument"):
        passkey.verify_registration(REG["response"], **REG_ARGS, **changes)


@pytest.mark.parametrize("changes", [{"trust_anchors": []}, {"mediation": "silent"}, {"userVerification": "x"}])
def test_unknown_authentication_keyword_is_type_error(changes):
    with pytest.raises(TypeError, match="unexpected keyword argument"):
        passkey.verify_authentication(AUTH["response"], **AUTH_ARGS, **changes)


@pytest.mark.parametrize("changes", [
    {"challenge": "a string"},
    {"user_handle": "a string"},
    {"allow_cross_origin": 1},
    {"now": 1.5},
    {"now": True},
    {"allowed_algorithms": [-7.0]},
    {"origin": 5},
    {"allow_credentials": [1]},
    {"credential": 5},
])
def test_wrong_python_types_are_type_errors(changes):
    with pytest.raises(TypeError):
        passkey.verify_authentication(AUTH["response"], **{**AUTH_ARGS, **changes})


def test_none_means_not_given():
    result = passkey.verify_authentication(AUTH["response"], **AUTH_ARGS, allowed_algorithms=None, appid=None)
    assert result["signCount"] == 2


def test_embedded_nul_is_value_error():
    with pytest.raises(ValueError, match="NUL"):
        passkey.verify_authentication(json.dumps(AUTH["response"]) + "\0", **AUTH_ARGS)


def test_closed_prepared_credential():
    prepared = passkey.PreparedCredential(AUTH["credential"])
    prepared.close()
    prepared.close()  # idempotent
    with pytest.raises(ValueError, match="closed"):
        passkey.verify_authentication(AUTH["response"], **{**AUTH_ARGS, "credential": prepared})


def _load_in_child(library):
    env = {**os.environ, "PASSKEY_LIBRARY": library}
    return subprocess.run([sys.executable, "-c", "import passkey; print(passkey.version())"],
                          env=env, capture_output=True, text=True, timeout=60)


def test_explicit_library_path_is_used_or_reported():
    loaded = _load_in_child(os.environ.get("PASSKEY_LIBRARY", "libpasskey.so.0"))
    assert loaded.returncode == 0, loaded.stderr
    missing = _load_in_child("/nonexistent/libpasskey.so.0")
    assert missing.returncode != 0
    assert "cannot load the passkey shared library" in missing.stderr
    assert "/nonexistent/libpasskey.so.0" in missing.stderr


def test_library_found_by_soname_without_passkey_library():
    library = os.environ.get("PASSKEY_LIBRARY")
    if not library:
        pytest.skip("PASSKEY_LIBRARY is not set: nothing to take the directory from")
    env = {k: v for k, v in os.environ.items() if k != "PASSKEY_LIBRARY"}
    env["LD_LIBRARY_PATH"] = os.pathsep.join(filter(None, [os.path.dirname(library), env.get("LD_LIBRARY_PATH")]))
    loaded = subprocess.run([sys.executable, "-c", "import passkey; print(passkey._native.library()._name)"],
                            env=env, capture_output=True, text=True, timeout=60)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "libpasskey.so.0"
