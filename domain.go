// domain.go owns virtual hosts: Domain (aiohttp's Domain and MaskDomain
// rules: a host, with port, IDNA-encoded, or a "*.example.com" mask) and
// Application.AddDomain, which mounts a sub-application for the requests
// whose Host header matches, plus the host-aware route scan those
// applications are served by.

package aioweb

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A Domain is a rule on the request's Host header (aiohttp's Domain, or
// MaskDomain when it holds '*'). Build it with NewDomain or NewMaskDomain.
type Domain struct {
	canonical string
	mask      *regexp.Regexp // MaskDomain
}

// NewDomain checks and canonicalises a host name, with an optional port, as
// aiohttp's Domain does: trailing dots removed, lower-cased, non-ASCII
// labels IDNA-encoded ("пуни.код" is "xn--h1ajfq.xn--d1alm"), port 80
// dropped. Each label must be 1 to 63 letters, digits or '-', not starting
// or ending with '-'. A scheme, an empty name or a '*' is an error.
func NewDomain(domain string) (*Domain, error) {
	c, err := canonicalDomain(domain, false)
	if err != nil {
		return nil, err
	}
	return &Domain{canonical: c}, nil
}

// NewMaskDomain is NewDomain for a name whose labels may hold '*', which
// matches any run of characters (aiohttp's MaskDomain): "*.example.com"
// matches "a.example.com" and "a.b.example.com" but not "example.com"; "*"
// matches every host.
func NewMaskDomain(domain string) (*Domain, error) {
	c, err := canonicalDomain(domain, true)
	if err != nil {
		return nil, err
	}
	mask := strings.ReplaceAll(strings.ReplaceAll(c, ".", `\.`), "*", ".*")
	return &Domain{canonical: c, mask: regexp.MustCompile("^(?:" + mask + ")$")}, nil
}

// Canonical is the rule as matched: the canonical host[:port], or for a
// mask the regular expression (`.*\.example\.com`), as aiohttp's canonical.
func (d *Domain) Canonical() string {
	if d.mask != nil {
		return strings.TrimSuffix(strings.TrimPrefix(d.mask.String(), "^(?:"), ")$")
	}
	return d.canonical
}

// String returns the canonical host name (the mask as given, lower-cased).
func (d *Domain) String() string { return d.canonical }

// Match reports whether a Host header value matches the rule: equal to
// the canonical name ignoring case, or matched whole by the mask. An empty
// host never matches.
func (d *Domain) Match(host string) bool {
	if host == "" {
		return false
	}
	if d.mask != nil {
		return d.mask.MatchString(host)
	}
	return strings.EqualFold(host, d.canonical)
}

func canonicalDomain(domain string, mask bool) (string, error) {
	bad := func(why string) error { return fmt.Errorf("aioweb: domain %q: %s", domain, why) }
	d := strings.ToLower(strings.TrimRight(domain, "."))
	switch {
	case d == "":
		return "", bad("cannot be empty")
	case strings.Contains(d, "://"):
		return "", bad("scheme not supported")
	}
	host, port := d, ""
	if i := strings.LastIndexByte(d, ':'); i >= 0 {
		host, port = d[:i], d[i+1:]
		n, err := strconv.Atoi(port)
		if err != nil || n < 0 || n > 65535 || port[0] == '+' {
			return "", bad("invalid port")
		}
		port = strconv.Itoa(n)
	}
	host = strings.TrimRight(host, ".")
	labels := strings.Split(host, ".")
	for i, l := range labels {
		if !isASCII(l) {
			p, err := punycode(l)
			if err != nil {
				return "", bad(err.Error())
			}
			l = "xn--" + p
			labels[i] = l
		}
		if !validLabel(l, mask) {
			return "", bad("not a valid domain name")
		}
	}
	host = strings.Join(labels, ".")
	if port == "" || port == "80" {
		return host, nil
	}
	return host + ":" + port, nil
}

// validLabel: 1 to 63 of [a-z0-9-] (and '*' in a mask), no '-' at either end.
func validLabel(l string, mask bool) bool {
	if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for i := 0; i < len(l); i++ {
		c := l[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || mask && c == '*') {
			return false
		}
	}
	return true
}

// punycode encodes a label by RFC 3492 (without the "xn--" prefix).
func punycode(label string) (string, error) {
	const (
		base, tmin, tmax, skew, damp = 36, 1, 26, 38, 700
		initialBias, initialN        = 72, 128
	)
	if !utf8.ValidString(label) {
		return "", errors.New("invalid UTF-8")
	}
	runes := []rune(label)
	var out []byte
	for _, r := range runes {
		if r < 0x80 {
			out = append(out, byte(r))
		}
	}
	b := len(out)
	h := b
	if b > 0 {
		out = append(out, '-')
	}
	digit := func(d int) byte {
		if d < 26 {
			return byte('a' + d)
		}
		return byte('0' + d - 26)
	}
	adapt := func(delta, numPoints int, first bool) int {
		if first {
			delta /= damp
		} else {
			delta /= 2
		}
		delta += delta / numPoints
		k := 0
		for delta > ((base-tmin)*tmax)/2 {
			delta /= base - tmin
			k += base
		}
		return k + (base-tmin+1)*delta/(delta+skew)
	}
	n, delta, bias := initialN, 0, initialBias
	for h < len(runes) {
		m := int(^uint(0) >> 1)
		for _, r := range runes {
			if int(r) >= n && int(r) < m {
				m = int(r)
			}
		}
		if (m-n)*(h+1) > 1<<30 {
			return "", errors.New("label too long")
		}
		delta += (m - n) * (h + 1)
		n = m
		for _, r := range runes {
			if int(r) < n {
				delta++
			}
			if int(r) == n {
				q := delta
				for k := base; ; k += base {
					t := k - bias
					if t < tmin {
						t = tmin
					} else if t > tmax {
						t = tmax
					}
					if q < t {
						break
					}
					out = append(out, digit(t+(q-t)%(base-t)))
					q = (q - t) / (base - t)
				}
				out = append(out, digit(q))
				bias = adapt(delta, h+1, h == b)
				delta = 0
				h++
			}
		}
		delta++
		n++
	}
	return string(out), nil
}

// AddDomain mounts sub for the requests whose Host header matches domain
// (aiohttp's add_domain): "example.com", "example.com:8080", "пуни.код"
// (matched IDNA-encoded), or with '*' a mask ("*.example.com", or "*" for
// every host). Like a prefix sub-application it claims, in registration
// order, every path of the hosts it matches, with 404 and 405 answered
// through sub's middlewares. It returns the domain's Resource and panics on
// an invalid domain (see NewDomain), a sub that is already mounted, or once
// this application serves; sub's middleware factories run as AddSubapp's
// do.
//
// An application with a domain is routed by an ordered scan of its routes
// instead of the ServeMux and the exact-match map.
func (a *Application) AddDomain(domain string, sub *Application) *Resource {
	newRule := NewDomain
	if strings.Contains(domain, "*") {
		newRule = NewMaskDomain
	}
	rule, err := newRule(domain)
	if err != nil {
		panic(fmt.Sprintf("aioweb: AddDomain(%q): %v", domain, err))
	}
	return a.mount(fmt.Sprintf("AddDomain(%q)", domain), "", rule, sub)
}

// hostOK reports whether the route's host rules accept host.
func (r *Route) hostOK(host string) bool {
	for _, d := range r.hosts {
		if !d.Match(host) {
			return false
		}
	}
	return true
}

// resolveHost scans every route in order against the raw path and the
// Host header, as resolveSlow does for routes without host rules.
func (rt *Router) resolveHost(method, raw, host string) resolution {
	return rt.resolveScan(method, raw, func(rr *Route) bool { return rr.hostOK(host) })
}

// resolveLike resolves a raw path as a request for route r's hosts would
// be: routes without host rules and those with r's rules take part.
func (rt *Router) resolveLike(r *Route, method, raw string) resolution {
	for _, rr := range rt.routes {
		if !slices.Equal(rr.hosts, r.hosts) && rr.hosts != nil {
			continue
		}
		if info, ok := rr.matchRaw(raw); ok && (rr.method == method || rr.method == MethodAny) {
			return resolution{route: rr, info: info}
		}
	}
	return resolution{}
}
