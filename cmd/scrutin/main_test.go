package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestMain lets the test binary stand in for the scrutin binary, so that
// end-to-end tests run the real main (exit codes, signals, stderr).
func TestMain(m *testing.M) {
	if os.Getenv("SCRUTIN_TEST_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// scrutin runs the command in-process and returns its exit code and output.
func scrutin(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb}
	code = Main(context.Background(), args, e)
	return code, out.String(), errb.String()
}

// exe runs the test binary as the scrutin command in a child process.
func exe(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "SCRUTIN_TEST_MAIN=1")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), out.String(), errb.String()
	} else if err != nil {
		t.Fatal(err)
	}
	return 0, out.String(), errb.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
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

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

const minimal = "../../examples/minimal.yaml"

func TestRunTextGolden(t *testing.T) {
	code, out, errs := scrutin(t, "", "run", minimal, "--trials", "20000", "--seed", "1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	golden(t, "run-minimal.txt", out)
	code, out, _ = scrutin(t, "", "run", minimal, "--trials", "20000", "--seed", "1", "--with", "security-keys")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	golden(t, "run-minimal-with-keys.txt", out)
}

// TestRunJSONShape checks the exact key sets of DESIGN.md section 2.
func TestRunJSONShape(t *testing.T) {
	code, out, errs := scrutin(t, "", "run", minimal, "--trials", "5000", "--format", "json")
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
	check := func(what string, v any, want ...string) {
		t.Helper()
		slices.Sort(want)
		if got := keys(v); !slices.Equal(got, want) {
			t.Errorf("%s keys %v, want %v", what, got, want)
		}
	}
	check("result", d, "model", "trials", "seed", "currency", "portfolio", "scenarios")
	p := d["portfolio"]
	check("portfolio", p, "mean", "sd", "p_no_loss", "quantiles", "exceedance", "tolerance")
	check("quantiles", p.(map[string]any)["quantiles"], "p10", "p50", "p75", "p90", "p95", "p99", "p99.9")
	check("tolerance", p.(map[string]any)["tolerance"], "breached", "points")
	check("tolerance point", p.(map[string]any)["tolerance"].(map[string]any)["points"].([]any)[0], "loss", "probability", "limit")
	check("exceedance point", p.(map[string]any)["exceedance"].([]any)[0], "loss", "probability")
	s := d["scenarios"].([]any)[0]
	check("scenario", s, "id", "mean", "sd", "p_no_loss", "loss_events_per_year", "quantiles", "exceedance")
	if d["trials"].(float64) != 5000 || d["seed"].(float64) != 1 || d["currency"] != "EUR" {
		t.Errorf("header %v %v %v", d["trials"], d["seed"], d["currency"])
	}
}

func TestRunCSV(t *testing.T) {
	code, out, _ := scrutin(t, "", "run", minimal, "--trials", "5000", "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "scope,id,mean,") || !strings.HasPrefix(lines[1], "portfolio,,") ||
		!strings.HasPrefix(lines[2], "scenario,hack-and-leak,") {
		t.Errorf("csv:\n%s", out)
	}
}

func TestRunDefaultsFromModelAndFlags(t *testing.T) {
	path := writeFile(t, "m.yaml", strings.Replace(mustRead(t, minimal), "currency: EUR", "currency: EUR\ntrials: 3000\nseed: 9", 1))
	_, out, _ := scrutin(t, "", "run", path, "--format", "json")
	if !strings.Contains(out, `"trials": 3000`) || !strings.Contains(out, `"seed": 9`) {
		t.Errorf("model's trials and seed not used:\n%.200s", out)
	}
	_, out, _ = scrutin(t, "", "run", path, "--format", "json", "--trials", "4000", "--seed", "0")
	if !strings.Contains(out, `"trials": 4000`) || !strings.Contains(out, `"seed": 0`) {
		t.Errorf("flags do not override the model:\n%.200s", out)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestRunOutFile(t *testing.T) {
	out := filepath.Join(t.TempDir(), "r.json")
	code, stdout, _ := scrutin(t, "", "run", minimal, "--trials", "2000", "--format", "json", "--out", out)
	if code != 0 || stdout != "" {
		t.Fatalf("exit %d, stdout %q", code, stdout)
	}
	var d map[string]any
	if err := json.Unmarshal([]byte(mustRead(t, out)), &d); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(filepath.Dir(out))
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
	code, _, errs := scrutin(t, "", "run", minimal, "--trials", "10", "--out", "/nonexistent-dir/r.txt")
	if code != 2 || !strings.Contains(errs, "--out /nonexistent-dir/r.txt: the directory /nonexistent-dir does not exist") {
		t.Errorf("unwritable --out: exit %d, %q", code, errs)
	}
}

func TestRunStdin(t *testing.T) {
	code, out, errs := scrutin(t, mustRead(t, minimal), "run", "-", "--trials", "1000", "--format", "csv")
	if code != 0 || !strings.Contains(out, "hack-and-leak") {
		t.Errorf("exit %d %s %s", code, out, errs)
	}
}

func TestBuiltinExample(t *testing.T) {
	code, out, errs := scrutin(t, "", "run", "--trials", "2000")
	if code != 0 || !strings.Contains(out, "Loss exceedance curve") {
		t.Errorf("exit %d: %s %s", code, out, errs)
	}
}

// TestExitCodes runs the real binary: 0 on success, 2 on invalid input
// (model, flags, arguments), 1 otherwise; never a stack trace.
func TestExitCodes(t *testing.T) {
	bad := writeFile(t, "bad.yaml", "scrutin: 1\nname: x\nbogus: 1\n")
	cases := []struct {
		name   string
		args   []string
		code   int
		stderr string // must appear
	}{
		{"run ok", []string{"run", minimal, "--trials", "100"}, 0, ""},
		{"invalid model", []string{"run", bad}, 2, "bad.yaml:3:1: unknown field \"bogus\""},
		{"missing model", []string{"run", "/nonexistent.yaml"}, 2, "cannot read model /nonexistent.yaml: no such file or directory"},
		{"unknown flag", []string{"run", "--bogus"}, 2, "unknown flag: --bogus"},
		{"bad flag value", []string{"run", "--trials", "many"}, 2, `--trials: "many" is not a valid number of trials`},
		{"zero trials", []string{"run", "--trials", "0"}, 2, "--trials: 0 is not a valid number of trials: give a whole number of at least 1"},
		{"bad format", []string{"run", "--format", "xml"}, 2, "--format must be text, json or csv"},
		{"unknown control", []string{"run", minimal, "--with", "security-kyes"}, 2, `unknown control "security-kyes" (did you mean "security-keys"?)`},
		{"with and without", []string{"run", minimal, "--with", "security-keys", "--without", "security-keys"}, 2, "both switched on"},
		{"too many args", []string{"run", "a", "b"}, 2, "takes at most 1 argument"},
		{"unknown command", []string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{"validate ok", []string{"validate", minimal}, 0, ""},
		{"validate bad", []string{"validate", minimal, bad}, 2, "2 problems found"},
		{"validate nothing", []string{"validate"}, 2, "needs at least 1 argument"},
		{"schema", []string{"schema"}, 0, ""},
		{"version", []string{"version"}, 0, ""},
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

func TestValidateOutput(t *testing.T) {
	bad := writeFile(t, "bad.yaml", `scrutin: 1
name: x
currency: EUR
organizations: [{id: o, name: O, kind: campain}]
assets: [{id: a, org: o, name: A, kind: email}]
actors: [{id: x, name: X}]
scenarios:
  - {id: s, name: S, actor: y, assets: [a], effect: integrity, frequency: {pert: [3, 2, 1]}, vulnerability: 2, magnitude: 1}
`)
	code, out, errs := scrutin(t, "", "validate", minimal, bad)
	if code != 2 {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(out, "minimal.yaml: ok (1 scenario, 1 control, 1 actor)") {
		t.Errorf("stdout %q", out)
	}
	for _, want := range []string{
		"bad.yaml:4:40: organizations[0].kind: \"campain\" is not one of",
		"bad.yaml:8:29: scenarios[0].actor: unknown actor \"y\"",
		"bad.yaml:8:75: scenarios[0].frequency: pert needs min ≤ mode ≤ max, got [3, 2, 1]",
		"bad.yaml:8:109: scenarios[0].vulnerability: a probability must lie within [0, 1], got 2",
		"scrutin: 4 problems found",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
}

func TestSchema(t *testing.T) {
	code, out, _ := scrutin(t, "", "schema")
	var s map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &s) != nil || s["$schema"] == nil {
		t.Errorf("schema: exit %d, %.100s", code, out)
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := scrutin(t, "", "version")
	if code != 0 || !strings.HasPrefix(out, "scrutin ") {
		t.Errorf("version: %d %q", code, out)
	}
}

func TestProgressOnlyOnTerminalAfterDelay(t *testing.T) {
	var errb bytes.Buffer
	e := &env{stderr: &errb}
	p := newProgress(e, "simulating")
	p.delay = 0
	p.update(10, 100)
	p.finish()
	if errb.Len() != 0 {
		t.Errorf("progress written to a non-terminal: %q", errb.String())
	}
	e.isTerminal = true
	p = newProgress(e, "simulating")
	p.update(10, 100) // before the delay: nothing
	if errb.Len() != 0 {
		t.Errorf("progress shown before the delay: %q", errb.String())
	}
	p.delay = 0
	p.update(50, 100)
	p.finish()
	if !strings.Contains(errb.String(), "simulating") {
		t.Errorf("no progress bar: %q", errb.String())
	}
}

// TestInterrupt: Ctrl-C stops a long run cleanly: exit 1, a short message,
// no output file.
func TestInterrupt(t *testing.T) {
	out := filepath.Join(t.TempDir(), "r.json")
	cmd := exec.Command(os.Args[0], "run", "--trials", "1000000000", "--format", "json", "--out", out)
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

// TestCalibrationWorkflow: ingest logs and phishing results into evidence
// files, then run the calibration example with them.
func TestCalibrationWorkflow(t *testing.T) {
	dir := t.TempDir()
	ssh, phish := filepath.Join(dir, "ssh.json"), filepath.Join(dir, "phishing.json")
	if code, _, errs := scrutin(t, "", "ingest", "../../examples/evidence/auth.log", "--kind", "sshd", "--year", "2017", "--out", ssh); code != 0 {
		t.Fatalf("ingest: exit %d: %s", code, errs)
	}
	if code, _, errs := scrutin(t, "", "phishing", "../../examples/evidence/gophish-q1.csv", "../../examples/evidence/gophish-q2.csv", "--out", phish); code != 0 {
		t.Fatalf("phishing: exit %d: %s", code, errs)
	}
	code, out, errs := scrutin(t, "", "run", "../../examples/calibration.yaml", "--evidence", ssh+","+phish, "--trials", "20000", "--format", "json")
	if code != 0 {
		t.Fatalf("run: exit %d: %s", code, errs)
	}
	var res struct {
		Calibration []struct {
			Scenario, Parameter string
			Evidence            []struct {
				ID                                    string
				Events, Exposure, Successes, Attempts *float64
			}
			Prior, Posterior struct{ Mean float64 }
		}
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Calibration) != 3 {
		t.Fatalf("calibration %+v", res.Calibration)
	}
	f, v, p := res.Calibration[0], res.Calibration[1], res.Calibration[2]
	// auth.log: 43 failed guesses and one that got in, over 2.8 days.
	if f.Parameter != "frequency" || *f.Evidence[0].Events != 44 || *f.Evidence[0].Exposure < 0.0076 || *f.Evidence[0].Exposure > 0.0077 {
		t.Errorf("frequency evidence %+v", f.Evidence[0])
	}
	if v.Parameter != "vulnerability" || *v.Evidence[0].Successes != 1 || *v.Evidence[0].Attempts != 44 || !(v.Posterior.Mean > v.Prior.Mean) {
		t.Errorf("vulnerability %+v", v)
	}
	// gophish-q2: 2 of 40 submitted.
	if p.Scenario != "credential-phish" || *p.Evidence[0].Successes != 2 || *p.Evidence[0].Attempts != 40 || !(p.Posterior.Mean < p.Prior.Mean) {
		t.Errorf("phishing %+v", p)
	}
	// Without the files, the matched evidence cannot be counted.
	if code, _, errs := scrutin(t, "", "run", "../../examples/calibration.yaml"); code != 2 || !strings.Contains(errs, "no telemetry evidence file") {
		t.Errorf("without evidence files: exit %d, %s", code, errs)
	}
}
