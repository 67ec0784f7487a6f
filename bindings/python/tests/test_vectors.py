"""Every conformance vector through the binding: the shared vectors
(../shared/vectors or $PASSKEY_VECTORS_DIR, as the C++ conformance runner)
and the project's own testdata/generated vectors, whose negatives must fail
with exactly their expect.code."""

import pytest

from vector_runner import GENERATED_DIR, load_vectors, run_vector, shared_vectors_dir

SHARED_DIR = shared_vectors_dir()
SHARED = load_vectors(SHARED_DIR) if SHARED_DIR.is_dir() else []
GENERATED = load_vectors(GENERATED_DIR)


def _params(vectors, missing):
    if not vectors:
        return [pytest.param(None, marks=pytest.mark.skip(reason=missing))]
    return [pytest.param(v, id=v["id"]) for v in vectors]


SHARED_PARAMS = _params(SHARED, f"shared vectors not found in {SHARED_DIR} "
                                "(set PASSKEY_VECTORS_DIR)")


@pytest.mark.parametrize("vector", SHARED_PARAMS)
def test_shared_vector(vector):
    run_vector(vector, exact=False)


@pytest.mark.parametrize("vector", [p for p in SHARED_PARAMS
                                    if p.values[0] is None or p.values[0]["ceremony"] == "authentication"])
def test_shared_vector_prepared(vector):
    run_vector(vector, exact=False, prepared=True)


@pytest.mark.parametrize("vector", [pytest.param(v, id=v["id"]) for v in GENERATED])
def test_generated_vector(vector):
    run_vector(vector, exact=True)


@pytest.mark.parametrize("vector", [pytest.param(v, id=v["id"]) for v in GENERATED
                                    if v["ceremony"] == "authentication"])
def test_generated_vector_prepared(vector):
    run_vector(vector, exact=True, prepared=True)


def test_generated_vectors_present():
    # The repository's own data must be there and cover both outcomes; a
    # skipped generated vector would hide a regression.
    assert len(GENERATED) > 100
    assert {v["expect"]["ok"] for v in GENERATED} == {True, False}
    assert all("code" in v["expect"] for v in GENERATED if not v["expect"]["ok"])
