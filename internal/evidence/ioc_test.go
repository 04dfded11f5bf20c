package evidence

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"reflect"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/internal/attack"
)

// chain lists the values of a match and of its broader matches.
func chain(m Match) []string {
	var out []string
	for ; m.Found(); m = m.Broader() {
		out = append(out, m.Value())
	}
	return out
}

func ind(typ, value string, actors ...string) attack.Indicator {
	return attack.Indicator{Type: typ, Value: value, Actors: actors, Source: "test " + value}
}

func TestMatcherIP(t *testing.T) {
	m := NewMatcher([]attack.Indicator{
		ind("ip", "192.0.2.1", "A"),
		ind("cidr", "192.0.2.0/24", "B"),
		ind("cidr", "192.0.0.0/16", "C"),
		ind("cidr", "10.0.0.0/8", "D"),
		ind("cidr", "10.1.0.0/16"),
		ind("cidr", "10.1.2.0/24"),
		ind("cidr", "10.1.2.128/25"),
		ind("cidr", "10.1.2.0/25"), // with its sibling, fills 10.1.2.0/24
		ind("cidr", "255.255.255.0/24"),
		ind("ip", "2001:db8::1", "H"),
		ind("cidr", "2001:db8::/32"),
		ind("cidr", "2001:db8:1::/48"),
		ind("cidr", "2001:db8:1:0:8000::/65"),
		ind("cidr", "ffff::/16"),
	})
	tests := []struct {
		addr string
		want []string
	}{
		{"192.0.2.1", []string{"192.0.2.1", "192.0.2.0/24", "192.0.0.0/16"}},
		{"::ffff:192.0.2.1", []string{"192.0.2.1", "192.0.2.0/24", "192.0.0.0/16"}},
		{"192.0.2.2", []string{"192.0.2.0/24", "192.0.0.0/16"}},
		{"192.0.2.255", []string{"192.0.2.0/24", "192.0.0.0/16"}},
		{"192.0.3.0", []string{"192.0.0.0/16"}},
		{"192.0.255.255", []string{"192.0.0.0/16"}},
		{"192.1.0.0", nil},
		{"191.255.255.255", nil},
		{"10.1.2.200", []string{"10.1.2.128/25", "10.1.2.0/24", "10.1.0.0/16", "10.0.0.0/8"}},
		{"10.1.2.127", []string{"10.1.2.0/25", "10.1.2.0/24", "10.1.0.0/16", "10.0.0.0/8"}},
		{"10.1.3.0", []string{"10.1.0.0/16", "10.0.0.0/8"}},
		{"10.1.1.255", []string{"10.1.0.0/16", "10.0.0.0/8"}},
		{"10.255.255.255", []string{"10.0.0.0/8"}},
		{"11.0.0.0", nil},
		{"9.255.255.255", nil},
		{"0.0.0.0", nil},
		{"255.255.255.255", []string{"255.255.255.0/24"}},
		{"255.255.254.255", nil},
		{"2001:db8::1", []string{"2001:db8::1", "2001:db8::/32"}},
		{"2001:DB8::2", []string{"2001:db8::/32"}},
		{"2001:db8:1::5", []string{"2001:db8:1::/48", "2001:db8::/32"}},
		{"2001:db8:1:0:8000::1", []string{"2001:db8:1:0:8000::/65", "2001:db8:1::/48", "2001:db8::/32"}},
		{"2001:db8:1:0:7fff::1", []string{"2001:db8:1::/48", "2001:db8::/32"}},
		{"2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", []string{"2001:db8::/32"}},
		{"2001:db9::", nil},
		{"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", []string{"ffff::/16"}},
		{"::", nil},
		{"fe80::1%eth0", nil},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			if got := chain(m.MatchIP(netip.MustParseAddr(tt.addr))); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	if got := m.MatchIP(netip.Addr{}); got.Found() {
		t.Errorf("zero address matched %s", got.Value())
	}
	hit := m.MatchIP(netip.MustParseAddr("192.0.2.1"))
	if hit.Type() != "ip" || hit.Actor() != "A" || !reflect.DeepEqual(hit.Actors(), []string{"A"}) || len(hit.Indicators()) != 1 || hit.Indicators()[0].Source != "test 192.0.2.1" {
		t.Errorf("match %s %s %q %v", hit.Type(), hit.Value(), hit.Actors(), hit.Indicators())
	}
	if b := hit.Broader(); b.Type() != "cidr" || b.Actor() != "B" {
		t.Errorf("broader %s %s %q", b.Type(), b.Value(), b.Actors())
	}
	var none Match
	if none.Found() || none.Type() != "" || none.Value() != "" || none.Actors() != nil || none.Actor() != "" || none.Indicators() != nil || none.Broader().Found() {
		t.Error("the zero Match is not empty")
	}
}

// TestMatcherNetworksRandom compares longest-prefix lookups with a linear
// scan over random nested networks.
func TestMatcherNetworksRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var inds []attack.Indicator
	var prefixes []netip.Prefix
	seen := make(map[netip.Prefix]bool)
	randAddr := func(v6 bool) netip.Addr {
		if v6 {
			var b [16]byte
			b[0], b[1] = 0x20, 0x01 // stay in one /16 so that networks nest
			for i := 2; i < 16; i++ {
				b[i] = byte(r.IntN(4))
			}
			return netip.AddrFrom16(b)
		}
		return netip.AddrFrom4([4]byte{10, byte(r.IntN(4)), byte(r.IntN(4)), byte(r.IntN(256))})
	}
	for len(prefixes) < 600 {
		v6 := r.IntN(3) == 0
		a := randAddr(v6)
		bits := 8 + r.IntN(a.BitLen()-8)
		p := netip.PrefixFrom(a, bits).Masked()
		if seen[p] {
			continue
		}
		seen[p] = true
		prefixes = append(prefixes, p)
		inds = append(inds, ind("cidr", p.String()))
	}
	m := NewMatcher(inds)
	for range 20000 {
		a := randAddr(r.IntN(3) == 0)
		var want []string
		for bits := a.BitLen(); bits >= 0; bits-- {
			if p := netip.PrefixFrom(a, bits).Masked(); seen[p] {
				want = append(want, p.String())
			}
		}
		if got := chain(m.MatchIP(a)); !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: got %q, want %q", a, got, want)
		}
	}
}

func TestMatcherDomain(t *testing.T) {
	m := NewMatcher([]attack.Indicator{
		ind("domain", "Evil.Example.", "A"),
		ind("domain", "deep.c2.evil.example", "B"),
		ind("domain", "attacker.blogspot.example"),
		ind("domain", "localhost"), // one label: left out
	})
	if m.Skipped() != 1 || m.Len() != 3 {
		t.Errorf("len %d, skipped %d", m.Len(), m.Skipped())
	}
	tests := []struct {
		name string
		want []string
	}{
		{"evil.example", []string{"evil.example"}},
		{"WWW.Evil.Example.", []string{"evil.example"}},
		{"evil.example..", []string{"evil.example"}},
		{"a.b.c.evil.example", []string{"evil.example"}},
		{"c2.evil.example", []string{"evil.example"}},
		{"deep.c2.evil.example", []string{"deep.c2.evil.example", "evil.example"}},
		{"x.y.deep.c2.evil.example", []string{"deep.c2.evil.example", "evil.example"}},
		{"notevil.example", nil},
		{"evil.example.com", nil},
		{"evilXexample", nil},
		{"example", nil},
		{"attacker.blogspot.example", []string{"attacker.blogspot.example"}},
		{"www.attacker.blogspot.example", []string{"attacker.blogspot.example"}},
		{"friend.blogspot.example", nil},
		{"blogspot.example", nil},
		{"localhost", nil},
		{"", nil},
		{".", nil},
		{".evil.example", []string{"evil.example"}},
		{strings.Repeat("a.", 130) + "evil.example", nil}, // longer than 253
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := chain(m.MatchDomain(tt.name)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	if got := chain(m.MatchHost("www.evil.example")); !reflect.DeepEqual(got, []string{"evil.example"}) {
		t.Errorf("MatchHost: %q", got)
	}
}

func TestMatcherURL(t *testing.T) {
	m := NewMatcher([]attack.Indicator{
		ind("url", "http://evil.example/login?x=1", "U"),
		ind("url", "https://[2001:db8::1]:8443/a", "V"),
		ind("url", "http://lone.example/p", "W"),
		ind("domain", "evil.example", "D"),
		ind("ip", "192.0.2.1", "I"),
		ind("ip", "2001:db8::1", "J"),
	})
	tests := []struct {
		url      string
		wantType string
		want     []string
	}{
		{"http://evil.example/login?x=1", "url", []string{"http://evil.example/login?x=1", "evil.example"}},
		{"HTTP://EVIL.example:80/login?x=1#frag", "url", []string{"http://evil.example/login?x=1", "evil.example"}},
		{"evil.example/login?x=1", "url", []string{"http://evil.example/login?x=1", "evil.example"}},
		{"http://user:pw@evil.example./login?x=1", "url", []string{"http://evil.example/login?x=1", "evil.example"}},
		{"http://evil.example/login?x=2", "domain", []string{"evil.example"}},
		{"http://evil.example/LOGIN?x=1", "domain", []string{"evil.example"}},
		{"https://evil.example/login?x=1", "domain", []string{"evil.example"}},
		{"http://www.evil.example/", "domain", []string{"evil.example"}},
		{"https://[2001:DB8::1]:8443/a", "url", []string{"https://[2001:db8::1]:8443/a", "2001:db8::1"}},
		{"https://[2001:db8::1]/a", "ip", []string{"2001:db8::1"}},
		{"http://192.0.2.1/x", "ip", []string{"192.0.2.1"}},
		{"http://lone.example/p", "url", []string{"http://lone.example/p"}},
		{"http://lone.example/q", "", nil},
		{"http://good.example/", "", nil},
		{"not a url", "", nil},
		{"", "", nil},
		{"http://[::1/", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			got := m.MatchURL(tt.url)
			if got.Type() != tt.wantType || !reflect.DeepEqual(chain(got), tt.want) {
				t.Errorf("got %s %q, want %s %q", got.Type(), chain(got), tt.wantType, tt.want)
			}
		})
	}
}

func TestMatcherHash(t *testing.T) {
	md5 := "d41d8cd98f00b204e9800998ecf8427e"
	sha1 := "da39a3ee5e6b4b0d3255bfef95601890afd80709"
	sha256 := "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	m := NewMatcher([]attack.Indicator{
		ind("md5", strings.ToUpper(md5), "M"),
		ind("sha1", sha1, "S1"),
		ind("sha256", sha256, "S2"),
	})
	tests := []struct{ in, typ string }{
		{md5, "md5"},
		{strings.ToUpper(md5), "md5"},
		{sha1, "sha1"},
		{strings.ToUpper(sha1), "sha1"},
		{sha256, "sha256"},
		{"E3B0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "sha256"},
		{md5[:31] + "f", ""},
		{md5[:31] + "g", ""},
		{md5[:31], ""},
		{sha1 + "00", ""},
		{sha256[:40], ""}, // a sha256 prefix is not a sha1
		{"", ""},
	}
	for _, tt := range tests {
		if got := m.MatchHash(tt.in); got.Type() != tt.typ {
			t.Errorf("%s: got %q, want %q", tt.in, got.Type(), tt.typ)
		}
	}
	if got := m.MatchHash(sha256); got.Value() != sha256 || got.Actor() != "S2" {
		t.Errorf("sha256 match %s %q", got.Value(), got.Actors())
	}
}

func TestMatcherGroups(t *testing.T) {
	m := NewMatcher([]attack.Indicator{
		{Type: "domain", Value: "evil.example", Actors: []string{"Sofacy"}, Source: "misp"},
		{Type: "domain", Value: "EVIL.example.", Actors: []string{"G0007", "Sofacy"}, Source: "stix"},
		{Type: "domain", Value: "sinkhole.example", Context: true},
		{Type: "ip", Value: "not an ip"},
		{Type: "email", Value: "a@b.example"},
		{Type: "ip", Value: "192.0.2.1"},
		{Type: "cidr", Value: "192.0.2.1/32"}, // the same address
	})
	if m.Len() != 2 || m.Skipped() != 3 {
		t.Errorf("len %d, skipped %d", m.Len(), m.Skipped())
	}
	got := m.MatchDomain("www.evil.example")
	if !reflect.DeepEqual(got.Actors(), []string{"G0007", "Sofacy"}) || len(got.Indicators()) != 2 {
		t.Errorf("actors %q, indicators %v", got.Actors(), got.Indicators())
	}
	if got.Indicators()[0].Source != "misp" || got.Indicators()[1].Value != "evil.example" {
		t.Errorf("indicators %v: want input order, normalised", got.Indicators())
	}
	if m.MatchDomain("sinkhole.example").Found() {
		t.Error("context indicator matched")
	}
	if ip := m.MatchIP(netip.MustParseAddr("192.0.2.1")); len(ip.Indicators()) != 2 || ip.Actors() != nil {
		t.Errorf("ip: %v, actors %q", ip.Indicators(), ip.Actors())
	}
	empty := NewMatcher(nil)
	if empty.MatchIP(netip.MustParseAddr("192.0.2.1")).Found() || empty.MatchDomain("a.example").Found() ||
		empty.MatchURL("http://a.example/").Found() || empty.MatchHash(strings.Repeat("0", 32)).Found() {
		t.Error("empty matcher matched")
	}
}

func TestMatcherAllocs(t *testing.T) {
	m := NewMatcher(benchIndicators(2000))
	sha256 := strings.Repeat("ab", 32)
	for _, tt := range []struct {
		name string
		f    func()
	}{
		{"ip miss", func() { m.MatchIP(netip.MustParseAddr("100.64.1.2")) }},
		{"ip hit", func() { m.MatchIP(netip.MustParseAddr("10.0.0.1")) }},
		{"ipv6 miss", func() { m.MatchIP(netip.MustParseAddr("2a00:1450::1")) }},
		{"domain miss", func() { m.MatchDomain("WWW.Google.COM") }},
		{"domain hit", func() { m.MatchDomain("www.bad0.example") }},
		{"url miss", func() { m.MatchURL("https://www.google.com/search?q=x") }},
		{"url miss on a url host", func() { m.MatchURL("http://www.url0.example:8080/other") }},
		{"url hit", func() { m.MatchURL("http://www.url0.example/path/0?id=0") }},
		{"host miss", func() { m.MatchHost("2a00:1450::1") }},
		{"hash miss", func() { m.MatchHash("0123456789ABCDEF0123456789ABCDEF01234567") }},
		{"sha256 miss", func() { m.MatchHash(sha256) }},
		{"url miss, host a name", func() { m.MatchURL("http://login.microsoftonline.com/common") }},
		{"url miss, host an address", func() { m.MatchURL("http://198.51.100.7:8080/x") }},
	} {
		if n := testing.AllocsPerRun(200, tt.f); n != 0 {
			t.Errorf("%s: %v allocations", tt.name, n)
		}
	}
	if !m.MatchURL("http://www.url0.example/path/0?id=0").Found() || m.MatchURL("http://www.url0.example/path/0?id=0").Type() != "url" {
		t.Error("url hit did not hit")
	}
	if !m.MatchIP(netip.MustParseAddr("10.0.0.1")).Found() || !m.MatchDomain("www.bad0.example").Found() {
		t.Error("hits did not hit")
	}
}

func ExampleMatcher() {
	m := NewMatcher([]attack.Indicator{
		{Type: "domain", Value: "evil.example", Actors: []string{"G0007"}},
		{Type: "cidr", Value: "203.0.113.0/24", Actors: []string{"Sofacy"}},
	})
	if hit := m.MatchDomain("login.EVIL.example"); hit.Found() {
		fmt.Println(hit.Type(), hit.Value(), hit.Actor())
	}
	hit := m.MatchIP(netip.MustParseAddr("203.0.113.9"))
	fmt.Println(hit.Type(), hit.Value(), hit.Actors())
	// Output:
	// domain evil.example G0007
	// cidr 203.0.113.0/24 [Sofacy]
}
