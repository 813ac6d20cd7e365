#!/usr/bin/env bash
# Native AOT smoke test: publishes samples/FbTokens.Sample with PublishAot (FbTokens, FbTokens.Testing's emulator on
# Kestrel, the generic host) and fails on any trim or AOT warning, then runs the native binary through every flow.
# Needs clang and zlib (installed with apt-get when missing and running as root); the SDK restores the ILCompiler
# package it needs by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
started=$SECONDS
fail() { echo "aot smoke test: $*" >&2; exit 1; }

if ! command -v clang >/dev/null 2>&1 || [ ! -e /usr/include/zlib.h ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang zlib1g-dev >/dev/null \
      || fail "could not install clang and zlib1g-dev"
  else
    fail "Native AOT needs clang and zlib1g-dev (apt-get install -y clang zlib1g-dev)"
  fi
fi

out="$root/artifacts/aot"
log="$root/artifacts/aot-publish.log"
rm -rf "$out"
mkdir -p "$out"
# TreatWarningsAsErrors comes from Directory.Build.props and makes the ILCompiler fail on any IL2xxx/IL3xxx warning;
# TrimmerSingleWarn=false lists each warning instead of one summary per assembly.
dotnet publish samples/FbTokens.Sample -c Release -r linux-x64 -p:PublishAot=true -p:TrimmerSingleWarn=false \
  -o "$out" -nologo >"$log" 2>&1 || { tail -n 40 "$log" >&2; fail "dotnet publish -p:PublishAot=true failed"; }
warnings=$(grep -cE "(warning|error) IL[0-9]+" "$log" || true)
[ "$warnings" -eq 0 ] || { grep -E "(warning|error) IL[0-9]+" "$log" | sort -u >&2; fail "$warnings trim/AOT warnings"; }

"$out/FbTokens.Sample" >"$root/artifacts/aot-sample.log" 2>&1 || { tail -n 40 "$root/artifacts/aot-sample.log" >&2; fail "the native sample failed"; }
grep -q '^Done\.' "$root/artifacts/aot-sample.log" || fail "the native sample did not finish its flows"
grep -q 'Reason PasswordChanged' "$root/artifacts/aot-sample.log" || fail "the native sample did not report the invalidated token"
echo "aot smoke test: native sample published with 0 trim/AOT warnings ($(du -h "$out/FbTokens.Sample" | cut -f1)) and ran every flow in $((SECONDS - started)) s"
