package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The contract's case: one Zeek notice and one broken line.
const ingestConformance = `{"@stream":"notice","ts":1588205199.8,"id_orig_h":"10.0.1.6","id_resp_h":"203.0.113.9","note":"Scan::Port_Scan"}
{broken
`

func ingestKeys(v any) []string {
	var ks []string
	for k := range v.(map[string]any) {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func checkIngestKeys(t *testing.T, what string, v any, want ...string) {
	t.Helper()
	slices.Sort(want)
	if got := ingestKeys(v); !slices.Equal(got, want) {
		t.Errorf("%s keys %v, want %v", what, got, want)
	}
}

// TestIngestJSONShape checks the evidence file's exact shape.
func TestIngestJSONShape(t *testing.T) {
	path := writeFile(t, "z.jsonl", ingestConformance)
	code, out, errs := scrutin(t, "", "ingest", path, "--kind", "zeek", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var d map[string]any
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	checkIngestKeys(t, "summary", d, "kind", "lines", "events", "malformed", "first", "last", "observed_first", "observed_last",
		"by_category", "by_technique", "by_actor", "by_asset", "by_outcome", "by_day", "sources", "malformed_lines", "groups")
	if d["kind"] != "telemetry" || d["lines"].(float64) != 2 || d["malformed"].(float64) != 1 || d["events"].(float64) != 1 {
		t.Errorf("kind %v lines %v malformed %v events %v", d["kind"], d["lines"], d["malformed"], d["events"])
	}
	if d["first"] != "2020-04-30T00:06:39.8Z" || d["last"] != d["first"] {
		t.Errorf("first %v last %v", d["first"], d["last"])
	}
	g := d["groups"].([]any)
	checkIngestKeys(t, "group", g[0], "category", "technique", "actor", "asset", "org", "outcome", "events")
	if g0 := g[0].(map[string]any); g0["category"] != "scan" || g0["technique"] != "T1046" || g0["outcome"] != "unknown" || g0["events"].(float64) != 1 {
		t.Errorf("group %v", g0)
	}
	checkIngestKeys(t, "source", d["sources"].([]any)[0], "file", "kind", "lines", "events", "malformed")
	m := d["malformed_lines"].([]any)[0]
	checkIngestKeys(t, "malformed line", m, "file", "line", "error")
	if m.(map[string]any)["line"].(float64) != 2 {
		t.Errorf("malformed %v", m)
	}
	for _, k := range []string{"by_actor", "by_asset"} {
		if len(d[k].(map[string]any)) != 0 {
			t.Errorf("%s %v", k, d[k])
		}
	}
}

func TestIngestText(t *testing.T) {
	path := writeFile(t, "z.jsonl", ingestConformance)
	code, out, errs := scrutin(t, "", "ingest", path, "--kind", "zeek")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{
		"2 lines read from 1 input: 1 event, 1 malformed line\n",
		"Events by category\n  scan  1\n",
		"Events by technique\n  T1046  1\n",
		"Events by day\n  2020-04-30  1\n",
		"Malformed lines (1; all shown):\n  " + path + ":2: invalid JSON at byte 2: expected a string key\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q:\n%s", want, out)
		}
	}
}

// TestIngestStrict runs the real binary: exit code 2 and file:line.
func TestIngestStrict(t *testing.T) {
	path := writeFile(t, "z.jsonl", ingestConformance)
	code, out, errs := exe(t, "ingest", path, "--kind", "zeek", "--strict")
	if code != 2 || out != "" || !strings.Contains(errs, path+":2: invalid JSON") || strings.Contains(errs, "goroutine") {
		t.Errorf("exit %d\nstdout %s\nstderr %s", code, out, errs)
	}
	code, _, errs = exe(t, "ingest", path, "--kind", "zeek", "--format", "json")
	if code != 0 {
		t.Errorf("without --strict: exit %d: %s", code, errs)
	}
}

func TestIngestUsage(t *testing.T) {
	path := writeFile(t, "z.jsonl", ingestConformance)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"ingest", path}, "--kind is required"},
		{[]string{"ingest", path, "--kind", "syslog"}, `--kind must be one of zeek, eve, jsonl, sshd, access-log, got "syslog"`},
		{[]string{"ingest", "--kind", "zeek"}, "needs at least 1 argument"},
		{[]string{"ingest", path, "--kind", "zeek", "--format", "csv"}, "--format must be text or json"},
		{[]string{"ingest", path, "--kind", "zeek", "--map", "time=ts"}, "--map is for --kind jsonl"},
		{[]string{"ingest", path, "--kind", "jsonl", "--map", "when=ts"}, `unknown key "when"`},
		{[]string{"ingest", "-", "-", "--kind", "zeek"}, "can be read once"},
		{[]string{"ingest", filepath.Join(t.TempDir(), "missing.log"), "--kind", "zeek"}, "cannot read"},
		{[]string{"ingest", t.TempDir(), "--kind", "zeek"}, "is a directory"},
		{[]string{"ingest", path, "--kind", "zeek", "--iocs", filepath.Join(t.TempDir(), "none")}, "cannot read"},
		{[]string{"ingest", path, "--kind", "sshd", "--year", "-3"}, "--year: -3 is not a valid year"},
	} {
		code, _, errs := scrutin(t, "", c.args...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, stderr %s (want %q)", c.args, code, errs, c.want)
		}
	}
}

// TestIngestIndicatorsAssetsModel: indicators from a list (an alias
// resolved to its ATT&CK id), an assets map checked against a model, and
// --out writing the evidence file while the text goes to standard output.
func TestIngestIndicatorsAssetsModel(t *testing.T) {
	dir := t.TempDir()
	logs := writeFile(t, "z.jsonl", ingestConformance+`{"@stream":"conn","ts":1588205200,"id_orig_h":"10.0.1.7","id_resp_h":"203.0.113.9"}`+"\n")
	iocs := writeFile(t, "iocs.txt", "# C2\n203.0.113.9 Fancy Bear\nevil.example\n")
	assets := writeFile(t, "assets.yaml", "10.0.1.0/24: mail\n\"*\": mail\n")
	out := filepath.Join(dir, "evidence.json")
	code, stdout, errs := scrutin(t, "", "ingest", logs, "--kind", "zeek", "--iocs", iocs, "--assets", assets,
		"--model", minimal, "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(stdout, "3 lines read from 1 input: 2 events, 1 malformed line") {
		t.Errorf("stdout:\n%s", stdout)
	}
	var d struct {
		Kind    string           `json:"kind"`
		ByActor map[string]int64 `json:"by_actor"`
		ByAsset map[string]int64 `json:"by_asset"`
		Groups  []struct {
			Category, Technique, Actor, Asset, Org, Outcome string
			Events                                          int64
		} `json:"groups"`
	}
	if err := json.Unmarshal([]byte(mustRead(t, out)), &d); err != nil {
		t.Fatal(err)
	}
	if d.Kind != "telemetry" || d.ByActor["G0007"] != 2 || d.ByAsset["mail"] != 2 || len(d.Groups) != 2 {
		t.Fatalf("evidence %+v", d)
	}
	for _, g := range d.Groups {
		if g.Actor != "G0007" || g.Asset != "mail" || g.Org != "campaign" || g.Events != 1 {
			t.Errorf("group %+v", g)
		}
	}

	bad := writeFile(t, "bad.yaml", "10.0.1.0/24: website\n10.0.2.0/33: mail\n")
	code, _, errs = scrutin(t, "", "ingest", logs, "--kind", "zeek", "--assets", bad, "--model", minimal)
	if code != 2 || !strings.Contains(errs, bad+`:2:1: "10.0.2.0/33" is not a network`) {
		t.Errorf("bad map: exit %d: %s", code, errs)
	}
	unknown := writeFile(t, "unknown.yaml", "10.0.1.0/24: website\n")
	code, _, errs = scrutin(t, "", "ingest", logs, "--kind", "zeek", "--assets", unknown, "--model", minimal)
	if code != 2 || !strings.Contains(errs, unknown+`:1:1: unknown asset "website"; the model's assets are: mail`) {
		t.Errorf("unknown asset: exit %d: %s", code, errs)
	}
	badIOC := writeFile(t, "bad.txt", "not a/value\n")
	code, _, errs = scrutin(t, "", "ingest", logs, "--kind", "zeek", "--iocs", badIOC)
	if code != 2 || !strings.Contains(errs, badIOC+":1:1:") {
		t.Errorf("bad indicators: exit %d: %s", code, errs)
	}
}

// TestIngestStdinGzip reads gzip-compressed standard input, and sshd logs
// with --year.
func TestIngestStdinGzip(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("Dec 31 23:59:01 web1 sshd[3002]: Failed password for root from 198.51.100.7 port 40002 ssh2\n" +
		"Jan  1 00:00:01 web1 sshd[3003]: Invalid user x from 198.51.100.7 port 40003\n"))
	zw.Close()
	code, out, errs := scrutin(t, gz.String(), "ingest", "-", "--kind", "sshd", "--year", "2023", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var d struct {
		Events  int64            `json:"events"`
		ByDay   map[string]int64 `json:"by_day"`
		Sources []struct{ File string }
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	if d.Events != 2 || d.ByDay["2023-12-31"] != 1 || d.ByDay["2024-01-01"] != 1 || d.Sources[0].File != "<stdin>" {
		t.Errorf("%+v", d)
	}
}

// TestIngestFixtures runs the command on the domain package's fixtures,
// several files at once.
func TestIngestFixtures(t *testing.T) {
	dir := "../../internal/evidence/testdata/telemetry/"
	code, out, errs := scrutin(t, "", "ingest", dir+"eve.json", dir+"eve.json", "--kind", "eve", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var d struct {
		Lines, Events, Malformed int64
		Sources                  []struct{ Lines int64 }
	}
	json.Unmarshal([]byte(out), &d)
	if len(d.Sources) != 2 || d.Lines != 2*d.Sources[0].Lines || d.Malformed != 6 || d.Events == 0 {
		t.Errorf("%+v", d)
	}
	if _, err := os.Stat(dir + "otrf-apt29-day1-combined_zeek.jsonl"); err != nil {
		t.Skip(err)
	}
	code, out, _ = scrutin(t, "", "ingest", dir+"otrf-apt29-day1-combined_zeek.jsonl", "--kind", "zeek")
	if code != 0 || !strings.Contains(out, "2,140 lines read from 1 input: 2 events, 0 malformed lines") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}
