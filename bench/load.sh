#!/usr/bin/env bash
# load.sh: the seed's hello route served by aioweb, bare net/http and
# aiohttp on 127.0.0.1, each driven by wrk for the same time and
# connections, servers alternating over several rounds. Prints a markdown
# table: requests/s, p99 latency and peak RSS per server, and each ratio to
# net/http as the median over rounds. Needs wrk and python3-aiohttp
# (apt-get install wrk python3-aiohttp).
set -euo pipefail
cd "$(dirname "$0")"
ROUNDS=${ROUNDS:-3} SECS=${SECS:-5} CONNS=${CONNS:-32}
tmp=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
go build -o "$tmp/nethttp" ./cmd/hello-nethttp
go build -o "$tmp/aioweb" ./cmd/hello-aioweb
"$tmp/nethttp" -addr 127.0.0.1:18081 & pids[0]=$!
"$tmp/aioweb" -addr 127.0.0.1:18082 & pids[1]=$!
have_aiohttp=0
if /usr/bin/python3 -c 'import aiohttp' 2>/dev/null; then
  /usr/bin/python3 aiohttp_hello.py 18083 & pids[2]=$!; have_aiohttp=1
fi
names=(net/http aioweb aiohttp); ports=(18081 18082 18083)
sleep 2
for i in 0 1 2; do curl -sf "http://127.0.0.1:${ports[$i]}/" >/dev/null 2>&1 || [ $i = 2 ]; done
: > "$tmp/results"
for round in $(seq "$ROUNDS"); do
  for i in 0 1 2; do
    [ $i = 2 ] && [ $have_aiohttp = 0 ] && continue
    out=$(wrk -t2 -c"$CONNS" -d"${SECS}s" --latency "http://127.0.0.1:${ports[$i]}/")
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p99=$(echo "$out" | awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; print v}')
    rss=$(awk '/VmHWM/ {print $2}' /proc/${pids[$i]}/status)
    echo "$round $i $rps $p99 $rss" >> "$tmp/results"
  done
done
python=$(command -v python3)
"$python" - "$tmp/results" "$ROUNDS" "$SECS" "$CONNS" <<'PY'
import sys, statistics
rows = [l.split() for l in open(sys.argv[1])]
names = ['net/http', 'aioweb', 'aiohttp']
by = {}
for r, i, rps, p99, rss in rows:
    by.setdefault(int(i), {})[int(r)] = (float(rps), float(p99), int(rss))
base = by[0]
print(f"wrk -t2 -c{sys.argv[4]} -d{sys.argv[3]}s, {sys.argv[2]} alternating rounds, medians over rounds.\n")
print("| server | requests/s | p99 latency | peak RSS | req/s vs net/http | p99 vs net/http |")
print("|---|---|---|---|---|---|")
for i in sorted(by):
    rs = by[i]
    rps = statistics.median(v[0] for v in rs.values())
    p99 = statistics.median(v[1] for v in rs.values())
    rss = max(v[2] for v in rs.values())
    r1 = statistics.median(rs[k][0] / base[k][0] for k in rs)
    r2 = statistics.median(rs[k][1] / base[k][1] for k in rs)
    print(f"| {names[i]} | {rps:,.0f} | {p99:.2f} ms | {rss/1024:.1f} MiB | {r1:.2f}x | {r2:.2f}x |")
PY
