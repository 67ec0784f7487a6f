#!/usr/bin/env bash
# tools/coverage.sh: line coverage of src/ by the unit tests plus the fuzz
# corpus replay, with clang-14 source-based coverage. Prints llvm-cov's
# per-file report, the files with the most lines not run, and the total line
# coverage (library sources and public headers, and src/ alone); writes an
# HTML report to build/coverage/html/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash tools/install-deps.sh

build=${PASSKEY_COVERAGE_BUILD_DIR:-build/coverage}
flags="-fprofile-instr-generate -fcoverage-mapping"
CC=clang-14 CXX=clang++-14 cmake -S . -B "$build" -G Ninja \
  -DCMAKE_BUILD_TYPE=Debug -DPASSKEY_ENABLE_INSTALL=OFF \
  -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS="-fprofile-instr-generate" >/dev/null
cmake --build "$build" -j "${PASSKEY_JOBS:-2}"

rm -rf "$build/profiles"
mkdir -p "$build/profiles"
export LLVM_PROFILE_FILE="$PWD/$build/profiles/%p-%m.profraw"
ctest --test-dir "$build" -j "${PASSKEY_JOBS:-2}" -LE install --output-on-failure >"$build/ctest.log" 2>&1 || {
  tail -n 30 "$build/ctest.log"
  echo "coverage: tests failed" >&2
  exit 1
}
llvm-profdata-14 merge -sparse "$build"/profiles/*.profraw -o "$build/passkey.profdata"

# Every binary that links the library contributes; llvm-cov needs them all.
objects=()
while IFS= read -r bin; do
  objects+=(-object "$bin")
done < <(find "$build/tests" "$build/fuzz" "$build/tools" -maxdepth 2 -type f -perm -u+x \
           ! -name '*.sh' ! -name '*.cmake' 2>/dev/null)

ignore='(tests|fuzz|tools|testing|/usr)/'
llvm-cov-14 report "${objects[@]}" -instr-profile="$build/passkey.profdata" \
  -ignore-filename-regex="$ignore" | tee "$build/report.txt"
llvm-cov-14 show "${objects[@]}" -instr-profile="$build/passkey.profdata" \
  -ignore-filename-regex="$ignore" -format=html -output-dir="$build/html" >/dev/null
total=$(awk '/^TOTAL/ {print $10}' "$build/report.txt")
# Columns: file, regions, missed, cover, functions, missed, executed, lines,
# missed lines, line cover, ...
echo
echo "largest uncovered areas (missed lines per file):"
awk '$1 ~ /^(src|include)\// && $9 > 0 {printf "%6d  %-40s %s\n", $9, $1, $10}' "$build/report.txt" |
  sort -rn | head -n 12
src_only=$(awk '$1 ~ /^src\// {lines += $8; missed += $9}
                END {printf "%.2f%% (%d lines, %d not run)", 100 * (lines - missed) / lines, lines, missed}' \
           "$build/report.txt")
echo
echo "coverage: library line coverage $total (src/ and include/); src/ alone $src_only"
echo "coverage: HTML report in $build/html/index.html"
