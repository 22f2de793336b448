#!/usr/bin/env bash
# Cluster throughput (issue 15): the same sweep run on 1, 2 and 3 local worker processes
# (`pairsim node --role worker --parallel 1` each, on 127.0.0.1), the coordinator being the sweep
# process itself. For each it prints the coordinator's line: worlds/s over the run and the
# coordinator's CPU per world (what bounds the number of machines one coordinator can feed), with the
# load average before and after; then a local sweep (`--parallel 1` and `--parallel 2`) of the same
# grid for comparison. Every worker started here is killed at the end. Usage, from anywhere:
#   bash benchmarks/cluster-throughput.sh [--worlds-per-point N]     (default 25: 100 worlds of 50 messages)
# Builds src/Scenarios first (Release). A run takes a few minutes on 2 cores.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
wpp=25
if [[ $# -gt 0 ]]; then
  if [[ $# -eq 2 && "$1" == "--worlds-per-point" && "$2" =~ ^[1-9][0-9]*$ ]]; then wpp="$2"
  else echo "usage: $0 [--worlds-per-point N]  (N: a positive whole number)" >&2; exit 64; fi
fi
dotnet build "$repo/src/Scenarios" -c Release -nologo -v q 2>&1 | grep -E ' error |Elapsed' || true
dll="$repo/src/Scenarios/bin/Release/net10.0/pairsim.dll"
scratch="$(mktemp -d /tmp/pairsim-cluster-bench-XXXXXX)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$scratch"; }
trap cleanup EXIT
grid=(--drop 0,0.1,0.2,0.3 --duplicate 0 --reorder 0.3 --partition-ms 0 --retention 2 --worlds-per-point "$wpp" --messages 50 --seed 1)
worlds=$((4 * wpp))
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

start_worker() { # $1: log file, then the node's options; waits for its "up" line
  local log="$1"; shift
  dotnet "$dll" node --role worker --parallel 1 "$@" > "$log" 2>&1 &
  pids+=($!)
  for _ in $(seq 600); do grep -q ' up:' "$log" && return 0; sleep 0.1; done
  echo "worker did not come up:"; cat "$log"; exit 1
}

for n in 1 2 3; do
  if [[ $n -eq 1 ]]; then start_worker "$scratch/w1.log" --port "$port"
  else start_worker "$scratch/w$n.log" --port 0 --seed-nodes "127.0.0.1:$port"; fi
  echo "== $n worker process(es), load before $(cut -d' ' -f1-3 /proc/loadavg)"
  dotnet "$dll" sweep "${grid[@]}" --cluster "127.0.0.1:$port" --results "$scratch/results-$n" 2>/dev/null | grep '^cluster:'
  echo "   load after $(cut -d' ' -f1-3 /proc/loadavg)"
done

for p in 1 2; do
  echo "== local sweep --parallel $p, load before $(cut -d' ' -f1-3 /proc/loadavg)"
  secs=$(dotnet "$dll" sweep "${grid[@]}" --parallel "$p" --results "$scratch/local-$p" 2>/dev/null | sed -n 's/^report written .* in \([0-9]*\) s$/\1/p')
  python3 -c "w=$worlds; t=max(1, int('${secs:-0}')); print(f'local: {w} worlds in {t} s (the sweep own figure, whole seconds) = {w/t:.2f} worlds/s')"
  echo "   load after $(cut -d' ' -f1-3 /proc/loadavg)"
done
