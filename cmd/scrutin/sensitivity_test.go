package main

import (
	"encoding/json"
	"math"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestSensitivityTextGolden(t *testing.T) {
	code, out, errs := scrutin(t, "", "sensitivity", minimal, "--trials", "20000", "--seed", "1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	golden(t, "sensitivity-minimal.txt", out)
	code, out, errs = scrutin(t, "", "sensitivity", minimal, "--trials", "20000", "--seed", "1",
		"--with", "security-keys", "--measure", "p95")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	golden(t, "sensitivity-minimal-p95-keys.txt", out)
}

// TestSensitivityJSONGolden compares the JSON with its numbers rounded to
// six significant digits, which keeps the file stable across platforms
// whose floating point differs in the last bits (fused multiply-add).
func TestSensitivityJSONGolden(t *testing.T) {
	code, out, errs := scrutin(t, "", "sensitivity", minimal, "--trials", "20000", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if err := json.Unmarshal([]byte(out), new(any)); err != nil {
		t.Fatal(err)
	}
	number := regexp.MustCompile(`(": )(-?[0-9][0-9.eE+-]*)`)
	rounded := number.ReplaceAllStringFunc(out, func(s string) string {
		m := number.FindStringSubmatch(s)
		x, err := strconv.ParseFloat(m[2], 64)
		if err != nil {
			t.Fatalf("number %q: %v", m[2], err)
		}
		return m[1] + strconv.FormatFloat(x, 'g', 6, 64)
	})
	golden(t, "sensitivity-minimal.json", rounded)
}

// TestSensitivityJSONShape checks the documented keys, and that --top
// leaves the JSON whole.
func TestSensitivityJSONShape(t *testing.T) {
	code, out, errs := scrutin(t, "", "sensitivity", "--trials", "2000", "--format", "json", "--top", "3", "--measure", "p90")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var d map[string]any
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	keys := func(v any) []string {
		var ks []string
		for k := range v.(map[string]any) {
			ks = append(ks, k)
		}
		slices.Sort(ks)
		return ks
	}
	// The built-in example has harm dimensions: "harms" is added.
	want := []string{"base", "controls", "currency", "harms", "inputs", "measure", "model", "seed", "trials", "variance"}
	if got := keys(d); !slices.Equal(got, want) {
		t.Errorf("keys %v, want %v", got, want)
	}
	if d["measure"] != "p90" || d["trials"].(float64) != 2000 || d["currency"] != "EUR" {
		t.Errorf("header %v %v %v", d["measure"], d["trials"], d["currency"])
	}
	inputs := d["inputs"].([]any)
	if len(inputs) < 40 {
		t.Fatalf("%d inputs for the built-in example: --top must not cut the JSON", len(inputs))
	}
	owners := map[string]int{}
	prev := math.Inf(1)
	for _, in := range inputs {
		ks := keys(in)
		in := in.(map[string]any)
		owner := "scenario"
		if _, ok := in["actor"]; ok {
			owner = "actor"
		}
		owners[owner]++
		want := []string{"high", "id", "low", "p10", "p90", "parameter", "swing", "variance_share", owner}
		slices.Sort(want)
		if !slices.Equal(ks, want) {
			t.Errorf("input keys %v, want %v", ks, want)
		}
		if id := in[owner].(string) + ": " + in["parameter"].(string); in["id"] != id {
			t.Errorf("id %q, want %q", in["id"], id)
		}
		swing := in["swing"].(float64)
		if swing > prev {
			t.Errorf("inputs not by decreasing swing at %v", in["id"])
		}
		prev = swing
		if s := in["variance_share"].(float64); s < 0 || s > 1 {
			t.Errorf("%v: variance share %g", in["id"], s)
		}
	}
	if owners["actor"] == 0 || owners["scenario"] == 0 {
		t.Errorf("owners %v", owners)
	}
}

func TestSensitivityText(t *testing.T) {
	code, out, errs := scrutin(t, "", "sensitivity", "--trials", "2000", "--top", "5")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"Controls in force: patch-management", "│ marks", "… and ", "(--top 0 shows all)",
		"Share of the variance of the loss per election", "The estimate that matters most is ", "chance"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
	tornado := strings.Count(out, "│") - 1 // the legend has one
	if tornado != 5 {
		t.Errorf("%d tornado rows, want 5:\n%s", tornado, out)
	}
	_, all, _ := scrutin(t, "", "sensitivity", "--trials", "2000", "--top", "0")
	if strings.Contains(all, "… and ") || strings.Count(all, "│")-1 < 40 {
		t.Errorf("--top 0 does not show all:\n%s", all)
	}
}

func TestSensitivityNoInputs(t *testing.T) {
	path := writeFile(t, "const.yaml", `scrutin: 1
name: constants
currency: EUR
organizations: [{id: o, name: O, kind: campaign}]
assets: [{id: x, org: o, name: X, kind: email}]
actors: [{id: a, name: A}]
scenarios:
  - {id: s, name: S, actor: a, assets: [x], effect: integrity, frequency: 1, vulnerability: 0.5, magnitude: 10}
`)
	code, out, errs := scrutin(t, "", "sensitivity", path, "--trials", "100")
	if code != 0 || !strings.Contains(out, "no uncertain input") {
		t.Errorf("exit %d: %s %s", code, out, errs)
	}
	_, out, _ = scrutin(t, "", "sensitivity", path, "--trials", "100", "--format", "json")
	if !strings.Contains(out, `"inputs": []`) {
		t.Errorf("json: %s", out)
	}
}

func TestSensitivityOutFile(t *testing.T) {
	out := filepath.Join(t.TempDir(), "s.json")
	code, stdout, errs := scrutin(t, "", "sensitivity", minimal, "--trials", "1000", "--format", "json", "--out", out)
	if code != 0 || stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, errs)
	}
	var d map[string]any
	if err := json.Unmarshal([]byte(mustRead(t, out)), &d); err != nil {
		t.Fatal(err)
	}
}

func TestSensitivityStdin(t *testing.T) {
	code, out, errs := scrutin(t, mustRead(t, minimal), "sensitivity", "-", "--trials", "1000")
	if code != 0 || !strings.Contains(out, "hack-and-leak: frequency") {
		t.Errorf("exit %d %s %s", code, out, errs)
	}
}

func TestSensitivityExitCodes(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{minimal, "--measure", "median"}, "--measure must be mean, p90, p95 or p99"},
		{[]string{minimal, "--format", "csv"}, "--format must be text or json"},
		{[]string{minimal, "--top", "-1"}, "--top: -1 is not a valid number of inputs"},
		{[]string{minimal, "--levels", "1"}, "--levels: 1 is not a valid number of levels"},
		{[]string{minimal, "--trials", "0"}, "--trials: 0 is not a valid number of trials"},
		{[]string{minimal, "--workers", "-2"}, "--workers: -2 is not a valid number of workers"},
		{[]string{minimal, "--with", "nope"}, `unknown control "nope"`},
		{[]string{minimal, "--evidence", "/nonexistent.jsonl"}, "cannot read evidence"},
		{[]string{minimal, "--bogus"}, "unknown flag"},
		{[]string{"/nonexistent.yaml"}, "cannot read model"},
		{[]string{minimal, minimal}, "takes at most 1 argument"},
	} {
		code, _, errs := scrutin(t, "", append([]string{"sensitivity"}, c.args...)...)
		if code != exitInvalid || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, stderr %q, want 2 and %q", c.args, code, errs, c.want)
		}
	}
	// The real process: exit status and a clean message.
	code, _, errs := exe(t, "sensitivity", minimal, "--measure", "p50")
	if code != exitInvalid || strings.Contains(errs, "goroutine") {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
	code, out, _ := exe(t, "--help")
	if code != 0 || !strings.Contains(out, "sensitivity") {
		t.Errorf("help does not list sensitivity: %s", out)
	}
}
