package model

import (
	"os"
	"strings"
	"testing"
)

// TestDecodeRetained: a pair's retained: (the only boolean of a model)
// decodes, and a non-boolean is a problem at its line, not a panic.
func TestDecodeRetained(t *testing.T) {
	src, err := os.ReadFile("../../cmd/scrutin/testdata/ebios-hand.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		value string
		want  *bool
		err   string
	}{{"false", new(false), ""}, {"true", new(true), ""}, {"maybe", nil, "expected true or false"}} {
		s := strings.Replace(string(src), "activity: 2}]", "activity: 2, retained: "+c.value+"}]", 1)
		m, err := Decode("hand.yaml", []byte(s))
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: got %v, want %q", c.value, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", c.value, err)
		}
		if r := m.Ebios.Sources[0].Retained; r == nil || *r != *c.want {
			t.Errorf("%s: retained %v", c.value, r)
		}
	}
}
