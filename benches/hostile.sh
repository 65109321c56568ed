#!/bin/sh
# Times the release `tm` on every hostile input class (tests/hostile/mod.rs):
# wall and user seconds and peak memory per class, for `tm check` and, on the
# classes that stress rendering, `tm build`. Targets (issue 10): check < 5 s,
# build < 10 s on 2 cores.
#
#   benches/hostile.sh            # writes the corpus to a temp dir
#   benches/hostile.sh /tmp/hc    # or to a given dir
set -eu
cd "$(dirname "$0")/.."
out="${1:-$(mktemp -d)}"
cargo build --release --quiet
HOSTILE_OUT="$out" cargo test --quiet --test hostile_inputs write_corpus -- --ignored >/dev/null
for dir in "$out"/*; do
    name=$(basename "$dir")
    /usr/bin/time -f "$name check: %e s wall, %U s user, %M KB peak, exit %x" \
        target/release/tm check --today 2026-01-01 "$dir" >/dev/null 2>"$out/$name.time" || true
    tail -n 1 "$out/$name.time"
done
for name in flows entry-points dangling unknown-keys; do
    /usr/bin/time -f "$name build: %e s wall, %U s user, %M KB peak, exit %x" \
        target/release/tm build --today 2026-01-01 "$out/$name" >/dev/null 2>"$out/$name.time" || true
    tail -n 1 "$out/$name.time"
done
