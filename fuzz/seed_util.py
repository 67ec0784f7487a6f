"""Shared by fuzz/make_seeds.py and fuzz/make_mds_seeds.py."""
import hashlib
import os


def write(out, target, data):
    """Writes one seed input to OUT/TARGET/, named by the SHA-1 of its content
    as libFuzzer names corpus files (so equal inputs collapse to one file)."""
    if isinstance(data, str):
        data = data.encode()
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)
