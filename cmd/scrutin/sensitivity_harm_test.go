package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestSensitivityHarmTextGolden(t *testing.T) {
	code, out, errs := scrutin(t, "", "sensitivity", harmsSmall, "--trials", "20000", "--seed", "1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	golden(t, "sensitivity-harms-small.txt", out)
	code, out, errs = scrutin(t, "", "sensitivity", harmsSmall, "--trials", "20000", "--seed", "1",
		"--harm", "voters-affected", "--with", "cdn")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	golden(t, "sensitivity-harms-small-voters.txt", out)
}

// TestSensitivityHarmJSON checks the JSON of --harm: the shape of the
// money analysis with harm and unit added, and only the inputs that can
// change the harm (hack-and-leak draws no voters-affected; magnitudes
// change no harm).
func TestSensitivityHarmJSON(t *testing.T) {
	code, out, errs := scrutin(t, "", "sensitivity", harmsSmall, "--trials", "5000", "--format", "json",
		"--harm", "voters-affected", "--measure", "p90")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var d struct {
		Harm, Unit, Measure string
		Harms               []any
		Inputs              []struct{ ID string }
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	if d.Harm != "voters-affected" || d.Unit != "voters" || d.Measure != "p90" || d.Harms != nil {
		t.Errorf("harm %q unit %q measure %q harms %v", d.Harm, d.Unit, d.Measure, d.Harms)
	}
	if len(d.Inputs) != 1 || d.Inputs[0].ID != "results-ddos: harm.voters-affected" {
		t.Errorf("inputs %v, want results-ddos: harm.voters-affected only", d.Inputs)
	}
	// Without --harm: every dimension, with all its inputs.
	code, out, errs = scrutin(t, "", "sensitivity", harmsSmall, "--trials", "5000", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var all struct {
		Harm  *string
		Harms []struct {
			ID, Name, Unit, Measure string
			Base, Variance          float64
			Inputs                  []struct{ ID string }
		}
	}
	if err := json.Unmarshal([]byte(out), &all); err != nil {
		t.Fatal(err)
	}
	if all.Harm != nil || len(all.Harms) != 2 || all.Harms[0].ID != "votes-altered" || all.Harms[1].Unit != "voters" ||
		all.Harms[0].Measure != "mean" || !(all.Harms[1].Base > 0) || !(all.Harms[1].Variance > 0) ||
		len(all.Harms[0].Inputs) != 1 || all.Harms[0].Inputs[0].ID != "hack-and-leak: harm.votes-altered" {
		t.Errorf("harms %+v", all.Harms)
	}
}

func TestSensitivityHarmExample(t *testing.T) {
	code, out, errs := scrutin(t, "", "sensitivity", "--trials", "2000", "--harm", "votes-altered", "--top", "4")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"harm: votes altered in the count (votes)", "per election (votes)",
		"result-tampering: harm.votes-altered", " votes ", "/election", "The estimate that matters most is "} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
	if strings.Contains(out, "EUR") || strings.Contains(out, ": magnitude") {
		t.Errorf("money in the analysis of a harm:\n%s", out)
	}
	code, out, errs = scrutin(t, "", "sensitivity", "--trials", "2000")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"Harm beyond money (per election)", "Votes altered in the count (votes): mean ",
		"Public trust lost (points of trust): mean ", "(--harm confidence shows all)"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
}

func TestSensitivityHarmExitCodes(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{harmsSmall, "--harm", "votes-alterd"}, `--harm: unknown harm dimension "votes-alterd" (did you mean "votes-altered"?); the model's dimensions: votes-altered, voters-affected`},
		{[]string{harmsSmall, "--harm", "money"}, `unknown harm dimension "money"; the model's dimensions: votes-altered, voters-affected`},
		{[]string{minimal, "--harm", "votes-altered"}, `--harm: harm dimension "votes-altered": the model declares no harm dimensions (harms:)`},
	} {
		code, out, errs := scrutin(t, "", append([]string{"sensitivity"}, c.args...)...)
		if code != exitInvalid || !strings.Contains(errs, c.want) || out != "" {
			t.Errorf("%v: exit %d, stderr %q, want 2 and %q", c.args, code, errs, c.want)
		}
	}
	code, _, errs := exe(t, "sensitivity", harmsSmall, "--harm", "nope")
	if code != exitInvalid || strings.Contains(errs, "goroutine") {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
}
