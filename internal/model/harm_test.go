package model

import (
	"fmt"
	"strings"
	"testing"
)

// TestHarmBounds: more dimensions or windows than the bounds are refused
// with a problem that says so, where they are declared.
func TestHarmBounds(t *testing.T) {
	var harms, windows strings.Builder
	for i := range MaxHarms + 1 {
		fmt.Fprintf(&harms, "  - {id: h%d, name: H, unit: u}\n", i)
	}
	for i := range MaxWindows + 1 {
		fmt.Fprintf(&windows, "    - {id: w%d, name: W, start_day: %d, days: 1}\n", i, i)
	}
	src := head + "actors: [{id: apt28, name: APT28}]\nharms:\n" + harms.String() +
		"calendar:\n  season_days: 100\n  windows:\n" + windows.String() + `scenarios:
  - {id: leak, name: Leak, actor: apt28, assets: [mail], effect: confidentiality, frequency: 1, vulnerability: 0.3, magnitude: 1000}
`
	ve := decodeError(t, "bounds.yaml", []byte(src))
	checkProblems(t, ve.Problems)
	got := ve.Error()
	for _, want := range []string{
		fmt.Sprintf("harms: a model declares at most %d harm dimensions, got %d", MaxHarms, MaxHarms+1),
		fmt.Sprintf("calendar.windows: a calendar has at most %d windows, got %d", MaxWindows, MaxWindows+1),
	} {
		if !strings.Contains(got, want) {
			t.Errorf("problems lack %q:\n%s", want, got)
		}
	}
}

// TestTimingWithoutCalendar: timing needs a calendar, with windows.
func TestTimingWithoutCalendar(t *testing.T) {
	for _, tt := range []struct{ calendar, want string }{
		{"", `scenarios[0].timing.w: unknown window "w": the model has no calendar`},
		{"calendar: {cycle_years: 5}\n", "scenarios[0].timing: timing needs windows: declare them under calendar.windows"},
	} {
		src := head + "actors: [{id: apt28, name: APT28}]\n" + tt.calendar + `scenarios:
  - {id: leak, name: Leak, actor: apt28, assets: [mail], effect: confidentiality, frequency: 1, vulnerability: 0.3, magnitude: 1000,
     timing: {w: {magnitude: 2}}}
`
		ve := decodeError(t, "timing.yaml", []byte(src))
		checkProblems(t, ve.Problems)
		if !strings.Contains(ve.Error(), tt.want) {
			t.Errorf("calendar %q: problems lack %q:\n%s", tt.calendar, tt.want, ve.Error())
		}
	}
}
