#!/usr/bin/env bash
# Runs every test (unit, integration, the Twisted interop suite and the source generator's) and ends with
# "Tests: N passed, N failed", counted from the test results.
set -uo pipefail
cd "$(dirname "$0")"

# The interop tests use the first Python with Twisted among $AMP_PYTHON, python3 on PATH and
# /usr/bin/python3 (Amp.Tests/Interop/PythonLocator.cs); Debian's python3-twisted serves the last.
has_twisted() {
  for python in "${AMP_PYTHON:-}" python3 /usr/bin/python3; do
    [ -n "$python" ] && "$python" -c 'import twisted' >/dev/null 2>&1 && return 0
  done
  return 1
}

if ! has_twisted; then
  echo "Twisted (python3-twisted) is missing: the interop tests need it; installing it."
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "No apt-get here: install Twisted for a Python 3 yourself (macOS: python3 -m pip install twisted; Windows: py -m pip install twisted), or set AMP_PYTHON." >&2
  elif [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-twisted >/dev/null
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-twisted >/dev/null
  else
    echo "Cannot install python3-twisted without root; the interop tests will fail." >&2
  fi
fi

if [ ! -x /usr/bin/openssl ]; then
  echo "openssl is missing: the pre-shared key tests run it as a TLS peer; installing it."
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssl >/dev/null
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssl >/dev/null
  else
    echo "Cannot install openssl without root; the pre-shared key tests will fail." >&2
  fi
fi

results=$(mktemp -d)
# One TRX file per test project (Amp.Tests, Amp.Generators.Tests): a fixed LogFileName would make the second
# overwrite the first; the prefix adds the framework and the finishing time.
# --blame names the test that was running if a test host crashes (a native crash prints nothing else).
dotnet test Amp.sln -c Release --blame --logger "trx;LogFilePrefix=results" --results-directory "$results" "$@"
status=$?
projects=$(grep -l '<IsTestProject>true</IsTestProject>' */*.csproj | wc -l)
reports=$(find "$results" -maxdepth 1 -name '*.trx' | wc -l)
if [ "$status" -eq 0 ] && [ "$reports" -lt "$projects" ]; then
  echo "Expected a test report from each of the $projects test projects, found $reports: the count below would be short." >&2
  status=1
fi

passed=0
failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
done
rm -rf "$results"

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # A crashed test host aborts the run: the tests it never ran are in no report. The run counts as one failure.
  echo "dotnet test failed (exit $status) with no failing test in the reports: a test run was aborted (see above)." >&2
  failed=1
fi

if [ "$status" -eq 0 ] && [ "$passed" -eq 0 ]; then
  echo "No test ran." >&2
  status=1
fi
echo "Tests: $passed passed, $failed failed"
exit "$status"
