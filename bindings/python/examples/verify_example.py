#!/usr/bin/env python3
"""A relying party's calls into passkey, end to end, on recorded responses.

    PYTHONPATH=bindings/python PASSKEY_LIBRARY=build/src/libpasskey.so.0 \
        python3 bindings/python/examples/verify_example.py

A real server sends `options` to the browser and gets the response back; here
the responses come from the repository's testdata/generated vectors (made by
the project's software authenticator for the challenges stored with them).
"""

import base64
import json
import sys
from pathlib import Path

import passkey

TESTDATA = Path(__file__).resolve().parents[3] / "testdata" / "generated"


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def vector(file: str, vector_id: str) -> dict:
    vectors = json.loads((TESTDATA / file).read_text(encoding="utf-8"))["vectors"]
    return next(v for v in vectors if v["id"] == vector_id)


def main() -> int:
    print("passkey", passkey.version())

    # 1. Sign-up: options for the browser; keep the challenge and user id.
    created = passkey.registration_options(rp_id="example.org", rp_name="Example", user_name="alice")
    print("creation options challenge:", created.options["challenge"])

    # 2. Verify what the browser sent back (recorded: its own challenge).
    signup = vector("registration.json", "passkey/reg/es256-none")
    record = passkey.verify_registration(signup["response"], rp_id="example.org",
                                         origin="https://example.org",
                                         challenge=b64url_decode(signup["challenge"]))
    print("registered credential", record["id"], "algorithm", record["algorithm"])

    # 3. Sign-in against the stored record, on the fast path.
    signin = vector("authentication.json", "passkey/auth/es256")
    stored = {**record, **signin["credential"]}  # the record as stored after earlier sign-ins
    with passkey.PreparedCredential(stored) as credential:
        result = passkey.verify_authentication(signin["response"], credential=credential,
                                               rp_id="example.org", origin="https://example.org",
                                               challenge=b64url_decode(signin["challenge"]))
        print("signed in: signCount", result["signCount"], "userVerified", result["userVerified"])
        stored = result["credential"]  # store the updated record

        # 4. A replayed or forged response is rejected with a stable code.
        try:
            passkey.verify_authentication(signin["response"], credential=credential,
                                          rp_id="example.org", origin="https://example.org",
                                          challenge=b"a challenge this server never issued")
        except passkey.VerificationError as error:
            print("rejected:", error.code)
        else:
            print("a wrong challenge verified", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
