// Command report turns `go test -bench` output (stdin) into markdown tables
// of ns/op, B/op and allocs/op per router, with each router's ns/op as a
// ratio to the baseline (servemux, or servemux+regexp for the regex set;
// "first" for the worst case). Repeated runs (-count) keep the fastest.
package main

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
)

type result struct{ ns, bytes, allocs float64 }

// baselineOrder lists the baselines a table's ratios are taken against.
var baselineOrder = []string{"servemux", "servemux+regexp", "first", "raw-coder", "net-http-ParseMultipartForm"}

var baselines = map[string]bool{}

func init() {
	for _, b := range baselineOrder {
		baselines[b] = true
	}
}

func main() {
	best := map[string]map[string]result{}
	var order []string
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 5 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		name := f[0]
		if i := strings.LastIndex(name, "-"); i > 0 {
			name = name[:i]
		}
		group, sub, _ := strings.Cut(strings.TrimPrefix(name, "Benchmark"), "/")
		// Nested names: "static/servemux" (case/router) or "raw-coder/32B"
		// (router/case); the case joins the group.
		if a, b, ok := strings.Cut(sub, "/"); ok {
			if baselines[a] || a == "aioweb" {
				group, sub = group+" "+b, a
			} else {
				group, sub = group+" "+a, b
			}
		}
		var r result
		for i := 2; i+1 < len(f); i += 2 {
			v, _ := strconv.ParseFloat(f[i], 64)
			switch f[i+1] {
			case "ns/op":
				r.ns = v
			case "B/op":
				r.bytes = v
			case "allocs/op":
				r.allocs = v
			}
		}
		if best[group] == nil {
			best[group] = map[string]result{}
			order = append(order, group)
		}
		if old, ok := best[group][sub]; !ok || r.ns < old.ns {
			best[group][sub] = r
		}
	}
	for _, g := range order {
		base := ""
		for _, b := range baselineOrder {
			if _, ok := best[g][b]; ok {
				base = b
				break
			}
		}
		if base == "" {
			continue
		}
		fmt.Printf("### %s\n\n| router | ns/op | B/op | allocs/op | ns/op vs %s |\n|---|---|---|---|---|\n", g, base)
		subs := make([]string, 0, len(best[g]))
		for s := range best[g] {
			subs = append(subs, s)
		}
		sort.Slice(subs, func(i, j int) bool { return best[g][subs[i]].ns < best[g][subs[j]].ns })
		for _, s := range subs {
			r := best[g][s]
			fmt.Printf("| %s | %.0f | %.0f | %.0f | %.2fx |\n", s, r.ns, r.bytes, r.allocs, r.ns/best[g][base].ns)
		}
		fmt.Println()
	}
}
