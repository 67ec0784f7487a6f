#!/usr/bin/env python3
"""Checks the layering of src/ (README "Layout"): no lower layer includes a higher one.

Every folder directly under src/ is a layer; files directly in src/ form the
layer ".". LAYERS lists them lowest first. For each #include "..." in a
.cc/.h file under src/, the included file is found as the compiler would
(beside the including file, else under src/), and its layer must not come
after the including file's layer. Also an error: an include that resolves to
no file under src/, and a folder missing from LAYERS (place it first).
Public headers (<passkey/...>) belong to no layer and are not checked.

    python3 tools/check_layers.py SRC_DIR              exit 0 clean, 1 violations
    python3 tools/check_layers.py --self-test SRC_DIR  the check catches bad includes

The self-test runs the check on small synthetic trees (a violation, an
allowed downward include, an unresolved include, an unknown folder) and on a
temporary copy of SRC_DIR with an include of the highest layer injected into
a file of the lowest, and fails unless each verdict is the expected one.
"""
import re
import shutil
import sys
import tempfile
from pathlib import Path

# Lowest first. "." = files directly in src/.
LAYERS = ['internal', 'encoding', 'core', 'crypto', 'webauthn', 'attestation', 'fido', 'ceremony', 'c_api', '.', 'testing']

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
SOURCES = (".cc", ".h", ".c", ".inc")


def layer_of(rel: Path) -> str:
    return rel.parts[0] if len(rel.parts) > 1 else "."


def check(src: Path, layers=LAYERS):
    """Returns (errors, files, includes)."""
    src = src.resolve()
    rank = {name: i for i, name in enumerate(layers)}
    errors = []
    files = includes = 0
    for path in sorted(p for p in src.rglob("*") if p.is_file() and p.suffix in SOURCES):
        rel = path.relative_to(src)
        layer = layer_of(rel)
        if layer not in rank:
            errors.append(f"src/{rel}: folder src/{layer}/ is not a known layer "
                          f"(add it to LAYERS in tools/check_layers.py, in order)")
            continue
        files += 1
        for n, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            includes += 1
            name = m.group(1)
            target = None
            for candidate in (path.parent / name, src / name):
                if candidate.is_file():
                    target = candidate.resolve()
                    break
            if target is None or src not in target.parents:
                errors.append(f'src/{rel}:{n}: #include "{name}" resolves to no file under src/')
                continue
            target_layer = layer_of(target.relative_to(src))
            if target_layer not in rank:
                errors.append(f'src/{rel}:{n}: #include "{name}" is in src/{target_layer}/, '
                              f"not a known layer")
            elif rank[target_layer] > rank[layer]:
                errors.append(f'src/{rel}:{n}: #include "{name}": layer {layer} includes '
                              f"higher layer {target_layer} (order: {' < '.join(layers)})")
    return errors, files, includes


def write(root: Path, files: dict):
    for name, text in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)


def self_test(src: Path) -> int:
    failures = []

    def expect(label, errors, want_substrings):
        if not want_substrings:
            if errors:
                failures.append(f"{label}: expected no errors, got {errors}")
            return
        for want in want_substrings:
            if not any(want in e for e in errors):
                failures.append(f"{label}: expected an error containing {want!r}, got {errors}")

    layers = ["low", "mid", "high"]
    cases = [
        ("downward and same-layer includes pass",
         {"low/a.h": "", "mid/b.h": '#include "low/a.h"\n',
          "mid/b.cc": '#include "mid/b.h"\n#include "b.h"\n',
          "high/c.cc": '#include "mid/b.h"\n#include "low/a.h"\n'}, []),
        ("lower includes higher fails",
         {"low/a.h": "", "high/c.h": "", "low/a.cc": '#include "low/a.h"\n#include "high/c.h"\n'},
         ['src/low/a.cc:2: #include "high/c.h": layer low includes higher layer high']),
        ("relative include of a higher layer fails",
         {"low/a.cc": '#include "../high/c.h"\n', "high/c.h": ""},
         ['src/low/a.cc:1: #include "../high/c.h": layer low includes higher layer high']),
        ("unresolved include fails",
         {"mid/b.cc": '#include "mid/gone.h"\n'}, ['#include "mid/gone.h" resolves to no file']),
        ("unknown folder fails",
         {"extra/x.cc": "\n"}, ["folder src/extra/ is not a known layer"]),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        for i, (label, files, want) in enumerate(cases):
            root = Path(tmp) / f"case{i}"
            write(root, files)
            expect(label, check(root, layers)[0], want)

        # A copy of the real tree with the highest layer's header included by
        # a file of the lowest layer that has sources.
        copy = Path(tmp) / "src"
        shutil.copytree(src, copy)
        clean_errors = check(copy)[0]
        ordered = [l for l in LAYERS if l not in (".", "testing")]
        low_file = high_header = None
        for layer in ordered:
            found = sorted((copy / layer).glob("*.cc")) if (copy / layer).is_dir() else []
            if found:
                low_file = found[0]
                break
        for layer in reversed(ordered):
            found = sorted((copy / layer).rglob("*.h")) if (copy / layer).is_dir() else []
            if found:
                high_header = found[0]
                break
        if low_file is None or high_header is None:
            failures.append("copy of src/: no .cc in a low layer or .h in a high one to inject")
        else:
            inc = high_header.relative_to(copy).as_posix()
            lines = low_file.read_text().splitlines()
            lines.append(f'#include "{inc}"')
            low_file.write_text("\n".join(lines) + "\n")
            errors = check(copy)[0]
            rel = low_file.relative_to(copy).as_posix()
            want = f'src/{rel}:{len(lines)}: #include "{inc}": layer {layer_of(low_file.relative_to(copy))} includes higher layer'
            new = [e for e in errors if e not in clean_errors]
            if not any(e.startswith(want) for e in new):
                failures.append(f"injected bad include in src/{rel} not reported: got {new}")
            else:
                print(f"self-test: injected into src/{rel}: {new[0]}")
    for f in failures:
        print(f"self-test FAILED: {f}", file=sys.stderr)
    if not failures:
        print(f"self-test: {len(cases) + 1} cases, all verdicts as expected")
    return 1 if failures else 0


def main(argv):
    if len(argv) == 3 and argv[1] == "--self-test":
        return self_test(Path(argv[2]))
    if len(argv) != 2 or argv[1].startswith("-"):
        print(__doc__, file=sys.stderr)
        return 2
    src = Path(argv[1])
    if not src.is_dir():
        print(f"check_layers: {src}: not a directory", file=sys.stderr)
        return 2
    errors, files, includes = check(src)
    for e in errors:
        print(e, file=sys.stderr)
    if errors:
        print(f"check_layers: {len(errors)} violation(s) in {files} files", file=sys.stderr)
        return 1
    print(f"check_layers: {files} files, {includes} includes, order {' < '.join(LAYERS)}: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
