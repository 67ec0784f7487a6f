#!/usr/bin/env python3
"""Writes raw seed inputs for the fuzz targets from testdata/generated/*.json
(our own software authenticator's output) into a scratch directory, one
sub-directory per target. fuzz/run.sh-style minimisation then merges them
into fuzz/corpus/<target>/ (files named by SHA-1 of their content).

Usage: fuzz/make_seeds.py TESTDATA_DIR OUT_DIR
"""
import base64
import glob
import json
import os
import struct
import sys

from seed_util import write  # fuzz/seed_util.py (the script's directory is on sys.path)

def b64u(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))

def main():
    testdata, out = sys.argv[1], sys.argv[2]
    for path in sorted(glob.glob(os.path.join(testdata, "generated", "*.json"))):
        for v in json.load(open(path))["vectors"]:
            response = v["response"]
            inner = response.get("response", {})
            text = json.dumps(response, separators=(",", ":"))
            write(out, "base64url", inner.get("clientDataJSON", ""))
            try:
                cdj = b64u(inner.get("clientDataJSON", ""))
            except Exception:
                continue
            write(out, "client_data", cdj)
            if v["ceremony"] == "registration":
                write(out, "registration_response_json", text)
                try:
                    att = b64u(inner.get("attestationObject", ""))
                except Exception:
                    continue
                write(out, "attestation_object", att)
                write(out, "cbor", att)
                if "authenticatorData" in inner:
                    auth = b64u(inner["authenticatorData"])
                    write(out, "authenticator_data", auth)
                key = v.get("expect", {}).get("credentialPublicKey")
                if key:
                    write(out, "cose_key", b64u(key))
                    write(out, "cbor", b64u(key))
                # verify_registration: valid-client-data choice (1), raw_id
                # length (1 byte, range 1..64 → use 32), then the object.
                rid = b64u(response.get("rawId", "")) or b"\x01"
                write(out, "verify_registration",
                      rid[:64] + att + bytes([len(rid[:64]) - 1, 1]))
            else:
                write(out, "authentication_response_json", text)
                cred = v.get("credential")
                if cred:
                    write(out, "credential_record", json.dumps(cred))
                    write(out, "cose_key", b64u(cred["publicKey"]))
                try:
                    auth = b64u(inner.get("authenticatorData", ""))
                    sig = b64u(inner.get("signature", ""))
                except Exception:
                    continue
                write(out, "authenticator_data", auth)
                # verify_authentication: sign_count (4), has-BE, BE,
                # allow-rollback, valid-client-data, signature length; bytes:
                # signature then authData.
                trailer = struct.pack(">I", 0) + bytes([0, 0, 1, 1, min(len(sig), 80)])
                write(out, "verify_authentication", sig[:80] + auth + bytes(reversed(trailer)))
    full = {"version": 1, "id": "AQID", "publicKey": "pQECAyYgASFYIA", "algorithm": -7,
            "signCount": 7, "uvInitialized": True, "transports": ["internal", "hybrid"],
            "backupEligible": True, "backupState": True, "deviceType": "multiDevice",
            "attachment": "platform", "aaguid": "fbfc3007-154e-4ecc-8c0b-6e020557d7bd",
            "attestationFormat": "none", "attestationType": "none",
            "attestationTrusted": False, "rpId": "example.org",
            "createdAt": "2026-11-23T08:31:08Z", "lastUsedAt": "2026-11-23T09:00:00Z"}
    write(out, "credential_record", json.dumps(full))

if __name__ == "__main__":
    main()
