#!/usr/bin/env bash
# Times whole processes of `Amp.Samples first-call` (start, one answered call over loopback TCP, exit) for each
# build given, in interleaved rounds, and prints the median and the minimum of each.
# Usage: Amp.Benchmarks/startup.sh ROUNDS NAME=PATH [NAME=PATH ...]
#   e.g. Amp.Benchmarks/startup.sh 15 aot=/tmp/aot/bin/Amp.Samples jit=Amp.Samples/bin/Release/net10.0/Amp.Samples
set -uo pipefail
rounds=$1
shift
declare -A times
for round in $(seq 1 "$rounds"); do
  for build in "$@"; do
    name=${build%%=*}
    started=$(date +%s%N)
    "${build#*=}" first-call >/dev/null || echo "startup: $name failed" >&2
    ended=$(date +%s%N)
    times[$name]+="$(((ended - started) / 100000)) "
  done
done
for build in "$@"; do
  name=${build%%=*}
  echo "$name: $(tr ' ' '\n' <<<"${times[$name]}" | grep . | sort -n | awk '{a[NR]=$1} END {printf "median %.1f ms, min %.1f ms (%d runs)", a[int((NR+1)/2)]/10, a[1]/10, NR}')"
done
