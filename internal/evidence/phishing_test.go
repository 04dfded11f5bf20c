package evidence

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scrutin/scrutin/internal/model"
)

// The -update flag rewrites golden files. It is registered only if no
// other test file of the package has done so.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files in testdata")
	}
}

func phishUpdate() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

const gophishDir = "testdata/gophish"

func phishGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join(gophishDir, name)
	if phishUpdate() {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run go test -update after checking):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func phishParseFile(t *testing.T, name string) *Phishing {
	t.Helper()
	f, err := os.Open(filepath.Join(gophishDir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := ParsePhishing(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	for i := range p.Campaigns {
		p.Campaigns[i].Source = name
		if p.Campaigns[i].Name == "" {
			p.Campaigns[i].Name = strings.TrimSuffix(strings.TrimSuffix(name, filepath.Ext(name)), " - Results")
		}
	}
	return p
}

// describePhishing lists what was parsed, one line per recipient.
func describePhishing(p *Phishing) string {
	var b strings.Builder
	for _, c := range p.Campaigns {
		launched := "unknown"
		if !c.Launched.IsZero() {
			launched = c.Launched.Format(time.RFC3339Nano)
		}
		fmt.Fprintf(&b, "campaign %q id=%q status=%q launched=%s timeline=%v\n", c.Name, c.ID, c.Status, launched, c.Timeline)
		for _, r := range c.Recipients {
			flags := ""
			if r.Delivered {
				flags += " delivered"
			}
			if r.Failed {
				flags += " failed"
			}
			if r.Reported {
				flags += " reported"
			}
			send := "-"
			if !r.SendDate.IsZero() {
				send = r.SendDate.Format(time.RFC3339)
			}
			fmt.Fprintf(&b, "  %-34s %-24q %-16q → %-9s%s sent %s\n", r.Email, r.Position, r.Status, r.Reached, flags, send)
		}
		for _, n := range c.Notes {
			fmt.Fprintf(&b, "  note: %s\n", n)
		}
	}
	return b.String()
}

func phishReportJSON(t *testing.T, r *PhishingReport) string {
	t.Helper()
	var buf bytes.Buffer
	if err := r.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestParsePhishingGolden parses every fixture, by sniffing and by the
// parser of its format (which must agree), and compares the recipients and
// the report with golden files.
func TestParsePhishingGolden(t *testing.T) {
	for _, name := range []string{"q1-results.json", "q2-campaign.json", "Q3 shared document - Results.csv",
		"no-timeline.json", "list.json", "reordered.csv", "duplicates.json", "stream.json"} {
		t.Run(name, func(t *testing.T) {
			p := phishParseFile(t, name)
			src, err := os.ReadFile(filepath.Join(gophishDir, name))
			if err != nil {
				t.Fatal(err)
			}
			direct, err := ParseGoPhishJSON(bytes.NewReader(src))
			if strings.HasSuffix(name, ".csv") {
				direct, err = ParseGoPhishCSV(bytes.NewReader(src))
			}
			if err != nil {
				t.Fatal(err)
			}
			for i := range direct.Campaigns {
				direct.Campaigns[i].Source, direct.Campaigns[i].Name = p.Campaigns[i].Source, p.Campaigns[i].Name
			}
			got := describePhishing(p)
			if d := describePhishing(direct); d != got {
				t.Errorf("ParsePhishing and the format's parser disagree:\n%s\n%s", got, d)
			}
			got += "\n" + phishReportJSON(t, AnalysePhishing(p.Campaigns, PhishingOptions{}))
			phishGolden(t, strings.ReplaceAll(strings.TrimSuffix(name, filepath.Ext(name)), " ", "-")+".golden", got)
		})
	}
}

// TestPhishingCounts holds the counts of the fixtures to the values worked
// out by hand from their recipients (see the comments in the fixtures'
// generator, summarised here).
func TestPhishingCounts(t *testing.T) {
	tests := []struct {
		file                                 string
		campaign                             int
		recipients, sent, failed, pending    int64
		opened, clicked, submitted, reported int64
		timeline                             bool
	}{
		// 20 staff, one bounce; 3 people opened and clicked several times
		// (counted once), 1 clicked with images blocked (no open event).
		{"q1-results.json", 0, 20, 19, 1, 0, 15, 11, 7, 1, true},
		{"q2-campaign.json", 0, 20, 20, 0, 0, 13, 7, 3, 4, true},
		{"Q3 shared document - Results.csv", 0, 20, 20, 0, 0, 11, 4, 1, 8, false},
		// Submitted, Email Reported (stage hidden), Clicked, Opened, Sent,
		// Error, Scheduled, Sending.
		{"no-timeline.json", 0, 8, 5, 1, 2, 3, 2, 1, 2, false},
		// volunteer.one clicked twice (once counted, address case differs);
		// volunteer.two only reported: sent and reported.
		{"list.json", 0, 2, 2, 0, 0, 1, 1, 0, 1, true},
		{"list.json", 1, 1, 0, 0, 1, 0, 0, 0, 0, false},
		// j.dupont twice (merged: submitted and reported), a blank row,
		// a position over two lines, one Retrying.
		{"reordered.csv", 0, 4, 3, 0, 1, 2, 2, 1, 1, false},
		// See duplicates.json: 3 rows for one address, events for an
		// address not among the results, an unknown message.
		{"duplicates.json", 0, 3, 3, 0, 0, 3, 2, 1, 1, true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s#%d", tt.file, tt.campaign), func(t *testing.T) {
			p := phishParseFile(t, tt.file)
			c := p.Campaigns[tt.campaign]
			r := AnalysePhishing([]PhishingCampaign{c}, PhishingOptions{}).Campaigns[0]
			got := []int64{r.Recipients, r.Sent, r.Failed, r.Pending, r.Opened, r.Clicked, r.Submitted, r.Reported}
			want := []int64{tt.recipients, tt.sent, tt.failed, tt.pending, tt.opened, tt.clicked, tt.submitted, tt.reported}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("recipients, sent, failed, pending, opened, clicked, submitted, reported = %v, want %v", got, want)
			}
			if c.Timeline != tt.timeline {
				t.Errorf("Timeline = %v, want %v", c.Timeline, tt.timeline)
			}
			if r.Sent > 0 {
				if *r.SubmitRate != float64(tt.submitted)/float64(tt.sent) || *r.ClickRate != float64(tt.clicked)/float64(tt.sent) ||
					*r.ReportRate != float64(tt.reported)/float64(tt.sent) || *r.OpenRate != float64(tt.opened)/float64(tt.sent) {
					t.Errorf("rates %v %v %v %v", *r.OpenRate, *r.ClickRate, *r.SubmitRate, *r.ReportRate)
				}
			} else if r.SubmitRate != nil || r.Intervals != nil {
				t.Errorf("rates without sends: %v %v", r.SubmitRate, r.Intervals)
			}
		})
	}
}

// threeQuarters is the training programme of the fixtures: q1, q2, q3.
func threeQuarters(t *testing.T) []PhishingCampaign {
	var cs []PhishingCampaign
	// Given out of order: the report sorts them by launch.
	for _, f := range []string{"Q3 shared document - Results.csv", "q1-results.json", "q2-campaign.json"} {
		cs = append(cs, phishParseFile(t, f).Campaigns...)
	}
	return cs
}

func TestPhishingReport(t *testing.T) {
	rep := AnalysePhishing(threeQuarters(t), PhishingOptions{})
	var names []string
	for _, c := range rep.Campaigns {
		names = append(names, c.Name)
	}
	if want := "[Q1 baseline — fake invoice Q2 — password expiry Q3 shared document]"; fmt.Sprint(names) != want {
		t.Errorf("campaigns in order %v, want %s", names, want)
	}
	tot := rep.Totals
	if tot.Campaigns != 3 || tot.People != 20 || tot.Recipients != 60 || tot.Sent != 59 || tot.Opened != 39 ||
		tot.Clicked != 22 || tot.Submitted != 11 || tot.Reported != 13 {
		t.Errorf("totals %+v", tot)
	}
	// Positions: "Press Officer" and "press  officer", "Finance" and
	// "FINANCE" are one; no position is "(none)", 3 emails: small.
	press, ok := rep.ByPosition["press officer"]
	if !ok || press.Label != "Press Officer" || press.Sent != 12 || press.Campaigns != 3 || press.Small {
		t.Errorf("press officer: %+v", press)
	}
	if fin := rep.ByPosition["finance"]; fin.Sent != 12 {
		t.Errorf("finance: %+v", fin)
	}
	if none := rep.ByPosition["(none)"]; none.Sent != 3 || !none.Small || none.Label != "(none)" {
		t.Errorf("(none): %+v", none)
	}
	if len(rep.ByPosition) != 6 {
		t.Errorf("%d positions, want 6: %v", len(rep.ByPosition), rep.ByPosition)
	}
	// The trend: submissions 7/19 → 1/20, against the exact computation.
	tr := rep.Trend
	s := tr.Submitted
	exact, _ := exactProbFell(7, 19, 1, 20).Float64()
	if tr.First != "Q1 baseline — fake invoice" || tr.Last != "Q3 shared document" || tr.Campaigns != 3 ||
		s.First.Count != 7 || s.First.Sent != 19 || s.Last.Count != 1 || s.Last.Sent != 20 ||
		s.PFell != phishRound(exact) || s.PRose != phishRound(1-exact) {
		t.Errorf("trend %+v, submitted %+v (exact P(fell) %v)", tr, s, exact)
	}
	if tr.Shared == nil || *tr.Shared != 19 || strings.Contains(tr.Summary, "Caution") {
		t.Errorf("%v people in both q1 and q3 (want 19), summary %q", tr.Shared, tr.Summary)
	}
	if tr.Verdict != VerdictImproving || tr.Basis != "submitted" {
		t.Errorf("verdict %q on %q, want improving on submitted", tr.Verdict, tr.Basis)
	}
	if s.PValue == nil || *s.PValue != phishRound(0.010955270795996268) || s.Slope != phishRound(-73.0/460) {
		t.Errorf("trend test: slope %v, p %v", s.Slope, s.PValue)
	}
	if r := tr.Reported; r.First.Count != 1 || r.Last.Count != 8 || r.PRose < 0.95 {
		t.Errorf("reporting %+v", r)
	}

	var text bytes.Buffer
	if err := rep.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	phishGolden(t, "three-quarters.txt.golden", text.String())
	phishGolden(t, "three-quarters.json.golden", phishReportJSON(t, rep))
}

// phishCampaign makes a campaign of n sent emails with k submissions
// (each also clicked) and r reports.
func phishCampaign(name string, launched time.Time, n, clicked, submitted, reported int) PhishingCampaign {
	c := PhishingCampaign{Name: name, Launched: launched}
	for i := range n {
		r := Recipient{Email: fmt.Sprintf("p%d@example.org", i), Reached: StageSent, Delivered: true}
		if i < clicked {
			r.Reached = StageClicked
		}
		if i < submitted {
			r.Reached = StageSubmitted
		}
		r.Reported = i >= n-reported
		c.Recipients = append(c.Recipients, r)
	}
	return c
}

// phishRenamed gives a campaign's recipients other addresses.
func phishRenamed(c PhishingCampaign) PhishingCampaign {
	for i := range c.Recipients {
		c.Recipients[i].Email = "other-" + c.Recipients[i].Email
	}
	return c
}

func TestPhishingVerdicts(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2020, 1, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name      string
		campaigns []PhishingCampaign
		verdict   string
		basis     string
		summary   string // a part of it
	}{
		{"none", nil, VerdictInsufficient, "", "No campaign delivered any email"},
		{"one", []PhishingCampaign{phishCampaign("A", day(1), 10, 5, 2, 0)}, VerdictInsufficient, "", `Only one campaign delivered emails ("A")`},
		{"no sends in the second", []PhishingCampaign{phishCampaign("A", day(1), 10, 5, 2, 0), phishCampaign("B", day(2), 0, 0, 0, 0)},
			VerdictInsufficient, "", "Only one campaign"},
		{"improving", []PhishingCampaign{phishCampaign("A", day(1), 50, 20, 15, 1), phishCampaign("B", day(2), 50, 8, 3, 10)},
			VerdictImproving, "submitted", "Training appears to be working: the submission rate (credentials or other data entered) fell from 30.0 %"},
		{"worsening", []PhishingCampaign{phishCampaign("A", day(1), 50, 8, 3, 10), phishCampaign("B", day(2), 50, 20, 15, 1)},
			VerdictWorsening, "submitted", "Reporting fell from 20.0 % to 2.0 %"},
		{"unclear", []PhishingCampaign{phishCampaign("A", day(1), 10, 4, 3, 0), phishCampaign("B", day(2), 10, 3, 2, 0)},
			VerdictUnclear, "submitted", "short of the 95.0 % needed to say"},
		{"clicks only", []PhishingCampaign{phishCampaign("A", day(1), 40, 20, 0, 0), phishCampaign("B", day(2), 40, 2, 0, 0)},
			VerdictImproving, "clicked", "the click rate fell from 50.0 %"},
		{"unchanged", []PhishingCampaign{phishCampaign("A", day(1), 40, 0, 0, 0), phishCampaign("B", day(2), 40, 0, 0, 0)},
			VerdictUnclear, "clicked", "the click rate stayed at 0.0 %"},
		{"different people", []PhishingCampaign{phishCampaign("A", day(1), 50, 20, 15, 1), phishCampaign("B", day(2), 0, 0, 0, 0), phishRenamed(phishCampaign("C", day(3), 30, 8, 3, 10))},
			VerdictImproving, "submitted", "Caution: only 0 people received both campaigns (the smaller reached 30)"},
		{"order by date, not input", []PhishingCampaign{phishCampaign("B", day(2), 50, 8, 3, 10), phishCampaign("A", day(1), 50, 20, 15, 1)},
			VerdictImproving, "submitted", `in "A" to`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := AnalysePhishing(tt.campaigns, PhishingOptions{}).Trend
			if tr.Verdict != tt.verdict || tr.Basis != tt.basis || !strings.Contains(tr.Summary, tt.summary) {
				t.Errorf("verdict %q basis %q summary %q, want %q %q and %q", tr.Verdict, tr.Basis, tr.Summary, tt.verdict, tt.basis, tt.summary)
			}
		})
	}
}

func TestPhishingErrors(t *testing.T) {
	hdr := "id,status,ip,latitude,longitude,send_date,reported,modified_date,email,first_name,last_name,position\n"
	row := func(status, sendDate, reported string) string {
		return "r1," + status + ",,0,0," + sendDate + "," + reported + ",,a@example.org,A,B,Staff\n"
	}
	ok := row("Email Sent", "2020-01-01T00:00:00Z", "false")
	tests := []struct {
		name, src, want string
	}{
		{"empty", "", "empty input: expected GoPhish campaign JSON or a GoPhish results CSV"},
		{"blank", " \n\t\n", "empty input: expected GoPhish campaign JSON or a GoPhish results CSV"},
		// CSV
		{"csv unknown status", hdr + ok + row("Email Bounced", "", "false"),
			`line 3: status: "Email Bounced" is not a GoPhish result status (want Email Sent, Email Opened, Clicked Link, Submitted Data, Email Reported, Error, Scheduled, Sending, Queued, Retrying or Unknown)`},
		{"csv bad date", hdr + ok + ok + row("Email Sent", "04/03/2019 09:00", "false"),
			`line 4: send_date: "04/03/2019 09:00" is not a date and time (want RFC 3339, such as 2017-03-01T09:00:00Z)`},
		{"csv bad reported", hdr + row("Email Sent", "", "maybe"), `line 2: reported: "maybe" is not true or false`},
		{"csv short row", hdr + ok + "r2,Email Sent,,0\n", "line 3: 4 fields, but the header has 12"},
		{"csv long row", hdr + "r2,Email Sent,,0,0,,false,,a@b,A,B,C,extra\n", "line 2: 13 fields, but the header has 12"},
		{"csv bare quote", hdr + ok + `r2,Email "Sent,,0,0,,false,,a@b,A,B,C` + "\n", `line 3, column 10: malformed CSV: bare " in non-quoted-field`},
		{"csv unterminated quote", hdr + ok + `r2,"Email Sent,,0,0,,false,,a@b,A,B,C` + "\n", `line 3, column 39: malformed CSV: extraneous or missing " in quoted-field`},
		{"csv no status", "email,position\na@b,Staff\n", `line 1: not a GoPhish results CSV: the header has no status column (it has "email", "position")`},
		{"csv events export", "campaign_id,email,time,message,details\n1,a@b,2020-01-01T00:00:00Z,Email Sent,\n",
			"line 1: this looks like GoPhish's events export (it has a message column but no status); export the campaign's results CSV instead"},
		{"csv duplicate column", "status,email,Status\n", `line 1: the header names the column "status" twice`},
		{"csv multi-line record", hdr + "r1,Email Sent,,0,0,,false,,a@b,A,B,\"two\nlines\"\nr2,Nope,,0,0,,false,,c@d,A,B,C\n",
			`line 4: status: "Nope" is not a GoPhish result status (want Email Sent, Email Opened, Clicked Link, Submitted Data, Email Reported, Error, Scheduled, Sending, Queued, Retrying or Unknown)`},
		// JSON
		{"json syntax", "{\"name\": \"x\",\n \"results\": [}\n", `byte 27 (line 2, column 14): malformed JSON: invalid character '}' looking for beginning of value`},
		{"json truncated", `{"name": "x", "results": [{"status": "Email Sent"`, "byte 49 (line 1, column 50): malformed JSON: it ends in the middle of a value"},
		{"json wrong type", "{\"name\": \"x\", \"results\": [\n {\"status\": 3}]}", "byte 39 (line 2, column 13): results.status: expected a string, got a JSON number"},
		{"json results not a list", `{"name": "x", "results": {}}`, "byte 25 (line 1, column 26): results: expected a list, got a JSON object"},
		{"json unknown status", `{"name": "x", "results": [{"status": "Email Sent"}, {"status": "Opened"}]}`,
			`results[1].status: "Opened" is not a GoPhish result status (want Email Sent, Email Opened, Clicked Link, Submitted Data, Email Reported, Error, Scheduled, Sending, Queued, Retrying or Unknown)`},
		{"json bad send_date", `[{"name": "a"}, {"name": "b", "results": [{"status": "Email Sent", "send_date": "yesterday"}]}]`,
			`[1].results[0].send_date: "yesterday" is not a date and time (want RFC 3339, such as 2017-03-01T09:00:00Z)`},
		{"json bad timeline time", `{"name": "x", "timeline": [{"email": "a@b", "time": "12:00", "message": "Email Sent"}]}`,
			`timeline[0].time: "12:00" is not a date and time (want RFC 3339, such as 2017-03-01T09:00:00Z)`},
		{"json bad launch_date", `{"name": "x", "launch_date": "soon"}`, `launch_date: "soon" is not a date and time (want RFC 3339, such as 2017-03-01T09:00:00Z)`},
		{"json bad reported", `{"name": "x", "results": [{"status": "Email Sent", "reported": "perhaps"}]}`, `results[0].reported: "perhaps" is not true or false`},
		{"json reported object", `{"name": "x", "results": [{"status": "Email Sent", "reported": {}}]}`, `results[0].reported: "{}" is not true or false`},
		{"json bad id", `{"name": "x", "id": [1]}`, "byte 0 (line 1, column 1): id: expected a string or a number, got a list"},
		{"json not a campaign", `{"foo": 1}`, "byte 0 (line 1, column 1): top level: not a GoPhish campaign: it has no name, results or timeline"},
		{"json not a campaign in a list", "[\n  {\"name\": \"a\"},\n  7\n]", "byte 21 (line 3, column 3): [1]: expected a GoPhish campaign (an object), got a number"},
		{"json scalar", `json:"hello"`, "byte 0 (line 1, column 1): top level: expected a GoPhish campaign (an object) or a list of them, got a string"},
		{"json null", `json:null`, "byte 0 (line 1, column 1): top level: expected a GoPhish campaign (an object) or a list of them, got null"},
		{"json summary", `{"total": 1, "campaigns": [{"id": 1, "name": "x", "stats": {"total": 5, "sent": 5}}]}`,
			"byte 27 (line 1, column 28): campaigns[0]: this is a GoPhish campaign summary (counts only, from /api/campaigns/summary); per-recipient results are needed: export /api/campaigns/{id}/results or the results CSV"},
		{"json campaigns not a list", `{"campaigns": 3}`, "byte 14 (line 1, column 15): campaigns: expected a list of campaigns, got a number"},
		{"json api error", `{"message": "Campaign not found", "success": false, "data": null}`,
			`byte 0 (line 1, column 1): top level: this is a GoPhish API error response, not campaign results: "Campaign not found"`},
		{"json second value", "{\"name\": \"a\"}\n{\"name\": \"b\", \"results\": [{\"status\": \"?\"}]}",
			`(value 2).results[0].status: "?" is not a GoPhish result status (want Email Sent, Email Opened, Clicked Link, Submitted Data, Email Reported, Error, Scheduled, Sending, Queued, Retrying or Unknown)`},
		{"quoted scalar is CSV", `"hello"`, `line 1: not a GoPhish results CSV: the header has no status column (it has "hello")`},
		{"json nested lists", `[[{"name": "a"}], {"name": "b"}]`, "byte 1 (line 1, column 2): [0]: expected a GoPhish campaign (an object), got a list"},
		{"json nested wrapper", `[{"campaigns": [{"name": "a"}]}]`, "byte 1 (line 1, column 2): [0].campaigns: a list of campaigns is expected only at the top level"},
		{"json trailing garbage", "{\"name\": \"a\"} ]", "byte 14 (line 1, column 15): malformed JSON: invalid character ']' looking for beginning of value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parse := ParsePhishing
			src, isJSON := strings.CutPrefix(tt.src, "json:")
			if isJSON {
				parse = ParseGoPhishJSON // the sniffer would take these for CSV
			}
			p, err := parse(strings.NewReader(src))
			if err == nil {
				t.Fatalf("no error; parsed %s", describePhishing(p))
			}
			if p != nil {
				t.Errorf("both a result and an error")
			}
			if err.Error() != tt.want {
				t.Errorf("error\n  %s\nwant\n  %s", err, tt.want)
			}
			if model.ErrorCode(err) != model.EINVALID {
				t.Errorf("error code %q, want %q", model.ErrorCode(err), model.EINVALID)
			}
		})
	}
}

// TestPhishingAccepts covers inputs that look odd but are valid.
func TestPhishingAccepts(t *testing.T) {
	tests := []struct {
		name, src string
		campaigns int
		sent      int64
	}{
		{"empty list", "[]", 0, 0},
		{"campaign without results", `{"id": 3, "name": "x", "status": "Created"}`, 1, 0},
		{"results null", `{"name": "x", "results": null, "timeline": null}`, 1, 0},
		{"header only", "status,email\n", 1, 0},
		{"header only, no newline", "status", 1, 0},
		{"BOM and CRLF", "\uFEFFStatus,Email\r\nEmail Sent,a@b\r\n", 1, 1},
		{"tabs", "status\temail\tposition\nClicked Link\ta@b\tStaff\n", 1, 1},
		{"JSON with BOM", "\uFEFF{\"name\": \"x\", \"results\": [{\"status\": \"Email Sent\"}]}", 1, 1},
		{"numeric result id", `{"name": "x", "results": [{"id": 17, "status": "Email Sent"}]}`, 1, 1},
		{"wrapper with results", `{"total": 2, "campaigns": [{"name": "a"}, {"name": "b", "results": [{"status": "Email Opened", "email": "a@b"}]}]}`, 2, 1},
		{"wrapper key in capitals", `{"Campaigns": [{"name": "a"}, {"name": "b"}]}`, 2, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParsePhishing(strings.NewReader(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			var sent int64
			for _, c := range p.Campaigns {
				sent += AnalysePhishing([]PhishingCampaign{c}, PhishingOptions{}).Totals.Sent
			}
			if len(p.Campaigns) != tt.campaigns || sent != tt.sent {
				t.Errorf("%d campaigns, %d sent; want %d and %d", len(p.Campaigns), sent, tt.campaigns, tt.sent)
			}
		})
	}
}

func TestParseGoPhishTime(t *testing.T) {
	utc := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm.UTC()
	}
	tests := []struct {
		in   string
		want time.Time
	}{
		{"", time.Time{}},
		{"0001-01-01T00:00:00Z", time.Time{}},
		{"2017-03-01T09:00:00Z", utc("2017-03-01T09:00:00Z")},
		{"2017-03-01T09:00:00.123456789Z", utc("2017-03-01T09:00:00.123456789Z")},
		{"2017-03-01T10:00:00+01:00", utc("2017-03-01T09:00:00Z")},
		{"2017-03-01T04:00:00-0500", utc("2017-03-01T09:00:00Z")},
		{"2017-03-01T09:00:00", utc("2017-03-01T09:00:00Z")}, // no zone: UTC
		{"2017-03-01 09:00:00", utc("2017-03-01T09:00:00Z")},
		{"2017-03-01 09:00:00.5", utc("2017-03-01T09:00:00.5Z")},
		{"2017-03-01 10:00:00 +0100 CET", utc("2017-03-01T09:00:00Z")},
		{"2017-03-01 09:00", utc("2017-03-01T09:00:00Z")},
		{" 2017-03-01 ", utc("2017-03-01T00:00:00Z")},
	}
	for _, tt := range tests {
		got, err := parseGoPhishTime(tt.in)
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("parseGoPhishTime(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"yesterday", "2017-13-01T00:00:00Z", "03/01/2017", "2017-03-01T25:00:00Z", "1488358800"} {
		if _, err := parseGoPhishTime(bad); err == nil {
			t.Errorf("parseGoPhishTime(%q) accepted", bad)
		}
	}
}

func TestNormalisePosition(t *testing.T) {
	for in, want := range map[string]string{
		"Press Officer":        "press officer",
		"  press\tOFFICER  ":   "press officer",
		"Field\u00a0Organiser": "field organiser",
		"":                     "",
		"   ":                  "",
	} {
		if got := NormalisePosition(in); got != want {
			t.Errorf("NormalisePosition(%q) = %q, want %q", in, got, want)
		}
	}
}
