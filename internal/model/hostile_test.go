package model

import (
	"fmt"
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
