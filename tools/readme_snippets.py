#!/usr/bin/env python3
"""Checks that README code blocks are cut from files CI builds and runs.

A fenced code block preceded by the line

    <!-- snippet: path/to/file -->

must be an excerpt of that file (path relative to the repository root):
every non-blank line of the block, stripped of indentation, appears in the
file in the same order (lines of the file in between are allowed, so a
snippet may leave out error handling). Every ```cpp block must be marked
(C++ in the README is always cut from examples/quickstart or another built
file): an unmarked one fails. Exit 0 when every marked block holds and no
C++ block is unmarked, 1 otherwise (with the first line that was not
found), 2 on usage.

    python3 tools/readme_snippets.py README.md [more.md ...]
"""
import re
import sys
from pathlib import Path

MARKER = re.compile(r"^<!-- snippet: (\S+) -->\s*$")
# Fences whose language must come with a marker.
MARKED_LANGUAGES = re.compile(r"^```\s*(cpp|c\+\+|cxx|cc)\s*$", re.IGNORECASE)


def unmarked_blocks(text):
    """Yields the line number (1-based) of each C++ block without a marker."""
    lines = text.splitlines()
    in_block = False
    for i, line in enumerate(lines):
        if not line.startswith("```"):
            continue
        if in_block:
            in_block = False
            continue
        in_block = True
        if MARKED_LANGUAGES.match(line) and (i == 0 or not MARKER.match(lines[i - 1])):
            yield i + 1


def blocks(text):
    """Yields (line number, source path, block lines) for each marked block."""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        match = MARKER.match(lines[i])
        i += 1
        if not match:
            continue
        if i >= len(lines) or not lines[i].startswith("```"):
            yield i, match.group(1), None
            continue
        start = i + 1
        end = start
        while end < len(lines) and not lines[end].startswith("```"):
            end += 1
        yield start, match.group(1), lines[start:end]
        i = end + 1


def check(readme, root):
    failures = 0
    count = 0
    text = readme.read_text(encoding="utf-8")
    for line_no in unmarked_blocks(text):
        print("%s:%d: C++ block without a <!-- snippet: path --> marker" % (readme, line_no))
        failures += 1
    for line_no, source, block in blocks(text):
        count += 1
        if block is None:
            print("%s:%d: snippet marker for %s is not followed by a code block" %
                  (readme, line_no, source))
            failures += 1
            continue
        path = root / source
        if not path.is_file():
            print("%s:%d: %s does not exist" % (readme, line_no, source))
            failures += 1
            continue
        wanted = [l.strip() for l in block if l.strip()]
        have = [l.strip() for l in path.read_text(encoding="utf-8").splitlines()]
        at = 0
        for offset, line in enumerate(wanted):
            try:
                at = have.index(line, at) + 1
            except ValueError:
                print("%s:%d: not in %s (in this order): %s" %
                      (readme, line_no + offset, source, line))
                failures += 1
                break
    return count, failures


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    root = Path(__file__).resolve().parent.parent
    total = 0
    failed = 0
    for name in argv[1:]:
        count, failures = check(Path(name), root)
        total += count
        failed += failures
    if total == 0:
        print("readme_snippets: no marked snippet found", file=sys.stderr)
        return 1
    print("readme_snippets: %d snippets, %d failing" % (total, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
