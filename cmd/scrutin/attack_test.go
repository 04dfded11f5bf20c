package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/internal/attack"
)

// attackGolden are the golden files of the attack package, which the
// commands must reproduce.
const attackGolden = "../../internal/attack/testdata/catalog/"

const unit42 = "../../internal/attack/testdata/catalog/unit42-fighting-ursa-stix20.json.gz"

func TestAttackActors(t *testing.T) {
	data := t.TempDir()
	code, out, errs := scrutin(t, "", "attack", "actors", "--data", data)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"Catalogue: Enterprise ATT&CK and ATT&CK for ICS v18.1, DISARM v1.6 (embedded)", "G0007  APT28", "G0016  APT29", "G0034  Sandworm Team",
		"G0128  ZIRCONIUM", "G1044  APT42", "G1017  Volt Typhoon", "G0102  Wizard Spider", "G1000  ALLANITE"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = scrutin(t, "", "attack", "actors", "--data", data, "--format", "json")
	var list []struct {
		ID         string   `json:"id"`
		Aliases    []string `json:"aliases"`
		Other      []string `json:"other_names"`
		Techniques int      `json:"techniques"`
	}
	if err := json.Unmarshal([]byte(out), &list); code != 0 || err != nil || len(list) != 174 {
		t.Fatalf("exit %d, %v, %d actors: %.500s", code, err, len(list), out)
	}
	i := slices.IndexFunc(list, func(a struct {
		ID         string   `json:"id"`
		Aliases    []string `json:"aliases"`
		Other      []string `json:"other_names"`
		Techniques int      `json:"techniques"`
	}) bool {
		return a.ID == "G0007"
	})
	if i < 0 || list[i].Techniques != 99 || !slices.Contains(list[i].Aliases, "Fancy Bear") || !slices.Contains(list[i].Other, "Fighting Ursa") {
		t.Errorf("APT28: %d %+v", i, list[max(i, 0)])
	}
}

func TestAttackActor(t *testing.T) {
	data := t.TempDir()
	for _, q := range []string{"G0007", "fancy bear", "Sofacy", "STRONTIUM", "Pawn Storm", "apt28"} {
		code, out, errs := scrutin(t, "", "attack", "actor", q, "--data", data)
		if code != 0 || !strings.HasPrefix(out, "G0007 APT28\n") {
			t.Errorf("actor %q: exit %d: %s%s", q, code, errs, out)
		}
	}
	code, out, _ := scrutin(t, "", "attack", "actor", "G0007", "--data", data)
	for _, want := range []string{
		"APT28 is a threat group that has been attributed to Russia's General Staff Main Intelligence Directorate (GRU) 85th Main Special Service Center (GTsSS) military unit 26165.\n",
		"Techniques: 99 in 14 tactics (91 used by the group, 8 more by its campaigns, marked *)",
		"Reconnaissance (TA0043)\n  T1589.001  Gather Victim Identity Information: Credentials\n",
		"  T1584*     Compromise Infrastructure\n",
		"C0051  APT28 Nearest Neighbor Campaign  2022-02-01 to 2024-11-01  18 techniques",
		"other names (MISP):    SIG40, ATK5, Fighting Ursa",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("profile lacks %q:\n%s", want, out)
		}
	}
	if i, j := strings.Index(out, "Reconnaissance (TA0043)"), strings.Index(out, "Impact (TA0040)"); code != 0 || i < 0 || j < i {
		t.Error("tactics not in matrix order")
	}
	for _, tc := range []struct{ q, msg string }{
		{"fancy bare", `unknown actor "fancy bare"; did you mean G0007 APT28 (Fancy Bear)?`},
		{"Grizzly Steppe", "ambiguous"},
	} {
		code, _, errs := scrutin(t, "", "attack", "actor", tc.q, "--data", data)
		if code != exitInvalid || !strings.Contains(errs, tc.msg) {
			t.Errorf("actor %q: exit %d: %s", tc.q, code, errs)
		}
	}
	// Groups beyond the three Russian ones the binary once held, by id,
	// name and alias, without an import; Sandworm's ICS techniques say
	// their domain.
	for _, tc := range []struct{ q, head string }{
		{"APT31", "G0128 ZIRCONIUM\n"}, {"g0128", "G0128 ZIRCONIUM\n"}, {"Zirconium", "G0128 ZIRCONIUM\n"},
		{"APT42", "G1044 APT42\n"}, {"Volt Typhoon", "G1017 Volt Typhoon\n"}, {"BRONZE SILHOUETTE", "G1017 Volt Typhoon\n"},
		{"Wizard Spider", "G0102 Wizard Spider\n"}, {"FIN7", "G0046 FIN7\n"}, {"Lazarus Group", "G0032 Lazarus Group\n"},
		{"Sandworm", "G0034 Sandworm Team\n"},
	} {
		code, out, errs := scrutin(t, "", "attack", "actor", tc.q, "--data", data)
		if code != 0 || !strings.HasPrefix(out, tc.head) {
			t.Errorf("actor %q: exit %d: %s%.200s", tc.q, code, errs, out)
		}
		if tc.q == "Sandworm" && (!strings.Contains(out, "Domains: Enterprise 99, ICS 26\n") || !strings.Contains(out, "Inhibit Response Function (TA0107, ATT&CK for ICS)\n  T0803*  Block Command Message\n")) {
			t.Errorf("Sandworm's ICS techniques:\n%s", out)
		}
	}
	if code, _, errs := scrutin(t, "", "attack", "actor", "--data", data); code != exitInvalid || !strings.Contains(errs, "exactly one actor") {
		t.Errorf("no actor: exit %d: %s", code, errs)
	}
}

func TestAttackCoverage(t *testing.T) {
	data := t.TempDir()
	layer := filepath.Join(t.TempDir(), "apt28.json")
	code, out, errs := scrutin(t, "", "attack", "coverage", "--actor", "apt28", "--data", data)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	want, err := os.ReadFile(attackGolden + "coverage-election-apt28.golden.txt")
	if err != nil {
		t.Fatal(err)
	}
	if out != string(want) {
		t.Errorf("text differs from the attack package's golden file:\n%s", out)
	}
	code, out, errs = scrutin(t, "", "attack", "coverage", "../../examples/election.yaml", "--actor", "apt28", "--data", data, "--format", "json", "--navigator", layer)
	if code != 0 || errs != "" {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if want, _ := os.ReadFile(attackGolden + "coverage-election-apt28.golden.json"); out != string(want) {
		t.Errorf("JSON differs from the attack package's golden file:\n%s", out)
	}
	got, err := os.ReadFile(layer)
	if err != nil {
		t.Fatal(err)
	}
	if want, _ := os.ReadFile(attackGolden + "navigator-election-apt28.golden.json"); string(got) != string(want) {
		t.Error("the layer differs from the attack package's golden file")
	}

	// Fancy Bear is APT28, though not by the model's actor id; security
	// keys switched on cover more.
	code, out, _ = scrutin(t, "", "attack", "coverage", "--actor", "Fancy Bear", "--with", "security-keys", "--data", data, "--format", "json")
	var res struct {
		Actor struct {
			ID         string `json:"id"`
			ModelActor string `json:"model_actor"`
		} `json:"actor"`
		Techniques, Mitigated int
	}
	if err := json.Unmarshal([]byte(out), &res); code != 0 || err != nil {
		t.Fatalf("exit %d, %v", code, err)
	}
	if res.Actor.ID != "G0007" || res.Actor.ModelActor != "" || res.Techniques != 99 || res.Mitigated != 21 {
		t.Errorf("with security-keys: %+v", res)
	}

	// A model without ATT&CK mitigations: a note, not an error.
	code, out, errs = scrutin(t, "", "attack", "coverage", "../../examples/minimal.yaml", "--actor", "G0034", "--without", "security-keys", "--data", data, "--format", "json")
	if code != 0 || !strings.Contains(out, `"mitigated": 0`) {
		t.Errorf("minimal model: exit %d: %s", code, errs)
	}
}

func TestAttackCoverageErrors(t *testing.T) {
	data := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		msg  string
	}{
		{"no actor", []string{}, "--actor is required"},
		{"format", []string{"--actor", "apt28", "--format", "csv"}, "--format must be text or json"},
		{"model actor without attack", []string{"--actor", "insider"}, `the model's actor "insider"`},
		{"unknown actor", []string{"--actor", "Fancy Beer"}, "did you mean G0007 APT28 (Fancy Bear)?"},
		{"unknown control", []string{"--actor", "apt28", "--with", "bogus"}, `unknown control "bogus"`},
		{"bad model", []string{"nowhere.yaml", "--actor", "apt28"}, "cannot read model nowhere.yaml"},
		{"two models", []string{"a.yaml", "b.yaml", "--actor", "apt28"}, "at most 1 argument"},
		{"bad layer path", []string{"--actor", "apt28", "--navigator", "/nonexistent/dir/layer.json"}, "--navigator /nonexistent/dir/layer.json: the directory /nonexistent/dir does not exist"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"attack", "coverage", "--data", data}, tc.args...)
			code, _, errs := scrutin(t, "", args...)
			if code != exitInvalid || !strings.Contains(errs, tc.msg) {
				t.Errorf("exit %d: %s", code, errs)
			}
		})
	}
}

func TestAttackImport(t *testing.T) {
	data := t.TempDir()
	stored := filepath.Join(data, "attack", "catalog.json.gz")

	code, out, errs := scrutin(t, "", "attack", "import", unit42, "--data", data)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{
		"STIX 2.0 bundle, 686 objects: 1 actor, 4 campaigns, 34 techniques, 53 mitigations, 9 tactics",
		"It is layered on top of the catalogue in use (the embedded one).",
		"technique T1043 Commonly Used Port is revoked or deprecated in the catalogue in use; dropped",
		"technique T1094 Custom Command and Control Protocol is revoked by T1095 in the catalogue in use; merged into it",
		`actor "Fighting Ursa" (intrusion-set--75ac5bcc-3915-4815-b9a1-bf87277fc343, no ATT&CK id) joined G0007 APT28`,
		"Stored in " + stored + ": 174 actors, 58 campaigns",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("import output lacks %q:\n%s", want, out)
		}
	}
	// 119 techniques: APT28's 99 and the playbook's others, but for
	// T1043, which ATT&CK has deprecated, and T1094, which it has merged
	// into T1095 (the import's notes say so).
	code, out, _ = scrutin(t, "", "attack", "actor", "Fighting Ursa", "--data", data)
	if code != 0 || !strings.Contains(out, "Dear Joohn Campaign") || !strings.Contains(out, "Techniques: 119") {
		t.Errorf("APT28 after the import: exit %d:\n%s", code, out)
	}

	// A galaxy replaces the galaxy: with one that knows only APT28 as
	// "Tsar Team" and "Blue Wolf", "Blue Wolf" finds APT28, "TA422" no
	// longer does.
	galaxy := writeFile(t, "galaxy.json", `{"name": "Tiny", "type": "threat-actor", "version": 1, "values": [{"value": "Blue Wolf", "meta": {"synonyms": ["G0007"]}}]}`)
	code, out, errs = scrutin(t, "", "attack", "import", galaxy, "--data", data)
	if code != 0 || !strings.Contains(out, "1 clusters, 1 with ATT&CK group ids") || !strings.Contains(out, "It replaces the galaxy of the catalogue in use ("+stored+")") {
		t.Fatalf("galaxy import: exit %d: %s%s", code, errs, out)
	}
	if code, out, _ := scrutin(t, "", "attack", "actor", "blue wolf", "--data", data); code != 0 || !strings.HasPrefix(out, "G0007 APT28") || !strings.Contains(out, "Dear Joohn") {
		t.Errorf("blue wolf: exit %d: %s", code, out)
	}
	if code, _, _ := scrutin(t, "", "attack", "actor", "TA422", "--data", data); code != exitInvalid {
		t.Errorf("TA422 still resolves: exit %d", code)
	}

	// A complete ATT&CK bundle replaces the catalogue (keeping the galaxy
	// and the DISARM frameworks beside it).
	raw, err := attack.EmbeddedBundle()
	if err != nil {
		t.Fatal(err)
	}
	full := writeFile(t, "enterprise-attack.json", string(raw))
	code, out, _ = scrutin(t, "", "attack", "import", full, "--data", data)
	if code != 0 || !strings.Contains(out, "dropped 140 revoked and 246 deprecated objects") || !strings.Contains(out, "It replaces the ATT&CK of the catalogue in use") || !strings.Contains(out, "172 actors, 52 campaigns, 1082 techniques, 184 mitigations, 30 tactics, 1 MISP galaxy cluster") {
		t.Errorf("full import: exit %d:\n%s", code, out)
	}
	// ATT&CK for ICS, a whole domain too, is of another domain than the
	// catalogue's: it is layered on top and brings its groups back.
	raw, err = attack.EmbeddedICSBundle()
	if err != nil {
		t.Fatal(err)
	}
	code, out, _ = scrutin(t, "", "attack", "import", writeFile(t, "ics-attack.json", string(raw)), "--data", data)
	if code != 0 || !strings.Contains(out, "It is layered on top of the catalogue in use") || !strings.Contains(out, "174 actors, 54 campaigns, 1165 techniques, 236 mitigations, 42 tactics") {
		t.Errorf("ICS import: exit %d:\n%s", code, out)
	}

	// Bad input leaves the stored catalogue alone.
	before, err := os.ReadFile(stored)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ content, msg string }{
		{`{"type": "bundle", "objects": [`, "bad.json: invalid JSON: unexpected end of JSON input (line 1, column 31"},
		{`{"type": "bundle", "objects": [{"type": "indicator", "id": "indicator--1"}]}`, "holds no ATT&CK intrusion sets"},
		{`{"values": 1}`, `"values" must be an array`},
	} {
		bad := writeFile(t, "bad.json", tc.content)
		code, _, errs := scrutin(t, "", "attack", "import", bad, "--data", data)
		if code != exitInvalid || !strings.Contains(errs, tc.msg) {
			t.Errorf("exit %d: %s, want %q", code, errs, tc.msg)
		}
	}
	if code, _, errs := scrutin(t, "", "attack", "import", filepath.Join(data, "missing.json"), "--data", data); code != exitInvalid || !strings.Contains(errs, "no such file") {
		t.Errorf("missing file: exit %d: %s", code, errs)
	}
	after, _ := os.ReadFile(stored)
	if string(before) != string(after) {
		t.Error("a failed import changed the stored catalogue")
	}
	entries, _ := os.ReadDir(filepath.Dir(stored))
	if len(entries) != 1 {
		t.Errorf("the data directory holds %d files (temporary files left?)", len(entries))
	}

	// From standard input, replacing.
	code, out, errs = scrutin(t, `{"type": "bundle", "objects": [{"type": "intrusion-set", "id": "intrusion-set--x", "name": "Lonely"}]}`, "attack", "import", "-", "--replace", "--data", data)
	if code != 0 || !strings.Contains(out, "Read <stdin>") || !strings.Contains(out, "1 actor, 0 campaigns, 0 techniques") {
		t.Errorf("stdin: exit %d: %s%s", code, errs, out)
	}

	// A damaged stored catalogue is an error that says what to do.
	if err := os.WriteFile(stored, []byte("garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs = scrutin(t, "", "attack", "actors", "--data", data)
	if code != exitInvalid || !strings.Contains(errs, stored) || !strings.Contains(errs, "remove the file to use the embedded catalogue") {
		t.Errorf("damaged: exit %d: %s", code, errs)
	}
}

func TestDataDir(t *testing.T) {
	t.Setenv("SCRUTIN_DATA", "")
	t.Setenv("XDG_DATA_HOME", "")
	t.Setenv("HOME", "/home/someone")
	for _, tc := range []struct {
		flag, env, xdg, want string
	}{
		{"/flag", "/env", "/xdg", "/flag"},
		{"", "/env", "/xdg", "/env"},
		{"", "", "/xdg", "/xdg/scrutin"},
		{"", "", "relative/xdg", "/home/someone/.local/share/scrutin"}, // XDG wants absolute paths
		{"", "", "", "/home/someone/.local/share/scrutin"},
	} {
		t.Setenv("SCRUTIN_DATA", tc.env)
		t.Setenv("XDG_DATA_HOME", tc.xdg)
		got, err := dataDir(tc.flag)
		if err != nil || got != tc.want {
			t.Errorf("flag %q env %q xdg %q: %q, %v; want %q", tc.flag, tc.env, tc.xdg, got, err, tc.want)
		}
	}
	// The environment reaches the command.
	data := t.TempDir()
	t.Setenv("SCRUTIN_DATA", data)
	code, out, errs := scrutin(t, "", "attack", "import", unit42)
	if code != 0 || !strings.Contains(out, filepath.Join(data, "attack", "catalog.json.gz")) {
		t.Errorf("exit %d: %s%s", code, errs, out)
	}
}

func TestAttackMitigations(t *testing.T) {
	data := t.TempDir()
	code, out, errs := scrutin(t, "", "attack", "mitigations", "--data", data)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{
		"236 mitigations (the ids a control's attack: may name)",
		// Counted with Python: 48 live techniques name M1032, 15 name M0801.
		"M1032   Multi-factor Authentication",
		"M0801   Access Management",
		// 140 DISARM countermeasures.
		"C00006  Charge for social media",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = scrutin(t, "", "attack", "mitigations", "--data", data, "--domain", "ics", "--format", "json")
	var list []struct {
		ID         string   `json:"id"`
		Domains    []string `json:"domains"`
		Techniques int      `json:"techniques"`
	}
	if err := json.Unmarshal([]byte(out), &list); code != 0 || err != nil || len(list) != 52 {
		t.Fatalf("exit %d, %v, %d: %.300s", code, err, len(list), out)
	}
	for _, m := range list {
		if !(strings.HasPrefix(m.ID, "M08") || strings.HasPrefix(m.ID, "M09")) || !slices.Equal(m.Domains, []string{attack.DomainICS}) {
			t.Errorf("ICS list holds %+v", m)
		}
		if m.ID == "M0801" && m.Techniques != 15 {
			t.Errorf("M0801 mitigates %d techniques, want 15", m.Techniques)
		}
	}
	code, out, _ = scrutin(t, "", "attack", "mitigations", "--data", data, "--domain", "enterprise", "--format", "json")
	if err := json.Unmarshal([]byte(out), &list); code != 0 || err != nil || len(list) != 44 {
		t.Fatalf("enterprise: exit %d, %v, %d", code, err, len(list))
	}
	if i := slices.IndexFunc(list, func(m struct {
		ID         string   `json:"id"`
		Domains    []string `json:"domains"`
		Techniques int      `json:"techniques"`
	}) bool {
		return m.ID == "M1032"
	}); i < 0 || list[i].Techniques != 48 {
		t.Errorf("M1032: %d", i)
	}
	for _, args := range [][]string{{"--domain", "mobile"}, {"--format", "xml"}, {"extra"}} {
		if code, _, errs := scrutin(t, "", append([]string{"attack", "mitigations", "--data", data}, args...)...); code != exitInvalid {
			t.Errorf("%v: exit %d: %s", args, code, errs)
		}
	}
}
