"""Runs a webauthn-rp-vectors/v1 vector (../shared/vectors/SCHEMA.md) through
the Python binding, mapping it to options exactly as the C++ conformance
runner does (tests/vector_runner.cc): the same option mapping, the same
SHA-1 retry, the same known deviations and out-of-scope skips.
"""

from __future__ import annotations

import base64
import ctypes
import datetime
import json
import os
from pathlib import Path
from typing import Callable, List, Optional, Tuple

import pytest

import passkey

REPO = Path(__file__).resolve().parents[3]
GENERATED_DIR = REPO / "testdata" / "generated"

# ML-DSA-44/65/87 need OpenSSL >= 3.5.
ML_DSA = {-48, -49, -50}
OPENSSL_3_5 = 0x30500000

# Vectors whose expectation disagrees with WebAuthn L3 or with a stricter
# check the library makes on purpose: id -> the exact code the library
# returns. The reasons are in kKnownDeviations of tests/vector_runner.cc
# (README "Tests and shared vectors").
KNOWN_DEVIATIONS = {
    "w3c/android-key-es256/registration": "attestation_invalid",
    "w3c/fido-u2f-es256/registration": "attestation_invalid",
    "simplewebauthn/reg/tpm-sha1-fido2-net-lib": "certificate_invalid",
    "simplewebauthn/reg/tpm-sha256-fido2-net-lib": "certificate_invalid",
}


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def shared_vectors_dir() -> Path:
    """$PASSKEY_VECTORS_DIR, else <repo>/../shared/vectors."""
    explicit = os.environ.get("PASSKEY_VECTORS_DIR")
    return Path(explicit) if explicit else REPO.parent / "shared" / "vectors"


def load_vectors(directory: Path) -> List[dict]:
    """Every vector of every *.json file (schema webauthn-rp-vectors/v1) in `directory`."""
    vectors = []
    for path in sorted(directory.glob("*.json")):
        vectors.extend(json.loads(path.read_text(encoding="utf-8"))["vectors"])
    return vectors


def openssl_version_num() -> int:
    # The library links the system libcrypto.so.3: the same loaded object.
    libcrypto = ctypes.CDLL("libcrypto.so.3")
    libcrypto.OpenSSL_version_num.restype = ctypes.c_ulong
    return libcrypto.OpenSSL_version_num()


def _cbor_item(data: bytes, pos: int) -> Tuple[object, int]:
    """A minimal CBOR reader for COSE keys (ints, byte/text strings, arrays,
    maps, simple values), enough to read the key's `alg`."""
    major, info = data[pos] >> 5, data[pos] & 0x1F
    pos += 1
    if info < 24:
        value = info
    elif info <= 27:
        size = 1 << (info - 24)
        value = int.from_bytes(data[pos:pos + size], "big")
        pos += size
    else:
        raise ValueError("indefinite or reserved CBOR length")
    if major == 0:
        return value, pos
    if major == 1:
        return -1 - value, pos
    if major in (2, 3):
        return data[pos:pos + value], pos + value
    if major == 4:
        items = []
        for _ in range(value):
            item, pos = _cbor_item(data, pos)
            items.append(item)
        return items, pos
    if major == 5:
        mapping = {}
        for _ in range(value):
            key, pos = _cbor_item(data, pos)
            mapping[key], pos = _cbor_item(data, pos)
        return mapping, pos
    return value, pos


def cose_algorithm(cose_key: bytes) -> Optional[int]:
    try:
        key, _ = _cbor_item(cose_key, 0)
    except (ValueError, IndexError):
        return None
    alg = key.get(3) if isinstance(key, dict) else None
    return alg if isinstance(alg, int) else None


def skip_if_ml_dsa(alg: Optional[int]) -> None:
    if alg in ML_DSA and openssl_version_num() < OPENSSL_3_5:
        pytest.skip(f"ML-DSA (COSE {alg}) needs OpenSSL >= 3.5")


class Expectation:
    """The vector's `expect`: ok, or the acceptable codes (a trailing '*' is
    a prefix match)."""

    def __init__(self, vector: dict, exact: bool) -> None:
        fields = vector["expect"]
        self.fields = fields
        self.ok = fields["ok"]
        self.codes: List[str] = []
        if self.ok:
            return
        if "code" in fields:
            self.codes = [fields["code"]]
        elif exact:
            raise AssertionError(f"{vector['id']}: our own negative vectors carry expect.code")
        else:
            self.codes = codes_for_reason(fields["reason"])

    def accepts(self, code: str) -> bool:
        return any(code.startswith(c[:-1]) if c.endswith("*") else code == c for c in self.codes)


def codes_for_reason(reason: str) -> List[str]:
    """SCHEMA.md reason -> the library's codes (as the C++ runner maps them)."""
    if reason == "rpid_mismatch":
        return ["rp_id_mismatch"]
    if reason == "counter_not_increased":
        return ["sign_count_rollback"]
    if reason == "malformed":
        return ["malformed_*"]
    if reason == "attestation_invalid":
        return ["attestation_invalid", "attestation_signature_invalid", "attestation_nonce_mismatch",
                "attestation_aaguid_mismatch", "attestation_key_mismatch", "certificate_invalid"]
    return [reason]


def common_options(vector: dict) -> dict:
    """The keyword arguments both ceremonies share (FillOptions)."""
    kwargs = {
        "rp_id": vector.get("allowedRpIds") or vector["rpId"],
        "origin": vector["origins"],
        "challenge": b64url_decode(vector["challenge"]),
        "user_verification": "required" if vector["requireUserVerification"] else "preferred",
        "top_origins": vector.get("topOrigins"),
        "allow_cross_origin": vector.get("allowCrossOrigin"),
        "allowed_algorithms": vector.get("supportedAlgorithms"),
        "expected_types": vector.get("expectedType"),
    }
    # requireUserPresence=false and allowSubdomainOrigins=true have no option:
    # the library always requires UP and exact origins.
    return kwargs


def _pem(base64_der: str) -> str:
    return f"-----BEGIN CERTIFICATE-----\n{base64_der}\n-----END CERTIFICATE-----\n"


def _outcome(function: Callable[[], dict]) -> Tuple[Optional[dict], Optional[passkey.VerificationError]]:
    try:
        return function(), None
    except passkey.VerificationError as error:
        return None, error


def _judge(vector: dict, expect: Expectation, value: Optional[dict],
           error: Optional[passkey.VerificationError], compare: Callable[[dict], List[str]]) -> None:
    if error is None:
        assert expect.ok, f"{vector['id']}: expected a rejection with {expect.codes}, but it verified"
        mismatches = compare(value)
        assert not mismatches, f"{vector['id']}: verified but " + "; ".join(mismatches)
        return
    assert not expect.ok, f"{vector['id']}: expected success, got {error.code}: {error.message}"
    assert expect.accepts(error.code), (
        f"{vector['id']}: expected {expect.codes}, got {error.code}: {error.message}")


def _mismatches(expect: dict, actual: dict) -> List[str]:
    """expect member -> actual value, for the members the vector has."""
    return [f"{key}: expected {expect[key]!r}, got {value!r}"
            for key, value in actual.items() if key in expect and expect[key] != value]


def run_registration(vector: dict, expect: Expectation) -> None:
    response = vector["response"]
    alg = response.get("response", {}).get("publicKeyAlgorithm")
    skip_if_ml_dsa(alg if isinstance(alg, int) else None)
    kwargs = common_options(vector)
    if "currentTime" in vector:
        kwargs["now"] = datetime.datetime.fromisoformat(vector["currentTime"].replace("Z", "+00:00"))
    anchors = vector.get("trustAnchors") or []
    if anchors:
        kwargs["trust_anchors"] = [_pem(anchor) for anchor in anchors]
        kwargs["require_trusted_attestation"] = True
    policy = vector.get("attestationPolicy", {})
    if policy.get("safetyNetRequireCtsProfileMatch", True) is False:
        kwargs["allow_safetynet_without_cts_profile_match"] = True
    if policy.get("safetyNetVerifyTimestamp", True) is False:
        kwargs["danger_skip_safetynet_timestamp_check"] = True
    sha1 = policy.get("allowSha1Attestation")
    kwargs["allow_sha1_attestation"] = sha1

    record, error = _outcome(lambda: passkey.verify_registration(response, **kwargs))
    # allowSha1Attestation unspecified: the library's default (SHA-1 refused)
    # first; a vector that needs SHA-1 must fail exactly with
    # algorithm_not_allowed, and is judged again with SHA-1 allowed.
    if (sha1 is None and error is not None and error.code == "algorithm_not_allowed"
            and not (not expect.ok and expect.accepts("algorithm_not_allowed"))):
        kwargs["allow_sha1_attestation"] = True
        record, error = _outcome(lambda: passkey.verify_registration(response, **kwargs))

    def compare(record: dict) -> List[str]:
        fields = expect.fields
        problems = []
        if anchors and not record.get("attestationTrusted"):
            problems.append("the attestation is not trusted")
        attestation_type = fields.get("attestationType")
        if attestation_type is not None and not (
                attestation_type == "basic_or_attca" and record.get("attestationType") in ("basic", "attca")):
            problems += _mismatches(fields, {"attestationType": record.get("attestationType")})
        return problems + _mismatches(fields, {
            "credentialId": record["id"], "credentialPublicKey": record["publicKey"],
            "signCount": record["signCount"], "alg": record.get("algorithm"), "aaguid": record["aaguid"],
            "backupEligible": record.get("backupEligible"), "backupState": record["backupState"],
            "fmt": record.get("attestationFormat"), "userVerified": record["uvInitialized"],
        })

    _judge(vector, expect, record, error, compare)


def run_authentication(vector: dict, expect: Expectation, prepared: bool) -> None:
    credential = vector["credential"]
    try:
        skip_if_ml_dsa(cose_algorithm(b64url_decode(credential["publicKey"])))
    except (KeyError, ValueError, TypeError):
        pass  # a record the library must refuse: its outcome is judged below
    kwargs = common_options(vector)
    # The vectors' allowSha1Attestation admits RS1 credential keys, which
    # authentication calls allow_rs1_credentials.
    kwargs["allow_rs1_credentials"] = vector.get("attestationPolicy", {}).get("allowSha1Attestation")
    kwargs["appid"] = vector.get("appid")

    def verify() -> dict:
        if not prepared:
            return passkey.verify_authentication(vector["response"], credential=credential, **kwargs)
        # The stored record is input like the response: a record the library
        # refuses to prepare is the ceremony's outcome.
        with passkey.PreparedCredential(credential) as handle:
            return passkey.verify_authentication(vector["response"], credential=handle, **kwargs)

    def compare(result: dict) -> List[str]:
        return _mismatches(expect.fields, {
            "credentialId": result["credential"]["id"], "signCount": result["signCount"],
            "userVerified": result["userVerified"], "backupState": result["backupState"],
            "backupEligible": result["credential"].get("backupEligible"),
        })

    value, error = _outcome(verify)
    _judge(vector, expect, value, error, compare)


def run_vector(vector: dict, exact: bool, prepared: bool = False) -> str:
    """Asserts the vector's outcome through the binding (pytest.skip when out
    of scope). `exact`: negatives must carry and match expect.code.
    Returns a note ("" or the known deviation applied)."""
    if exact:
        # Our own data must never be out of scope.
        try:
            return _run(vector, exact, prepared)
        except pytest.skip.Exception as skipped:
            pytest.fail(f"{vector['id']}: a generated vector was skipped: {skipped}")
    return _run(vector, exact, prepared)


def _run(vector: dict, exact: bool, prepared: bool) -> str:
    expect = Expectation(vector, exact)
    note = ""
    deviation = KNOWN_DEVIATIONS.get(vector["id"])
    if deviation is not None and expect.ok:
        expect.ok, expect.codes, note = False, [deviation], f"known deviation ({deviation})"
    elif expect.fields.get("reason") == "certificate_revoked":
        pytest.skip("needs network CRLs (certificate_revoked)")
    if vector["ceremony"] == "registration":
        run_registration(vector, expect)
    elif vector["ceremony"] == "authentication":
        run_authentication(vector, expect, prepared)
    else:
        raise AssertionError(f"{vector['id']}: unknown ceremony {vector['ceremony']!r}")
    return note
