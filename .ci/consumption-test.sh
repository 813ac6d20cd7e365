#!/usr/bin/env bash
# Consumption test: packs every src/* project into artifacts/packages and uses the packages the way a customer
# would — a fresh console app outside the repository references FbTokens, FbTokens.Testing and FbTokens.AspNetCore from that folder and
# runs the token flows against the emulator, and the fbtokens tool, installed from the folder, debugs a token
# against that emulator on loopback. Exits non-zero on any failure.
#
# The packages get a unique pre-release version (VersionPrefix-ci.<time>.<pid>), so NuGet's global package cache
# can never hand back an older build of the same version; that version is removed from the cache afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
started=$SECONDS

packages="$root/artifacts/packages"
work=$(mktemp -d -t fbtokens-consumption.XXXXXX)
app_pid=""
version=""
cleanup() {
  if [ -n "$app_pid" ] && kill -0 "$app_pid" 2>/dev/null; then kill "$app_pid" 2>/dev/null || true; wait "$app_pid" 2>/dev/null || true; fi
  rm -rf "$work"
  if [ -n "$version" ]; then
    cache=$(dotnet nuget locals global-packages --list 2>/dev/null | sed -n 's/^global-packages: //p')
    if [ -n "$cache" ]; then
      rm -rf "$cache"/fbtokens*/"$version"
      rmdir "$cache"/fbtokens* 2>/dev/null || true
    fi
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE
fail() { echo "consumption test: $*" >&2; exit 1; }

prefix=$(sed -n 's:.*<VersionPrefix>\(.*\)</VersionPrefix>.*:\1:p' Directory.Build.props | head -n 1)
[ -n "$prefix" ] || fail "no VersionPrefix in Directory.Build.props"
suffix="ci.$(date -u +%Y%m%d%H%M%S).$$"
version="$prefix-$suffix"

# 1. Pack every project under src/ (a new package is picked up without editing this script).
rm -rf "$packages"
mkdir -p "$packages"
for csproj in src/*/*.csproj; do
  dotnet pack "$csproj" -c Release -o "$packages" -p:VersionSuffix="$suffix" -v q -nologo -clp:NoSummary >"$work/pack.log" 2>&1 \
    || { cat "$work/pack.log" >&2; fail "dotnet pack $csproj failed"; }
done

# 2. Every package has its symbols, its own README, license and repository URL.
for csproj in src/*/*.csproj; do
  id=$(sed -n 's:.*<PackageId>\(.*\)</PackageId>.*:\1:p' "$csproj" | head -n 1)
  [ -n "$id" ] || id=$(basename "$csproj" .csproj)
  nupkg="$packages/$id.$version.nupkg"
  [ -f "$nupkg" ] || fail "$id: no $nupkg"
  [ -f "$packages/$id.$version.snupkg" ] || fail "$id: no symbol package (.snupkg)"
  unzip -l "$nupkg" README.md >/dev/null || fail "$id: README.md is not in the package"
  nuspec=$(unzip -p "$nupkg" "$id.nuspec")
  grep -q '<license type="expression">MIT</license>' <<<"$nuspec" || fail "$id: no MIT license expression"
  grep -q '<repository type="git" url="https://github.com/fbtokens/fbtokens"' <<<"$nuspec" || fail "$id: wrong repository URL"
  grep -q '<readme>README.md</readme>' <<<"$nuspec" || fail "$id: no readme element"
  # The package's own short README (what NuGet shows), not the repository's front door.
  unzip -p "$nupkg" README.md | cmp -s - "$(dirname "$csproj")/README.md" || fail "$id: README.md is not $(dirname "$csproj")/README.md"
done
echo "consumption test: packed $(ls "$packages"/*.nupkg | wc -l) packages $version with symbols ($((SECONDS - started)) s)"

# 3. A fresh console app outside the repository, restoring FbTokens* from the folder (the only place that has this
#    version) and the rest from the machine's configured NuGet source. Empty Directory.* files stop MSBuild
#    looking further up for any.
mkdir -p "$work/app"
cp .ci/consumption/Consumer.csproj .ci/consumption/Program.cs "$work/app/"
for f in Directory.Build.props Directory.Build.targets Directory.Packages.props; do echo '<Project />' >"$work/$f"; done
# No <clear />: the machine's own configured sources stay in force for everything else.
cat >"$work/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="fbtokens-local" value="$packages" />
  </packageSources>
</configuration>
XML
(cd "$work/app" && dotnet build -c Release -p:FbTokensVersion="$version" -v q -nologo -clp:NoSummary >"$work/build.log" 2>&1) \
  || { cat "$work/build.log" >&2; fail "the consumer app did not build against the packages"; }
grep -q "\"FbTokens/$version\"" "$work/app/obj/project.assets.json" || fail "the consumer app did not restore FbTokens $version"

dotnet "$work/app/bin/Release/net10.0/Consumer.dll" "$work/stop" >"$work/app.log" 2>&1 &
app_pid=$!
for _ in $(seq 1 600); do
  grep -q '^EMULATOR ' "$work/app.log" && break
  kill -0 "$app_pid" 2>/dev/null || { cat "$work/app.log" >&2; fail "the consumer app stopped early"; }
  sleep 0.1
done
grep -q '^EMULATOR ' "$work/app.log" || { cat "$work/app.log" >&2; fail "the consumer app never started the emulator"; }
grep -q '^in-memory flow: ok' "$work/app.log" || { cat "$work/app.log" >&2; fail "the in-memory flow failed"; }
read -r _ graph_url app_id app_secret token user_id < <(grep '^EMULATOR ' "$work/app.log")
echo "consumption test: $(grep '^in-memory flow' "$work/app.log") ($((SECONDS - started)) s)"

# 4. The tool, installed from the folder, against the app's emulator on loopback.
dotnet tool install --tool-path "$work/tools" --add-source artifacts/packages FbTokens.Cli --version "$version" >"$work/tool.log" 2>&1 \
  || { cat "$work/tool.log" >&2; fail "dotnet tool install FbTokens.Cli failed"; }
# The app secret never goes on the command line: the environment for one run, a pipe for the other.
debug_args=(debug "$token" --graph-url "$graph_url" --app-id "$app_id")
set +e
FbTokens__AppSecret="$app_secret" "$work/tools/fbtokens" "${debug_args[@]}" >"$work/debug.txt" 2>&1; text_rc=$?
printf %s "$app_secret" | "$work/tools/fbtokens" "${debug_args[@]}" --app-secret-stdin --json >"$work/debug.json" 2>&1; json_rc=$?
"$work/tools/fbtokens" "${debug_args[@]}" --app-secret "$app_secret" >"$work/refused.txt" 2>&1; refused_rc=$?
set -e
[ "$text_rc" -eq 0 ] || { cat "$work/debug.txt" >&2; fail "fbtokens debug exited with $text_rc"; }
[ "$json_rc" -eq 0 ] || { cat "$work/debug.json" >&2; fail "fbtokens debug --json exited with $json_rc"; }
grep -Eq '^Valid +True' "$work/debug.txt" || { cat "$work/debug.txt" >&2; fail "fbtokens debug did not report a valid token"; }
grep -q "\"isValid\":true" "$work/debug.json" && grep -q "\"userId\":\"$user_id\"" "$work/debug.json" \
  || { cat "$work/debug.json" >&2; fail "fbtokens debug --json did not report the test user's valid token"; }
[ "$refused_rc" -eq 2 ] || { cat "$work/refused.txt" >&2; fail "fbtokens debug --app-secret exited with $refused_rc, not 2"; }
if grep -qF -e "$app_secret" -e "$token" "$work/debug.txt" "$work/debug.json" "$work/refused.txt"; then fail "fbtokens printed the app secret or the token"; fi
echo "consumption test: fbtokens $version debug → valid USER token of $user_id"

touch "$work/stop"
wait "$app_pid" || { cat "$work/app.log" >&2; fail "the consumer app failed"; }
app_pid=""
echo "consumption test: passed in $((SECONDS - started)) s"
