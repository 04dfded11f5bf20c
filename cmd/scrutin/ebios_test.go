package main

import (
	"encoding/json"
	"strings"
	"testing"
)

const ebiosHand = "testdata/ebios-hand.yaml"

// TestEbiosText: the deliverables of the five workshops, in English and
// in French (the method's vocabulary), with a treatment planned within a
// budget; golden files.
func TestEbiosText(t *testing.T) {
	for _, c := range []struct {
		lang, golden string
		want         []string
	}{
		{"en", "ebios-hand.en.txt", []string{"Workshop 1 — Scope and security baseline", "Workshop 2 — Risk origins and target objectives",
			"Workshop 3 — Ecosystem and strategic scenarios", "Workshop 4 — Operational scenarios", "Workshop 5 — Risk treatment",
			"Measures added: fix", "G4 (judged; measured G3)", "danger", "V4 G3 high"}},
		{"fr", "ebios-hand.fr.txt", []string{"Atelier 1 — Cadrage et socle de sécurité", "Valeurs métier", "Événements redoutés",
			"Atelier 2 — Sources de risque et objectifs visés", "Parties prenantes", "Scénarios stratégiques",
			"Atelier 4 — Scénarios opérationnels", "Atelier 5 — Traitement du risque", "V4 G3 élevé", "contrôle"}},
	} {
		code, out, errs := scrutin(t, "", "ebios", ebiosHand, "--budget", "10", "--trials", "20000", "--seed", "1", "--lang", c.lang)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", c.lang, code, errs)
		}
		golden(t, c.golden, out)
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: no %q in:\n%s", c.lang, w, out)
			}
		}
	}
}

// TestEbiosJSON: the study's JSON has every workshop, and its figures
// are the run's: an operational scenario's P(any) is 1 − P(no loss) of
// `scrutin run` with the same trials and seed.
func TestEbiosJSON(t *testing.T) {
	code, out, errs := scrutin(t, "", "ebios", ebiosHand, "--trials", "20000", "--seed", "4", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var st map[string]any
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"scales", "values", "feared_events", "baseline", "sources", "stakeholders", "strategic", "operational"} {
		if _, ok := st[k]; !ok {
			t.Errorf("no %q in the JSON", k)
		}
	}
	_, runOut, _ := scrutin(t, "", "run", ebiosHand, "--trials", "20000", "--seed", "4", "--format", "json")
	var run struct {
		Scenarios []struct {
			ID      string  `json:"id"`
			PNoLoss float64 `json:"p_no_loss"`
		} `json:"scenarios"`
	}
	if err := json.Unmarshal([]byte(runOut), &run); err != nil {
		t.Fatal(err)
	}
	ops := st["operational"].([]any)
	for i, s := range run.Scenarios {
		o := ops[i].(map[string]any)
		if o["id"] != s.ID || o["p_any"].(float64)-(1-s.PNoLoss) > 1e-12 || (1-s.PNoLoss)-o["p_any"].(float64) > 1e-12 {
			t.Errorf("%s: P(any) %v, the run's 1 − P(no loss) %v", s.ID, o["p_any"], 1-s.PNoLoss)
		}
	}
}

func TestEbiosExitCodes(t *testing.T) {
	for _, c := range []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"not a study", []string{"ebios", minimal}, 2, "the model has no ebios: block"},
		{"bad format", []string{"ebios", ebiosHand, "--format", "xml"}, 2, "--format must be text, json, md, html or xlsx"},
		{"bad budget", []string{"ebios", ebiosHand, "--budget", "lots"}, 2, "--budget:"},
		{"bad objective", []string{"ebios", ebiosHand, "--budget", "10", "--objective", "harm:vots:p99"}, 2, `did you mean "votes"`},
		{"bad lang", []string{"ebios", ebiosHand, "--lang", "de"}, 2, "de"},
		{"missing model", []string{"ebios", "/nonexistent.yaml"}, 2, "cannot read model"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := scrutin(t, "", c.args...)
			if code != c.code || !strings.Contains(stderr, c.stderr) {
				t.Errorf("exit %d, want %d; stderr %q lacks %q", code, c.code, stderr, c.stderr)
			}
		})
	}
}

// TestEbiosDocuments: the Markdown and HTML deliverables, in English and
// French, golden files; the HTML carries the ecosystem map as SVG.
func TestEbiosDocuments(t *testing.T) {
	for _, lang := range []string{"en", "fr"} {
		for _, format := range []string{"md", "html"} {
			code, out, errs := scrutin(t, "", "ebios", ebiosHand, "--budget", "10", "--trials", "20000", "--seed", "1", "--lang", lang, "--format", format)
			if code != 0 {
				t.Fatalf("%s %s: exit %d: %s", lang, format, code, errs)
			}
			golden(t, "ebios-hand."+lang+"."+format, out)
			if format == "html" && (!strings.Contains(out, `<svg class="chart map"`) || !strings.Contains(out, `id="fig-ecosystem"`)) {
				t.Errorf("%s: no ecosystem map in the HTML", lang)
			}
			if strings.Contains(out, "ebios.") || strings.Contains(out, "%!") {
				t.Errorf("%s %s: a message key or a bad format in the output", lang, format)
			}
		}
	}
}

// TestEbiosBuiltIn: the built-in example's study, in English, and in
// French from the French example (its names in French too), with the
// treatment of a plan.
func TestEbiosBuiltIn(t *testing.T) {
	for _, c := range []struct {
		lang string
		want []string
	}{
		{"en", []string{"EBIOS RM study of the presidential election", "Workshop 5 — Risk treatment", "Measures added: ", "software-vendor"}},
		{"fr", []string{"Étude EBIOS RM de l'élection présidentielle", "Atelier 5 — Traitement du risque", "Mesures ajoutées\u00a0: ", "Valeurs métier", "Sincérité"}},
	} {
		code, out, errs := scrutin(t, "", "ebios", "--trials", "5000", "--budget", "500000", "--lang", c.lang)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", c.lang, code, errs)
		}
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: no %q in:\n%s", c.lang, w, out[:min(len(out), 3000)])
			}
		}
	}
}

// TestEbiosInReport: the report of a model that carries a study has its
// workshops, with the same figures as scrutin ebios (same periods, the
// report's plan as the treatment).
func TestEbiosInReport(t *testing.T) {
	args := []string{ebiosHand, "--budget", "10", "--trials", "20000", "--seed", "1", "--format", "md", "--lang", "en"}
	code, rep, errs := scrutin(t, "", append([]string{"report"}, args...)...)
	if code != 0 {
		t.Fatalf("report: exit %d: %s", code, errs)
	}
	_, study, _ := scrutin(t, "", append([]string{"ebios"}, args...)...)
	for _, w := range []string{"Workshop 1 — Scope and security baseline", "Workshop 4 — Operational scenarios", "Workshop 5 — Risk treatment"} {
		if !strings.Contains(rep, w) {
			t.Errorf("the report lacks %q", w)
		}
	}
	rows := 0
	for _, line := range strings.Split(study, "\n") {
		if strings.HasPrefix(line, "| often |") || strings.HasPrefix(line, "| rare |") || strings.HasPrefix(line, "| both |") {
			rows++
			if !strings.Contains(rep, line) {
				t.Errorf("the report lacks the study's row %q", line)
			}
		}
	}
	if rows < 3 {
		t.Errorf("found %d rows of the study to compare", rows)
	}
	_, plain, _ := scrutin(t, "", "report", minimal, "--trials", "2000", "--format", "md")
	if strings.Contains(plain, "Workshop") {
		t.Error("the report of a model without a study has workshops")
	}
}

// TestEbiosHarmObjective: the treatment's plan may minimise a harm
// (here the votes altered, which the one control cuts a hundredfold
// with the frequency of "often"): it is chosen and the study has it.
func TestEbiosHarmObjective(t *testing.T) {
	code, out, errs := scrutin(t, "", "ebios", ebiosHand, "--budget", "10", "--objective", "harm:votes:mean", "--trials", "20000", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, `"added": [`) || !strings.Contains(out, `"fix"`) {
		t.Errorf("the treatment does not add fix:\n%s", out[:min(2000, len(out))])
	}
}
