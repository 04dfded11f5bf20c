package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

const planSmall = "testdata/plan-small.yaml"

func TestPlanGolden(t *testing.T) {
	for _, tc := range []struct {
		golden string
		args   []string
	}{
		{"plan-minimal.txt", []string{"plan", minimal, "--budget", "10000", "--trials", "20000", "--seed", "1"}},
		{"plan-minimal.json", []string{"plan", minimal, "--budget", "10000", "--trials", "20000", "--seed", "1", "--format", "json"}},
		{"plan-small.txt", []string{"plan", planSmall, "--budget", "25k", "--trials", "20000", "--seed", "2"}},
		{"plan-small-p95.txt", []string{"plan", planSmall, "--budget", "25k", "--trials", "20000", "--seed", "2", "--objective", "p95", "--horizon", "24m"}},
		{"plan-small-p95.json", []string{"plan", planSmall, "--budget", "25k", "--trials", "20000", "--seed", "2", "--objective", "p95", "--horizon", "24m", "--format", "json"}},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			code, out, errs := scrutin(t, "", tc.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			golden(t, tc.golden, out)
		})
	}
}

// TestPlanJSONShape checks the keys and types the issue fixes, on the
// built-in example as the conformance check runs it.
func TestPlanJSONShape(t *testing.T) {
	code, out, errs := scrutin(t, "", "plan", "--budget", "100000", "--trials", "2000", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var d struct {
		Budget    *float64 `json:"budget"`
		Objective *string  `json:"objective"`
		Method    *string  `json:"method"`
		Selected  []string `json:"selected"`
		Cost      *float64 `json:"cost"`
		Residual  *struct {
			Mean, P90, P99 *float64
		} `json:"residual"`
		Reduction *float64 `json:"reduction"`
		Controls  []struct {
			ID        *string  `json:"id"`
			Cost      *float64 `json:"cost"`
			Reduction *float64 `json:"reduction"`
			ROSI      *float64 `json:"rosi"`
		} `json:"controls"`
		Frontier []struct {
			Cost      *float64 `json:"cost"`
			Objective *float64 `json:"objective"`
			Controls  []string `json:"controls"`
		} `json:"frontier"`
	}
	dec := json.NewDecoder(strings.NewReader(out))
	if err := dec.Decode(&d); err != nil {
		t.Fatal(err)
	}
	if d.Budget == nil || *d.Budget != 100000 || d.Objective == nil || *d.Objective != "mean" || d.Method == nil ||
		!strings.HasPrefix(*d.Method, "exact (branch and bound, ") || d.Selected == nil || d.Cost == nil || *d.Cost > 100000 ||
		d.Residual == nil || d.Residual.Mean == nil || d.Residual.P90 == nil || d.Residual.P99 == nil || d.Reduction == nil {
		t.Fatalf("plan:\n%.600s", out)
	}
	if len(d.Controls) != 11 || len(d.Frontier) < 2 {
		t.Fatalf("%d controls, %d frontier points", len(d.Controls), len(d.Frontier))
	}
	for _, c := range d.Controls {
		if c.ID == nil || c.Cost == nil || c.Reduction == nil || c.ROSI == nil {
			t.Errorf("control %+v", c)
		}
	}
	for _, f := range d.Frontier {
		if f.Cost == nil || f.Objective == nil || f.Controls == nil {
			t.Errorf("frontier point %+v", f)
		}
	}
	var raw map[string]any
	json.Unmarshal([]byte(out), &raw)
	for _, k := range []string{"budget", "objective", "method", "selected", "cost", "residual", "reduction", "controls", "frontier", "verdict", "horizon", "baseline"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("no %q", k)
		}
	}
	if v, _ := raw["verdict"].(string); !strings.Contains(v, "P(loss per election > 10,000,000 EUR)") {
		t.Errorf("verdict %q", v)
	}
}

// TestPlanFlags: the horizon and budget syntaxes, and the defaults taken
// from the model.
func TestPlanFlags(t *testing.T) {
	run := func(args ...string) map[string]any {
		t.Helper()
		code, out, errs := scrutin(t, "", append([]string{"plan", planSmall, "--trials", "3000", "--format", "json"}, args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errs)
		}
		var d map[string]any
		if err := json.Unmarshal([]byte(out), &d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	a, b, c := run("--budget", "25000", "--horizon", "3y"), run("--budget", "25k", "--horizon", "36m"), run("--budget", "25,000", "--horizon", "3")
	if !slices.Equal(fmtJSON(a), fmtJSON(b)) || !slices.Equal(fmtJSON(a), fmtJSON(c)) {
		t.Error("25000/3y, 25k/36m and 25,000/3 differ")
	}
	if a["horizon"].(float64) != 3 || a["budget"].(float64) != 25000 {
		t.Errorf("horizon %v budget %v", a["horizon"], a["budget"])
	}
	// The horizon changes annualised costs: mfa costs 3,000 + 9,000/h.
	for _, h := range []struct {
		flag string
		cost float64
	}{{"1y", 12000}, {"18m", 9000}, {"9", 4000}} {
		d := run("--budget", "25000", "--horizon", h.flag)
		for _, c := range d["controls"].([]any) {
			c := c.(map[string]any)
			if c["id"] == "mfa" && c["cost"].(float64) != h.cost {
				t.Errorf("--horizon %s: mfa costs %v, want %v", h.flag, c["cost"], h.cost)
			}
		}
	}
	// Workers never change the plan.
	if !slices.Equal(fmtJSON(run("--budget", "25000", "--workers", "1")), fmtJSON(run("--budget", "25000", "--workers", "3"))) {
		t.Error("--workers changes the plan")
	}
}

func fmtJSON(d map[string]any) []string {
	b, _ := json.Marshal(d)
	return []string{string(b)}
}

func TestPlanOutFile(t *testing.T) {
	out := filepath.Join(t.TempDir(), "plan.json")
	code, stdout, errs := scrutin(t, "", "plan", minimal, "--budget", "1e4", "--trials", "2000", "--format", "json", "--out", out)
	if code != 0 || stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr %s", code, stdout, errs)
	}
	var d map[string]any
	if err := json.Unmarshal([]byte(mustRead(t, out)), &d); err != nil {
		t.Fatal(err)
	}
	if sel := d["selected"].([]any); len(sel) != 1 || sel[0] != "security-keys" {
		t.Errorf("selected %v", sel)
	}
}

func TestPlanStdin(t *testing.T) {
	code, out, errs := scrutin(t, mustRead(t, minimal), "plan", "-", "--budget", "0", "--trials", "1000")
	if code != 0 || !strings.Contains(out, "Plan: nothing more (0 of 1 proposed control)") {
		t.Errorf("exit %d %s %s", code, out, errs)
	}
}

// TestPlanExitCodes runs the real binary: invalid flags and models exit 2
// with a clear message, never a stack trace.
func TestPlanExitCodes(t *testing.T) {
	cases := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"ok", []string{"plan", minimal, "--budget", "10000", "--trials", "500"}, 0, ""},
		{"no budget", []string{"plan", minimal}, 2, "--budget is required"},
		{"bad budget", []string{"plan", minimal, "--budget", "lots"}, 2, `--budget: expected an amount such as 100000, 100k or 1.5M, got "lots"`},
		{"negative budget", []string{"plan", minimal, "--budget", "-5"}, 2, "the budget cannot be negative"},
		{"bad objective", []string{"plan", minimal, "--budget", "1", "--objective", "median"}, 2, `--objective: unknown objective "median"`},
		{"harm objective without harms", []string{"plan", minimal, "--budget", "1", "--objective", "harm:votes-altered:p99"}, 2, `--objective: `},
		{"bad harm statistic", []string{"plan", minimal, "--budget", "1", "--objective", "harm:votes-altered:p50"}, 2, `--objective: `},
		{"bad horizon", []string{"plan", minimal, "--budget", "1", "--horizon", "0y"}, 2, `--horizon: horizon "0y": expected a positive number of years or months`},
		{"bad format", []string{"plan", minimal, "--budget", "1", "--format", "csv"}, 2, "--format must be text or json"},
		{"zero trials", []string{"plan", minimal, "--budget", "1", "--trials", "0"}, 2, "--trials: 0 is not a valid number of trials"},
		{"bad workers", []string{"plan", minimal, "--budget", "1", "--workers", "-1"}, 2, "--workers: -1 is not a valid number of workers"},
		{"unknown flag", []string{"plan", "--budget", "1", "--with", "x"}, 2, "unknown flag: --with"},
		{"missing model", []string{"plan", "/nonexistent.yaml", "--budget", "1"}, 2, "cannot read model /nonexistent.yaml"},
		{"missing evidence", []string{"plan", minimal, "--budget", "1", "--evidence", "/nonexistent.json"}, 2, "cannot read evidence /nonexistent.json"},
		{"too many trials", []string{"plan", minimal, "--budget", "1", "--trials", "1000000000"}, 2, "planning keeps every simulated year"},
		{"too many args", []string{"plan", "a", "b", "--budget", "1"}, 2, "takes at most 1 argument"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := exe(t, c.args...)
			if code != c.code {
				t.Errorf("exit %d, want %d; stderr: %s", code, c.code, stderr)
			}
			if !strings.Contains(stderr, c.stderr) {
				t.Errorf("stderr %q lacks %q", stderr, c.stderr)
			}
			if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic") {
				t.Errorf("stack trace on stderr: %s", stderr)
			}
		})
	}
}

func TestParseAmount(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
		ok   bool
	}{
		{"100000", 100000, true}, {"100k", 100000, true}, {"1.5M", 1.5e6, true}, {"100,000", 100000, true}, {"1_000", 1000, true},
		{"0", 0, true}, {"2g", 2e9, true}, {" 7K ", 7000, true}, {"1e4", 10000, true},
		{"", 0, false}, {"k", 0, false}, {"-1", 0, false}, {"NaN", 0, false}, {"Inf", 0, false}, {"1e308k", 0, false}, {"ten", 0, false},
	} {
		got, err := parseAmount(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("parseAmount(%q) = %v, %v", tc.in, got, err)
		}
	}
}

// TestPlanInterrupt: Ctrl-C stops a long plan cleanly: exit 1, a short
// message, no output file.
func TestPlanInterrupt(t *testing.T) {
	out := filepath.Join(t.TempDir(), "plan.json")
	cmd := exec.Command(os.Args[0], "plan", "--budget", "100000", "--trials", "5000000", "--format", "json", "--out", out)
	cmd.Env = append(os.Environ(), "SCRUTIN_TEST_MAIN=1")
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 1 {
		t.Fatalf("exit %v, want 1; stderr %s", err, errb.String())
	}
	if got := errb.String(); got != "scrutin: interrupted\n" {
		t.Errorf("stderr %q", got)
	}
	if entries, _ := os.ReadDir(filepath.Dir(out)); len(entries) != 0 {
		t.Errorf("files left behind: %v", entries)
	}
}

// TestPlanProgress: the bar follows a total that grows as the planner asks
// for more simulations.
func TestPlanProgress(t *testing.T) {
	var errb bytes.Buffer
	p := newProgress(&env{stderr: &errb, isTerminal: true}, "simulating")
	p.delay = 0
	f := growingProgress(p)
	f(10, 100)
	f(150, 400) // the total grew past what was done
	f(400, 400)
	p.finish()
	if !strings.Contains(errb.String(), "simulating") {
		t.Errorf("no progress bar: %q", errb.String())
	}
}
