package evidence

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/netip"
	"os"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/scrutin/scrutin/internal/attack"
)

// telFakeMatcher matches exact addresses, domains (and their parents), URLs
// and hashes in maps: what a real matcher does, minus networks.
type telFakeMatcher struct {
	ips     map[netip.Addr][]attack.Indicator
	domains map[string][]attack.Indicator
	urls    map[string][]attack.Indicator
	hashes  map[string][]attack.Indicator
}

func newTelFakeMatcher(inds []attack.Indicator) *telFakeMatcher {
	m := &telFakeMatcher{ips: map[netip.Addr][]attack.Indicator{}, domains: map[string][]attack.Indicator{},
		urls: map[string][]attack.Indicator{}, hashes: map[string][]attack.Indicator{}}
	for _, ind := range inds {
		switch ind.Type {
		case attack.IndicatorIP:
			a := netip.MustParseAddr(ind.Value)
			m.ips[a] = append(m.ips[a], ind)
		case attack.IndicatorDomain:
			m.domains[ind.Value] = append(m.domains[ind.Value], ind)
		case attack.IndicatorURL:
			m.urls[ind.Value] = append(m.urls[ind.Value], ind)
		default:
			m.hashes[ind.Value] = append(m.hashes[ind.Value], ind)
		}
	}
	return m
}

func (m *telFakeMatcher) MatchIP(a netip.Addr) []attack.Indicator { return m.ips[a] }
func (m *telFakeMatcher) MatchURL(u string) []attack.Indicator    { return m.urls[u] }
func (m *telFakeMatcher) MatchHash(h string) []attack.Indicator   { return m.hashes[h] }
func (m *telFakeMatcher) MatchDomain(d string) []attack.Indicator {
	for {
		if inds := m.domains[d]; inds != nil {
			return inds
		}
		i := strings.IndexByte(d, '.')
		if i < 0 {
			return nil
		}
		d = d[i+1:]
	}
}

// telIndicators returns n indicators: addresses, domains, URLs and
// hashes in proportions 4:4:1:1, attributed to three actors.
func telIndicators(n int) []attack.Indicator {
	actors := []string{"G0007", "G0016", "G0034"}
	inds := make([]attack.Indicator, 0, n)
	for i := range n {
		ind := attack.Indicator{Actors: []string{actors[i%3]}, Source: "bench"}
		switch i % 10 {
		case 0, 1, 2, 3:
			ind.Type, ind.Value = attack.IndicatorIP, fmt.Sprintf("198.%d.%d.%d", 18+i>>16&1, i>>8&255, i&255)
		case 4, 5, 6, 7:
			ind.Type, ind.Value = attack.IndicatorDomain, fmt.Sprintf("c2-%d.bad%d.example", i, i%97)
		case 8:
			ind.Type, ind.Value = attack.IndicatorURL, fmt.Sprintf("http://dl-%d.bad.example/payload.bin", i)
		default:
			ind.Type, ind.Value = attack.IndicatorSHA256, fmt.Sprintf("%064x", i*7919)
		}
		inds = append(inds, ind)
	}
	return inds
}

// telGenerator writes realistic log lines without end: mostly benign
// traffic between a campaign's network and the internet, one line in a
// hundred touching an indicator, one in a thousand an alert or notice.
type telGenerator struct {
	kind  TelemetryKind
	rng   *rand.Rand
	ts    float64
	buf   bytes.Buffer
	limit int64 // lines to write; 0: without end
	n     int64
}

func newTelGenerator(kind TelemetryKind, seed uint64, limit int64) *telGenerator {
	return &telGenerator{kind: kind, rng: rand.New(rand.NewPCG(seed, 1)), ts: 1714521600, limit: limit}
}

func (g *telGenerator) Read(p []byte) (int, error) {
	for g.buf.Len() < len(p) && (g.limit == 0 || g.n < g.limit) {
		g.line()
	}
	if g.buf.Len() == 0 {
		return 0, io.EOF
	}
	return g.buf.Read(p)
}

var telBenchDomains = []string{"www.example.org", "mail.campaign.example", "cdn.jsdelivr.net", "fonts.gstatic.com",
	"login.microsoftonline.com", "api.github.com", "www.google.com", "update.googleapis.com", "outlook.office365.com"}

func (g *telGenerator) addr(bad bool) string {
	if bad {
		i := g.rng.IntN(40000) * 10 / 4 // an indicator address (i%10 < 4)
		i = i/10*10 + i%4
		return fmt.Sprintf("198.%d.%d.%d", 18+i>>16&1, i>>8&255, i&255)
	}
	return fmt.Sprintf("%d.%d.%d.%d", 23+g.rng.IntN(180), g.rng.IntN(256), g.rng.IntN(256), 1+g.rng.IntN(254))
}

func (g *telGenerator) line() {
	g.n++
	g.ts += g.rng.Float64() * 0.01
	bad := g.rng.IntN(100) == 0
	alert := g.rng.IntN(1000) == 0
	src := fmt.Sprintf("10.0.%d.%d", g.rng.IntN(4), 2+g.rng.IntN(250))
	dst := g.addr(bad)
	dom := telBenchDomains[g.rng.IntN(len(telBenchDomains))]
	if bad && g.rng.IntN(2) == 0 {
		i := g.rng.IntN(10000)*10 + 4
		dom = fmt.Sprintf("c2-%d.bad%d.example", i, i%97)
		dst = g.addr(false)
	}
	uid := fmt.Sprintf("C%016x", g.rng.Uint64())
	b := &g.buf
	if g.kind == KindEVE {
		ts := time.Unix(int64(g.ts), int64((g.ts-float64(int64(g.ts)))*1e9)).UTC().Format("2006-01-02T15:04:05.000000+0000")
		head := fmt.Sprintf(`{"timestamp":"%s","flow_id":%d,"in_iface":"eth0","src_ip":"%s","src_port":%d,"dest_ip":"%s","dest_port":%d,"proto":"TCP"`,
			ts, g.rng.Uint64()>>12, src, 1024+g.rng.IntN(60000), dst, 443)
		switch r := g.rng.IntN(20); {
		case alert:
			fmt.Fprintf(b, `%s,"event_type":"alert","alert":{"action":"allowed","gid":1,"signature_id":2027865,"rev":3,"signature":"ET SCAN Suspicious inbound to MSSQL port 1433","category":"Potentially Bad Traffic","severity":2,"metadata":{"mitre_technique_id":["T1046"]}},"app_proto":"tls"}`+"\n", head)
		case r < 10:
			fmt.Fprintf(b, `%s,"event_type":"flow","app_proto":"tls","flow":{"pkts_toserver":%d,"pkts_toclient":%d,"bytes_toserver":%d,"bytes_toclient":%d,"start":"%s","end":"%s","age":0,"state":"closed","reason":"timeout","alerted":false},"tcp":{"tcp_flags":"1b","syn":true,"fin":true,"psh":true,"ack":true,"state":"closed"}}`+"\n",
				head, g.rng.IntN(100), g.rng.IntN(100), g.rng.IntN(100000), g.rng.IntN(1000000), ts, ts)
		case r < 15:
			fmt.Fprintf(b, `%s,"event_type":"dns","dns":{"version":2,"type":"answer","id":%d,"flags":"8180","qr":true,"rd":true,"ra":true,"rrname":"%s","rrtype":"A","rcode":"NOERROR","answers":[{"rrname":"%s","rrtype":"A","ttl":300,"rdata":"%s"}]}}`+"\n",
				head, g.rng.IntN(65536), dom, dom, dst)
		case r < 18:
			fmt.Fprintf(b, `%s,"event_type":"tls","tls":{"subject":"CN=%s","issuerdn":"C=US, O=Let's Encrypt, CN=R3","serial":"04:A1:3B","fingerprint":"aa:bb:cc","sni":"%s","version":"TLS 1.3","notbefore":"2024-01-01T00:00:00","notafter":"2024-04-01T00:00:00","ja3":{"hash":"%032x"}}}`+"\n",
				head, dom, dom, g.rng.Uint64())
		default:
			fmt.Fprintf(b, `%s,"event_type":"http","tx_id":0,"http":{"hostname":"%s","url":"/index.html?id=%d","http_user_agent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64)","http_content_type":"text/html","http_method":"GET","protocol":"HTTP/1.1","status":200,"length":%d}}`+"\n",
				head, dom, g.rng.IntN(1000), g.rng.IntN(100000))
		}
		return
	}
	head := fmt.Sprintf(`{"ts":%.6f,"uid":"%s","id.orig_h":"%s","id.orig_p":%d,"id.resp_h":"%s","id.resp_p":%d`,
		g.ts, uid, src, 1024+g.rng.IntN(60000), dst, 443)
	switch r := g.rng.IntN(20); {
	case alert:
		fmt.Fprintf(b, `{"ts":%.6f,"uid":"%s","id.orig_h":"%s","id.orig_p":0,"id.resp_h":"%s","id.resp_p":0,"proto":"tcp","note":"Scan::Port_Scan","msg":"%s scanned at least 15 unique ports of host %s in 0m3s","src":"%s","actions":["Notice::ACTION_LOG"],"suppress_for":3600.0}`+"\n",
			g.ts, uid, dst, src, dst, src, dst)
	case r < 11:
		fmt.Fprintf(b, `%s,"proto":"tcp","service":"ssl","duration":%.6f,"orig_bytes":%d,"resp_bytes":%d,"conn_state":"SF","local_orig":true,"local_resp":false,"missed_bytes":0,"history":"ShADadFf","orig_pkts":%d,"orig_ip_bytes":%d,"resp_pkts":%d,"resp_ip_bytes":%d}`+"\n",
			head, g.rng.Float64()*10, g.rng.IntN(10000), g.rng.IntN(100000), g.rng.IntN(100), g.rng.IntN(10000), g.rng.IntN(100), g.rng.IntN(100000))
	case r < 15:
		fmt.Fprintf(b, `%s,"proto":"udp","trans_id":%d,"rtt":0.0123,"query":"%s","qclass":1,"qclass_name":"C_INTERNET","qtype":1,"qtype_name":"A","rcode":0,"rcode_name":"NOERROR","AA":false,"TC":false,"RD":true,"RA":true,"Z":0,"answers":["%s"],"TTLs":[300.0],"rejected":false}`+"\n",
			head, g.rng.IntN(65536), dom, dst)
	case r < 18:
		fmt.Fprintf(b, `%s,"version":"TLSv13","cipher":"TLS_AES_128_GCM_SHA256","curve":"x25519","server_name":"%s","resumed":false,"established":true,"ssl_history":"CsiI","ja3":"%032x","ja3s":"%032x"}`+"\n",
			head, dom, g.rng.Uint64(), g.rng.Uint64())
	case r < 19:
		fmt.Fprintf(b, `%s,"trans_depth":1,"method":"GET","host":"%s","uri":"/assets/app.js?v=%d","version":"1.1","user_agent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36","request_body_len":0,"response_body_len":%d,"status_code":200,"status_msg":"OK","tags":[],"resp_fuids":["F%016x"],"resp_mime_types":["text/javascript"]}`+"\n",
			head, dom, g.rng.IntN(1000), g.rng.IntN(100000), g.rng.Uint64())
	default:
		fmt.Fprintf(b, `{"ts":%.6f,"fuid":"F%016x","uid":"%s","id.orig_h":"%s","id.orig_p":443,"id.resp_h":"%s","id.resp_p":%d,"source":"HTTP","depth":0,"analyzers":["MD5","SHA1"],"mime_type":"application/pdf","duration":0.0,"is_orig":false,"seen_bytes":%d,"total_bytes":%d,"missing_bytes":0,"overflow_bytes":0,"timedout":false,"md5":"%032x","sha1":"%040x"}`+"\n",
			g.ts, g.rng.Uint64(), uid, dst, src, 1024+g.rng.IntN(60000), g.rng.IntN(100000), g.rng.IntN(100000), g.rng.Uint64(), g.rng.Uint64())
	}
}

// telRepeatReader yields the lines of buf over and over until it has given
// lines lines.
type telRepeatReader struct {
	buf   []byte
	off   int
	left  int64 // lines still to give
	lines []int // offsets just after each line of buf
	at    int
}

func newTelRepeatReader(buf []byte, lines int64) *telRepeatReader {
	r := &telRepeatReader{buf: buf, left: lines}
	for i, c := range buf {
		if c == '\n' {
			r.lines = append(r.lines, i+1)
		}
	}
	return r
}

func (r *telRepeatReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) && r.left > 0 {
		end := r.lines[r.at]
		k := copy(p[n:], r.buf[r.off:end])
		n += k
		r.off += k
		if r.off == end {
			r.left--
			r.at++
			if r.at == len(r.lines) {
				r.at, r.off = 0, 0
			}
		}
	}
	if n == 0 {
		return 0, io.EOF
	}
	return n, nil
}

func telBenchLines(kind TelemetryKind, n int64) []byte {
	b, _ := io.ReadAll(newTelGenerator(kind, 1, n))
	return b
}

var telBenchMatcher = sync.OnceValue(func() IndicatorMatcher { return newTelFakeMatcher(telIndicators(100_000)) })

// benchmarkTelemetry ingests b.N lines (one op is one line) with indicator
// matching against 100,000 indicators.
func benchmarkTelemetry(b *testing.B, kind TelemetryKind, workers int, m IndicatorMatcher) {
	buf := telBenchLines(kind, 20_000)
	opt := TelemetryOptions{Kind: kind, Matcher: m, Workers: workers}
	in, err := NewIngester(opt)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(buf) / 20_000))
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	if err := in.Ingest(context.Background(), "bench", newTelRepeatReader(buf, int64(b.N))); err != nil {
		b.Fatal(err)
	}
	cpu := cpuTime() - cpu0
	b.StopTimer()
	s := in.Summary()
	if s.Lines != int64(b.N) || s.Malformed != 0 {
		b.Fatalf("lines %d malformed %d, want %d, 0: %v", s.Lines, s.Malformed, b.N, s.MalformedLines)
	}
	if b.N >= 10_000 && s.ByCategory[CategoryIOC] == 0 {
		b.Fatalf("no indicator matched: %v", s.ByCategory)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
	// Lines per second of CPU time: the per-core figure, which other
	// processes sharing the machine do not distort.
	b.ReportMetric(float64(b.N)/cpu.Seconds(), "lines/cpu-s")
}

// cpuTime is the CPU time (user and system) this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkIngestZeek: Zeek JSON lines (conn, dns, ssl, http, files,
// notices) with indicator matching against 100,000 indicators, one core.
func BenchmarkIngestZeek(b *testing.B) { benchmarkTelemetry(b, KindZeek, 1, telBenchMatcher()) }

// BenchmarkIngestEVE: Suricata EVE lines (flow, dns, tls, http, alerts)
// likewise.
func BenchmarkIngestEVE(b *testing.B) { benchmarkTelemetry(b, KindEVE, 1, telBenchMatcher()) }

// The same with one worker per core (and the reading goroutine).
func BenchmarkIngestZeekParallel(b *testing.B) {
	benchmarkTelemetry(b, KindZeek, runtime.GOMAXPROCS(0), telBenchMatcher())
}
func BenchmarkIngestEVEParallel(b *testing.B) {
	benchmarkTelemetry(b, KindEVE, runtime.GOMAXPROCS(0), telBenchMatcher())
}

// The same with the package's Matcher instead of maps.
func BenchmarkIngestZeekMatcher(b *testing.B) {
	benchmarkTelemetry(b, KindZeek, 1, telBenchRealMatcher())
}
func BenchmarkIngestEVEMatcher(b *testing.B) {
	benchmarkTelemetry(b, KindEVE, 1, telBenchRealMatcher())
}

var telBenchRealMatcher = sync.OnceValue(func() IndicatorMatcher {
	return telRealMatcher{NewMatcher(telIndicators(100_000))}
})

var telLongLines = flag.Int64("long", 0, "TestIngestLong: lines to ingest from the generator (e.g. 10000000)")

// TestIngestLong ingests -long generated lines and reports the live heap
// (after a collection) every 2 million lines: it must not grow with the
// input. With /usr/bin/time -v, the maximum resident memory.
//
//	go test -c -o /tmp/evidence.test ./internal/evidence/
//	/usr/bin/time -v /tmp/evidence.test -test.run TestIngestLong -long 10000000 -test.v
func TestIngestLong(t *testing.T) {
	if *telLongLines == 0 {
		t.Skip("give -long N")
	}
	for _, c := range []struct {
		kind    TelemetryKind
		workers int
	}{{KindZeek, 1}, {KindEVE, 1}, {KindZeek, 2}} {
		var ms runtime.MemStats
		var live []string
		var next int64 = 2_000_000
		progress := func(p TelemetryProgress) {
			if p.Lines >= next || p.Done {
				runtime.GC()
				runtime.ReadMemStats(&ms)
				live = append(live, fmt.Sprintf("%.1f", float64(ms.HeapAlloc)/1e6))
				next += 2_000_000
			}
		}
		m := telBenchMatcher()
		runtime.GC()
		runtime.ReadMemStats(&ms)
		base := ms.HeapAlloc
		in, _ := NewIngester(TelemetryOptions{Kind: c.kind, Matcher: m, Progress: progress, Workers: c.workers})
		start := time.Now()
		cpu0 := cpuTime()
		if err := in.Ingest(context.Background(), "long", newTelGenerator(c.kind, 2, *telLongLines)); err != nil {
			t.Fatal(err)
		}
		s := in.Summary()
		t.Logf("%s, %d worker(s): %d lines, %d events in %v (%.0f s CPU, generator included); live heap %.1f MB before, then every 2M lines: %s MB",
			c.kind, c.workers, s.Lines, s.Events, time.Since(start).Round(time.Millisecond), (cpuTime() - cpu0).Seconds(),
			float64(base)/1e6, strings.Join(live, ", "))
	}
}

// telRealMatcher puts the package's Matcher behind IndicatorMatcher, as
// the command does.
type telRealMatcher struct{ m *Matcher }

func (r telRealMatcher) MatchIP(a netip.Addr) []attack.Indicator { return r.m.MatchIP(a).Indicators() }
func (r telRealMatcher) MatchDomain(d string) []attack.Indicator {
	return r.m.MatchDomain(d).Indicators()
}
func (r telRealMatcher) MatchURL(u string) []attack.Indicator  { return r.m.MatchURL(u).Indicators() }
func (r telRealMatcher) MatchHash(h string) []attack.Indicator { return r.m.MatchHash(h).Indicators() }

var telGenOut = flag.String("gen.out", "", "TestTelemetryGenerate: write -long generated Zeek lines (-gen.kind) to this file or pipe")
var telGenKind = flag.String("gen.kind", "zeek", "TestTelemetryGenerate: zeek or eve")

// TestTelemetryGenerate writes generated lines for measuring the command
// itself, for instance through a named pipe:
//
//	mkfifo /tmp/lines; /tmp/evidence.test -test.run TestTelemetryGenerate -long 10000000 -gen.out /tmp/lines &
//	/usr/bin/time -v scrutin ingest /tmp/lines --kind zeek --iocs iocs.txt
func TestTelemetryGenerate(t *testing.T) {
	if *telGenOut == "" || *telLongLines == 0 {
		t.Skip("give -gen.out FILE and -long N")
	}
	f, err := os.Create(*telGenOut)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := io.Copy(f, newTelGenerator(TelemetryKind(*telGenKind), 3, *telLongLines)); err != nil {
		t.Fatal(err)
	}
}
