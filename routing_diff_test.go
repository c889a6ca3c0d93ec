// routing_diff_test.go owns the differential routing test: random route
// tables and requests, answered by aioweb and by a real aiohttp (the
// oracle), compared answer by answer.

package aioweb

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// diffSegments are the route pattern pieces the random tables are built
// from: literals, plain and regex variables, partial segments, and a
// multi-segment tail. "V" is replaced by a variable name unique in the
// pattern.
var diffSegments = []string{
	"a", "b", "static", "x.y", "a b", "caf\u00e9",
	"{V}", "{V}", `{V:\d+}`, `{V:[a-z]+}`, `{V:\d{2}}`,
	"{V}.html", "{V}-{V}", "p{V}",
}

// diffValues are what a request puts where a pattern has a variable.
// Left out, as doc.go's deliberate differences say: invalid escapes ("%zz",
// net/http answers 400 before any handler) and escapes that do not decode
// to UTF-8 ("%ff": the byte 0xff in MatchInfo, where aiohttp keeps "%ff").
var diffValues = []string{
	"1", "42", "bob", "ab", "x.y", "a%2Fb", "a%2fb", "caf%C3%A9", "..", ".", "%25", "a+b",
	"%7Bx%7D", "a%20b", "A", "0123", "a-b", "b-1-2", "x.html", "-", "",
}

var diffMethods = []string{"GET", "GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS"}

// randomPattern builds a pattern of one to four segments.
func randomPattern(rng *rand.Rand) string {
	n := 1 + rng.IntN(4)
	var b strings.Builder
	v := 0
	for i := 0; i < n; i++ {
		seg := diffSegments[rng.IntN(len(diffSegments))]
		if i == n-1 && rng.IntN(8) == 0 {
			seg = "{V:.+}"
		}
		for strings.Contains(seg, "{V") {
			seg = strings.Replace(seg, "{V", "{v"+strconv.Itoa(v), 1)
			v++
		}
		b.WriteString("/" + seg)
	}
	if rng.IntN(6) == 0 {
		b.WriteString("/")
	}
	return b.String()
}

// randomTarget builds a request target, usually shaped like one of the
// table's patterns so that something matches, sometimes mutated.
func randomTarget(rng *rand.Rand, table [][2]string) (method, target string) {
	r := table[rng.IntN(len(table))]
	method, p := r[0], r[1]
	if method == "*" || rng.IntN(3) == 0 {
		method = diffMethods[rng.IntN(len(diffMethods))]
	}
	if rng.IntN(5) == 0 {
		p = randomPattern(rng)
	}
	var b strings.Builder
	for len(p) > 0 {
		i := strings.IndexByte(p, '{')
		if i < 0 {
			b.WriteString(escapeLiteral(rng, p))
			break
		}
		b.WriteString(escapeLiteral(rng, p[:i]))
		depth, j := 0, i
		for ; j < len(p); j++ {
			if p[j] == '{' {
				depth++
			} else if p[j] == '}' {
				depth--
				if depth == 0 {
					break
				}
			}
		}
		val := diffValues[rng.IntN(len(diffValues))]
		if _, re, ok := strings.Cut(p[i+1:j], ":"); ok && rng.IntN(2) == 0 {
			switch re { // a value the variable's regex accepts
			case `\d+`:
				val = strconv.Itoa(rng.IntN(1000))
			case `[a-z]+`:
				val = "abc"[:1+rng.IntN(3)]
			case `\d{2}`:
				val = strconv.Itoa(10 + rng.IntN(90))
			}
		}
		if strings.HasSuffix(p[i:j], ":.+") && rng.IntN(2) == 0 {
			val += "/" + diffValues[rng.IntN(len(diffValues))]
		}
		b.WriteString(val)
		p = p[j+1:]
	}
	target = b.String()
	switch rng.IntN(10) {
	case 0:
		target += "/"
	case 1:
		target = strings.Replace(target, "/", "//", 1)
	case 2:
		target += "?q=1"
	}
	return method, target
}

// escapeLiteral writes a pattern literal as a client would: spaces and
// non-ASCII always escaped, other bytes sometimes.
func escapeLiteral(rng *rand.Rand, s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c >= 0x80:
			fmt.Fprintf(&b, "%%%02X", c)
		case c != '/' && rng.IntN(30) == 0:
			fmt.Fprintf(&b, "%%%02x", c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// TestRoutingDifferentialAiohttp builds random route tables, serves each
// with aioweb and with aiohttp, and sends both the same random requests:
// status, body (route index and match info) and Allow must agree. CI runs
// a few fixed seeds; AIOWEB_DIFF_TABLES=n runs n tables from a random seed
// (printed, so that a failure can be replayed with AIOWEB_DIFF_SEED).
func TestRoutingDifferentialAiohttp(t *testing.T) {
	tables, seed := diffCampaign(t, 3, "AIOWEB_DIFF_TABLES", "AIOWEB_DIFF_SEED")
	rng := rand.New(rand.NewPCG(seed, 0))
	statuses := map[int]int{}
	defer func() { t.Logf("answers by status: %v", statuses) }()
	for n := 0; n < tables; n++ {
		seen := map[[2]string]bool{}
		var table [][2]string
		for len(table) < 6+rng.IntN(10) {
			r := [2]string{diffMethods[rng.IntN(len(diffMethods)-1)], randomPattern(rng)}
			if rng.IntN(10) == 0 {
				r[0] = "*"
			}
			if seen[r] || seen[[2]string{"*", r[1]}] || r[0] == "*" && anyMethodOf(seen, r[1]) {
				continue // aiohttp refuses a route that can never be reached
			}
			if n := len(table); n > 0 && table[n-1][1] != r[1] && formatterOf(table[n-1][1]) == r[1] {
				// aiohttp would add it to the previous route's resource,
				// whose regex then decides (doc.go: deliberate differences).
				continue
			}
			seen[r] = true
			table = append(table, r)
		}
		app := NewApplication()
		for i, r := range table {
			app.Router.AddRoute(r[0], r[1], infoHandler(i))
		}
		ours := serve(t, app)
		oracle := startOracle(t, table)
		for k := 0; k < 60; k++ {
			method, target := randomTarget(rng, table)
			want := rawDo(t, oracle, method, target)
			got := rawDo(t, ours, method, target)
			statuses[got.Status]++
			if got.Status != want.Status || got.Body != want.Body || got.Allow != want.Allow {
				t.Errorf("table %q\n%s %s: aioweb %d %q allow=%q; aiohttp %d %q allow=%q",
					table, method, target, got.Status, got.Body, got.Allow, want.Status, want.Body, want.Allow)
			}
		}
	}
}

func anyMethodOf(seen map[[2]string]bool, pattern string) bool {
	for r := range seen {
		if r[1] == pattern {
			return true
		}
	}
	return false
}

// formatterOf is aiohttp's formatter of a pattern: each {name:regex} as
// {name}.
func formatterOf(p string) string {
	var b strings.Builder
	depth, inRegex := 0, false
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '{':
			depth++
		case c == '}':
			depth--
			if depth == 0 {
				inRegex = false
				b.WriteByte(c)
				continue
			}
		case depth == 1 && c == ':':
			inRegex = true
		}
		if !inRegex {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// A route joins the previous route's resource only when its path is the
// same text (doc.go: deliberate differences). aiohttp 3.8.4 puts GET '/{x}'
// into POST '/{x:\d+}”s resource (one resource; GET /ab is 404 there).
func TestRouteJoinsResourceOnSamePathOnly(t *testing.T) {
	app := NewApplication()
	app.Router.AddRoute("POST", `/{x:\d+}`, infoHandler(0))
	app.Router.AddRoute("GET", "/{x}", infoHandler(1))
	if n := len(app.Router.Resources()); n != 2 {
		t.Errorf("%d resources, want 2", n)
	}
	checkAnswers(t, serve(t, app), []answer{
		{"GET", "/ab", 200, `r1|{"x":"ab"}`, ""},
		{"GET", "/12", 200, `r1|{"x":"12"}`, ""},
		{"POST", "/12", 200, `r0|{"x":"12"}`, ""},
		{"POST", "/ab", 405, "405: Method Not Allowed", "GET"},
	})
}
