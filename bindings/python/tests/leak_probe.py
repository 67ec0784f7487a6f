"""Leak probe, run in its own process by test_leak.py: CALLS mixed binding
calls, then CALLS rejections, each phase after a warm-up, printing VmRSS
(kB) before and after each phase as one JSON line.

The calls cover every path that hands memory across the C ABI: result and
record strings (passkey_string_free), error messages (passkey_error_clear),
prepared handles (passkey_credential_free), generated options.
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import passkey  # noqa: E402
from vector_runner import GENERATED_DIR, b64url_decode  # noqa: E402

WARM_UP = 1000


def vm_rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


def main(calls: int) -> None:
    vectors = {v["id"]: v for v in json.loads((GENERATED_DIR / "authentication.json").read_text())["vectors"]}
    registrations = {v["id"]: v for v in json.loads((GENERATED_DIR / "registration.json").read_text())["vectors"]}
    auth = vectors["passkey/auth/es256"]
    reg = registrations["passkey/reg/es256-none"]
    auth_args = {"rp_id": auth["rpId"], "origin": auth["origins"], "challenge": b64url_decode(auth["challenge"])}
    reg_args = {"rp_id": reg["rpId"], "origin": reg["origins"], "challenge": b64url_decode(reg["challenge"])}
    response = json.dumps(auth["response"])
    record = json.dumps(auth["credential"])
    prepared = passkey.PreparedCredential(record)

    def expect_error(call, code):
        try:
            call()
        except passkey.VerificationError as error:
            assert error.code == code, error.code
        else:
            raise AssertionError(f"expected {code}")

    operations = [
        lambda: passkey.verify_authentication(response, credential=prepared, **auth_args),
        lambda: passkey.verify_authentication(response, credential=record, **auth_args),
        lambda: expect_error(lambda: passkey.verify_authentication(
            response, credential=prepared, **{**auth_args, "challenge": b"wrong"}), "challenge_mismatch"),
        lambda: expect_error(lambda: passkey.verify_authentication(
            "{", credential=record, **auth_args), "malformed_response"),
        lambda: passkey.verify_registration(reg["response"], **reg_args),
        lambda: passkey.PreparedCredential(record).close(),
        lambda: passkey.registration_options(rp_id="example.com", rp_name="Example", user_name="alice"),
        lambda: passkey.authentication_options(rp_id="example.com", allow_credentials=[b"\x01" * 32]),
        lambda: passkey.aaguid("ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4"),
        lambda: passkey.aaguid("00000000-0000-0000-0000-000000000000"),
    ]

    def run(count: int) -> None:
        for i in range(count):
            operations[i % len(operations)]()

    run(WARM_UP)
    before = vm_rss_kb()
    run(calls)
    after = vm_rss_kb()

    # Rejections only, each with a long message (the expected origins are
    # listed in it): a message not freed by passkey_error_clear would add
    # about 300 bytes per call.
    origins = [f"https://origin-{i:03d}.example" for i in range(100)]

    def rejected() -> None:
        expect_error(lambda: passkey.verify_authentication(
            response, credential=prepared, **{**auth_args, "origin": origins}), "origin_mismatch")

    for _ in range(WARM_UP):
        rejected()
    errors_before = vm_rss_kb()
    for _ in range(calls):
        rejected()
    errors_after = vm_rss_kb()
    prepared.close()
    print(json.dumps({"before": before, "after": after, "errors_before": errors_before,
                      "errors_after": errors_after, "calls": calls}))


if __name__ == "__main__":
    main(int(sys.argv[1]))
