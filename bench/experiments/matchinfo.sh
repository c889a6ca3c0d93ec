#!/usr/bin/env bash
# matchinfo.sh measures what issue 14's "smallest API change" would buy: a
# MatchInfo that is not a map. matchinfo-slice.patch replaces the MatchInfo
# map built for routes with variables by a copied slice of the values (what
# a MatchInfo type inside the Request would hold), leaving everything else
# as it is. It is an experiment, not a working aioweb: handlers would see
# no MatchInfo. The script copies the module, applies the patch to the
# copy, builds bench/'s test binary from both, runs them alternately and
# prints each benchmark's minimum and median ns/op and its allocations.
#   ROUNDS (8) BENCH ('NothingGitHub(Param|All)/(aioweb|servemux)$')
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${ROUNDS:-8} BENCH=${BENCH:-'NothingGitHub(Param|All)/(aioweb|servemux)$'}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/exp"
tar --exclude=.git -cf - . | tar -xf - -C "$tmp/exp"
patch -s -d "$tmp/exp" -p1 < bench/experiments/matchinfo-slice.patch
(cd bench && go test -c -o "$tmp/map.test" .)
(cd "$tmp/exp/bench" && go test -c -o "$tmp/slice.test" .)
for i in $(seq "$ROUNDS"); do
  for b in map slice; do
    (cd bench && "$tmp/$b.test" -test.run '^$' -test.bench "$BENCH" -test.benchmem -test.cpu 1 -test.benchtime 200ms) |
      awk -v b="$b" '/^Benchmark/ {print b, $1, $3, $(NF-3), $(NF-1)}' >> "$tmp/out"
  done
done
/usr/bin/env python3 - "$tmp/out" <<'PY'
import sys, statistics
rows = {}
for line in open(sys.argv[1]):
    b, name, ns, bop, allocs = line.split()
    rows.setdefault((name, b), []).append((float(ns), bop, allocs))
print("| benchmark | MatchInfo | min ns/op | median ns/op | B/op | allocs/op |")
print("|---|---|---|---|---|---|")
for (name, b), v in sorted(rows.items()):
    if b == "slice" and name.endswith("/servemux"):
        continue  # the patch does not touch the ServeMux
    ns = [x[0] for x in v]
    label = "—" if name.endswith("/servemux") else ("map (today)" if b == "map" else "slice (experiment)")
    print(f"| {name.removeprefix('Benchmark')} | {label} | {min(ns):.0f} | {statistics.median(ns):.0f} | {v[0][1]} | {v[0][2]} |")
PY
