package evidence

import (
	"encoding/binary"
	"net/netip"
	"sort"
	"strings"

	"github.com/scrutin/scrutin/internal/attack"
)

// Matcher finds indicators of compromise among the addresses, host names,
// URLs and hashes seen in logs. It is built once from the indicators and
// then only read, so one Matcher serves any number of goroutines.
//
// A lookup does no linear scan and allocates nothing when it finds nothing
// (the common case): addresses and hashes are map keys of fixed-size
// arrays; networks are flattened into sorted disjoint ranges searched by
// bisection (for IPv4, among the ranges of the address's /16 only), so
// that the longest prefix wins; a domain costs one map lookup
// per parent domain; a URL is first checked by host, and only a URL whose
// host carries URL indicators is put in canonical form (in a buffer on the
// stack, up to 1 KiB).
//
// A lookup returns the most specific match: an address before the networks
// holding it, the longest prefix, the longest parent domain, the exact URL.
// Match.Broader walks from there to the less specific matches.
type Matcher struct {
	groups []iocGroup
	// inds holds the indicators, those of one group next to each other.
	inds []attack.Indicator

	ip4      map[uint32]int32
	ip6      map[iocU128]int32
	nets4    iocRanges4
	nets6    iocRanges6
	domains  map[string]int32
	maxDots  int // most dots in an indexed domain: deeper suffixes cannot match
	urls     map[string]int32
	urlHosts map[string]struct{} // canonical hosts of the URL indicators
	md5      map[[16]byte]int32
	sha1     map[[20]byte]int32
	sha256   map[[32]byte]int32
	skipped  int
}

// iocGroup is everything the matcher knows about one indexed value: the
// indicators that give it, and the actors of all of them.
type iocGroup struct {
	typ, value string
	actors     []string
	inds       []attack.Indicator
	broader    *iocGroup
}

// Match is the result of a lookup: the indicators of the value that
// matched, or nothing. It is a pointer into the Matcher: copying it is free
// and its slices are shared, to be read and never modified.
type Match struct {
	g *iocGroup
}

// Found reports whether the lookup matched.
func (m Match) Found() bool { return m.g != nil }

// Type is the type of the matched indicator value: ip, cidr, domain, url,
// md5, sha1 or sha256; "" when nothing matched.
func (m Match) Type() string {
	if m.g == nil {
		return ""
	}
	return m.g.typ
}

// Value is the matched indicator value, in canonical form: the address, the
// network holding the address, the (parent) domain, the URL or the hash.
func (m Match) Value() string {
	if m.g == nil {
		return ""
	}
	return m.g.value
}

// Actors are the actors of all the indicators of the matched value, sorted,
// without duplicates; nil when none is known. The slice is shared.
func (m Match) Actors() []string {
	if m.g == nil {
		return nil
	}
	return m.g.actors
}

// Actor is the first of Actors, or "": enough for Event.Actor.
func (m Match) Actor() string {
	if m.g == nil || len(m.g.actors) == 0 {
		return ""
	}
	return m.g.actors[0]
}

// Indicators are the indicators of the matched value: more than one when
// several sources or several actors gave it. The slice is shared.
func (m Match) Indicators() []attack.Indicator {
	if m.g == nil {
		return nil
	}
	return m.g.inds
}

// Broader is the next less specific match of the same lookup: for an
// address, the longest network holding it; for a network, the longest
// network holding that one; for a domain, its longest parent domain among
// the indicators; for a URL, the match of its host. It has Found false at
// the end of the chain.
func (m Match) Broader() Match {
	if m.g == nil {
		return Match{}
	}
	return Match{m.g.broader}
}

// Len is the number of distinct values the matcher looks for.
func (m *Matcher) Len() int { return len(m.groups) }

// Skipped is the number of indicators NewMatcher left out: those marked
// Context, and those whose value is not of their type.
func (m *Matcher) Skipped() int { return m.skipped }

// NewMatcher indexes inds. Each indicator's value is normalised again
// (attack.NormalizeIndicator), so hand-made indicators need not be in
// canonical form; indicators that do not normalise, and those marked
// Context, are left out and counted by Skipped. Indicators with the same
// type and value are one entry whose actors are the union of theirs.
func NewMatcher(inds []attack.Indicator) *Matcher {
	m := &Matcher{
		ip4:      make(map[uint32]int32),
		ip6:      make(map[iocU128]int32),
		domains:  make(map[string]int32),
		urls:     make(map[string]int32),
		urlHosts: make(map[string]struct{}),
		md5:      make(map[[16]byte]int32),
		sha1:     make(map[[20]byte]int32),
		sha256:   make(map[[32]byte]int32),
	}
	// Group the indicators by value, groups in order of first appearance,
	// and lay them out group by group (a counting sort).
	type key struct{ typ, value string }
	index := make(map[key]int32)
	norm := make([]attack.Indicator, 0, len(inds))
	groupOf := make([]int32, 0, len(inds))
	var count []int32
	for _, ind := range inds {
		if ind.Context {
			m.skipped++
			continue
		}
		n, err := attack.NormalizeIndicator(ind)
		if err != nil {
			m.skipped++
			continue
		}
		k := key{n.Type, n.Value}
		g, ok := index[k]
		if !ok {
			g = int32(len(count))
			index[k] = g
			count = append(count, 0)
		}
		count[g]++
		groupOf = append(groupOf, g)
		norm = append(norm, n)
	}
	m.groups = make([]iocGroup, len(count))
	m.inds = make([]attack.Indicator, len(norm))
	next := make([]int32, len(count)) // where the group's next indicator goes
	var at int32
	for g, c := range count {
		next[g] = at
		m.groups[g].inds = m.inds[at : at+c : at+c]
		at += c
	}
	for i, n := range norm {
		g := groupOf[i]
		m.inds[next[g]] = n
		next[g]++
	}
	for g := range m.groups {
		grp := &m.groups[g]
		grp.typ, grp.value = grp.inds[0].Type, grp.inds[0].Value
		if len(grp.inds) == 1 {
			if len(grp.inds[0].Actors) > 0 {
				grp.actors = grp.inds[0].Actors // sorted and unique already
			}
			continue
		}
		var actors []string
		for _, ind := range grp.inds {
			actors = append(actors, ind.Actors...)
		}
		grp.actors = iocUnique(actors)
	}
	var nets4, nets6 []iocInterval
	for g := range m.groups {
		grp := &m.groups[g]
		gi := int32(g)
		switch grp.typ {
		case attack.IndicatorIP:
			a := netip.MustParseAddr(grp.value)
			if a.Is4() {
				m.ip4[iocV4(a)] = gi
			} else {
				m.ip6[iocV6(a)] = gi
			}
		case attack.IndicatorCIDR:
			p := netip.MustParsePrefix(grp.value)
			iv := iocPrefixInterval(p, gi)
			if p.Addr().Is4() {
				nets4 = append(nets4, iv)
			} else {
				nets6 = append(nets6, iv)
			}
		case attack.IndicatorDomain:
			m.domains[grp.value] = gi
			m.maxDots = max(m.maxDots, strings.Count(grp.value, "."))
		case attack.IndicatorURL:
			m.urls[grp.value] = gi
			_, host, _, _, _ := attack.SplitURL(grp.value)
			m.urlHosts[host] = struct{}{}
		case attack.IndicatorMD5:
			var k [16]byte
			iocHex(k[:], grp.value)
			m.md5[k] = gi
		case attack.IndicatorSHA1:
			var k [20]byte
			iocHex(k[:], grp.value)
			m.sha1[k] = gi
		case attack.IndicatorSHA256:
			var k [32]byte
			iocHex(k[:], grp.value)
			m.sha256[k] = gi
		}
	}
	m.nets4 = newIocRanges4(iocFlatten(nets4, iocU128{0, 1<<32 - 1}, m.groups))
	m.nets6.bounds, m.nets6.vals = iocFlatten(nets6, iocU128{^uint64(0), ^uint64(0)}, m.groups)
	m.linkBroader()
	return m
}

// linkBroader sets the broader match of addresses, domains and URLs (those
// of networks are set when the ranges are flattened).
func (m *Matcher) linkBroader() {
	for g := range m.groups {
		grp := &m.groups[g]
		switch grp.typ {
		case attack.IndicatorIP:
			a := netip.MustParseAddr(grp.value)
			grp.broader = m.matchNet(a).g
		case attack.IndicatorDomain:
			if i := strings.IndexByte(grp.value, '.'); i >= 0 {
				grp.broader = m.MatchDomain(grp.value[i+1:]).g
			}
		case attack.IndicatorURL:
			_, host, _, _, _ := attack.SplitURL(grp.value)
			grp.broader = m.MatchHost(strings.Trim(host, "[]")).g
		}
	}
}

func (m *Matcher) match(g int32) Match { return Match{&m.groups[g]} }

// MatchIP looks up an address: the address itself, then the longest network
// holding it. IPv4-mapped IPv6 addresses are looked up as IPv4.
func (m *Matcher) MatchIP(a netip.Addr) Match {
	if a.Is4In6() {
		a = a.Unmap()
	}
	if a.Is4() {
		if g, ok := m.ip4[iocV4(a)]; ok {
			return m.match(g)
		}
	} else if a.Is6() {
		if g, ok := m.ip6[iocV6(a)]; ok {
			return m.match(g)
		}
	}
	return m.matchNet(a)
}

// matchNet looks up the longest network holding a.
func (m *Matcher) matchNet(a netip.Addr) Match {
	var g int32 = -1
	if a.Is4() {
		g = m.nets4.lookup(iocV4(a))
	} else if a.Is6() {
		g = m.nets6.lookup(iocV6(a))
	}
	if g < 0 {
		return Match{}
	}
	return m.match(g)
}

// MatchDomain looks up a host name: the name itself, then its parent
// domains down to two labels (www.evil.example matches an indicator
// evil.example; evil.example does not match www.evil.example, nor
// notevil.example evil.example). Case and trailing dots do not matter.
func (m *Matcher) MatchDomain(name string) Match {
	if len(m.domains) == 0 {
		return Match{}
	}
	for len(name) > 0 && name[len(name)-1] == '.' {
		name = name[:len(name)-1]
	}
	if len(name) == 0 || len(name) > 253 {
		return Match{}
	}
	var buf [253]byte
	b := buf[:len(name)]
	dots := 0
	for i := 0; i < len(name); i++ {
		c := name[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		} else if c == '.' {
			dots++
		}
		b[i] = c
	}
	// Suffixes with more dots than any indexed domain cannot match.
	for ; dots > m.maxDots; dots-- {
		b = b[iocIndexDot(b)+1:]
	}
	for ; dots > 0; dots-- {
		if g, ok := m.domains[string(b)]; ok {
			return m.match(g)
		}
		b = b[iocIndexDot(b)+1:]
	}
	return Match{}
}

func iocIndexDot(b []byte) int {
	for i, c := range b {
		if c == '.' {
			return i
		}
	}
	return len(b) - 1
}

// MatchHost looks up a host as URLs and logs give it: an address (MatchIP)
// or a name (MatchDomain).
func (m *Matcher) MatchHost(host string) Match {
	// netip.ParseAddr allocates its error: keep names away from it.
	if iocAddrLike(host) {
		if a, err := netip.ParseAddr(host); err == nil {
			return m.MatchIP(a)
		}
	}
	return m.MatchDomain(host)
}

// iocAddrLike reports whether s may be an IP address: it holds a colon, or
// only digits and dots.
func iocAddrLike(s string) bool {
	if strings.IndexByte(s, ':') >= 0 {
		return true
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != '.' && (c < '0' || c > '9') {
			return false
		}
	}
	return len(s) > 0
}

// MatchURL looks up a URL, with or without a scheme (a URL without one is
// taken as http). It matches a URL indicator when both have the same
// canonical form (attack.AppendCanonicalURL: scheme and host in any case,
// default port or not, fragment and user information ignored; path and
// query exact). When no URL indicator matches, it returns the match of the
// URL's host as MatchHost finds it: Type then says "domain", "ip" or "cidr",
// and the caller who only wants URL indicators checks Type == "url". A URL
// indicator's Broader is its host's match.
func (m *Matcher) MatchURL(u string) Match {
	_, host, _, _, ok := attack.SplitURL(u)
	if !ok {
		return Match{}
	}
	for len(host) > 0 && host[len(host)-1] == '.' {
		host = host[:len(host)-1]
	}
	if len(m.urls) > 0 && m.urlHost(host) {
		if g, ok := m.matchCanonicalURL(u); ok {
			return m.match(g)
		}
	}
	return m.MatchHost(host)
}

// urlHost reports whether some URL indicator has host (from SplitURL, not
// yet canonical).
func (m *Matcher) urlHost(host string) bool {
	var buf [253]byte
	if strings.IndexByte(host, ':') >= 0 {
		a, err := netip.ParseAddr(host)
		if err != nil {
			return false
		}
		b := a.WithZone("").AppendTo(buf[:0])
		_, ok := m.urlHosts[string(b)]
		return ok
	}
	if len(host) > len(buf) {
		return false
	}
	b := buf[:len(host)]
	for i := 0; i < len(host); i++ {
		c := host[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[i] = c
	}
	_, ok := m.urlHosts[string(b)]
	return ok
}

// matchCanonicalURL looks up the canonical form of u among the URL
// indicators.
func (m *Matcher) matchCanonicalURL(u string) (int32, bool) {
	var buf [1024]byte
	b, ok := attack.AppendCanonicalURL(buf[:0], u)
	if !ok {
		return 0, false
	}
	g, ok := m.urls[string(b)]
	return g, ok
}

// MatchHash looks up a hex digest, in either case; its length says which
// kind it is: 32 digits MD5, 40 SHA-1, 64 SHA-256.
func (m *Matcher) MatchHash(h string) Match {
	var (
		g  int32
		ok bool
	)
	switch len(h) {
	case 32:
		var k [16]byte
		if iocHex(k[:], h) {
			g, ok = m.md5[k]
		}
	case 40:
		var k [20]byte
		if iocHex(k[:], h) {
			g, ok = m.sha1[k]
		}
	case 64:
		var k [32]byte
		if iocHex(k[:], h) {
			g, ok = m.sha256[k]
		}
	}
	if !ok {
		return Match{}
	}
	return m.match(g)
}

// iocHex decodes the hex string s, of twice dst's length, into dst.
func iocHex(dst []byte, s string) bool {
	var bad byte
	for i := range dst {
		hi, lo := iocHexDigit[s[2*i]], iocHexDigit[s[2*i+1]]
		bad |= hi | lo
		dst[i] = hi<<4 | lo&0x0f
	}
	return bad&0x10 == 0
}

// iocHexDigit is the value of a hex digit, 0x10 for other bytes.
var iocHexDigit = func() (t [256]byte) {
	for i := range t {
		t[i] = 0x10
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = byte(c - '0')
	}
	for c := 'a'; c <= 'f'; c++ {
		t[c] = byte(c-'a') + 10
		t[c-'a'+'A'] = byte(c-'a') + 10
	}
	return t
}()

func iocV4(a netip.Addr) uint32 {
	b := a.As4()
	return binary.BigEndian.Uint32(b[:])
}

func iocV6(a netip.Addr) iocU128 {
	b := a.As16()
	return iocU128{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}
}

// iocUnique sorts a copy of s without duplicates; nil when empty.
func iocUnique(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	sort.Strings(s)
	out := s[:1]
	for _, v := range s[1:] {
		if v != out[len(out)-1] {
			out = append(out, v)
		}
	}
	return out[:len(out):len(out)]
}
