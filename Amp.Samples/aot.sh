#!/usr/bin/env bash
# Publishes Amp.Samples with NativeAOT (trimmed, no JIT, no reflection fallback), fails if the publish prints
# any warning, and runs the chat demo from the native binary (docs/source-generator.md#nativeaot).
# Usage: Amp.Samples/aot.sh [output-directory]   (default: a temporary directory, removed when it passes)
set -uo pipefail
cd "$(dirname "$0")/.."

case "$(uname -m)" in
  x86_64) rid=linux-x64 ;;
  aarch64 | arm64) rid=linux-arm64 ;;
  *) echo "aot: no NativeAOT runtime identifier for $(uname -m)" >&2; exit 1 ;;
esac

out=${1:-$(mktemp -d)}
mkdir -p "$out"
log="$out/publish.log"
started=$SECONDS
dotnet publish Amp.Samples -c Release -r "$rid" -p:PublishAot=true -o "$out/bin" >"$log" 2>&1
status=$?
if [ "$status" -ne 0 ]; then
  cat "$log"
  echo "aot: FAILED: the NativeAOT publish exited with $status" >&2
  exit 1
fi

# Analyzer and ILC warnings both look like "file(line): warning IL2026: ..." (or "error" where warnings are errors).
warnings=$(grep -E "(warning|error) [A-Z]+[0-9]+" "$log" | sort -u)
if [ -n "$warnings" ]; then
  echo "$warnings"
  echo "aot: FAILED: the NativeAOT publish has warnings (above)" >&2
  exit 1
fi
echo "aot: published $rid in $((SECONDS - started)) s with no warning; the native binary is $(stat -c %s "$out/bin/Amp.Samples") bytes"

timeout 120 "$out/bin/Amp.Samples" demo >"$out/demo.log" 2>&1
demo=$?
if [ "$demo" -ne 0 ] || ! grep -q "everything expected was seen" "$out/demo.log"; then
  cat "$out/demo.log"
  echo "aot: FAILED: the chat demo did not pass from the native binary (exit $demo)" >&2
  exit 1
fi
echo "aot: the chat demo passed from the native binary"
[ $# -ge 1 ] || rm -rf "$out"
