#!/usr/bin/env python3
"""The maintainers' mutation campaign against the `passkey` CLI.

Takes the positive vectors in testdata/generated/ (this project's own
software-authenticator output), mutates their responses many times and runs
`passkey verify-registration` / `verify-authentication` (build it with
ASan + UBSan) on each mutant. Fails when any run

  * exits with a code other than 0, 1 or 2,
  * prints a sanitizer report (AddressSanitizer, LeakSanitizer,
    UndefinedBehaviorSanitizer, "runtime error:"),
  * hangs (uses more than --cpu-limit CPU seconds, or no exit within
    --timeout wall seconds), or
  * exits 0 although the mutation changed SIGNED bytes: for authentication
    the authenticatorData, clientDataJSON and signature; for registration
    with a signed attestation statement (packed here) the attestation
    object's authData, the clientDataJSON and attStmt.sig. A registration
    with fmt "none" signs nothing, so it is checked for the first three only.

"Changed" means the bytes the library must verify differ after decoding
(strict base64url, the attestation object's CBOR), so neutral mutations
(whitespace or member order in the response JSON, an unchanged value
re-encoded) do not count; a mutant whose signed member no longer decodes
strictly counts as changed.

Mutations: bit flips, byte overwrite, insertion, deletion, truncation,
extension and chunk duplication in the decoded binary fields (authData,
signature, attStmt.sig, the whole attestationObject, clientDataJSON, ids,
userHandle), JSON-level edits of clientDataJSON (values, types, members,
duplicate keys, escapes, whitespace) and of the response JSON (members
removed, retyped, added, base64url padding/alphabet, whitespace).

Usage: tools/mutate_cli.py --cli build/check/tools/passkey/passkey [-n 3000]
       [--seed 1] [--jobs 2] [--cpu-limit 10] [--timeout 600] [--keep DIR]
       [--testdata testdata]
Python 3.11 standard library only. Exit 0 when no run failed.
"""
import argparse
import base64
import collections
import concurrent.futures
import copy
import json
import os
import random
import re
import resource
import signal
import subprocess
import sys
import tempfile

NOW = "2026-06-01T00:00:00Z"
SANITIZER_RE = re.compile(
    r"(ERROR: AddressSanitizer|ERROR: LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:)")
B64U_RE = re.compile(r"^[A-Za-z0-9_-]*$")


# ---------------------------------------------------------------- base64url

def b64u_encode(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64u_strict(text):
    """Strict base64url as the library reads it, or None."""
    if not isinstance(text, str) or not B64U_RE.match(text) or len(text) % 4 == 1:
        return None
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    return data if b64u_encode(data) == text else None  # unused bits zero


# --------------------------------------------------------------------- CBOR
# Just enough CBOR to find the attestation object's authData and attStmt.sig
# (definite lengths; anything else is "undecodable").

class CborError(Exception):
    pass


def cbor_head(data, pos):
    if pos >= len(data):
        raise CborError("eof")
    first = data[pos]
    major, info = first >> 5, first & 31
    pos += 1
    if info < 24:
        return major, info, pos
    sizes = {24: 1, 25: 2, 26: 4, 27: 8}
    if info not in sizes:
        raise CborError("indefinite or reserved")
    n = sizes[info]
    if pos + n > len(data):
        raise CborError("eof")
    return major, int.from_bytes(data[pos:pos + n], "big"), pos + n


def cbor_item(data, pos, depth=0):
    """Returns (value, start of content, end). Byte strings are bytes."""
    if depth > 16:
        raise CborError("deep")
    major, arg, pos = cbor_head(data, pos)
    if major in (2, 3):
        if pos + arg > len(data):
            raise CborError("eof")
        raw = data[pos:pos + arg]
        return (raw if major == 2 else raw.decode("utf-8", "replace")), pos, pos + arg
    if major in (0, 1):
        return (arg if major == 0 else -1 - arg), pos, pos
    if major == 4:
        items = []
        for _ in range(arg):
            value, _, pos = cbor_item(data, pos, depth + 1)
            items.append(value)
        return items, pos, pos
    if major == 5:
        result = {}
        spans = {}
        for _ in range(arg):
            key, _, pos = cbor_item(data, pos, depth + 1)
            value_start = pos
            value, content, pos = cbor_item(data, pos, depth + 1)
            if isinstance(key, list):
                key = tuple(key)
            result[key] = value
            spans[key] = (value_start, content, pos)
        return CborMap(result, spans), pos, pos
    if major == 7:
        return arg, pos, pos
    if major == 6:
        return cbor_item(data, pos, depth + 1)
    raise CborError("major")


class CborMap(dict):
    def __init__(self, values, spans):
        super().__init__(values)
        self.spans = spans  # key -> (item start, content start, end)


def parse_attestation_object(data):
    """(authData, attStmt.sig or None, spans) or raises CborError."""
    top, _, end = cbor_item(data, 0)
    if end != len(data) or not isinstance(top, CborMap):
        raise CborError("not one map")
    auth = top.get("authData")
    stmt = top.get("attStmt")
    if not isinstance(auth, bytes) or not isinstance(stmt, CborMap):
        raise CborError("members")
    sig = stmt.get("sig")
    return auth, sig if isinstance(sig, bytes) else None, top, stmt


def bstr_head(length):
    if length < 24:
        return bytes([0x40 | length])
    for info, n in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if length < (1 << (8 * n)):
            return bytes([0x40 | info]) + length.to_bytes(n, "big")
    raise ValueError(length)


def splice_bstr(data, span, new_content):
    start, _, end = span
    return data[:start] + bstr_head(len(new_content)) + new_content + data[end:]


# ---------------------------------------------------------------- mutations

def mutate_bytes(rng, data):
    """One random edit of `data`; returns (op name, new bytes)."""
    data = bytearray(data)
    ops = ["bitflip", "bitflip", "set", "insert", "delete", "truncate", "extend", "dup",
           "multiflip"]
    if not data:
        ops = ["insert", "extend"]
    op = rng.choice(ops)
    if op == "bitflip":
        i = rng.randrange(len(data))
        data[i] ^= 1 << rng.randrange(8)
    elif op == "multiflip":
        for _ in range(rng.randint(2, 8)):
            i = rng.randrange(len(data))
            data[i] ^= 1 << rng.randrange(8)
    elif op == "set":
        i = rng.randrange(len(data))
        data[i] = rng.choice([0x00, 0xff, 0x7f, 0x80, 0x01, rng.randrange(256)])
    elif op == "insert":
        i = rng.randrange(len(data) + 1)
        data[i:i] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 4)))
    elif op == "delete":
        i = rng.randrange(len(data))
        del data[i:i + rng.randint(1, 4)]
    elif op == "truncate":
        del data[rng.randrange(len(data)):]
    elif op == "extend":
        data += bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
    elif op == "dup":
        i = rng.randrange(len(data))
        j = min(len(data), i + rng.randint(1, 16))
        k = rng.randrange(len(data) + 1)
        data[k:k] = data[i:j]
    return op, bytes(data)


JSON_VALUES = [None, True, False, 0, -1, 1.5, "", "x", [], {}, "webauthn.get", "webauthn.create",
               "https://example.org", "https://evil.example", "AAAA", 2 ** 64]


def mutate_client_data(rng, data):
    """A JSON-level edit of clientDataJSON text, or a byte edit."""
    try:
        obj = json.loads(data)
    except ValueError:
        obj = None
    if not isinstance(obj, dict) or rng.random() < 0.3:
        return mutate_bytes(rng, data)
    text = data.decode("utf-8", "replace")
    op = rng.choice(["value", "remove", "add", "dupkey", "escape", "space", "reorder",
                     "challenge", "origin", "type", "crossorigin", "topOrigin", "nest"])
    keys = list(obj)
    if op == "value" and keys:
        obj[rng.choice(keys)] = rng.choice(JSON_VALUES)
    elif op == "remove" and keys:
        del obj[rng.choice(keys)]
    elif op == "add":
        obj[rng.choice(["extra", "tokenBinding", "other_keys_can_be_added_here", "topOrigin"])] = \
            rng.choice(JSON_VALUES)
    elif op == "dupkey" and keys:
        k = rng.choice(keys)
        return op, (text[:-1] + ',"%s":%s}' % (k, json.dumps(rng.choice(JSON_VALUES)))).encode()
    elif op == "escape":
        # Same value, different bytes: escape one letter of a string.
        m = list(re.finditer(r'"[a-z]+":"([a-zA-Z])', text))
        if m:
            hit = rng.choice(m)
            i = hit.start(1)
            return op, (text[:i] + "\\u%04x" % ord(text[i]) + text[i + 1:]).encode()
    elif op == "space":
        i = rng.choice([k for k, ch in enumerate(text) if ch in ",:{"] or [0]) + 1
        return op, (text[:i] + rng.choice([" ", "\n", "\t", "  "]) + text[i:]).encode()
    elif op == "reorder" and len(keys) > 1:
        rng.shuffle(keys)
        obj = {k: obj[k] for k in keys}
    elif op == "challenge" and isinstance(obj.get("challenge"), str) and obj["challenge"]:
        c = list(obj["challenge"])
        i = rng.randrange(len(c))
        c[i] = rng.choice("AQgw_-") if c[i] != "A" else "B"
        obj["challenge"] = "".join(c)
    elif op == "origin":
        obj["origin"] = rng.choice(["https://example.org.", "https://EXAMPLE.org",
                                    "https://example.org:443", "http://example.org",
                                    "https://login.example.org", "https://example.org/"])
    elif op == "type":
        obj["type"] = rng.choice(["webauthn.get", "webauthn.create", "payment.get", ""])
    elif op == "crossorigin":
        obj["crossOrigin"] = rng.choice([True, False, "true", 1, None])
    elif op == "topOrigin":
        obj["topOrigin"] = rng.choice(["https://top.example.net", "https://evil.example", 5])
    elif op == "nest":
        obj[rng.choice(keys or ["x"])] = json.loads("[" * 40 + "]" * 40)
    sep = rng.choice([(",", ":"), (", ", ": ")])
    return op, json.dumps(obj, separators=sep).encode()


# ------------------------------------------------------------------ vectors

class Case:
    def __init__(self, vector, workdir):
        self.vector = vector
        self.ceremony = vector["ceremony"]
        self.response = vector["response"]
        self.args = self.make_args(workdir)
        self.signed = signed_bytes(self.ceremony, self.response)
        self.fmt = None
        if self.ceremony == "registration":
            att = b64u_strict(self.response["response"]["attestationObject"])
            self.fmt = cbor_item(att, 0)[0].get("fmt")

    def make_args(self, workdir):
        v = self.vector
        cmd = ["verify-" + v["ceremony"]]
        for rp in v.get("allowedRpIds") or [v["rpId"]]:
            cmd += ["--rp-id", rp]
        for origin in v["origins"]:
            cmd += ["--origin", origin]
        for top in v.get("topOrigins", []):
            cmd += ["--top-origin", top]
        if v.get("allowCrossOrigin"):
            cmd.append("--allow-cross-origin")
        cmd += ["--challenge", v["challenge"], "--now", NOW, "--user-verification",
                "required" if v.get("requireUserVerification") else "preferred"]
        for alg in v.get("supportedAlgorithms", []):
            cmd += ["--algorithm", str(alg)]
        for t in v.get("expectedType", []):
            cmd += ["--expected-type", t]
        if v.get("attestationPolicy", {}).get("allowSha1Attestation"):
            cmd.append("--allow-sha1-attestation")
        if v["ceremony"] == "authentication":
            path = os.path.join(workdir, re.sub(r"[^a-z0-9]+", "_", v["id"]) + ".record.json")
            with open(path, "w") as f:
                json.dump(v["credential"], f)
            cmd += ["--credential", path]
        return cmd

    def signature_covers(self):
        return self.ceremony == "authentication" or self.fmt not in (None, "none")


def signed_bytes(ceremony, response):
    """The signed byte strings of a response, or None if one of them does not
    decode (strict base64url, CBOR)."""
    try:
        inner = response["response"]
        cdj = b64u_strict(inner["clientDataJSON"])
        if cdj is None:
            return None
        if ceremony == "authentication":
            auth = b64u_strict(inner["authenticatorData"])
            sig = b64u_strict(inner["signature"])
            if auth is None or sig is None:
                return None
            return (cdj, auth, sig)
        att = b64u_strict(inner["attestationObject"])
        if att is None:
            return None
        auth, sig, _, _ = parse_attestation_object(att)
        return (cdj, auth, sig)
    except (KeyError, TypeError, CborError, UnicodeError):
        return None


def mutate_response(rng, case):
    """Returns (field, op, mutated response text)."""
    response = copy.deepcopy(case.response)
    inner = response["response"]
    reg = case.ceremony == "registration"
    fields = ["clientDataJSON", "clientDataJSON", "json"]
    if reg:
        fields += ["attestationObject", "authData", "authData", "attStmt.sig", "attStmt.sig",
                   "rawId", "transports"]
    else:
        fields += ["authenticatorData", "authenticatorData", "signature", "signature",
                   "rawId", "userHandle"]
    field = rng.choice(fields)
    op = ""
    text_override = None
    if field == "clientDataJSON":
        op, cdj = mutate_client_data(rng, b64u_strict(inner["clientDataJSON"]))
        inner["clientDataJSON"] = b64u_encode(cdj)
    elif field in ("authenticatorData", "signature", "userHandle"):
        old = b64u_strict(inner.get(field, "")) or b""
        op, new = mutate_bytes(rng, old)
        inner[field] = b64u_encode(new)
    elif field == "rawId":
        op, new = mutate_bytes(rng, b64u_strict(response["rawId"]))
        response["rawId"] = b64u_encode(new)
        if rng.random() < 0.5:
            response["id"] = response["rawId"]
    elif field == "transports":
        op = "transports"
        inner["transports"] = rng.choice([["usb", "nfc"], ["bogus"], "usb", [1], None])
    elif field == "attestationObject":
        op, new = mutate_bytes(rng, b64u_strict(inner["attestationObject"]))
        inner["attestationObject"] = b64u_encode(new)
    elif field in ("authData", "attStmt.sig"):
        att = b64u_strict(inner["attestationObject"])
        _, _, top, stmt = parse_attestation_object(att)
        if field == "authData":
            op, new = mutate_bytes(rng, top["authData"])
            att = splice_bstr(att, top.spans["authData"], new)
        elif "sig" in stmt:
            # attStmt's spans are relative to the whole object (one buffer).
            op, new = mutate_bytes(rng, stmt["sig"])
            att = splice_bstr(att, stmt.spans["sig"], new)
        else:
            op = "no-sig"
        inner["attestationObject"] = b64u_encode(att)
    elif field == "json":
        op = rng.choice(["remove", "retype", "add", "pad", "alphabet", "space", "reorder",
                         "id-mismatch", "garbage", "truncate"])
        target = rng.choice([response, inner])
        keys = list(target)
        if op == "remove" and keys:
            del target[rng.choice(keys)]
        elif op == "retype" and keys:
            target[rng.choice(keys)] = rng.choice(JSON_VALUES)
        elif op == "add":
            target[rng.choice(["extra", "authenticatorAttachment", "clientExtensionResults",
                               "publicKey", "userHandle"])] = rng.choice(JSON_VALUES)
        elif op == "pad":
            k = rng.choice([k for k in inner if isinstance(inner[k], str)] or ["clientDataJSON"])
            inner[k] = inner[k] + "="
        elif op == "alphabet":
            k = rng.choice([k for k in inner if isinstance(inner[k], str)] or ["clientDataJSON"])
            inner[k] = inner[k].replace("-", "+").replace("_", "/") if rng.random() < 0.5 \
                else inner[k] + "*"
        elif op == "space":
            text_override = json.dumps(response, indent=rng.choice([1, 2, 4]))
        elif op == "reorder":
            items = list(response.items())
            rng.shuffle(items)
            text_override = json.dumps(dict(items))
        elif op == "id-mismatch":
            response["id"] = b64u_encode(rng.randbytes(16))
        elif op == "garbage":
            text_override = json.dumps(response) + rng.choice(["}", " x", ",", "\x00"])
        elif op == "truncate":
            full = json.dumps(response)
            text_override = full[:rng.randrange(len(full))]
    text = text_override if text_override is not None else json.dumps(response)
    return field, op, text


# ---------------------------------------------------------------------- run

def limit_child(cpu_seconds):
    def apply():
        os.nice(10)
        # A hang is measured in CPU time (the machine may be busy): past the
        # soft limit the kernel sends SIGXCPU, past the hard one SIGKILL.
        resource.setrlimit(resource.RLIMIT_CPU, (int(cpu_seconds), int(cpu_seconds) + 1))
    return apply


def run_cli(cli, args, text, timeout, cpu_seconds):
    """(exit code, stdout, stderr); exit code None = hang (CPU limit or wall
    timeout)."""
    env = dict(os.environ)
    env["ASAN_OPTIONS"] = "detect_leaks=1:halt_on_error=1:exitcode=86"
    env["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1:exitcode=87"
    try:
        proc = subprocess.run([cli] + args, input=text.encode(), capture_output=True,
                              timeout=timeout, env=env, preexec_fn=limit_child(cpu_seconds))
    except subprocess.TimeoutExpired:
        return None, b"", b"wall-clock timeout"
    if proc.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        return None, proc.stdout, proc.stderr + b"\nCPU limit exceeded"
    return proc.returncode, proc.stdout, proc.stderr


def error_code(stdout):
    try:
        return json.loads(stdout).get("error", {}).get("code", "?")
    except (ValueError, AttributeError):
        return "?"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cli", required=True, help="ASan+UBSan build of the passkey CLI")
    parser.add_argument("-n", "--mutations", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--cpu-limit", type=float, default=10.0,
                        help="CPU seconds one run may use (a hang)")
    parser.add_argument("--timeout", type=float, default=600.0,
                        help="wall seconds one run may take (a blocked hang)")
    parser.add_argument("--testdata", default=os.path.join(os.path.dirname(__file__), "..",
                                                           "testdata"))
    parser.add_argument("--keep", default=None, help="directory for failing inputs")
    opts = parser.parse_args()

    rng = random.Random(opts.seed)
    workdir = tempfile.mkdtemp(prefix="mutate_cli.")
    keep = opts.keep or os.path.join(workdir, "failures")
    cases = []
    for name in ("registration.json", "authentication.json"):
        with open(os.path.join(opts.testdata, "generated", name)) as f:
            for vector in json.load(f)["vectors"]:
                if vector.get("expect", {}).get("ok"):
                    cases.append(Case(vector, workdir))

    # Baseline: every unmutated vector must verify through the CLI.
    usable = []
    for case in cases:
        rc, out, err = run_cli(opts.cli, case.args, json.dumps(case.response), opts.timeout,
                               opts.cpu_limit)
        if rc == 0:
            usable.append(case)
        else:
            print("baseline: %s exits %s %s %s" % (case.vector["id"], rc, out[:200], err[:200]))
    print("baseline: %d of %d positive vectors verify through the CLI" % (len(usable), len(cases)),
          flush=True)
    if not usable:
        return 1

    jobs = []
    for i in range(opts.mutations):
        case = usable[i % len(usable)]
        field, op, text = mutate_response(rng, case)
        try:
            mutated = signed_bytes(case.ceremony, json.loads(text))
        except ValueError:
            mutated = None
        signed_changed = mutated != case.signed
        jobs.append((i, case, field, op, text, signed_changed))

    failures = []
    outcomes = collections.Counter()
    codes = collections.Counter()
    per_field = collections.Counter()
    accepted_changed_unsigned = 0

    def work(job):
        i, case, field, op, text, changed = job
        return job, run_cli(opts.cli, case.args, text, opts.timeout, opts.cpu_limit)

    with concurrent.futures.ThreadPoolExecutor(max_workers=opts.jobs) as pool:
        for job, (rc, out, err) in pool.map(work, jobs):
            i, case, field, op, text, changed = job
            per_field[(case.ceremony, field)] += 1
            problem = None
            if rc is None:
                problem = "hang (over %g CPU-s or %g s)" % (opts.cpu_limit, opts.timeout)
            elif SANITIZER_RE.search(err.decode("utf-8", "replace")):
                problem = "sanitizer report"
            elif rc not in (0, 1, 2):
                problem = "exit code %d" % rc
            elif rc == 0 and changed and case.signature_covers():
                problem = "accepted a mutation of signed bytes"
            if rc == 0 and changed and not case.signature_covers():
                accepted_changed_unsigned += 1
            outcomes[rc if rc is not None else "timeout"] += 1
            if rc == 1:
                codes[error_code(out)] += 1
            done = sum(outcomes.values())
            if done % 250 == 0:
                print("progress: %d/%d runs, %d failures, exit codes %s" %
                      (done, len(jobs), len(failures) + (1 if problem else 0),
                       dict(sorted(outcomes.items(), key=str))), flush=True)
            if problem:
                os.makedirs(keep, exist_ok=True)
                path = os.path.join(keep, "%05d.json" % i)
                with open(path, "w") as f:
                    f.write(text)
                failures.append((problem, case.vector["id"], field, op, path,
                                 err.decode("utf-8", "replace")[-2000:]))

    print()
    print("mutations: %d over %d vectors (seed %d), %d with changed signed bytes" %
          (len(jobs), len(usable), opts.seed, sum(1 for j in jobs if j[5])))
    print("exit codes: " + ", ".join("%s: %d" % (k, v) for k, v in sorted(outcomes.items(),
                                                                          key=str)))
    print("rejection codes: " + ", ".join("%s %d" % kv for kv in codes.most_common()))
    print("by field: " + ", ".join("%s/%s %d" % (c, f, n)
                                   for (c, f), n in sorted(per_field.items())))
    print("accepted mutants of unsigned fmt-none registrations (allowed): %d" %
          accepted_changed_unsigned)
    if failures:
        print()
        for problem, vid, field, op, path, err in failures[:50]:
            print("FAIL %s: %s %s/%s -> %s" % (problem, vid, field, op, path))
            if err.strip():
                print("   " + err.strip().replace("\n", "\n   ")[:1500])
        print("\nmutate_cli: %d FAILED of %d" % (len(failures), len(jobs)))
        return 1
    print("\nmutate_cli: all %d runs exited 0/1/2, no sanitizer report, no hang, "
          "no accepted change of signed bytes" % len(jobs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
