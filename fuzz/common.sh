# Shared by fuzz/run.sh and fuzz/campaign.sh (sourced, from the repository
# root): the build directory, the build step, each target's dictionary and
# the sanitizer settings.

fuzz_build_dir=${PASSKEY_FUZZ_BUILD_DIR:-build/fuzz}

# fuzz_build: installs the dependencies and builds every target with clang-14
# and -fsanitize=fuzzer,address,undefined in $fuzz_build_dir.
fuzz_build() {
  bash tools/install-deps.sh
  CC=clang-14 CXX=clang++-14 cmake -S . -B "$fuzz_build_dir" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DPASSKEY_BUILD_FUZZERS=ON -DPASSKEY_BUILD_TESTS=OFF -DPASSKEY_BUILD_TOOLS=OFF \
    -DPASSKEY_ENABLE_INSTALL=OFF -DPASSKEY_SANITIZE=address,undefined >/dev/null
  cmake --build "$fuzz_build_dir" -j "${PASSKEY_JOBS:-2}"
}

# fuzz_all_targets: the names of the built targets, one per line.
fuzz_all_targets() {
  local bin name
  for bin in "$fuzz_build_dir"/fuzz/*_fuzzer; do
    name=$(basename "$bin")
    echo "${name%_fuzzer}"
  done
}

# dict_for TARGET: its libFuzzer dictionary (empty: none).
dict_for() {
  case "$1" in
    base64url) ;;
    aaguid_catalog) echo "fuzz/catalog.dict" ;;
    mds_blob|mds_payload) echo "fuzz/mds.dict" ;;
    client_data|*_json|credential_record|c_api_options) echo "fuzz/json.dict" ;;
    *) echo "fuzz/cbor.dict" ;;
  esac
}

# Common libFuzzer flags: inputs up to 8 KiB, 10 s per input, 2 GiB RSS.
fuzz_common_args=(-max_len=8192 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1)

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
