package web

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/danielgtaylor/huma/v2"
)

// TestRunViewJSON: a run written by appendJSON is byte for byte what
// encoding/json writes, whatever its result holds; a result that is not
// JSON fails as encoding/json fails.
func TestRunViewJSON(t *testing.T) {
	at := time.Date(2026, 5, 4, 3, 2, 1, 123456000, time.UTC)
	results := []string{
		`{"portfolio":{"mean":4494300.271325833,"quantiles":{"p90":9.2e6,"p99":1E+07}},"name":"<b>Phishing</b> & co"}`,
		"{\n  \"a\": [1, 2.50, -0, 1e-7, 12345678901234567890],\n  \"b\": \"tab\\there \\u00e9 \\\" \\\\ \u2028 \u00e9\",\n  \"c\": {}, \"d\": [], \"e\": null, \"f\": true\n}\n",
		`  {"dup":1,"dup":2}  `,
		"{\"bad utf-8\":\"\xff\xfe\"}",
		`null`,
		`[{"x":{"y":{"z":[[[]]]}}}]`,
	}
	views := []runView{
		{ID: 1, Org: "demo", ModelID: 2, Revision: 3, Trials: 100000, Seed: 1, Controls: []string{}, Evidence: []int64{},
			Status: "succeeded", Progress: 1, CreatedBy: 1, CreatedAt: at, StartedAt: &at, FinishedAt: &at},
		{ID: 9, Org: "o<&>", Controls: []string{`mfa","created_by":5`, "<x>"}, Evidence: []int64{4, 5},
			Status: "failed", Error: `quote " ,"created_by": \ <script>`, CreatedAt: at},
	}
	for _, v := range views {
		for _, r := range results {
			v.Result = json.RawMessage(r)
			var want bytes.Buffer
			if err := huma.DefaultJSONFormat.Marshal(&want, v); err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := marshalJSON(&got, v); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Errorf("result %q:\n got %s\nwant %s", r, got.Bytes(), want.Bytes())
			}
			if _, ok := v.appendJSON(nil); !ok {
				t.Errorf("result %q: not written by appendJSON", r)
			}
			// Written before and kept (runBodies): the same bytes.
			b, _ := v.appendJSON(nil)
			got.Reset()
			if err := marshalJSON(&got, runView{body: b}); err != nil || !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Errorf("result %q written before:\n got %s\nwant %s (%v)", r, got.Bytes(), want.Bytes(), err)
			}
		}
		for _, bad := range []string{`{`, `{"a":}`, `[1,]`, `1 2`} {
			v.Result = json.RawMessage(bad)
			var want, got bytes.Buffer
			errWant := huma.DefaultJSONFormat.Marshal(&want, v)
			errGot := marshalJSON(&got, v)
			if errWant == nil || errGot == nil || errGot.Error() != errWant.Error() {
				t.Errorf("result %q: error %v, encoding/json's %v", bad, errGot, errWant)
			}
		}
		v.Result = nil
		var want, got bytes.Buffer
		huma.DefaultJSONFormat.Marshal(&want, v)
		marshalJSON(&got, v)
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("no result:\n got %s\nwant %s", got.Bytes(), want.Bytes())
		}
	}
}

// TestRunBodies: a kept body is given for its run and organisation
// only, and the cache stays within its bounds.
func TestRunBodies(t *testing.T) {
	var c runBodies
	c.put("a", 1, []byte(`{"id":1}`))
	if got := c.get("a", 1); string(got) != `{"id":1}` {
		t.Fatalf("kept %q", got)
	}
	if got := c.get("b", 1); got != nil {
		t.Errorf("another organisation's run: %q", got)
	}
	if got := c.get("a", 2); got != nil {
		t.Errorf("another run: %q", got)
	}
	big := []byte(`"` + strings.Repeat("x", 200<<10) + `"`)
	for id := range int64(400) {
		c.put("a", 100+id, big)
	}
	if len(c.m) > maxKeptRuns || c.size > maxKeptRunBytes || len(c.order) != len(c.m) {
		t.Errorf("%d runs, %d bytes kept (order %d)", len(c.m), c.size, len(c.order))
	}
	if c.get("a", 499) == nil || c.get("a", 100) != nil {
		t.Error("not the newest kept")
	}
	c.put("a", 1000, []byte(`"`+strings.Repeat("y", maxKeptRunBytes/4)+`"`))
	if c.get("a", 1000) != nil {
		t.Error("a body over a quarter of the bound is kept")
	}
}

// BenchmarkRunViewJSON writes a run of the built-in example (about 24 kB
// of result) as the API does, and as encoding/json alone would.
func BenchmarkRunViewJSON(b *testing.B) {
	var res bytes.Buffer
	res.WriteString(`{"scenarios":[`)
	for i := range 200 {
		if i > 0 {
			res.WriteByte(',')
		}
		res.WriteString(`{"id":"scenario-with-a-name","mean":4494300.271325833,"p90":9202675.776489653,"p99":1.2e7,"name":"Phishing of staff"}`)
	}
	res.WriteString(`]}`)
	v := runView{ID: 1, Org: "demo", Status: "succeeded", Controls: []string{}, Evidence: []int64{}, Result: res.Bytes()}
	for _, c := range []struct {
		name string
		f    func(*bytes.Buffer) error
	}{
		{"api", func(w *bytes.Buffer) error { return marshalJSON(w, v) }},
		{"encoding-json", func(w *bytes.Buffer) error { return huma.DefaultJSONFormat.Marshal(w, v) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			var w bytes.Buffer
			b.SetBytes(int64(res.Len()))
			b.ReportAllocs()
			for b.Loop() {
				w.Reset()
				if err := c.f(&w); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
