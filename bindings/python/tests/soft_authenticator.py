"""A software ES256 authenticator for the binding's tests: it answers the
options JSON the library generates with RegistrationResponseJSON /
AuthenticationResponseJSON, as a browser with a platform authenticator
would. Needs Debian's python3-cryptography (a dependency of
python3-fido2, which tools/install-deps.sh installs); tests that use it
skip when it is missing.

Also makes a self-signed root and a FIDO MDS3 BLOB signed by it.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import os
import struct
from typing import Optional

import pytest

cryptography = pytest.importorskip("cryptography", reason="needs python3-cryptography")
from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature  # noqa: E402
from cryptography.x509.oid import NameOID  # noqa: E402

FLAG_UP = 0x01
FLAG_UV = 0x04
FLAG_AT = 0x40


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def cbor(value: object) -> bytes:
    """Canonical CBOR for ints, bytes, str, lists and dicts (what an
    authenticator writes)."""

    def head(major: int, number: int) -> bytes:
        if number < 24:
            return bytes([major << 5 | number])
        for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
            if number < 1 << (8 * size):
                return bytes([major << 5 | info]) + number.to_bytes(size, "big")
        raise ValueError("integer too large for CBOR")

    if isinstance(value, bool) or value is None:
        raise TypeError("not needed here")
    if isinstance(value, int):
        return head(0, value) if value >= 0 else head(1, -1 - value)
    if isinstance(value, bytes):
        return head(2, len(value)) + value
    if isinstance(value, str):
        encoded = value.encode("utf-8")
        return head(3, len(encoded)) + encoded
    if isinstance(value, list):
        return head(4, len(value)) + b"".join(cbor(item) for item in value)
    if isinstance(value, dict):
        # CTAP2 canonical order: shorter encoded key first, then bytewise.
        items = sorted((cbor(k), cbor(v)) for k, v in value.items())
        items.sort(key=lambda kv: len(kv[0]))
        return head(5, len(value)) + b"".join(k + v for k, v in items)
    raise TypeError(f"cannot encode {type(value).__name__}")


class SoftAuthenticator:
    """One ES256 discoverable credential with "none" attestation."""

    def __init__(self, origin: str, user_verified: bool = True) -> None:
        self.origin = origin
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.sign_count = 0
        self.user_handle: Optional[bytes] = None
        self.flags = FLAG_UP | (FLAG_UV if user_verified else 0)

    def cose_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        return cbor({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})

    def _client_data(self, kind: str, challenge: str) -> bytes:
        return json.dumps({"type": kind, "challenge": challenge, "origin": self.origin,
                           "crossOrigin": False}).encode("utf-8")

    def create(self, options: dict) -> dict:
        """RegistrationResponseJSON for PublicKeyCredentialCreationOptionsJSON."""
        self.user_handle = base64.urlsafe_b64decode(options["user"]["id"] + "==")
        rp_id_hash = hashlib.sha256(options["rp"]["id"].encode("utf-8")).digest()
        auth_data = (rp_id_hash + bytes([self.flags | FLAG_AT]) + struct.pack(">I", self.sign_count)
                     + bytes(16) + struct.pack(">H", len(self.credential_id)) + self.credential_id
                     + self.cose_key())
        attestation_object = cbor({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return {
            "id": b64url(self.credential_id), "rawId": b64url(self.credential_id), "type": "public-key",
            "response": {
                "clientDataJSON": b64url(self._client_data("webauthn.create", options["challenge"])),
                "attestationObject": b64url(attestation_object),
                "transports": ["internal"],
            },
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {"credProps": {"rk": True}},
        }

    def get(self, options: dict) -> dict:
        """AuthenticationResponseJSON for PublicKeyCredentialRequestOptionsJSON
        (the counter increases by one per assertion)."""
        self.sign_count += 1
        rp_id_hash = hashlib.sha256(options["rpId"].encode("utf-8")).digest()
        auth_data = rp_id_hash + bytes([self.flags]) + struct.pack(">I", self.sign_count)
        client_data = self._client_data("webauthn.get", options["challenge"])
        signature = self.key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        response = {"clientDataJSON": b64url(client_data), "authenticatorData": b64url(auth_data),
                    "signature": b64url(signature)}
        if self.user_handle is not None:
            response["userHandle"] = b64url(self.user_handle)
        return {"id": b64url(self.credential_id), "rawId": b64url(self.credential_id), "type": "public-key",
                "response": response, "authenticatorAttachment": "platform", "clientExtensionResults": {}}


def make_root(now: datetime.datetime) -> tuple:
    """A self-signed P-256 CA valid around `now`: (private key, PEM text)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "passkey binding test root")])
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256()))
    return key, certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")


def make_mds_blob(root_key: ec.EllipticCurvePrivateKey, payload: dict) -> str:
    """A JWS (ES256, no x5c: the root signs the BLOB itself) over `payload`."""
    header = b64url(json.dumps({"alg": "ES256", "typ": "JWT"}).encode("utf-8"))
    body = b64url(json.dumps(payload).encode("utf-8"))
    der = root_key.sign(f"{header}.{body}".encode("ascii"), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    return f"{header}.{body}.{b64url(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"
