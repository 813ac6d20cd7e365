#!/usr/bin/env bash
# Regenerates PublicAPI.Unshipped.txt of every library under src/ from the code, the way the analyzer's code fix
# would (the code fix is only available in an IDE): empties the Unshipped file, builds with RS0016/RS0017 as
# warnings, and writes one line per undeclared public symbol (RS0016) and one "*REMOVED*" line per shipped symbol
# that is gone (RS0017). PublicAPI.Shipped.txt is never changed: at a release, move the Unshipped lines into it.
#
#   eng/update-public-api.sh                 # every src/* project that has PublicAPI files
#   eng/update-public-api.sh src/FbTokens    # one project
#
# A project whose API differs by target framework keeps PublicAPI/<tfm>/PublicAPI.*.txt; this script then fills
# each framework's file from that framework's diagnostics.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

header='#nullable enable'
projects=("$@")
if [ "${#projects[@]}" -eq 0 ]; then
  for dir in src/*/; do
    dir=${dir%/}
    if [ -f "$dir/PublicAPI.Shipped.txt" ] || [ -d "$dir/PublicAPI" ]; then projects+=("$dir"); fi
  done
fi

for dir in "${projects[@]}"; do
  dir=${dir%/}
  csproj=$(ls "$dir"/*.csproj)
  if [ -d "$dir/PublicAPI" ]; then
    mapfile -t unshipped < <(ls "$dir"/PublicAPI/*/PublicAPI.Unshipped.txt)
  else
    [ -f "$dir/PublicAPI.Shipped.txt" ] || printf '%s\n' "$header" >"$dir/PublicAPI.Shipped.txt"
    unshipped=("$dir/PublicAPI.Unshipped.txt")
  fi
  for file in "${unshipped[@]}"; do printf '%s\n' "$header" >"$file"; done

  log=$(mktemp)
  # The build fails on other rules' warnings-as-errors only if the code has real problems; RS0016/RS0017 become warnings.
  dotnet build "$csproj" -v q -clp:NoSummary -nologo -p:TreatWarningsAsErrors=false -p:WarningsAsErrors= >"$log" 2>&1 || true

  for file in "${unshipped[@]}"; do
    tfm_filter='.'
    if [ -d "$dir/PublicAPI" ]; then
      tfm=$(basename "$(dirname "$file")")
      tfm_filter="TargetFramework=${tfm}\]"
    fi
    {
      printf '%s\n' "$header"
      {
        grep -E "warning RS0016: " "$log" | grep -E "\[.*${csproj}" | grep -E "$tfm_filter" \
          | sed -E "s/.*warning RS0016: Symbol '(.*)' is not part of the declared public API.*/\1/" || true
        grep -E "warning RS0017: " "$log" | grep -E "\[.*${csproj}" | grep -E "$tfm_filter" \
          | sed -E "s/.*warning RS0017: Symbol '(.*)' is part of the declared API, but is either not public or could not be found.*/*REMOVED*\1/" || true
      } | LC_ALL=C sort -u
    } >"$file.tmp"
    mv "$file.tmp" "$file"
    echo "$file: $(($(wc -l <"$file") - 1)) entries"
  done

  if grep -qE " error [A-Z]+[0-9]+" "$log"; then
    echo "The build of $csproj also reported errors; fix them and run again:" >&2
    grep -E " error [A-Z]+[0-9]+" "$log" | sort -u | head -n 20 >&2
    rm -f "$log"
    exit 1
  fi
  rm -f "$log"
done
