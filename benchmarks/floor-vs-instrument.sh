#!/usr/bin/env bash
# PairMLS at its crypto floor, judged by an independent instrument: builds and runs
# ../shared/instruments/cryptofloor (copied to a scratch folder: shared/ is read-only), then, right
# after it, `pair-floor 1` with BouncyCastle (the instrument's library) compared with the instrument's
# floors, and with libsodium for the side-by-side speed-up. Both outputs go to stdout with the load
# average before and after each. Usage, from the repository root or anywhere:
#   bash benchmarks/floor-vs-instrument.sh [--ms N]     (N: the instrument's batch length, default 300)
# A full run takes about 5 minutes on 2 cores.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
ms=300
if [[ $# -gt 0 ]]; then
  if [[ $# -eq 2 && "$1" == "--ms" && "$2" =~ ^[1-9][0-9]*$ ]]; then ms="$2"
  else echo "usage: $0 [--ms N]  (N: a positive whole number of milliseconds)" >&2; exit 2; fi
fi
instrument_src="$repo/../shared/instruments/cryptofloor"
[[ -d "$instrument_src" ]] || { echo "no instrument at $instrument_src (run from a worktree beside shared/)" >&2; exit 1; }

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
cp -r "$instrument_src" "$scratch/cryptofloor"
echo "== building the instrument (copy in $scratch) and the benchmarks"
dotnet build "$scratch/cryptofloor" -c Release -nologo -v q 2>&1 | grep -E ' error |Warn|Elapsed' || true
dotnet build "$repo/benchmarks" -c Release -nologo -v q 2>&1 | grep -E ' error |Warn|Elapsed' || true

echo "== instrument: cryptofloor --ms $ms (load $(cut -d' ' -f1-3 /proc/loadavg))"
( cd "$scratch/cryptofloor" && dotnet run -c Release --no-build -- --json --ms "$ms" ) > "$scratch/floor.json" 2> "$scratch/instrument.txt"
grep -v '^  round ' "$scratch/instrument.txt" || true
echo "instrument JSON: $(cat "$scratch/floor.json")"
echo "== instrument done (load $(cut -d' ' -f1-3 /proc/loadavg)); pair-floor right after it"
dotnet run -c Release --no-build --project "$repo/benchmarks" -- pair-floor 1 --provider both --instrument "$scratch/floor.json"
echo "== done (load $(cut -d' ' -f1-3 /proc/loadavg))"
