#!/usr/bin/env bash
# Coverage-guided fuzzing of one Amp.Fuzz target with libFuzzer and SharpFuzz.
#
#   Amp.Fuzz/fuzz.sh TARGET [SECONDS] [libFuzzer flags...]     targets: boxes, arguments, layers
#   Amp.Fuzz/fuzz.sh all [SECONDS]                              each target in turn, SECONDS each
#
# Builds what it needs (clang's libFuzzer runtime from Debian's packages when missing, the small C
# driver, the sharpfuzz tool, Amp.Fuzz in Release), instruments a copy of Amp.Core.dll, and fuzzes
# for SECONDS (default 60) starting from Amp.Fuzz/corpus/TARGET and Amp.Fuzz/findings/TARGET.
# New inputs go to a scratch corpus under $AMP_FUZZ_WORK (default artifacts/fuzz), never into the
# repository; crashing inputs go to $AMP_FUZZ_WORK/crashes/TARGET/. Ends with one summary line per
# target and exits non-zero when a target crashed, hung or could not run. AMP_FUZZ_IGNORE="text|text"
# lets a long run go past known, still open findings (see Amp.Fuzz/Program.cs).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=${AMP_FUZZ_WORK:-$root/artifacts/fuzz}
sharpfuzz_version=2.3.0
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

usage() { echo "usage: $0 {boxes|arguments|layers|all} [SECONDS] [libFuzzer flags...]" >&2; exit 2; }
[ $# -ge 1 ] || usage
target=$1
seconds=${2:-60}
shift $(( $# >= 2 ? 2 : 1 ))
case "$target" in boxes|arguments|layers|all) ;; *) usage ;; esac
[[ "$seconds" =~ ^[0-9]+$ ]] || usage

say() { echo "fuzz: $*" >&2; }

find_clang() {
  for c in clang clang-19 clang-18 clang-17 clang-16 clang-15 clang-14; do
    command -v "$c" >/dev/null 2>&1 && { echo "$c"; return 0; }
  done
  return 1
}

# The driver needs clang with its libFuzzer runtime (Debian: clang and libclang-rt-dev).
build_driver() {
  local driver=$work/libfuzzer-dotnet source=$root/Amp.Fuzz/driver/libfuzzer-dotnet.c clang
  if [ -x "$driver" ] && [ "$driver" -nt "$source" ]; then return 0; fi
  mkdir -p "$work"
  clang=$(find_clang) || clang=""
  if [ -z "$clang" ] || ! "$clang" -O2 -fsanitize=fuzzer "$source" -o "$driver" 2>"$work/driver-build.log"; then
    say "installing clang and its libFuzzer runtime (apt-get install clang libclang-rt-dev)"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq clang libclang-rt-dev; } >"$work/apt.log" 2>&1 \
      || { say "apt-get failed, see $work/apt.log"; return 1; }
    clang=$(find_clang) || { say "no clang after installing it"; return 1; }
    "$clang" -O2 -fsanitize=fuzzer "$source" -o "$driver" 2>"$work/driver-build.log" \
      || { cat "$work/driver-build.log" >&2; say "cannot build the libFuzzer driver"; return 1; }
  fi
}

install_sharpfuzz() {
  [ -x "$work/tools/sharpfuzz" ] && return 0
  dotnet tool install SharpFuzz.CommandLine --version "$sharpfuzz_version" --tool-path "$work/tools" >"$work/tool-install.log" 2>&1 \
    || { cat "$work/tool-install.log" >&2; say "cannot install the sharpfuzz tool"; return 1; }
}

# Builds Amp.Fuzz and instruments a fresh copy of Amp.Core.dll (sharpfuzz refuses a second pass).
build_target() {
  dotnet build "$root/Amp.Fuzz/Amp.Fuzz.csproj" -c Release -nologo -v q >"$work/build.log" 2>&1 \
    || { cat "$work/build.log" >&2; say "cannot build Amp.Fuzz"; return 1; }
  rm -rf "$work/bin"
  cp -r "$root/Amp.Fuzz/bin/Release/net10.0" "$work/bin"
  "$work/tools/sharpfuzz" "$work/bin/Amp.Core.dll" >"$work/instrument.log" 2>&1 \
    || { cat "$work/instrument.log" >&2; say "cannot instrument Amp.Core.dll"; return 1; }
}

max_len() {
  case "$1" in boxes) echo 4096 ;; arguments) echo 8192 ;; layers) echo 1024 ;; esac
}

# Runs one target; prints its summary line; returns libFuzzer's status.
run_one() {
  local name=$1 log=$work/logs/$1.log scratch=$work/corpus/$1 crashes=$work/crashes/$1/
  mkdir -p "$work/logs" "$scratch" "$crashes" "$root/Amp.Fuzz/findings/$name"
  local seeds=("$root/Amp.Fuzz/corpus/$name" "$root/Amp.Fuzz/findings/$name")
  local status started=$SECONDS
  # One processor for the target: Amp.Fuzz then holds the thread pool to one thread (see Program.cs).
  DOTNET_PROCESSOR_COUNT=1 "$work/libfuzzer-dotnet" --target_path="$(command -v dotnet)" --target_arg="$work/bin/Amp.Fuzz.dll" --target_arg="$name" \
    -max_total_time="$seconds" -timeout=120 -max_len="$(max_len "$name")" -dict="$root/Amp.Fuzz/amp.dict" \
    -artifact_prefix="$crashes" -print_final_stats=1 "${extra[@]}" "$scratch" "${seeds[@]}" >"$log" 2>&1
  status=$?
  local elapsed=$((SECONDS - started)) last runs execs cov ft edges
  last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  execs=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  edges=$(sed -n 's/^libfuzzer-dotnet: \([0-9]*\) .NET edges.*/\1/p' "$log" | tail -n 1)
  if [ "$status" -ne 0 ]; then
    # The .NET exception and libFuzzer's verdict, without libFuzzer's native stack.
    grep -E -v '^ +#[0-9]+ 0x' "$log" | grep -E -A 30 'Exception|ERROR: libFuzzer|libfuzzer-dotnet:' | head -n 60 >&2
    ls "$crashes" >&2
  fi
  echo "fuzz $name: ${runs:-?} runs in ${elapsed}s (${execs:-?} exec/s), ${edges:-?} .NET edges, ft ${ft:-?} (cov ${cov:-?}), $( [ "$status" -eq 0 ] && echo "no crash" || echo "FAILED (status $status; log $log, inputs in $crashes)")"
  return "$status"
}

extra=("$@")
mkdir -p "$work"
build_driver || exit 3
install_sharpfuzz || exit 3
build_target || exit 3
failed=0
if [ "$target" = all ]; then
  for t in boxes arguments layers; do run_one "$t" || failed=1; done
else
  run_one "$target" || failed=1
fi
exit "$failed"
