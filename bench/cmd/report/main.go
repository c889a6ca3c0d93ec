// Command report turns `go test -bench` output (stdin) into markdown tables
// of ns/op, B/op and allocs/op per router, with each router's ns/op as a
// ratio to the baseline (servemux, or servemux+regexp for the regex set;
// "first" for the worst case) measured in the same round.
//
// The input may hold several rounds (run.sh runs `go test` once per round
// and writes a line "round N" before each): a table then shows the median
// ns/op over the rounds, and the median and the min–max of the per-round
// ratios. Without round lines, repeated results (-count) are rounds in the
// order they come. Names ending in -N (GOMAXPROCS, from -cpu) get their
// own table per N.
package main

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
)

type result struct{ ns, cpu, bytes, allocs float64 }

// baselineOrder lists the baselines a table's ratios are taken against.
var baselineOrder = []string{"servemux", "servemux+regexp", "first", "raw-coder", "net-http-ParseMultipartForm"}

var baselines = map[string]bool{}

func init() {
	for _, b := range baselineOrder {
		baselines[b] = true
	}
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func main() {
	// runs[group][sub] is one result per round, in order.
	runs := map[string]map[string][]result{}
	roundOf := map[string]map[string][]int{}
	var order []string
	round, explicit := 0, false
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		line := sc.Text()
		if n, ok := strings.CutPrefix(line, "round "); ok {
			round, _ = strconv.Atoi(strings.TrimSpace(n))
			explicit = true
			continue
		}
		f := strings.Fields(line)
		if len(f) < 5 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		name := f[0]
		procs := ""
		if i := strings.LastIndex(name, "-"); i > 0 {
			if _, err := strconv.Atoi(name[i+1:]); err == nil {
				name, procs = name[:i], name[i+1:]
			}
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
		if procs == "" {
			procs = "1"
		}
		group += ", GOMAXPROCS " + procs
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
			case "cpu-ns/op":
				r.cpu = v
			}
		}
		if runs[group] == nil {
			runs[group] = map[string][]result{}
			roundOf[group] = map[string][]int{}
			order = append(order, group)
		}
		rd := round
		if !explicit {
			rd = len(runs[group][sub])
		}
		runs[group][sub] = append(runs[group][sub], r)
		roundOf[group][sub] = append(roundOf[group][sub], rd)
	}
	for _, g := range order {
		base := ""
		for _, b := range baselineOrder {
			if _, ok := runs[g][b]; ok {
				base = b
				break
			}
		}
		if base == "" {
			continue
		}
		baseBy := map[int]result{}
		for i, r := range runs[g][base] {
			baseBy[roundOf[g][base][i]] = r
		}
		type row struct {
			sub                    string
			ns, cpu, bytes, allocs float64
			ratio, rmin, rmax      float64
			wall                   float64
			rounds                 int
		}
		var rows []row
		hasCPU := false
		for s, rs := range runs[g] {
			var ns, cpu, ratios, walls []float64
			for i, r := range rs {
				ns = append(ns, r.ns)
				cpu = append(cpu, r.cpu)
				b, ok := baseBy[roundOf[g][s][i]]
				if !ok || b.ns == 0 {
					continue
				}
				walls = append(walls, r.ns/b.ns)
				if r.cpu > 0 && b.cpu > 0 {
					hasCPU = true
					ratios = append(ratios, r.cpu/b.cpu)
				} else {
					ratios = append(ratios, r.ns/b.ns)
				}
			}
			rw := row{sub: s, ns: median(ns), cpu: median(cpu), bytes: rs[len(rs)-1].bytes, allocs: rs[len(rs)-1].allocs, ratio: median(ratios), wall: median(walls), rounds: len(ratios)}
			if len(ratios) > 0 {
				rw.rmin, rw.rmax = ratios[0], ratios[0]
				for _, v := range ratios {
					rw.rmin, rw.rmax = min(rw.rmin, v), max(rw.rmax, v)
				}
			}
			rows = append(rows, rw)
		}
		sort.Slice(rows, func(i, j int) bool { return rows[i].ratio < rows[j].ratio })
		if hasCPU {
			fmt.Printf("### %s\n\n| router | cpu-ns/op | ns/op (wall) | B/op | allocs/op | cpu-ns/op vs %s: median | min–max (%d rounds) | wall ns/op vs %s |\n|---|---|---|---|---|---|---|---|\n", g, base, rows[0].rounds, base)
			for _, r := range rows {
				fmt.Printf("| %s | %.0f | %.0f | %.0f | %.0f | **%.2fx** | %.2f–%.2f | %.2fx |\n", r.sub, r.cpu, r.ns, r.bytes, r.allocs, r.ratio, r.rmin, r.rmax, r.wall)
			}
		} else {
			fmt.Printf("### %s\n\n| router | ns/op (median) | B/op | allocs/op | ns/op vs %s: median | min–max (%d rounds) |\n|---|---|---|---|---|---|\n", g, base, rows[0].rounds)
			for _, r := range rows {
				fmt.Printf("| %s | %.0f | %.0f | %.0f | **%.2fx** | %.2f–%.2f |\n", r.sub, r.ns, r.bytes, r.allocs, r.ratio, r.rmin, r.rmax)
			}
		}
		fmt.Println()
	}
}
