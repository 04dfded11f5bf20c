package evidence

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"runtime"
	"testing"
	"time"

	"github.com/scrutin/scrutin/internal/attack"
)

// benchIndicators makes n indicators of every kind, in the proportions of
// a large feed: 30 % IPv4, 5 % IPv6, 10 % IPv4 and 2 % IPv6 networks, 30 %
// domains, 10 % URLs, 13 % hashes. Values are predictable so that tests can
// hit them: 10.0.0.1 is an address, bad0.example a domain,
// http://www.url0.example/path/0?id=0 a URL.
func benchIndicators(n int) []attack.Indicator {
	r := rand.New(rand.NewPCG(7, 7))
	actors := []string{"G0007", "G0016", "G0034", "Sofacy"}
	out := make([]attack.Indicator, 0, n)
	add := func(typ, value string) {
		out = append(out, attack.Indicator{Type: typ, Value: value, Actors: []string{actors[len(out)%len(actors)]}, Source: "bench"})
	}
	hex := func(nbytes int) string {
		b := make([]byte, nbytes)
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		return fmt.Sprintf("%x", b)
	}
	for i := range n * 30 / 100 {
		if i == 0 {
			add("ip", "10.0.0.1")
			continue
		}
		add("ip", netip.AddrFrom4([4]byte{byte(1 + r.IntN(223)), byte(r.Uint32()), byte(r.Uint32()), byte(r.Uint32())}).String())
	}
	for range n * 5 / 100 {
		var b [16]byte
		b[0], b[1] = 0x2a, 0x0b
		for j := 2; j < 16; j++ {
			b[j] = byte(r.Uint32())
		}
		add("ip", netip.AddrFrom16(b).String())
	}
	for range n * 10 / 100 {
		a := netip.AddrFrom4([4]byte{byte(1 + r.IntN(223)), byte(r.Uint32()), byte(r.Uint32()), byte(r.Uint32())})
		bits := []int{16, 20, 22, 24, 24, 24, 26, 28}[r.IntN(8)]
		add("cidr", netip.PrefixFrom(a, bits).Masked().String())
	}
	for range n * 2 / 100 {
		var b [16]byte
		b[0], b[1] = 0x2a, 0x0b
		for j := 2; j < 8; j++ {
			b[j] = byte(r.Uint32())
		}
		add("cidr", netip.PrefixFrom(netip.AddrFrom16(b), []int{32, 48, 56, 64}[r.IntN(4)]).Masked().String())
	}
	for i := range n * 30 / 100 {
		switch i % 3 {
		case 0:
			add("domain", fmt.Sprintf("bad%d.example", i))
		case 1:
			add("domain", fmt.Sprintf("c2-%d.cdn%d.example.net", i, i%97))
		default:
			add("domain", fmt.Sprintf("login-%x.example.org", r.Uint32()))
		}
	}
	for i := range n * 10 / 100 {
		add("url", fmt.Sprintf("http://www.url%d.example/path/%d?id=%d", i%500, i, i))
	}
	for range n * 4 / 100 {
		add("md5", hex(16))
	}
	for range n * 4 / 100 {
		add("sha1", hex(20))
	}
	for len(out) < n {
		add("sha256", hex(32))
	}
	return out
}

// benchQuery is one lookup of the benchmark's mix.
type benchQuery struct {
	kind int // 0 ip, 1 domain, 2 url, 3 hash
	ip   netip.Addr
	s    string
}

// benchQueries makes the lookups a stream of log lines would make: per line
// two addresses (source and destination), one host name, a URL one line in
// five and a hash one line in twenty; about 1 % of the lookups hit.
func benchQueries(inds []attack.Indicator) []benchQuery {
	r := rand.New(rand.NewPCG(9, 9))
	popular := []string{"www.google.com", "outlook.office365.com", "cdn.jsdelivr.net", "api.github.com",
		"update.microsoft.com", "www.lemonde.fr", "static.xx.fbcdn.net", "ocsp.digicert.com", "a.b.c.example.org"}
	var byType = map[string][]string{}
	for _, ind := range inds {
		byType[ind.Type] = append(byType[ind.Type], ind.Value)
	}
	pick := func(typ string) string { v := byType[typ]; return v[r.IntN(len(v))] }
	hit := func() bool { return r.IntN(100) == 0 }
	var qs []benchQuery
	for len(qs) < 1<<14 {
		for range 2 {
			q := benchQuery{kind: 0}
			switch {
			case hit():
				q.ip = netip.MustParseAddr(pick("ip"))
			case r.IntN(4) == 0:
				q.ip = netip.AddrFrom16([16]byte{0x2a, 0x00, 0x14, 0x50, byte(r.Uint32()), byte(r.Uint32()), 15: byte(r.Uint32())})
			default:
				q.ip = netip.AddrFrom4([4]byte{byte(r.Uint32()), byte(r.Uint32()), byte(r.Uint32()), byte(r.Uint32())})
			}
			qs = append(qs, q)
		}
		q := benchQuery{kind: 1, s: popular[r.IntN(len(popular))]}
		if hit() {
			q.s = "www." + pick("domain")
		}
		qs = append(qs, q)
		if r.IntN(5) == 0 {
			q := benchQuery{kind: 2, s: "https://" + popular[r.IntN(len(popular))] + "/path/to/page?session=abcdef&id=42"}
			if hit() {
				q.s = pick("url")
			}
			qs = append(qs, q)
		}
		if r.IntN(20) == 0 {
			q := benchQuery{kind: 3, s: fmt.Sprintf("%064x", r.Uint64())}
			if hit() {
				q.s = pick("sha256")
			}
			qs = append(qs, q)
		}
	}
	return qs
}

// BenchmarkMatcher looks up the mix of benchQueries in a matcher of 100,000
// indicators; one op is one lookup.
func BenchmarkMatcher(b *testing.B) {
	inds := benchIndicators(100_000)
	m := NewMatcher(inds)
	qs := benchQueries(inds)
	hits := 0
	b.ReportAllocs()
	cpu := iocCPUTime()
	for i := 0; b.Loop(); i++ {
		q := &qs[i&(len(qs)-1)]
		var got Match
		switch q.kind {
		case 0:
			got = m.MatchIP(q.ip)
		case 1:
			got = m.MatchDomain(q.s)
		case 2:
			got = m.MatchURL(q.s)
		default:
			got = m.MatchHash(q.s)
		}
		if got.Found() {
			hits++
		}
	}
	iocReportCPU(b, cpu)
	b.ReportMetric(float64(hits)/float64(b.N)*100, "%hits")
}

// iocReportCPU reports the CPU time per op since start, which a busy
// machine inflates less than the wall time.
func iocReportCPU(b *testing.B, start time.Duration) {
	if cpu := iocCPUTime() - start; cpu > 0 && b.N > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

// BenchmarkMatcherMethods measures each method on its miss and hit paths.
func BenchmarkMatcherMethods(b *testing.B) {
	inds := benchIndicators(100_000)
	m := NewMatcher(inds)
	sha, v6 := "", netip.MustParseAddr("2a00:1450:4007::200e")
	for _, ind := range inds {
		if ind.Type == "sha256" {
			sha = ind.Value
		}
	}
	for _, bb := range []struct {
		name string
		f    func() Match
	}{
		{"IP/miss", func() Match { return m.MatchIP(netip.AddrFrom4([4]byte{100, 64, 1, 2})) }},
		{"IP/hit", func() Match { return m.MatchIP(netip.AddrFrom4([4]byte{10, 0, 0, 1})) }},
		{"IPv6/miss", func() Match { return m.MatchIP(v6) }},
		{"Domain/miss", func() Match { return m.MatchDomain("outlook.office365.com") }},
		{"Domain/miss-deep", func() Match { return m.MatchDomain("a.b.c.d.e.f.g.example.org") }},
		{"Domain/hit", func() Match { return m.MatchDomain("www.bad0.example") }},
		{"URL/miss", func() Match { return m.MatchURL("https://www.google.com/search?q=scrutin&hl=fr") }},
		{"URL/hit", func() Match { return m.MatchURL("http://www.url0.example/path/0?id=0") }},
		{"Hash/miss", func() Match { return m.MatchHash("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef") }},
		{"Hash/hit", func() Match { return m.MatchHash(sha) }},
	} {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			cpu := iocCPUTime()
			for b.Loop() {
				bb.f()
			}
			iocReportCPU(b, cpu)
		})
	}
}

// BenchmarkNewMatcher builds a matcher of 100,000 indicators and reports the
// heap it keeps.
func BenchmarkNewMatcher(b *testing.B) {
	inds := benchIndicators(100_000)
	var m *Matcher
	b.ReportAllocs()
	cpu := iocCPUTime()
	for b.Loop() {
		m = NewMatcher(inds)
	}
	iocReportCPU(b, cpu)
	var before, after runtime.MemStats
	m = nil
	runtime.GC()
	runtime.ReadMemStats(&before)
	m = NewMatcher(inds)
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "MiB-kept")
	runtime.KeepAlive(m)
}
