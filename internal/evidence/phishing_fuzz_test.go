package evidence

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/internal/model"
)

// Run the fuzz tests with
//
//	go test -run XXX -fuzz FuzzParseGoPhishJSON -fuzztime 3m ./internal/evidence/
//	go test -run XXX -fuzz FuzzParseGoPhishCSV -fuzztime 3m ./internal/evidence/
//
// and keep what they find in testdata/fuzz as seeds.

func phishSeeds(f *testing.F, ext string, extra ...string) {
	files, err := filepath.Glob(filepath.Join(gophishDir, "*."+ext))
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	for _, s := range extra {
		f.Add([]byte(s))
	}
}

func FuzzParseGoPhishJSON(f *testing.F) {
	phishSeeds(f, "json",
		`[]`, `{"name": "x"}`, `{"total": 1, "campaigns": [{"name": "a", "results": []}]}`,
		`{"name": "x", "results": [{"status": "Email Sent", "email": "a@b", "reported": "1", "id": 3}],
		  "timeline": [{"email": "A@B", "time": "2020-01-01 00:00:00", "message": "Clicked Link"}]}`,
		`{"name": "a"} {"name": "b"}`, `{"campaigns": [[]]}`)
	f.Fuzz(func(t *testing.T, src []byte) {
		p, err := ParseGoPhishJSON(bytes.NewReader(src))
		checkPhishingParse(t, p, err)
	})
}

func FuzzParseGoPhishCSV(f *testing.F) {
	phishSeeds(f, "csv",
		"status\n", "status,email,reported,send_date\nEmail Sent,a@b,true,2020-01-01T00:00:00Z\nEmail Sent,A@B ,false,\n",
		"Status;Email\r\nSubmitted Data;x@y\r\n", "status\temail\nError\t\n", "\"status\",\"position\"\n\"Clicked Link\",\"a\nb\"\n")
	f.Fuzz(func(t *testing.T, src []byte) {
		p, err := ParseGoPhishCSV(bytes.NewReader(src))
		checkPhishingParse(t, p, err)
	})
}

// checkPhishingParse holds a parse to its contract: an EINVALID error and
// nothing else, or campaigns whose report is consistent and renders.
func checkPhishingParse(t *testing.T, p *Phishing, err error) {
	t.Helper()
	if err != nil {
		if p != nil {
			t.Fatal("both a result and an error")
		}
		if model.ErrorCode(err) != model.EINVALID || err.Error() == "" {
			t.Fatalf("error %q has code %q, want %q", err, model.ErrorCode(err), model.EINVALID)
		}
		return
	}
	if p == nil {
		t.Fatal("neither a result nor an error")
	}
	for _, c := range p.Campaigns {
		seen := map[string]bool{}
		for _, r := range c.Recipients {
			if e := strings.ToLower(strings.TrimSpace(r.Email)); e != "" {
				if seen[e] {
					t.Fatalf("address %q twice in a campaign", e)
				}
				seen[e] = true
			}
			if r.Delivered != (r.Reached >= StageSent) || (r.Failed && r.Delivered) || r.Reached < StageNone || r.Reached > StageSubmitted {
				t.Fatalf("inconsistent recipient %+v", r)
			}
		}
	}
	rep := AnalysePhishing(p.Campaigns, PhishingOptions{})
	checkPhishingRates(t, "totals", rep.Totals.PhishingRates)
	for _, c := range rep.Campaigns {
		checkPhishingRates(t, c.Name, c.PhishingRates)
	}
	for k, pr := range rep.ByPosition {
		checkPhishingRates(t, k, pr.PhishingRates)
	}
	if err := rep.WriteJSON(io.Discard); err != nil {
		t.Fatalf("WriteJSON: %v", err)
	}
	var text bytes.Buffer
	if err := rep.WriteText(&text); err != nil {
		t.Fatalf("WriteText: %v", err)
	}
	var back PhishingReport
	var js bytes.Buffer
	_ = rep.WriteJSON(&js)
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatalf("the JSON report does not read back: %v", err)
	}
	for _, rc := range []*RateChange{rep.Trend.Clicked, rep.Trend.Submitted, rep.Trend.Reported} {
		if rc != nil && !(rc.PFell >= 0 && rc.PFell <= 1 && math.Abs(rc.PFell+rc.PRose-1) < 1e-5) {
			t.Fatalf("trend probabilities %v %v", rc.PFell, rc.PRose)
		}
	}
}

func checkPhishingRates(t *testing.T, what string, r PhishingRates) {
	t.Helper()
	if r.Sent+r.Failed+r.Pending != r.Recipients || r.Submitted > r.Clicked || r.Clicked > r.Opened || r.Opened > r.Sent ||
		r.Reported > r.Sent || r.Submitted < 0 || r.Reported < 0 {
		t.Fatalf("%s: inconsistent counts %+v", what, r)
	}
	if (r.Sent == 0) != (r.Intervals == nil) || (r.Sent == 0) != (r.SubmitRate == nil) {
		t.Fatalf("%s: rates and intervals must exist exactly when something was delivered: %+v", what, r)
	}
	if r.Intervals == nil {
		return
	}
	for _, iv := range [][2]float64{r.Intervals.Open, r.Intervals.Click, r.Intervals.Submit, r.Intervals.Report} {
		if !(0 <= iv[0] && iv[0] <= iv[1] && iv[1] <= 1) {
			t.Fatalf("%s: interval %v", what, iv)
		}
	}
}
