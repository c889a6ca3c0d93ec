#!/usr/bin/env bash
# load.sh: the seed's hello route served by bare net/http, aioweb, chi and
# aiohttp, and the tour (examples/tour: one middleware, access log off)
# answering the same GET /, on 127.0.0.1, each driven by wrk for the same
# time and connections, after a warm-up run; the server order is shuffled
# every round. Prints
# a markdown table: requests/s and p99 latency (medians over rounds), peak
# RSS, and each server's requests/s as a ratio to net/http's in the same
# round: median and min–max; a second net/http server is the control. Needs
# wrk (apt-get install wrk); aiohttp is measured when /usr/bin/python3 has it. With PIN=1 (the default when
# taskset exists and there are 2+ cores) every server runs on CPU 0 and wrk
# (one thread) on CPU 1, so the two never compete for a core and the
# servers' ratios do not depend on how the scheduler split them.
set -euo pipefail
cd "$(dirname "$0")"
ROUNDS=${ROUNDS:-9} SECS=${SECS:-6} WARMUP=${WARMUP:-2} CONNS=${CONNS:-64} THREADS=${THREADS:-2}
srv=() cli=()
if [ "${PIN:-1}" = 1 ] && command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  srv=(taskset -c 0) cli=(taskset -c 1) THREADS=1 PIN=1
else
  PIN=0
fi
tmp=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
go build -o "$tmp/nethttp" ./cmd/hello-nethttp
go build -o "$tmp/aioweb" ./cmd/hello-aioweb
go build -o "$tmp/chi" ./cmd/hello-chi
(cd .. && go build -o "$tmp/tour" ./examples/tour)
names=(net/http aioweb tour chi control aiohttp); ports=(18081 18082 18084 18085 18086 18083)
"${srv[@]}" "$tmp/nethttp" -addr 127.0.0.1:18081 & pids[0]=$!
"${srv[@]}" "$tmp/aioweb" -addr 127.0.0.1:18082 & pids[1]=$!
"${srv[@]}" "$tmp/tour" -addr 127.0.0.1:18084 -access-log '' >/dev/null 2>&1 & pids[2]=$!
"${srv[@]}" "$tmp/chi" -addr 127.0.0.1:18085 & pids[3]=$!
# A second net/http, the control: its ratio to the first is the noise of
# the method on this machine (two identical servers).
"${srv[@]}" "$tmp/nethttp" -addr 127.0.0.1:18086 & pids[4]=$!
n=5
if /usr/bin/python3 -c 'import aiohttp' 2>/dev/null; then
  "${srv[@]}" /usr/bin/python3 aiohttp_hello.py 18083 & pids[5]=$!; n=6
fi
sleep 2
for i in $(seq 0 $((n-1))); do
  curl -sf "http://127.0.0.1:${ports[$i]}/" >/dev/null || { echo "${names[$i]} is not answering" >&2; exit 1; }
done
: > "$tmp/results"
for round in $(seq "$ROUNDS"); do
  # A new random order every round (seeded by the round, so runs repeat):
  # a rotation keeps each server behind the same one, and what ran just
  # before (aiohttp's lighter load) measurably helped the next server here.
  for i in $(shuf -i 0-$((n-1)) --random-source=<(yes "$round")); do
    "${cli[@]}" wrk -t"$THREADS" -c"$CONNS" -d"${WARMUP}s" "http://127.0.0.1:${ports[$i]}/" >/dev/null
    cpu0=$(awk '{print $14+$15}' /proc/${pids[$i]}/stat)
    out=$("${cli[@]}" wrk -t"$THREADS" -c"$CONNS" -d"${SECS}s" --latency "http://127.0.0.1:${ports[$i]}/")
    cpu1=$(awk '{print $14+$15}' /proc/${pids[$i]}/stat)
    reqs=$(echo "$out" | awk '/requests in/ {print $1}')
    # server CPU time per request, in microseconds (clock ticks of 1/CLK_TCK s)
    cpuus=$(awk -v a="$cpu0" -v b="$cpu1" -v n="$reqs" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.3f", (b-a)/hz*1e6/n}')
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p99=$(echo "$out" | awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; print v}')
    rss=$(awk '/VmHWM/ {print $2}' /proc/${pids[$i]}/status)
    echo "$round $i $rps $p99 $rss $cpuus" >> "$tmp/results"
  done
done
/usr/bin/python3 - "$tmp/results" "$ROUNDS" "$SECS" "$CONNS" "$THREADS" "$PIN" <<'PY'
import sys, statistics
rows = [l.split() for l in open(sys.argv[1])]
names = ['net/http', 'aioweb', 'tour (aioweb, 1 middleware)', 'chi', 'net/http again (control)', 'aiohttp 3.8']
by = {}
for r, i, rps, p99, rss, cpu in rows:
    by.setdefault(int(i), {})[int(r)] = (float(rps), float(p99), int(rss), float(cpu))
base = by[0]
where = "every server on CPU 0, wrk on CPU 1 (taskset)" if sys.argv[6] == "1" else "wrk and the server share the cores"
print(f"wrk -t{sys.argv[5]} -c{sys.argv[4]} -d{sys.argv[3]}s on 127.0.0.1 ({where}), "
      f"{sys.argv[2]} rounds, server order shuffled each round, a warm-up run before each; medians over rounds, ratios taken within a round.\n")
print("Server CPU per request is the server process's CPU time (/proc/PID/stat) over the requests wrk")
print("counted: unlike requests/s it does not depend on how the shared cores were split.")
print("The control is a second copy of the net/http server: its ratios are this method's noise here.\n")
print("| server | requests/s | p99 latency | peak RSS | req/s vs net/http: median | min–max | server CPU per request | CPU/request vs net/http: median | min–max |")
print("|---|---|---|---|---|---|---|---|---|")
for i in sorted(by):
    rs = by[i]
    rps = statistics.median(v[0] for v in rs.values())
    p99 = statistics.median(v[1] for v in rs.values())
    rss = max(v[2] for v in rs.values())
    ratios = [rs[k][0] / base[k][0] for k in rs]
    cpu = statistics.median(v[3] for v in rs.values())
    cr = [rs[k][3] / base[k][3] for k in rs]
    print(f"| {names[i]} | {rps:,.0f} | {p99:.2f} ms | {rss/1024:.1f} MiB | **{statistics.median(ratios):.2f}x** | {min(ratios):.2f}–{max(ratios):.2f} | {cpu:.1f} µs | **{statistics.median(cr):.2f}x** | {min(cr):.2f}–{max(cr):.2f} |")
PY
