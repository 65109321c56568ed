#!/usr/bin/env bash
# Fuzz tm for a time budget: scripts/fuzz.sh SECONDS [SEED]
#
# Runs the real tm binary (check and build) on generated and mutated
# projects; see tests/fuzz/main.rs. A crash is saved under
# tests/fixtures/fuzz-regressions/ (replayed by `cargo test` from then on)
# and makes this script exit non-zero. The same seed makes the same cases.
# Extra settings: TM_FUZZ_TIMEOUT (seconds per command, default 60) and
# CARGO_FLAGS (e.g. "--release" for more cases per second after a longer build).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-300}"
seed="${2:-1}"
case "$seconds$seed" in
    *[!0-9]*) echo "usage: scripts/fuzz.sh SECONDS [SEED] (whole numbers)" >&2; exit 2 ;;
esac

# shellcheck disable=SC2086 # CARGO_FLAGS is a list of flags
TM_FUZZ_SECONDS="$seconds" TM_FUZZ_SEED="$seed" \
    cargo test --locked ${CARGO_FLAGS:-} --test fuzz -- --ignored --nocapture fuzz_for_a_time_budget
