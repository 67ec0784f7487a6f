"""Concurrent verifications: the C ABI is thread-safe and ctypes releases the
GIL around each call, so Python threads verify in parallel. Every result
must still be exactly right."""

import json
import threading

import passkey
from vector_runner import GENERATED_DIR, b64url_decode

THREADS = 8
ROUNDS = 150

_vectors = {v["id"]: v for v in json.loads((GENERATED_DIR / "authentication.json").read_text())["vectors"]}
# Different algorithms, so threads also run different code paths at once.
VECTORS = [_vectors[i] for i in ("passkey/auth/es256", "passkey/auth/ed25519", "passkey/auth/rs256")]


def _args(vector):
    return {"rp_id": vector["rpId"], "origin": vector["origins"], "challenge": b64url_decode(vector["challenge"]),
            "user_verification": "required" if vector["requireUserVerification"] else "preferred"}


def _run_threads(work):
    failures = []
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def body(index):
        start.wait()
        try:
            work(index)
        except BaseException as error:  # reported to the main thread
            with lock:
                failures.append(f"thread {index}: {error!r}")

    threads = [threading.Thread(target=body, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures


def test_threads_share_prepared_credentials():
    prepared = [passkey.PreparedCredential(v["credential"]) for v in VECTORS]
    expected = [v["expect"]["signCount"] for v in VECTORS]
    counts = [0] * THREADS

    def work(index):
        for round_number in range(ROUNDS):
            which = (index + round_number) % len(VECTORS)
            vector = VECTORS[which]
            if round_number % 3 == 2:
                # A rejection in between: its error must not leak into the
                # next call of this or any other thread.
                try:
                    passkey.verify_authentication(vector["response"], credential=prepared[which],
                                                  **{**_args(vector), "challenge": b"not the challenge"})
                except passkey.VerificationError as error:
                    assert error.code == "challenge_mismatch", error.code
                else:
                    raise AssertionError("a wrong challenge verified")
                continue
            result = passkey.verify_authentication(vector["response"], credential=prepared[which], **_args(vector))
            assert result["signCount"] == expected[which], result
            assert result["credential"]["id"] == vector["credential"]["id"]
            counts[index] += 1

    _run_threads(work)
    assert sum(counts) == THREADS * (ROUNDS - ROUNDS // 3)
    for handle in prepared:
        handle.close()


def test_threads_verify_records_and_make_options():
    def work(index):
        vector = VECTORS[index % len(VECTORS)]
        challenges = set()
        for _ in range(ROUNDS // 3):
            result = passkey.verify_authentication(vector["response"], credential=vector["credential"],
                                                   **_args(vector))
            assert result["signCount"] == vector["expect"]["signCount"]
            challenges.add(passkey.authentication_options(rp_id="example.com").challenge)
        assert len(challenges) == ROUNDS // 3

    _run_threads(work)


def test_close_waits_for_running_verifications():
    vector = VECTORS[0]
    prepared = passkey.PreparedCredential(vector["credential"])
    closed = threading.Event()

    def work(index):
        if index == 0:
            prepared.close()
            closed.set()
            return
        # Until close() runs, verifications succeed; afterwards they are
        # refused with ValueError, never a use of a freed handle.
        for _ in range(ROUNDS):
            try:
                passkey.verify_authentication(vector["response"], credential=prepared, **_args(vector))
            except ValueError:
                assert closed.is_set()
                return

    _run_threads(work)
