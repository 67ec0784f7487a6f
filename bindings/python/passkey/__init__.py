"""passkey: WebAuthn (passkey) relying-party verification for Python.

A thin binding of the passkey C ABI (include/passkey/passkey_c.h) through
ctypes: every check runs in the C++ library, strict by default (user
verification required, SHA-1 refused, cross-origin refused, counter
rollback rejected). A value comes back only when every check passed;
anything else raises VerificationError with a stable `.code`.

    import passkey

    created = passkey.registration_options(rp_id="example.com", rp_name="Example",
                                           user_name="alice")
    # send created.options to the browser; keep created.challenge and created.user_id
    record = passkey.verify_registration(response_json, rp_id="example.com",
                                         origin="https://example.com",
                                         challenge=created.challenge)
    # store `record` (a dict, JSON-serialisable); later:
    result = passkey.verify_authentication(assertion_json, credential=record,
                                           rp_id="example.com", origin="https://example.com",
                                           challenge=requested.challenge)
    record = result["credential"]   # store the updated record

Binary values (challenges, user handles, credential IDs) are bytes in this
API; the binding converts them to and from base64url. Records and results
are the library's JSON objects as dicts (camelCase members, base64url
strings), so they can be stored with json.dumps as they are.

The shared library is found through the PASSKEY_LIBRARY environment variable
(a path), else as libpasskey.so.0 on the dynamic
loader's path.
"""

from __future__ import annotations

import base64
import datetime
import json
import threading
import uuid as _uuid
from typing import Any, Callable, Iterable, Mapping, NamedTuple, Optional, Sequence, Union

from . import _native
from ._native import VerificationError

__all__ = [
    "AuthenticationOptions",
    "PreparedCredential",
    "RegistrationOptions",
    "VerificationError",
    "aaguid",
    "authentication_options",
    "mds_verify",
    "registration_options",
    "verify_authentication",
    "verify_registration",
    "version",
]

JsonText = Union[str, bytes, Mapping[str, Any]]
StrOrList = Union[str, Sequence[str]]
BytesLike = Union[bytes, bytearray, memoryview]
# A credential reference: its ID as bytes, or a dict with "id" (bytes, or a
# base64url str as in a stored record) and optional "transports".
CredentialRef = Union[BytesLike, Mapping[str, Any]]


# --- Conversions (Python values -> the C ABI's JSON members) ---------------


def _b64url(data: BytesLike) -> str:
    return base64.urlsafe_b64encode(bytes(data)).rstrip(b"=").decode("ascii")


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _need(name: str, what: str, value: object) -> TypeError:
    return TypeError(f"{name} must be {what}, not {type(value).__name__}")


def _bytes(name: str, value: object) -> str:
    if not isinstance(value, (bytes, bytearray, memoryview)):
        raise _need(name, "bytes", value)
    return _b64url(value)


def _strings(name: str, value: object) -> list:
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value):
        return list(value)
    raise _need(name, "a str or a list of str", value)


def _str(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise _need(name, "a str", value)
    return value


def _bool(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise _need(name, "a bool", value)
    return value


def _int(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _need(name, "an int", value)
    return value


def _ints(name: str, value: object) -> list:
    if not isinstance(value, (list, tuple)):
        raise _need(name, "a list of int", value)
    return [_int(name, item) for item in value]


def _now(name: str, value: object) -> int:
    """Unix seconds from an int or a timezone-aware datetime."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            raise TypeError(f"{name} must be a timezone-aware datetime (or Unix seconds)")
        return int(value.timestamp())
    return _int(name, value)


def _pems(name: str, value: object) -> list:
    """PEM text (str or bytes), or a list of them."""
    items = [value] if isinstance(value, (str, bytes)) else value
    if not isinstance(items, (list, tuple)):
        raise _need(name, "PEM text or a list of PEM texts", value)
    out = []
    for item in items:
        if isinstance(item, bytes):
            item = item.decode("ascii")
        out.append(_str(name, item))
    return out


def _credential_id(name: str, item: object) -> str:
    if isinstance(item, Mapping):
        item = item.get("id")
        if isinstance(item, str):
            return item  # already base64url, as in a stored record
    return _bytes(name, item)


def _credential_ids(name: str, value: object) -> list:
    if not isinstance(value, (list, tuple)):
        raise _need(name, "a list of credential IDs (bytes) or records", value)
    return [_credential_id(name, item) for item in value]


def _descriptors(name: str, value: object) -> list:
    """[{"id", "transports"}] from IDs (bytes) or dicts with "id"/"transports"."""
    if not isinstance(value, (list, tuple)):
        raise _need(name, "a list of credential IDs (bytes) or records", value)
    out = []
    for item in value:
        descriptor: dict = {"id": _credential_id(name, item)}
        if isinstance(item, Mapping) and item.get("transports") is not None:
            descriptor["transports"] = _strings(name, item["transports"])
        out.append(descriptor)
    return out


def _json_text(name: str, value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8")
    if isinstance(value, Mapping):
        return json.dumps(value, separators=(",", ":"))
    raise _need(name, "JSON text (str or bytes) or a dict", value)


Converter = Callable[[str, object], object]

# Keyword arguments of the verify functions: snake_case name -> (member of
# the C ABI's options JSON, converter). The schema is
# include/passkey/passkey_c_options.schema.json.
_COMMON_OPTIONS: dict = {
    "top_origins": ("topOrigins", _strings),
    "allow_cross_origin": ("allowCrossOrigin", _bool),
    "user_verification": ("userVerification", _str),
    "allowed_algorithms": ("allowedAlgorithms", _ints),
    "expected_types": ("expectedTypes", _strings),
    "now": ("now", _now),
    "allow_sha1_attestation": ("allowSha1Attestation", _bool),
    "user_handle": ("userHandle", _bytes),
}
_REGISTRATION_OPTIONS: dict = {
    **_COMMON_OPTIONS,
    "trust_anchors": ("trustAnchors", _pems),
    "crls": ("crls", _pems),
    "require_trusted_attestation": ("requireTrustedAttestation", _bool),
    "require_revocation_check": ("requireRevocationCheck", _bool),
    "android_key_require_tee": ("androidKeyRequireTee", _bool),
    "allow_safetynet_without_cts_profile_match": ("allowSafetynetWithoutCtsProfileMatch", _bool),
    "danger_skip_safetynet_timestamp_check": ("dangerSkipSafetynetTimestampCheck", _bool),
    "safetynet_timestamp_window_seconds": ("safetynetTimestampWindowSeconds", _int),
    "mediation": ("mediation", _str),
}
_AUTHENTICATION_OPTIONS: dict = {
    **_COMMON_OPTIONS,
    "appid": ("appid", _str),
    "allow_credentials": ("allowCredentials", _credential_ids),
    "discoverable": ("discoverable", _bool),
    "allow_sign_count_rollback": ("allowSignCountRollback", _bool),
    "allow_rs1_credentials": ("allowRs1Credentials", _bool),
}


def _members(function: str, table: Mapping[str, tuple], values: Mapping[str, object]) -> dict:
    """Maps keyword arguments to JSON members; None means "not given"."""
    members = {}
    for name, value in values.items():
        if name not in table:
            raise TypeError(f"{function}() got an unexpected keyword argument '{name}'")
        if value is None:
            continue
        member, convert = table[name]
        members[member] = convert(name, value)
    return members


def _verify_options(function: str, table: Mapping[str, tuple], rp_id: StrOrList, origin: StrOrList,
                    challenge: BytesLike, opts: Mapping[str, object]) -> str:
    options = {
        "rpIds": _strings("rp_id", rp_id),
        "origins": _strings("origin", origin),
        "challenge": _bytes("challenge", challenge),
    }
    options.update(_members(function, table, opts))
    return json.dumps(options, separators=(",", ":"))


# --- Verification ----------------------------------------------------------


def verify_registration(response: JsonText, *, rp_id: StrOrList, origin: StrOrList,
                        challenge: BytesLike, **opts: Any) -> dict:
    """Verifies a registration (WebAuthn L3 §7.1) and returns the new credential record.

    Args:
        response: the browser's RegistrationResponseJSON (PublicKeyCredential
            .toJSON()), as JSON text or a dict.
        rp_id: the RP ID (a domain), or a list of acceptable RP IDs.
        origin: the expected origin ("https://example.com"), or a list.
        challenge: the challenge bytes issued with the creation options.
        **opts: optional policy, snake_case names of the C ABI's options
            members: user_verification ("required" (default), "preferred",
            "discouraged"), allowed_algorithms (COSE ints), top_origins,
            allow_cross_origin, expected_types, now (Unix seconds or an aware
            datetime; default: the clock), allow_sha1_attestation,
            user_handle (bytes, the user.id sent), trust_anchors and crls
            (PEM texts), require_trusted_attestation,
            require_revocation_check, android_key_require_tee,
            allow_safetynet_without_cts_profile_match,
            danger_skip_safetynet_timestamp_check,
            safetynet_timestamp_window_seconds, mediation. A value of None
            is the same as leaving the keyword out.

    Returns:
        The credential record as a dict (README "The credential record"):
        store it and pass it to verify_authentication later.

    Raises:
        VerificationError: the response was rejected (`.code` names the first
            failing check) or the options are unusable ("invalid_argument").
        TypeError: an unknown keyword or a value of the wrong Python type.
    """
    options = _verify_options("verify_registration", _REGISTRATION_OPTIONS, rp_id, origin, challenge, opts)
    record = _native.call("passkey_verify_registration", options, _json_text("response", response))
    return json.loads(record)


class PreparedCredential:
    """A stored credential record with its public key parsed and imported
    once, for verifying many assertions against it (the fast path).

    Pass it as `credential=` to verify_authentication. It is immutable and
    may be shared by any number of threads. Verification does not change it:
    after a successful sign-in, store result["credential"] and prepare a new
    one from it when the counter matters. Free the native handle with close()
    (or a `with` block); it is also freed when the object is collected.
    """

    def __init__(self, record: JsonText) -> None:
        """Prepares `record` (a dict or its JSON text).

        Raises:
            VerificationError: "malformed_credential_record",
                "unsupported_record_version", "invalid_public_key" or
                "unsupported_algorithm".
        """
        self._record_json = _json_text("record", record)
        self._lock = threading.Lock()
        self._users = 0
        self._closed = False
        self._handle: Optional[int] = None
        self._handle = _native.prepare(self._record_json)

    @property
    def record(self) -> dict:
        """The record this credential was prepared from."""
        return json.loads(self._record_json)

    def _acquire(self) -> int:
        with self._lock:
            if self._closed or self._handle is None:
                raise ValueError("PreparedCredential is closed")
            self._users += 1
            return self._handle

    def _release(self) -> None:
        with self._lock:
            self._users -= 1
            self._free_if_unused()

    def _free_if_unused(self) -> None:
        # Caller holds the lock. A close() during a verification in another
        # thread defers the free to the end of that verification.
        if self._closed and self._users == 0 and self._handle is not None:
            _native.free_credential(self._handle)
            self._handle = None

    def close(self) -> None:
        """Frees the native handle (once no verification uses it). Idempotent."""
        with self._lock:
            self._closed = True
            self._free_if_unused()

    def __enter__(self) -> "PreparedCredential":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __del__(self) -> None:
        # __init__ may have failed before the lock existed.
        if getattr(self, "_handle", None) is not None:
            self.close()


def verify_authentication(response: JsonText, *, credential: Union[JsonText, PreparedCredential],
                          rp_id: StrOrList, origin: StrOrList, challenge: BytesLike, **opts: Any) -> dict:
    """Verifies an authentication (WebAuthn L3 §7.2) against a stored credential.

    Args:
        response: the browser's AuthenticationResponseJSON, as JSON text or a dict.
        credential: the stored credential record (a dict or its JSON text),
            or a PreparedCredential made from it.
        rp_id, origin, challenge: as for verify_registration (challenge: the
            bytes issued with the request options).
        **opts: user_verification, allowed_algorithms, top_origins,
            allow_cross_origin, expected_types, now, allow_rs1_credentials
            (accept a stored RS1 / SHA-1 key; allow_sha1_attestation is its
            deprecated former name here), user_handle (bytes: the user identified before the ceremony),
            appid, allow_credentials (the credential IDs as bytes, or
            records, sent in allowCredentials), discoverable (the user was
            not identified first: the response must carry a userHandle),
            allow_sign_count_rollback. None = not given.

    Returns:
        {"credential": <the updated record: store it in place of the old one>,
         "signCount": int, "userVerified": bool, "backupState": bool,
         "backupStateChanged": True (only when it changed),
         "signCountRollback": True (only with allow_sign_count_rollback)}

    Raises:
        VerificationError: rejected (`.code`), or unusable options
            ("invalid_argument"), or a bad record
            ("malformed_credential_record", "unsupported_record_version").
        TypeError: an unknown keyword or a value of the wrong Python type.
        ValueError: `credential` is a closed PreparedCredential.
    """
    options = _verify_options("verify_authentication", _AUTHENTICATION_OPTIONS, rp_id, origin, challenge, opts)
    response_json = _json_text("response", response)
    if isinstance(credential, PreparedCredential):
        handle = credential._acquire()
        try:
            result = _native.call("passkey_verify_authentication_prepared", options, handle, response_json)
        finally:
            credential._release()
    else:
        result = _native.call("passkey_verify_authentication", options,
                              _json_text("credential", credential), response_json)
    return json.loads(result)


# --- Options for the browser -----------------------------------------------


class RegistrationOptions(NamedTuple):
    """What registration_options returns.

    options: PublicKeyCredentialCreationOptionsJSON (a dict) for the
        browser's PublicKeyCredential.parseCreationOptionsFromJSON().
    challenge: the challenge bytes; keep them (server side, one use) and
        pass them as verify_registration(challenge=...).
    user_id: the user.id bytes (the user handle); store it with the account
        and pass it as verify_registration(user_handle=...).
    """

    options: dict
    challenge: bytes
    user_id: bytes


class AuthenticationOptions(NamedTuple):
    """What authentication_options returns.

    options: PublicKeyCredentialRequestOptionsJSON (a dict) for
        PublicKeyCredential.parseRequestOptionsFromJSON().
    challenge: the challenge bytes for verify_authentication(challenge=...).
    """

    options: dict
    challenge: bytes


def _params(**values: object) -> str:
    """The params JSON from already converted values; None = omitted."""
    return json.dumps({k: v for k, v in values.items() if v is not None}, separators=(",", ":"))


def _maybe(convert: Converter, name: str, value: object) -> object:
    return None if value is None else convert(name, value)


def registration_options(*, rp_id: str, rp_name: str, user_name: str,
                         user_display_name: Optional[str] = None, user_id: Optional[BytesLike] = None,
                         algorithms: Optional[Sequence[int]] = None,
                         exclude_credentials: Optional[Iterable[CredentialRef]] = None,
                         authenticator_attachment: Optional[str] = None, resident_key: Optional[str] = None,
                         user_verification: Optional[str] = None, hints: Optional[StrOrList] = None,
                         attestation: Optional[str] = None, attestation_formats: Optional[StrOrList] = None,
                         timeout: Optional[int] = None, cred_props: Optional[bool] = None,
                         challenge_size: Optional[int] = None) -> RegistrationOptions:
    """Creates PublicKeyCredentialCreationOptionsJSON with a fresh random challenge.

    Args:
        rp_id, rp_name: the relying party (rp_id a domain).
        user_name, user_display_name: the account's names.
        user_id: the user handle (bytes, at most 64); default 32 random bytes.
        algorithms: COSE numbers of pubKeyCredParams, in order of preference
            (default: every supported algorithm but RS1).
        exclude_credentials: the user's existing credentials: IDs (bytes) or
            records / {"id", "transports"} dicts.
        authenticator_attachment: "platform" | "cross-platform".
        resident_key, user_verification: "required" (default) | "preferred"
            | "discouraged".
        hints: "security-key" | "client-device" | "hybrid" (a list).
        attestation: "none" (default) | "indirect" | "direct" | "enterprise".
        attestation_formats: attestation formats in order of preference.
        timeout: milliseconds (0 = omitted; default 300000).
        cred_props: request the credProps extension (default True).
        challenge_size: challenge length in bytes, 16..64 (default 32).

    Returns:
        RegistrationOptions(options, challenge, user_id).

    Raises:
        VerificationError: "invalid_argument" (an invalid value),
            "internal_error" (random generator failure).
        TypeError: a value of the wrong Python type.
    """
    params = _params(
        rpId=_str("rp_id", rp_id), rpName=_str("rp_name", rp_name), userName=_str("user_name", user_name),
        userDisplayName=_maybe(_str, "user_display_name", user_display_name),
        userId=_maybe(_bytes, "user_id", user_id),
        algorithms=_maybe(_ints, "algorithms", algorithms),
        excludeCredentials=_maybe(_descriptors, "exclude_credentials",
                                  None if exclude_credentials is None else list(exclude_credentials)),
        authenticatorAttachment=_maybe(_str, "authenticator_attachment", authenticator_attachment),
        residentKey=_maybe(_str, "resident_key", resident_key),
        userVerification=_maybe(_str, "user_verification", user_verification),
        hints=_maybe(_strings, "hints", hints),
        attestation=_maybe(_str, "attestation", attestation),
        attestationFormats=_maybe(_strings, "attestation_formats", attestation_formats),
        timeout=_maybe(_int, "timeout", timeout),
        credProps=_maybe(_bool, "cred_props", cred_props),
        challengeSize=_maybe(_int, "challenge_size", challenge_size),
    )
    made = json.loads(_native.call("passkey_make_registration_options", params))
    return RegistrationOptions(made["options"], _unb64url(made["challenge"]), _unb64url(made["userId"]))


def authentication_options(*, rp_id: str, allow_credentials: Optional[Iterable[CredentialRef]] = None,
                           user_verification: Optional[str] = None, hints: Optional[StrOrList] = None,
                           timeout: Optional[int] = None,
                           challenge_size: Optional[int] = None) -> AuthenticationOptions:
    """Creates PublicKeyCredentialRequestOptionsJSON with a fresh random challenge.

    Args:
        rp_id: the RP ID.
        allow_credentials: the credentials that may answer: IDs (bytes) or
            records / {"id", "transports"} dicts; omit for discoverable
            credentials (passkey autofill).
        user_verification, hints, timeout, challenge_size: as for
            registration_options.

    Returns:
        AuthenticationOptions(options, challenge).

    Raises:
        VerificationError: "invalid_argument", "internal_error".
        TypeError: a value of the wrong Python type.
    """
    params = _params(
        rpId=_str("rp_id", rp_id),
        allowCredentials=_maybe(_descriptors, "allow_credentials",
                                None if allow_credentials is None else list(allow_credentials)),
        userVerification=_maybe(_str, "user_verification", user_verification),
        hints=_maybe(_strings, "hints", hints),
        timeout=_maybe(_int, "timeout", timeout),
        challengeSize=_maybe(_int, "challenge_size", challenge_size),
    )
    made = json.loads(_native.call("passkey_make_authentication_options", params))
    return AuthenticationOptions(made["options"], _unb64url(made["challenge"]))


# --- Lookups ---------------------------------------------------------------


def aaguid(uuid: Union[str, _uuid.UUID]) -> Optional[dict]:
    """Looks an AAGUID up in the catalog compiled into the library.

    Returns:
        {"aaguid", "name", "iconLight", "iconDark"} (icons are data: URLs or
        ""), or None when the catalog does not know it (the all-zero AAGUID
        included). Display only: without verified attestation an AAGUID is
        unauthenticated.

    Raises:
        VerificationError: "invalid_argument" when `uuid` is not 8-4-4-4-12.
    """
    text = str(uuid) if isinstance(uuid, _uuid.UUID) else _str("uuid", uuid)
    try:
        return json.loads(_native.call("passkey_aaguid_lookup", text))
    except VerificationError as error:
        if error.code == "unknown_aaguid":
            return None
        raise


def mds_verify(blob: Union[str, bytes], *, roots: Union[str, bytes, Sequence[Union[str, bytes]]],
               crls: Optional[Union[str, bytes, Sequence[Union[str, bytes]]]] = None,
               now: Optional[Union[int, datetime.datetime]] = None, min_number: Optional[int] = None,
               require_revocation_check: Optional[bool] = None) -> dict:
    """Verifies a FIDO MDS3 BLOB (the JWS text) under the given root certificates.

    Args:
        blob: the BLOB as downloaded (JWS compact serialization).
        roots: PEM certificate(s) the BLOB's chain must reach (at least one).
        crls: PEM CRLs for the BLOB's chain.
        now: verification time (Unix seconds or an aware datetime; default
            the clock).
        min_number: the `no` of the last BLOB you accepted (rollback guard).
        require_revocation_check: every certificate below the root must be
            covered by one of `crls`.

    Returns:
        {"no", "nextUpdate", "entries" (count), "stale", "revocationChecked"};
        a BLOB past nextUpdate verifies with "stale": True.

    Raises:
        VerificationError: "invalid_argument", "mds_limit_exceeded",
            "mds_malformed", "certificate_*", "mds_untrusted",
            "mds_signature_invalid", "mds_rollback".
    """
    if isinstance(blob, bytes):
        blob = blob.decode("ascii")
    options = _params(
        roots=_pems("roots", roots),
        crls=_maybe(_pems, "crls", crls),
        now=_maybe(_now, "now", now),
        minNumber=_maybe(_int, "min_number", min_number),
        requireRevocationCheck=_maybe(_bool, "require_revocation_check", require_revocation_check),
    )
    return json.loads(_native.call("passkey_mds_verify", _str("blob", blob), options))


def version() -> str:
    """The loaded library's version, "MAJOR.MINOR.PATCH"."""
    return _native.version()
