package store

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/scrutin/scrutin/internal/model"
)

func TestRanges(t *testing.T) {
	var r Ranges
	r = r.Add(10, 20).Add(30, 40).Add(20, 25).Add(0, 5)
	if want := (Ranges{{0, 5}, {10, 25}, {30, 40}}); !reflect.DeepEqual(r, want) {
		t.Fatalf("add: %v", r)
	}
	for _, c := range []struct {
		s, e int64
		want Ranges
	}{{0, 5, nil}, {0, 50, Ranges{{5, 10}, {25, 30}, {40, 50}}}, {12, 28, Ranges{{25, 28}}}, {40, 45, Ranges{{40, 45}}}, {3, 12, Ranges{{5, 10}}}} {
		if got := r.Missing(c.s, c.e); !reflect.DeepEqual(got, c.want) {
			t.Errorf("missing [%d, %d): %v, want %v", c.s, c.e, got, c.want)
		}
	}
	if got := r.Add(5, 10).Add(25, 30); !reflect.DeepEqual(got, Ranges{{0, 40}}) {
		t.Errorf("filled: %v", got)
	}
}

// testEvidenceStreams: chunks counted once, whatever their order and
// however often they come.
func testEvidenceStreams(t *testing.T, open opener) {
	db := open(t, newClock().Now)
	f := newFixture(t, db)
	// The "summary" here is the list of ranges counted, to see what merge
	// was given.
	apply := func(src string, s, e int64) bool {
		t.Helper()
		ok, err := db.ApplyEvidenceChunk(ctx, f.a.ID, "zeek", src, s, e, func(old []byte, missing Ranges) ([]byte, error) {
			var got Ranges
			if old != nil {
				if err := jsonUnmarshal(old, &got); err != nil {
					return nil, err
				}
			}
			for _, m := range missing {
				got = got.Add(m[0], m[1])
			}
			return jsonMarshal(got), nil
		})
		must(t, err)
		return ok
	}
	if !apply("s1", 0, 100) || apply("s1", 0, 100) || apply("s1", 20, 50) || !apply("s1", 50, 150) || !apply("s2", 0, 10) {
		t.Fatal("a chunk counted twice, or a new one not counted")
	}
	st, err := db.EvidenceStreamOf(ctx, f.a.ID, "zeek")
	must(t, err)
	var got Ranges
	must(t, jsonUnmarshal(st.Summary, &got))
	if !reflect.DeepEqual(got, Ranges{{0, 150}}) || st.Chunks != 3 {
		t.Errorf("summary %v after %d chunks", got, st.Chunks)
	}
	list, err := db.EvidenceStreams(ctx, f.a.ID)
	must(t, err)
	if len(list) != 1 || list[0].Kind != "zeek" {
		t.Errorf("streams %+v", list)
	}
	if l, _ := db.EvidenceStreams(ctx, f.b.ID); len(l) != 0 {
		t.Errorf("party B sees %+v", l)
	}
	_, err = db.EvidenceStreamOf(ctx, f.b.ID, "zeek")
	wantCode(t, err, model.ENOTFOUND)
	_, err = db.ApplyEvidenceChunk(ctx, "no-such-org", "zeek", "s", 0, 1, func([]byte, Ranges) ([]byte, error) { return []byte(`{}`), nil })
	wantCode(t, err, model.ENOTFOUND)
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

func jsonMarshal(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}
