package model

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
)

// laughs returns levels of anchors, each a collection of nine aliases to
// the one before: the last one stands for 9^levels copies of the first.
func laughs(levels int, first string, each func(prev string) string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "x-l0: &l0 %s\n", first)
	for i := 1; i <= levels; i++ {
		fmt.Fprintf(&b, "x-l%d: &l%d %s\n", i, i, each(fmt.Sprintf("*l%d", i-1)))
	}
	return b.String()
}

func nine(s string) string { return strings.TrimSuffix(strings.Repeat(s+", ", 9), ", ") }

// TestDecodeHostile feeds documents built to exhaust time or memory: each
// must be refused quickly, with a problem that says why.
func TestDecodeHostile(t *testing.T) {
	const top = "scrutin: 1\nname: Hostile\ncurrency: EUR\n"
	const world = `organizations: [{id: o, name: O, kind: party}]
assets: [{id: a, org: o, name: A, kind: email}]
actors: [{id: x, name: X}]
`
	n := 2000
	tests := []struct {
		name string
		src  string
		want string // in the problems
	}{
		{
			// The classic: lists of lists, 9^10 strings in all.
			name: "billion laughs",
			src: top + world + laughs(10, "[lol, lol, lol, lol, lol, lol, lol, lol, lol]",
				func(p string) string { return "[" + nine(p) + "]" }) +
				"scenarios: [{id: s, name: S, actor: x, assets: *l10, effect: integrity, frequency: 1, vulnerability: 0.5, magnitude: 1}]\n",
			want: `scenarios[0].assets[0]: expected text, got a list`,
		},
		{
			// Mappings that merge the one before nine times: every level is
			// well typed, so only the bound on expansion stops it.
			name: "merge bomb",
			src: top + world + laughs(12, "{actor: x, assets: [a], effect: integrity}",
				func(p string) string { return "{<<: [" + nine(p) + "]}" }) +
				"scenarios: [{<<: *l12, id: s, name: S, frequency: 1, vulnerability: 0.5, magnitude: 1}]\n",
			want: "aliases and merges expand the model to more than",
		},
		{
			// n scenarios, each an alias to one whose assets are an alias
			// to a list of n: n² values from a document of size n.
			name: "quadratic aliases",
			src: top + world +
				"x-assets: &assets [" + strings.TrimSuffix(strings.Repeat("a, ", n), ", ") + "]\n" +
				"x-s: &s {id: s, name: S, actor: x, assets: *assets, effect: integrity, frequency: 1, vulnerability: 0.5, magnitude: 1}\n" +
				"scenarios: [" + strings.TrimSuffix(strings.Repeat("*s, ", n), ", ") + "]\n",
			want: "aliases and merges expand the model to more than",
		},
		{
			name: "merge of itself",
			src:  top + world + "x-s: &s {<<: *s, id: s}\nscenarios: [*s]\n",
			want: "alias *s is inside the node it refers to",
		},
		{
			name: "alias in its own anchor",
			src:  top + world + "x-s: &s [1, [2, *s]]\ntolerance: *s\n",
			want: "tolerance[0]: expected a mapping",
		},
		{
			name: "deep flow nesting",
			src:  top + "x-deep: " + strings.Repeat("[", 200_000) + strings.Repeat("]", 200_000) + "\n",
			want: "nested too deeply",
		},
		{
			name: "deep flow mappings",
			src:  top + "x-deep: " + strings.Repeat("{a: ", 100_000) + "1" + strings.Repeat("}", 100_000) + "\n",
			want: "nested too deeply",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			ve := decodeError(t, "hostile.yaml", []byte(tt.src))
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			checkProblems(t, ve.Problems)
			if !strings.Contains(ve.Error(), tt.want) {
				t.Errorf("problems do not say %q:\n%.2000s", tt.want, ve)
			}
			if len(ve.Problems) > 100 {
				t.Errorf("%d problems: the same one repeated for every expansion?\n%.2000s", len(ve.Problems), ve)
			}
			if elapsed > 3*time.Second {
				t.Errorf("took %v", elapsed)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 256<<20 {
				t.Errorf("allocated %d MB", alloc>>20)
			}
		})
	}
}

// TestDecodeSharing checks that the bound on alias expansion leaves room for
// ordinary sharing: a large model whose scenarios all merge one block of
// defaults and alias the same distributions.
func TestDecodeSharing(t *testing.T) {
	var b strings.Builder
	b.WriteString(`scrutin: 1
name: Many scenarios
currency: EUR
organizations: [{id: o, name: O, kind: party}]
assets: [{id: a, org: o, name: A, kind: email}, {id: b, org: o, name: B, kind: website}]
actors: [{id: x, name: X}]
x-defaults: &defaults
  actor: x
  assets: [a, b]
  effect: integrity
  frequency: &f {pert: [0.5, 2, 10], lambda: 3}
  vulnerability: &v {beta: [2, 8]}
  magnitude: &m {lognormal90: [1000, 100000]}
  secondary: {probability: *v, magnitude: *m}
scenarios:
`)
	const n = 3000
	for i := range n {
		fmt.Fprintf(&b, "  - {<<: *defaults, id: s%d, name: Scenario %d}\n", i, i)
	}
	m, err := Decode("many.yaml", []byte(b.String()))
	if err != nil {
		t.Fatalf("%.1000v", err)
	}
	if len(m.Scenarios) != n || m.Scenarios[n-1].Secondary == nil || m.Scenarios[n-1].Frequency.Lambda != 3 {
		t.Errorf("got %d scenarios, the last %+v", len(m.Scenarios), m.Scenarios[n-1])
	}
}

// decodeWithin decodes src in a goroutine and returns its model, its
// error and the bytes it allocated; it fails the test if the decoding has
// not ended within limit, a safety net far above the time it takes (the
// memory is what the tests check: it does not depend on the machine's
// load).
func decodeWithin(t *testing.T, limit time.Duration, src []byte) (*Model, error, uint64) {
	t.Helper()
	type result struct {
		m     *Model
		err   error
		alloc uint64
	}
	done := make(chan result, 1)
	go func() {
		m, err, alloc := decodeMeasured(src)
		done <- result{m, err, alloc}
	}()
	select {
	case r := <-done:
		return r.m, r.err, r.alloc
	case <-time.After(limit):
		t.Fatalf("the decoding of %d bytes has not ended after %v", len(src), limit)
		return nil, nil, 0
	}
}

// decodeMeasured decodes src and returns the bytes it allocated.
func decodeMeasured(src []byte) (*Model, error, uint64) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	m, err := Decode("hostile.yaml", src)
	runtime.ReadMemStats(&after)
	return m, err, after.TotalAlloc - before.TotalAlloc
}

// TestDecodeHostileShapes feeds each hostile shape, 4 MiB of it, to
// Decode: each must be refused by the scan of the bytes, before the YAML
// parser reads them (so it allocates next to nothing), with one problem
// that names the bound and where it is exceeded.
func TestDecodeHostileShapes(t *testing.T) {
	for _, s := range hostileShapes {
		t.Run(s.name, func(t *testing.T) {
			src := hostileModel(s, MaxSize)
			m, err, alloc := decodeWithin(t, time.Minute, src)
			if err == nil {
				t.Fatalf("accepted, with %d scenarios", len(m.Scenarios))
			}
			var ve *ValidationError
			if !errors.As(err, &ve) || len(ve.Problems) != 1 {
				t.Fatalf("want one problem, got %T: %.500v", err, err)
			}
			p := ve.Problems[0]
			if !strings.Contains(p.Message, s.want) || p.File != "hostile.yaml" || p.Line < 1 || p.Column < 1 {
				t.Errorf("problem %q, want file:line:column: …%s…", p, s.want)
			}
			// The parser allocates about 100 bytes a byte of source: a
			// refusal that costs less than a few KiB of it came first.
			if alloc > 1<<20 {
				t.Errorf("allocated %d KiB before refusing it: the parser ran", alloc>>10)
			}
		})
	}
}

// TestDecodeBoundShapes decodes each of the documents that are as costly
// as the bounds allow: each must decode, with allocations in proportion
// to its tokens and bytes (the parser allocates 500 to 800 bytes a token;
// the work that the bounds rule out is quadratic, gigabytes for these
// sizes).
func TestDecodeBoundShapes(t *testing.T) {
	if testing.Short() {
		t.Skip("decodes 30 MB of YAML")
	}
	for _, s := range boundShapes {
		t.Run(s.name, func(t *testing.T) {
			src := hostileModel(s, MaxSize)
			sc, p := scan(src)
			if p != nil {
				t.Fatalf("refused: %s", p.t)
			}
			_, err, alloc := decodeWithin(t, 2*time.Minute, src)
			if err != nil {
				t.Fatalf("%.1000v", err)
			}
			if bound := uint64(1024*sc.tokens + 64*len(src)); alloc > bound {
				t.Errorf("allocated %d MB for %d bytes, %d tokens: more than 1 KiB a token and 64 bytes a byte", alloc>>20, len(src), sc.tokens)
			}
		})
	}
}

// TestDecodeInParts checks that reading the large models in parts gives
// the model that reading them whole does.
func TestDecodeInParts(t *testing.T) {
	for name, src := range map[string][]byte{"large": largeModel(1_000_000), "dense": denseModel(1_000_000)} {
		t.Run(name, func(t *testing.T) {
			sc, p := scan(src)
			if p != nil {
				t.Fatal(p.t)
			}
			if len(sc.parts) < 10 {
				t.Fatalf("read in %d parts", len(sc.parts))
			}
			inParts, err := decodeScanned(src, sc)
			if err != nil {
				t.Fatalf("%.1000v", err)
			}
			whole, err := decodeScanned(src, wholly(src, sc))
			if err != nil {
				t.Fatalf("%.1000v", err)
			}
			if !reflect.DeepEqual(inParts, whole) {
				t.Error("the model read in parts differs from the model read whole")
			}
		})
	}
}

// decodeScanned is DecodeContext once src is scanned.
func decodeScanned(src []byte, sc scanned) (*Model, error) {
	m, err := decodeParts(context.Background(), "parts.yaml", src, sc, false, noAttack, &unitsLoader{})
	if err == errLocate {
		m, err = decodeParts(context.Background(), "parts.yaml", src, sc, true, noAttack, &unitsLoader{})
	}
	return m, err
}

// wholly is sc with the source read whole.
func wholly(src []byte, sc scanned) scanned {
	sc.parts = []part{{start: 0, end: len(src), line: 1}}
	return sc
}

// noAttack checks no ATT&CK id.
func noAttack(*Model) (*AttackIDs, error) { return nil, nil }
