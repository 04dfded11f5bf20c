package evidence

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scrutin/scrutin/internal/attack"
	"github.com/scrutin/scrutin/internal/model"
)

// The -update flag rewrites golden files; registered once for the package.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files in testdata")
	}
}

func telUpdate() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

const telDir = "testdata/telemetry"

// telGolden compares got with the golden file name, rewriting it with
// -update.
func telGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join(telDir, name)
	if telUpdate() {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("differs from %s (run go test -update after checking):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// telIndicatorsFixture are the indicators the fixtures meet.
func telIndicatorsFixture() []attack.Indicator {
	return []attack.Indicator{
		{Type: attack.IndicatorIP, Value: "198.51.100.77", Actors: []string{"G0007"}, Name: "APT28 C2"},
		{Type: attack.IndicatorDomain, Value: "evil-apt28.example", Actors: []string{"G0007"}},
		{Type: attack.IndicatorIP, Value: "203.0.113.66", Actors: []string{"G0016"}},
		{Type: attack.IndicatorSHA256, Value: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Actors: []string{"G0034"}},
		{Type: attack.IndicatorURL, Value: "http://files.example.com/dl/payload.exe", Actors: []string{"G0034"}},
		{Type: attack.IndicatorIP, Value: "198.51.100.23", Actors: []string{"Sofacy"}},
		{Type: attack.IndicatorMD5, Value: "d41d8cd98f00b204e9800998ecf8427e"},
		{Type: attack.IndicatorIP, Value: "192.0.2.99", Actors: []string{"G0016"}},
	}
}

const telModel = `scrutin: 1
name: telemetry fixtures
currency: EUR
organizations:
  - {id: campaign, name: Campaign, kind: campaign}
  - {id: authority, name: Election authority, kind: election-authority}
assets:
  - {id: campaign-lan, org: campaign, name: Campaign LAN, kind: infrastructure}
  - {id: vpn-gateway, org: campaign, name: VPN gateway, kind: infrastructure}
  - {id: website, org: campaign, name: Website, kind: website}
  - {id: staff-mail, org: campaign, name: Staff mail, kind: email}
  - {id: voter-roll, org: authority, name: Voter roll, kind: voter-roll}
actors:
  - {id: apt28, name: APT28, attack: G0007}
scenarios:
  - {id: s, name: S, actor: apt28, assets: [website], effect: integrity, frequency: 1, vulnerability: 0.5, magnitude: 1000}
`

func telTestModel(t testing.TB) *model.Model {
	t.Helper()
	m, err := model.Decode("model.yaml", []byte(telModel))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func telTestAssets(t testing.TB) *AssetMap {
	t.Helper()
	f, err := os.Open(filepath.Join(telDir, "assets.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	am, err := ParseAssetMap("assets.yaml", f)
	if err != nil {
		t.Fatal(err)
	}
	if err := am.Resolve(telTestModel(t)); err != nil {
		t.Fatal(err)
	}
	return am
}

// telRun ingests a fixture and returns the summary and its events, one per
// line, as text.
func telRun(t *testing.T, name string, opt TelemetryOptions) (*TelemetrySummary, string) {
	t.Helper()
	f, err := os.Open(filepath.Join(telDir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var events strings.Builder
	opt.Event = func(e *Event) { events.WriteString(telEventLine(e)) }
	in, err := NewIngester(opt)
	if err != nil {
		t.Fatal(err)
	}
	if err := in.Ingest(context.Background(), name, f); err != nil {
		t.Fatal(err)
	}
	return in.Summary(), events.String()
}

func telEventLine(e *Event) string {
	ts := "-"
	if !e.Time.IsZero() {
		ts = e.Time.Format("2006-01-02T15:04:05.999999Z")
	}
	dash := func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	}
	return fmt.Sprintf("%d %s %s %s %s actor=%s asset=%s org=%s %s→%s %q\n", e.Line, ts, e.Category, dash(e.Technique),
		e.Outcome, dash(e.Actor), dash(e.Asset), dash(e.Org), dash(e.Source), dash(e.Dest), e.Signature)
}

func telJSON(t *testing.T, s *TelemetrySummary) string {
	t.Helper()
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b) + "\n"
}

// TestTelemetryFixtures ingests each hand-written fixture with the test
// indicators and assets map, and compares its events and summary with the
// golden files; then with several workers, and gzip-compressed, which must
// give the same summary.
func TestTelemetryFixtures(t *testing.T) {
	for _, c := range []struct {
		file string
		kind TelemetryKind
		map_ string
	}{
		{"zeek.jsonl", KindZeek, ""},
		{"eve.json", KindEVE, ""},
		{"auth.log", KindSSHD, ""},
		{"access.log", KindAccessLog, ""},
		{"events.jsonl", KindJSONL, "time=ts,src=client.ip,dst=server,domain=query,hash=sha,category=type,technique=mitre,outcome=result,signature=rule,asset=tenant.asset,org=tenant.org"},
	} {
		t.Run(c.file, func(t *testing.T) {
			opt := TelemetryOptions{Kind: c.kind, Matcher: newTelFakeMatcher(telIndicatorsFixture()), Assets: telTestAssets(t), Year: 2023}
			if c.map_ != "" {
				fm, err := ParseFieldMap(c.map_)
				if err != nil {
					t.Fatal(err)
				}
				opt.Fields = fm
			}
			s, events := telRun(t, c.file, opt)
			base := strings.TrimSuffix(c.file, filepath.Ext(c.file))
			telGolden(t, base+".events", events)
			want := telJSON(t, s)
			telGolden(t, base+".golden.json", want)

			opt.Workers = 3
			if c.kind == KindSSHD {
				return // sshd reads serially whatever the workers
			}
			if got, _ := telRun(t, c.file, opt); telJSON(t, got) != want {
				t.Errorf("3 workers give another summary:\n%s", telJSON(t, got))
			}
			raw, _ := os.ReadFile(filepath.Join(telDir, c.file))
			var gz bytes.Buffer
			zw := gzip.NewWriter(&gz)
			zw.Write(raw)
			zw.Close()
			opt.Workers = 1
			got, err := IngestTelemetry(&gz, opt)
			if err != nil {
				t.Fatal(err)
			}
			got.Sources[0].File = c.file
			for i := range got.MalformedLines {
				got.MalformedLines[i].File = c.file
			}
			if telJSON(t, got) != want {
				t.Errorf("gzip input gives another summary:\n%s", telJSON(t, got))
			}
		})
	}
}

// TestTelemetryConformance is the contract's case: one Zeek notice and
// one broken line.
func TestTelemetryConformance(t *testing.T) {
	in := `{"@stream":"notice","ts":1588205199.8,"id_orig_h":"10.0.1.6","id_resp_h":"203.0.113.9","note":"Scan::Port_Scan"}
{broken
`
	s, err := IngestTelemetry(strings.NewReader(in), TelemetryOptions{Kind: KindZeek})
	if err != nil {
		t.Fatal(err)
	}
	if s.Lines != 2 || s.Malformed != 1 || s.Events != 1 {
		t.Fatalf("lines %d malformed %d events %d, want 2, 1, 1", s.Lines, s.Malformed, s.Events)
	}
	if s.ByCategory[CategoryScan] != 1 || s.ByTechnique["T1046"] != 1 || s.ByOutcome["unknown"] != 1 {
		t.Errorf("scan from inside: %v %v %v", s.ByCategory, s.ByTechnique, s.ByOutcome)
	}
	if len(s.MalformedLines) != 1 || s.MalformedLines[0].Line != 2 {
		t.Errorf("malformed lines %v", s.MalformedLines)
	}
	if s.First == nil || s.First.Format("2006-01-02T15:04:05.000") != "2020-04-30T00:06:39.800" {
		t.Errorf("first %v", s.First)
	}
	if _, err := IngestTelemetry(strings.NewReader(in), TelemetryOptions{Kind: KindZeek, Strict: true}); err == nil {
		t.Error("strict: no error")
	} else {
		var m *MalformedError
		if !errors.As(err, &m) || m.Line != 2 || !strings.HasPrefix(err.Error(), "-:2: ") {
			t.Errorf("strict: %v", err)
		}
	}
}

// TestTelemetryZeekAPT29 reads the real Zeek log of the APT29 emulation:
// its lines, streams and notices, counted independently with
// encoding/json; and the events derived from the two notices and from an
// indicator for the emulation's command and control server.
func TestTelemetryZeekAPT29(t *testing.T) {
	const file = "otrf-apt29-day1-combined_zeek.jsonl"
	raw, err := os.ReadFile(filepath.Join(telDir, file))
	if err != nil {
		t.Fatal(err)
	}
	streams := map[string]int{}
	notices := map[string]int{}
	touchingC2 := 0
	lines := bytes.Split(bytes.TrimSuffix(raw, []byte{'\n'}), []byte{'\n'})
	for _, l := range lines {
		var rec map[string]any
		if err := json.Unmarshal(l, &rec); err != nil {
			t.Fatal(err)
		}
		stream := rec["@stream"].(string)
		streams[stream]++
		if stream == "notice" {
			notices[rec["note"].(string)]++
		}
		hit := false
		for _, k := range []string{"id_orig_h", "id_resp_h", "src", "dst"} {
			hit = hit || rec[k] == "192.168.0.4"
		}
		for _, k := range []string{"tx_hosts", "rx_hosts", "answers"} {
			if list, ok := rec[k].([]any); ok {
				for _, v := range list {
					hit = hit || v == "192.168.0.4"
				}
			}
		}
		if hit {
			touchingC2++
		}
	}
	wantStreams := map[string]int{"conn": 613, "files": 448, "ssl": 378, "x509": 378, "dce_rpc": 123, "http": 62,
		"dns": 53, "kerberos": 35, "dpd": 12, "smb_files": 12, "weird": 12, "smb_mapping": 11, "notice": 2, "pe": 1}
	if len(lines) != 2140 || fmt.Sprint(streams) != fmt.Sprint(wantStreams) {
		t.Fatalf("%d lines, streams %v", len(lines), streams)
	}
	if fmt.Sprint(notices) != "map[SSL::Invalid_Server_Cert:2]" {
		t.Fatalf("notices %v", notices)
	}

	s, events := telRun(t, file, TelemetryOptions{Kind: KindZeek})
	if s.Lines != 2140 || s.Malformed != 0 || s.Events != 2 || s.ByCategory[CategoryPolicy] != 2 {
		t.Errorf("without indicators: %d lines, %d malformed, %d events %v", s.Lines, s.Malformed, s.Events, s.ByCategory)
	}
	wantEvents := `956 2020-04-30T00:40:44.740518Z policy - unknown actor=- asset=- org=- 10.0.1.6→192.168.0.4 "SSL::Invalid_Server_Cert"
2117 2020-04-30T00:15:18.392851Z policy - unknown actor=- asset=- org=- 10.0.1.4→192.168.0.5 "SSL::Invalid_Server_Cert"
`
	if events != wantEvents {
		t.Errorf("events:\n%s\nwant:\n%s", events, wantEvents)
	}
	if got := s.ObservedFirst.Format("15:04:05.000000") + " " + s.ObservedLast.Format("15:04:05.000000"); got != "00:06:38.899710 00:45:00.760719" {
		t.Errorf("observed %s", got)
	}

	c2 := []attack.Indicator{{Type: attack.IndicatorIP, Value: "192.168.0.4", Actors: []string{"G0016"}}}
	for _, workers := range []int{1, 2} {
		s, _ = telRun(t, file, TelemetryOptions{Kind: KindZeek, Matcher: newTelFakeMatcher(c2), Workers: workers})
		// Every record touching 192.168.0.4 is an event of G0016's: an
		// indicator match, or the notice on it, a policy event with the
		// actor; and the other notice.
		if s.Events != int64(touchingC2)+1 || s.ByActor["G0016"] != int64(touchingC2) || s.ByCategory[CategoryIOC] != int64(touchingC2)-1 {
			t.Errorf("workers %d: %d events %v %v, want %d records touching 192.168.0.4 and one notice", workers, s.Events, s.ByCategory, s.ByActor, touchingC2)
		}
	}
}

// TestTelemetryStrictAndLongLines: a line longer than MaxLine is
// malformed and skipped, the next ones read; strict stops there.
func TestTelemetryStrictAndLongLines(t *testing.T) {
	long := `{"_path":"conn","ts":1,"pad":"` + strings.Repeat("x", 200) + `"}`
	in := `{"_path":"conn","ts":1}` + "\n" + long + "\n" + `{"_path":"notice","ts":2,"note":"Scan::Port_Scan","src":"198.51.100.1"}` + "\r\n" + long
	for _, workers := range []int{1, 2} {
		s, err := IngestTelemetry(strings.NewReader(in), TelemetryOptions{Kind: KindZeek, MaxLine: 100, Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		if s.Lines != 4 || s.Malformed != 2 || s.Events != 1 || s.MalformedLines[0].Line != 2 || s.MalformedLines[1].Line != 4 ||
			!strings.Contains(s.MalformedLines[0].Error, "longer than 100 bytes") || s.ByTechnique["T1595"] != 1 {
			t.Errorf("workers %d: %+v", workers, s)
		}
	}
	_, err := IngestTelemetry(strings.NewReader(in), TelemetryOptions{Kind: KindZeek, MaxLine: 100, Strict: true})
	var m *MalformedError
	if !errors.As(err, &m) || m.Line != 2 {
		t.Errorf("strict: %v", err)
	}
}

// TestTelemetryManyMalformed keeps the first MaxMalformedLines malformed
// lines, in order, whatever the workers, and counts them all.
func TestTelemetryManyMalformed(t *testing.T) {
	var b strings.Builder
	for i := range 5000 {
		if i%7 == 3 {
			b.WriteString("{oops\n")
		} else {
			fmt.Fprintf(&b, `{"timestamp":"2024-01-01T00:00:%02dZ","event_type":"flow","src_ip":"10.0.0.%d"}`+"\n", i%60, i%250)
		}
	}
	var want string
	for _, workers := range []int{1, 2, 5} {
		s, err := IngestTelemetry(strings.NewReader(b.String()), TelemetryOptions{Kind: KindEVE, Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		if s.Malformed != 714 || len(s.MalformedLines) != MaxMalformedLines || s.MalformedLines[0].Line != 4 || s.MalformedLines[99].Line != 697 {
			t.Fatalf("workers %d: %d malformed, first %v", workers, s.Malformed, s.MalformedLines[:2])
		}
		got := telJSON(t, s)
		if want == "" {
			want = got
		} else if got != want {
			t.Errorf("workers %d: another summary", workers)
		}
	}
}

func TestTelemetryOptions(t *testing.T) {
	if _, err := NewIngester(TelemetryOptions{Kind: "syslog"}); err == nil || model.ErrorCode(err) != model.EINVALID {
		t.Errorf("unknown kind: %v", err)
	}
	if _, err := NewIngester(TelemetryOptions{Kind: KindSSHD}); err == nil {
		t.Error("sshd without a year")
	}
	// A truncated gzip stream is an error, not malformed lines.
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(bytes.Repeat([]byte(`{"_path":"conn","ts":1}`+"\n"), 1000))
	zw.Close()
	_, err := IngestTelemetry(bytes.NewReader(gz.Bytes()[:gz.Len()/2]), TelemetryOptions{Kind: KindZeek})
	if err == nil || model.ErrorCode(err) != model.EINVALID || !strings.Contains(err.Error(), "gzip") {
		t.Errorf("truncated gzip: %v", err)
	}
	// Cancellation stops the reading.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	in, _ := NewIngester(TelemetryOptions{Kind: KindZeek})
	if err := in.Ingest(ctx, "gen", newTelGenerator(KindZeek, 1, 100_000)); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// TestTelemetryJSONLDefaultMap reads scrutin's own events back with the
// default field map.
func TestTelemetryJSONLDefaultMap(t *testing.T) {
	var b bytes.Buffer
	in := []Event{
		{Line: 1, Category: CategoryBruteForce, Technique: "T1110", Source: "198.51.100.1", Dest: "10.0.0.1", Actor: "G0007",
			Asset: "website", Org: "campaign", Outcome: Succeeded, Signature: "x"},
		{Line: 2, Category: "defacement", Outcome: Blocked},
	}
	for i := range in {
		in[i].Time = telTime("2024-05-01T10:00:00Z")
		json.NewEncoder(&b).Encode(in[i])
	}
	b.WriteString(`{"time":"2024-05-01T10:00:00Z","source":"10.0.0.2","category":"","technique":"T9999"}` + "\n")
	var got []Event
	in2, _ := NewIngester(TelemetryOptions{Kind: KindJSONL, Event: func(e *Event) { got = append(got, *e) }})
	if err := in2.Ingest(context.Background(), "events", &b); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("%d events: %+v", len(got), got)
	}
	for i := range got {
		if got[i] != in[i] && fmt.Sprint(got[i]) != fmt.Sprint(in[i]) {
			t.Errorf("event %d: %+v, want %+v", i, got[i], in[i])
		}
	}
}

func TestParseFieldMap(t *testing.T) {
	m, err := ParseFieldMap(" time = ts , src=id.orig_h,dst=, url=http.url")
	if err != nil {
		t.Fatal(err)
	}
	if got := m.String(); got != "time=ts,src=id.orig_h,dst=,domain=domain,url=http.url,hash=hash,category=category,technique=technique,outcome=outcome,actor=actor,asset=asset,org=org,signature=signature" {
		t.Errorf("map %s", got)
	}
	for _, bad := range []string{"time", "when=ts", "time=a,time=b", "src=.x", "src=a..b"} {
		if _, err := ParseFieldMap(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func telTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

// TestTelemetrySyslogYear: the year moves on at the turn of the year,
// from one input to the next too (rotated logs, oldest first).
func TestTelemetrySyslogYear(t *testing.T) {
	var days []string
	in, err := NewIngester(TelemetryOptions{Kind: KindSSHD, Year: 2023, Event: func(e *Event) { days = append(days, e.Time.Format(time.DateOnly)) }})
	if err != nil {
		t.Fatal(err)
	}
	for _, log := range []string{
		"Dec 31 23:59:00 h sshd[1]: Invalid user a from 198.51.100.1 port 1\n",
		"Jan  1 00:00:01 h sshd[2]: Invalid user b from 198.51.100.1 port 2\nJan  2 00:00:01 h sshd[3]: Invalid user c from 198.51.100.1 port 3\n",
	} {
		if err := in.Ingest(context.Background(), "auth.log", strings.NewReader(log)); err != nil {
			t.Fatal(err)
		}
	}
	if strings.Join(days, " ") != "2023-12-31 2024-01-01 2024-01-02" {
		t.Errorf("days %v", days)
	}
}

// TestTelemetrySyslogYearFromLastWrite: without a year, syslog timestamps
// are dated from the time the log was last written: its year, or the
// year before for a log that starts in a later month.
func TestTelemetrySyslogYearFromLastWrite(t *testing.T) {
	for _, c := range []struct {
		written time.Time
		log     string
		year    int
		days    string
	}{
		{time.Date(2021, 6, 1, 12, 0, 0, 0, time.UTC), "Mar  5 10:00:00 h sshd[1]: Invalid user a from 198.51.100.1 port 1\n", 2021, "2021-03-05"},
		{time.Date(2022, 1, 2, 12, 0, 0, 0, time.UTC), "Dec 30 10:00:00 h sshd[1]: Invalid user a from 198.51.100.1 port 1\nJan  2 10:00:00 h sshd[1]: Invalid user a from 198.51.100.1 port 1\n", 2021, "2021-12-30 2022-01-02"},
		{time.Date(2022, 1, 2, 12, 0, 0, 0, time.UTC), "Jan  2 10:00:00 h sshd[1]: Invalid user a from 198.51.100.1 port 1\n", 2022, "2022-01-02"},
		{time.Date(2022, 1, 2, 12, 0, 0, 0, time.UTC), "not a syslog line\n", 0, ""},
	} {
		var days []string
		in, err := NewIngester(TelemetryOptions{Kind: KindSSHD, LastWritten: c.written, Event: func(e *Event) { days = append(days, e.Time.Format(time.DateOnly)) }})
		if err != nil {
			t.Fatal(err)
		}
		if err := in.Ingest(context.Background(), "auth.log", strings.NewReader(c.log)); err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(days, " "); got != c.days || in.SyslogYear() != c.year {
			t.Errorf("%s, written %s: days %q, year %d; want %q and %d", c.log, c.written, got, in.SyslogYear(), c.days, c.year)
		}
	}
	if _, err := NewIngester(TelemetryOptions{Kind: KindSSHD}); err == nil {
		t.Error("sshd with neither a year nor the time the log was last written")
	}
}

// TestModelAttackIDs: a model's evidence may match the techniques the
// classifiers assign, even those the catalogue in use lacks (here the
// embedded one without T1046, as a vendor's partial bundle would be).
func TestModelAttackIDs(t *testing.T) {
	full, err := attack.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	c := *full
	c.Techniques = slices.DeleteFunc(slices.Clone(full.Techniques), func(t attack.Technique) bool { return t.ID == "T1046" })
	if _, ok := c.ModelIDs().Techniques["T1046"]; ok {
		t.Fatal("T1046 is still in the catalogue")
	}
	ids := ModelAttackIDs(&c)
	for id := range classifierTechniques {
		if _, ok := ids.Techniques[id]; !ok {
			t.Errorf("%s is not known", id)
		}
	}
	if ids.Techniques["T1046"] != "Network Service Discovery" || ids.Techniques["T1566.001"] != "Spearphishing Attachment" {
		t.Errorf("T1046 %q, T1566.001 %q", ids.Techniques["T1046"], ids.Techniques["T1566.001"])
	}
}
