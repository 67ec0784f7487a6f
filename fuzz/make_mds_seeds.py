#!/usr/bin/env python3
"""Writes raw seed inputs for the aaguid_catalog, mds_payload and mds_blob
fuzz targets into a scratch directory (one sub-directory per target, files
named by SHA-1). Everything comes from this project: catalog entries from
fido/aaguids.json, BLOBs signed with the fuzz-only keys in fuzz/mds_keys/.

fuzz/mds_keys/ holds the fixed MDS root of mds_blob_fuzzer (root.pem is
embedded in fuzz/mds_fuzz_util.h as kMdsFuzzRootPem), its key, and a signer
certificate issued by it. When the files are missing they are made with the
openssl command line (the root then changes: paste the new root.pem into
mds_fuzz_util.h and regenerate the mds_blob corpus). The RSA signer reuses
testdata/keys/rs256.pem. The keys are test keys, published on purpose.

Usage: fuzz/make_mds_seeds.py OUT_DIR     (run from the repository root)
"""
import base64
import copy
import json
import os
import subprocess
import sys
import tempfile

from seed_util import write  # fuzz/seed_util.py (the script's directory is on sys.path)

KEYS = "fuzz/mds_keys"
RSA_KEY = "testdata/keys/rs256.pem"


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def openssl(*args, data=None):
    return subprocess.run(["openssl", *args], input=data, check=True,
                          capture_output=True).stdout


def make_keys():
    os.makedirs(KEYS, exist_ok=True)
    path = lambda name: os.path.join(KEYS, name)
    for key in ("root-key.pem", "signer-key.pem"):
        if not os.path.exists(path(key)):
            openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-out", path(key))
    if not os.path.exists(path("root.pem")):
        openssl("req", "-x509", "-new", "-key", path("root-key.pem"), "-sha256",
                "-days", "7300", "-set_serial", "1",
                "-subj", "/C=US/O=passkey fuzz/CN=passkey fuzz MDS root",
                "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", path("root.pem"))
    with tempfile.TemporaryDirectory() as tmp:
        ext = os.path.join(tmp, "ext.cnf")
        with open(ext, "w") as f:
            f.write("basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n")
        for cert, key, serial in (("signer.pem", path("signer-key.pem"), "2"),
                                  ("signer-rsa.pem", RSA_KEY, "3")):
            if os.path.exists(path(cert)):
                continue
            csr = os.path.join(tmp, "req.pem")
            openssl("req", "-new", "-key", key, "-subj",
                    "/C=US/O=passkey fuzz/CN=passkey fuzz MDS signer " + serial, "-out", csr)
            openssl("x509", "-req", "-in", csr, "-CA", path("root.pem"), "-CAkey",
                    path("root-key.pem"), "-set_serial", serial, "-days", "7000", "-sha256",
                    "-extfile", ext, "-out", path(cert))


def der_of(pem_path):
    return openssl("x509", "-in", pem_path, "-outform", "DER")


def ecdsa_der_to_jose(der, width):
    # SEQUENCE { INTEGER r, INTEGER s } (short lengths for P-256).
    assert der[0] == 0x30
    i = 2 if der[1] < 0x80 else 3
    parts = []
    for _ in range(2):
        assert der[i] == 0x02
        n = der[i + 1]
        value = der[i + 2:i + 2 + n].lstrip(b"\x00")
        parts.append(value.rjust(width, b"\x00"))
        i += 2 + n
    return b"".join(parts)


def sign_jws(payload, alg, key, x5c):
    header = {"alg": alg, "typ": "JWT"}
    if x5c:
        header["x5c"] = [base64.b64encode(c).decode() for c in x5c]
    signing_input = (b64u(json.dumps(header, separators=(",", ":")).encode()) + "." +
                     b64u(payload.encode())).encode()
    args = ["dgst", "-sha256", "-sign", key]
    if alg == "PS256":
        args += ["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:32"]
    sig = openssl(*args, data=signing_input)
    if alg == "ES256":
        sig = ecdsa_der_to_jose(sig, 32)
    return signing_input.decode() + "." + b64u(sig)


def payloads(catalog, root_der):
    items = list(catalog.items())
    root_b64 = base64.b64encode(root_der).decode()

    def entry(aaguid, info, reports, roots=True):
        statement = {"aaguid": aaguid, "description": info["name"], "schema": 3,
                     "attestationRootCertificates": [root_b64] if roots else []}
        if info.get("icon_light"):
            statement["icon"] = info["icon_light"]
        return {"aaguid": aaguid, "metadataStatement": statement, "statusReports": reports,
                "timeOfLastStatusChange": "2024-01-01"}

    certified = [{"status": "FIDO_CERTIFIED_L1", "effectiveDate": "2024-01-01"}]
    out = []
    out.append({"legalHeader": "passkey fuzz metadata", "no": 7, "nextUpdate": "2030-01-01",
                "entries": [entry(k, v, certified, roots=False) for k, v in items[:3]]})
    out.append({"no": 1, "nextUpdate": "2027-01-01", "entries": []})
    out.append({"no": 42, "nextUpdate": "2031-06-30",
                "entries": [entry(items[3][0], items[3][1], certified)]})
    out.append({"no": 9, "nextUpdate": "2030-01-01", "entries": [
        entry(items[4][0], items[4][1], [
            {"status": "FIDO_CERTIFIED_L2", "effectiveDate": "2023-05-01"},
            {"status": "REVOKED", "effectiveDate": "2025-02-03"},
            {"status": "UPDATE_AVAILABLE"}], roots=False),
        entry(items[5][0], items[5][1], [
            {"status": "USER_VERIFICATION_BYPASS", "effectiveDate": "2025-01-01"},
            {"status": "FIDO_CERTIFIED", "effectiveDate": "2025-01-01"}], roots=False),
        entry(items[6][0], items[6][1], [
            {"status": "ATTESTATION_KEY_COMPROMISE"}], roots=False)]})
    out.append({"no": 3, "nextUpdate": "2030-01-01", "entries": [
        {"aaid": "4e4e#4005", "metadataStatement": {"aaid": "4e4e#4005",
                                                    "description": "UAF test", "schema": 3},
         "statusReports": certified},
        {"attestationCertificateKeyIdentifiers": ["7c0903708b87115b0b422def3138c3c864e44573"],
         "statusReports": []},
        {"aaguid": items[7][0], "statusReports": certified}]})
    return out


def catalogs(catalog):
    items = list(catalog.items())
    out = []
    for k, v in items[:8]:
        out.append({k: v})
    out.append(dict(items[8:11]))
    first = dict(items[11:13])
    out.append({k.upper(): v for k, v in first.items()})
    k, v = items[13]
    out.append({k: {"name": v["name"], "icon_light": None, "icon_dark": None}})
    k, v = items[14]
    out.append({k: {"name": v["name"]}})
    return out


def main():
    out = sys.argv[1]
    make_keys()
    catalog = json.load(open("fido/aaguids.json"))
    for c in catalogs(catalog):
        write(out, "aaguid_catalog", json.dumps(c, indent=2))
    root_der = der_of(os.path.join(KEYS, "root.pem"))
    signer_der = der_of(os.path.join(KEYS, "signer.pem"))
    rsa_der = der_of(os.path.join(KEYS, "signer-rsa.pem"))
    signers = [("ES256", os.path.join(KEYS, "signer-key.pem"), [signer_der]),
               ("ES256", os.path.join(KEYS, "signer-key.pem"), [signer_der, root_der]),
               ("ES256", os.path.join(KEYS, "root-key.pem"), []),
               ("RS256", RSA_KEY, [rsa_der]),
               ("PS256", RSA_KEY, [rsa_der])]
    for i, payload in enumerate(payloads(catalog, root_der)):
        text = json.dumps(payload, separators=(",", ":"))
        write(out, "mds_payload", text)
        for j, (alg, key, x5c) in enumerate(signers):
            # Every payload with the first signer; the others with two payloads.
            if j == 0 or i < 2:
                write(out, "mds_blob", sign_jws(text, alg, key, x5c) + ("\n" if i == 1 else ""))


if __name__ == "__main__":
    main()
