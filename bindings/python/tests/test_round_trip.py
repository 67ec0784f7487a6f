"""Options the library generates, answered by a software authenticator and
verified back: sign-up and sign-in as a Python server would do them."""

import base64
import datetime
import json

import pytest

import passkey
from soft_authenticator import SoftAuthenticator, make_mds_blob, make_root

RP_ID = "example.com"
ORIGIN = "https://example.com"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def sign_up(authenticator: SoftAuthenticator) -> tuple:
    created = passkey.registration_options(rp_id=RP_ID, rp_name="Example", user_name="alice",
                                           user_display_name="Alice", timeout=60000)
    response = authenticator.create(created.options)
    record = passkey.verify_registration(json.dumps(response), rp_id=RP_ID, origin=ORIGIN,
                                         challenge=created.challenge, user_handle=created.user_id)
    return created, record


def test_registration_options_round_trip():
    authenticator = SoftAuthenticator(ORIGIN)
    created, record = sign_up(authenticator)
    # The options carry the challenge and user.id returned as bytes.
    assert created.options["challenge"] == b64url(created.challenge)
    assert created.options["user"]["id"] == b64url(created.user_id)
    assert created.options["user"]["displayName"] == "Alice"
    assert created.options["timeout"] == 60000
    assert len(created.challenge) == 32 and len(created.user_id) == 32
    assert record["id"] == b64url(authenticator.credential_id)
    assert record["userHandle"] == b64url(created.user_id)
    assert record["rpId"] == RP_ID
    assert record["algorithm"] == -7
    assert record["attestationFormat"] == "none"
    assert record["transports"] == ["internal"]
    assert record["attachment"] == "platform"
    assert record["signCount"] == 0 and record["uvInitialized"] is True


def test_authentication_options_round_trip():
    authenticator = SoftAuthenticator(ORIGIN)
    created, record = sign_up(authenticator)
    requested = passkey.authentication_options(rp_id=RP_ID, allow_credentials=[record], challenge_size=16)
    assert requested.options["allowCredentials"] == [
        {"type": "public-key", "id": record["id"], "transports": ["internal"]}]
    assert len(requested.challenge) == 16
    assertion = authenticator.get(requested.options)
    result = passkey.verify_authentication(assertion, credential=record, rp_id=RP_ID, origin=ORIGIN,
                                           challenge=requested.challenge, allow_credentials=[record],
                                           user_handle=created.user_id)
    assert result["signCount"] == 1
    assert result["userVerified"] is True
    assert result["credential"]["signCount"] == 1
    assert "signCountRollback" not in result

    # The updated record is the one to verify against: the same assertion
    # again is a rollback, unless rollback is allowed.
    updated = result["credential"]
    with pytest.raises(passkey.VerificationError) as rejected:
        passkey.verify_authentication(assertion, credential=updated, rp_id=RP_ID, origin=ORIGIN,
                                      challenge=requested.challenge)
    assert rejected.value.code == "sign_count_rollback"
    rolled = passkey.verify_authentication(assertion, credential=updated, rp_id=RP_ID, origin=ORIGIN,
                                           challenge=requested.challenge, allow_sign_count_rollback=True)
    assert rolled["signCountRollback"] is True


def test_each_ceremony_needs_its_own_challenge():
    authenticator = SoftAuthenticator(ORIGIN)
    _, record = sign_up(authenticator)
    first = passkey.authentication_options(rp_id=RP_ID)
    second = passkey.authentication_options(rp_id=RP_ID)
    assert first.challenge != second.challenge
    assertion = authenticator.get(first.options)
    with pytest.raises(passkey.VerificationError) as rejected:
        passkey.verify_authentication(assertion, credential=record, rp_id=RP_ID, origin=ORIGIN,
                                      challenge=second.challenge)
    assert rejected.value.code == "challenge_mismatch"


def test_discoverable_sign_in_and_user_handle():
    authenticator = SoftAuthenticator(ORIGIN)
    created, record = sign_up(authenticator)
    requested = passkey.authentication_options(rp_id=RP_ID)
    assertion = authenticator.get(requested.options)
    result = passkey.verify_authentication(assertion, credential=record, rp_id=RP_ID, origin=ORIGIN,
                                           challenge=requested.challenge, discoverable=True)
    assert result["signCount"] == 1
    with pytest.raises(passkey.VerificationError) as rejected:
        passkey.verify_authentication(assertion, credential=record, rp_id=RP_ID, origin=ORIGIN,
                                      challenge=requested.challenge, user_handle=b"someone else")
    assert rejected.value.code == "user_handle_mismatch"
    del assertion["response"]["userHandle"]
    with pytest.raises(passkey.VerificationError) as missing:
        passkey.verify_authentication(assertion, credential=record, rp_id=RP_ID, origin=ORIGIN,
                                      challenge=requested.challenge, discoverable=True)
    assert missing.value.code == "user_handle_missing"


def test_user_verification_policy():
    authenticator = SoftAuthenticator(ORIGIN, user_verified=False)
    created = passkey.registration_options(rp_id=RP_ID, rp_name="Example", user_name="bob",
                                           user_verification="preferred")
    assert created.options["authenticatorSelection"]["userVerification"] == "preferred"
    response = authenticator.create(created.options)
    with pytest.raises(passkey.VerificationError) as rejected:
        passkey.verify_registration(response, rp_id=RP_ID, origin=ORIGIN, challenge=created.challenge)
    assert rejected.value.code == "user_not_verified"
    record = passkey.verify_registration(response, rp_id=RP_ID, origin=ORIGIN, challenge=created.challenge,
                                         user_verification="preferred")
    assert record["uvInitialized"] is False


def test_prepared_credential_fast_path():
    authenticator = SoftAuthenticator(ORIGIN)
    _, record = sign_up(authenticator)
    with passkey.PreparedCredential(record) as prepared:
        assert prepared.record == record
        for expected_count in (1, 2, 3):
            requested = passkey.authentication_options(rp_id=RP_ID)
            result = passkey.verify_authentication(authenticator.get(requested.options), credential=prepared,
                                                   rp_id=RP_ID, origin=ORIGIN, challenge=requested.challenge)
            assert result["signCount"] == expected_count
    with pytest.raises(ValueError):
        passkey.verify_authentication(authenticator.get(requested.options), credential=prepared,
                                      rp_id=RP_ID, origin=ORIGIN, challenge=requested.challenge)


def test_mds_verify():
    now = datetime.datetime.now(datetime.timezone.utc)
    root_key, root_pem = make_root(now)
    blob = make_mds_blob(root_key, {"legalHeader": "test", "no": 7, "nextUpdate": "2999-01-01", "entries": []})
    verified = passkey.mds_verify(blob, roots=root_pem, now=now)
    # No certificate below the root: nothing needed a CRL.
    assert verified == {"no": 7, "nextUpdate": "2999-01-01", "entries": 0, "stale": False,
                        "revocationChecked": True}
    yesterday = (now - datetime.timedelta(days=1)).strftime("%Y-%m-%d")
    stale = make_mds_blob(root_key, {"no": 8, "nextUpdate": yesterday, "entries": []})
    assert passkey.mds_verify(stale.encode("ascii"), roots=root_pem, now=int(now.timestamp()))["stale"] is True
    with pytest.raises(passkey.VerificationError) as rollback:
        passkey.mds_verify(blob, roots=[root_pem], now=now, min_number=7)
    assert rollback.value.code == "mds_rollback"
    other_key, other_pem = make_root(now)
    with pytest.raises(passkey.VerificationError) as untrusted:
        passkey.mds_verify(blob, roots=[other_pem], now=now)
    assert untrusted.value.code == "mds_signature_invalid"
