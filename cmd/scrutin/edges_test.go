package main

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
)

// TestOutCheckedFirst: every command that writes a file checks it before
// the work (here, before reading its input, which does not exist): a
// missing directory, a directory given as the file, a file given as the
// directory.
func TestOutCheckedFirst(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "nothing.yaml")
	notDir := writeFile(t, "plain", "x")
	cmds := []struct {
		args []string
		flag string
	}{
		{[]string{"run", missing}, "--out"},
		{[]string{"plan", missing, "--budget", "10k"}, "--out"},
		{[]string{"sensitivity", missing}, "--out"},
		{[]string{"report", missing}, "--out"},
		{[]string{"report", missing, "--format", "pdf"}, "--out"},
		{[]string{"ingest", missing, "--kind", "zeek"}, "--out"},
		{[]string{"phishing", missing}, "--out"},
		{[]string{"tree", "export", missing}, "--out"},
		{[]string{"tree", "import", missing}, "--out"},
		{[]string{"tree", "draw", missing}, "--out"},
		{[]string{"attack", "coverage", missing, "--actor", "apt28"}, "--navigator"},
	}
	for _, c := range cmds {
		for _, out := range []struct{ path, want string }{
			{filepath.Join(dir, "no", "such", "r.txt"), "the directory " + filepath.Join(dir, "no", "such") + " does not exist"},
			{dir, dir + " is a directory; give a file name"},
			{filepath.Join(notDir, "r.txt"), notDir + " is not a directory"},
		} {
			args := append(append([]string{}, c.args...), c.flag, out.path)
			code, _, errs := scrutin(t, "", args...)
			want := "scrutin: " + c.flag + " " + out.path + ": " + out.want
			if code != 2 || !strings.Contains(errs, want) {
				t.Errorf("%v: exit %d, stderr %q; want %q", args, code, errs, want)
			}
		}
	}
	if os.Geteuid() == 0 {
		t.Log("running as root: a read-only directory is writable, not tested")
		return
	}
	ro := t.TempDir()
	if err := os.Chmod(ro, 0o555); err != nil {
		t.Fatal(err)
	}
	code, _, errs := scrutin(t, "", "run", missing, "--out", filepath.Join(ro, "r.txt"))
	if code != 2 || !strings.Contains(errs, "cannot write in "+ro) {
		t.Errorf("read-only directory: exit %d, %q", code, errs)
	}
}

// TestWhatIfNoOp: --with a control already implemented and --without one
// only proposed change nothing, and say so; unknown ids stay errors.
func TestWhatIfNoOp(t *testing.T) {
	for _, cmd := range [][]string{
		{"run", "--trials", "2000"},
		{"sensitivity", "--trials", "2000", "--top", "1"},
		{"report", "--trials", "2000", "--format", "md"},
		{"tree", "eval"},
		{"attack", "coverage", "--actor", "apt28"},
	} {
		args := append(append([]string{}, cmd...), "--with", "patch-management,security-keys", "--without", "staff-training")
		code, _, errs := scrutin(t, "", args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errs)
		}
		for _, want := range []string{
			`scrutin: warning: --with patch-management changes nothing: the control is already implemented` + "\n",
			`scrutin: warning: --without staff-training changes nothing: the control is only proposed` + "\n",
		} {
			if !strings.Contains(errs, want) {
				t.Errorf("%v: stderr %q lacks %q", args, errs, want)
			}
		}
		if strings.Contains(errs, "security-keys") {
			t.Errorf("%v: a warning about security-keys, which --with does switch on: %q", args, errs)
		}
		args = append(append([]string{}, cmd...), "--without", "patch-managment")
		code, _, errs = scrutin(t, "", args...)
		if code != 2 || !strings.Contains(errs, `unknown control "patch-managment" (did you mean "patch-management"?)`) {
			t.Errorf("%v: exit %d, %q", args, code, errs)
		}
	}
}

// TestUnknownCommand: a misspelt command, at the top or under another,
// gets a suggestion.
func TestUnknownCommand(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"attak"}, `scrutin: unknown command "attak" (did you mean "attack"?)`},
		{[]string{"tree", "evl"}, `scrutin: unknown command "evl" for "scrutin tree" (did you mean "eval"?)`},
		{[]string{"attack", "actros"}, `scrutin: unknown command "actros" for "scrutin attack" (did you mean "actors" or "actor"?)`},
		{[]string{"tree", "frobnicate"}, `scrutin: unknown command "frobnicate" for "scrutin tree"; its commands: draw, eval, export, import`},
		{[]string{"frobnicate"}, `scrutin: unknown command "frobnicate"`},
	} {
		code, _, errs := scrutin(t, "", c.args...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want %q", c.args, code, errs, c.want)
		}
	}
}

func TestVersionFlag(t *testing.T) {
	_, want, _ := scrutin(t, "", "version")
	code, got, errs := scrutin(t, "", "--version")
	if code != 0 || got != want || errs != "" {
		t.Errorf("--version: exit %d, %q (stderr %q); want %q", code, got, errs, want)
	}
}

// TestFewTrialsWarning: below 1,000 trials the Monte Carlo error and the
// tail quantiles mean little, and the commands say so.
func TestFewTrialsWarning(t *testing.T) {
	for _, cmd := range [][]string{
		{"run", minimal},
		{"plan", minimal, "--budget", "10k"},
		{"sensitivity", minimal},
		{"report", minimal, "--format", "md"},
	} {
		for _, n := range []string{"1", "999"} {
			args := append(append([]string{}, cmd...), "--trials", n)
			code, _, errs := scrutin(t, "", args...)
			want := "scrutin: warning: " + n + " simulated year"
			if code != 0 || !strings.Contains(errs, want) || !strings.Contains(errs, "the Monte Carlo error") {
				t.Errorf("%v: exit %d, stderr %q; want a warning", args, code, errs)
			}
		}
		args := append(append([]string{}, cmd...), "--trials", "1000")
		if code, _, errs := scrutin(t, "", args...); code != 0 || strings.Contains(errs, "warning") {
			t.Errorf("%v: exit %d, stderr %q; want no warning", args, code, errs)
		}
	}
	m := writeFile(t, "few.yaml", strings.Replace(mustRead(t, minimal), "currency: EUR", "currency: EUR\ntrials: 10", 1))
	if code, _, errs := scrutin(t, "", "run", m); code != 0 || !strings.Contains(errs, "warning: 10 simulated years") {
		t.Errorf("trials: 10 in the model: exit %d, stderr %q", code, errs)
	}
}

// TestIngestSSHDYearFromFile: syslog lines have no year; without --year
// it is the year of the file's modification time (the year before when
// the log starts in a later month), and ingest says so.
func TestIngestSSHDYearFromFile(t *testing.T) {
	const lines = "Mar  5 10:00:00 web1 sshd[1]: Failed password for root from 198.51.100.7 port 1 ssh2\n"
	path := writeFile(t, "auth.log", lines)
	mtime := time.Date(2021, 6, 1, 12, 0, 0, 0, time.UTC)
	if err := os.Chtimes(path, mtime, mtime); err != nil {
		t.Fatal(err)
	}
	code, out, errs := scrutin(t, "", "ingest", path, "--kind", "sshd", "--format", "json")
	if code != 0 || !strings.Contains(out, `"first": "2021-03-05T10:00:00Z"`) {
		t.Fatalf("exit %d: %s %s", code, out, errs)
	}
	want := "scrutin: " + path + ": syslog timestamps have no year: read as 2021, the year of the file's modification time (2021-06-01); give --year to choose\n"
	if errs != want {
		t.Errorf("stderr %q, want %q", errs, want)
	}
	// December lines in a file modified in January are of the year before.
	path = writeFile(t, "auth.log.1", "Dec 30 10:00:00 web1 sshd[1]: Failed password for root from 198.51.100.7 port 1 ssh2\n"+
		"Jan  2 10:00:00 web1 sshd[1]: Failed password for root from 198.51.100.7 port 1 ssh2\n")
	mtime = time.Date(2022, 1, 2, 12, 0, 0, 0, time.UTC)
	if err := os.Chtimes(path, mtime, mtime); err != nil {
		t.Fatal(err)
	}
	code, out, errs = scrutin(t, "", "ingest", path, "--kind", "sshd", "--format", "json")
	if code != 0 || !strings.Contains(out, `"first": "2021-12-30T10:00:00Z"`) || !strings.Contains(out, `"last": "2022-01-02T10:00:00Z"`) {
		t.Fatalf("exit %d: %s %s", code, out, errs)
	}
	if !strings.Contains(errs, "read as 2021, the year before the file's modification time (2022-01-02): the log starts in a later month") {
		t.Errorf("stderr %q", errs)
	}
	// --year decides, silently.
	code, out, errs = scrutin(t, "", "ingest", path, "--kind", "sshd", "--format", "json", "--year", "2019")
	if code != 0 || !strings.Contains(out, `"first": "2019-12-30T10:00:00Z"`) || errs != "" {
		t.Errorf("--year: exit %d: %s %q", code, out, errs)
	}
}

func TestIngestJSONLNeedsMap(t *testing.T) {
	path := writeFile(t, "e.jsonl", `{"ts": "2024-01-01T00:00:00Z", "type": "scan"}`+"\n")
	code, _, errs := scrutin(t, "", "ingest", path, "--kind", "jsonl")
	for _, want := range []string{"--kind jsonl needs --map", "--map time=ts,src=client.ip,dst=server.ip,category=type"} {
		if code != 2 || !strings.Contains(errs, want) {
			t.Errorf("exit %d, stderr %q lacks %q", code, errs, want)
		}
	}
	if code, _, errs := scrutin(t, "", "ingest", path, "--kind", "jsonl", "--map", "time=ts,category=type"); code != 0 {
		t.Errorf("with --map: exit %d: %s", code, errs)
	}
}

// TestBinaryModel: a file that is no text at all is refused in one line.
func TestBinaryModel(t *testing.T) {
	rnd := make([]byte, 4096)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range rnd {
		rnd[i] = byte(r.UintN(256))
	}
	yml := mustRead(t, minimal)
	u16 := utf16.Encode([]rune(yml))
	le := []byte{0xff, 0xfe}
	noBOM := []byte{}
	for _, u := range u16 {
		le = append(le, byte(u), byte(u>>8))
		noBOM = append(noBOM, byte(u), byte(u>>8))
	}
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10")
	ls, err := os.ReadFile("/bin/ls")
	if err != nil {
		ls = append([]byte("\x7fELF\x02\x01\x01"), rnd...)
	}
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"logo.png", png, "not a YAML model: binary data at byte 1"},
		{"ls", ls, "not a YAML model: binary data at byte 1"},
		{"random", rnd, "not a YAML model: binary data at byte"},
		{"utf16.yaml", le, "not a YAML model: UTF-16 text; save it as UTF-8"},
		{"utf16-nobom.yaml", noBOM, "not a YAML model: UTF-16 text; save it as UTF-8"},
		{"nul.yaml", []byte(yml[:40] + "\x00" + yml[40:]), "not a YAML model: binary data at byte 41"},
		{"esc.yaml", []byte("scrutin: 1\nname: \x1b[31mred\n"), "not a YAML model: binary data at byte 18"},
		{"latin1.yaml", []byte("scrutin: 1\nname: caf\xe9\n"), "not a YAML model: binary data at byte 21"},
	} {
		path := filepath.Join(t.TempDir(), c.name)
		if err := os.WriteFile(path, c.data, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, cmd := range [][]string{{"validate"}, {"run"}, {"plan", "--budget", "1"}, {"report"}, {"sensitivity"}, {"tree", "eval"}} {
			args := append(append([]string{}, cmd...), path)
			code, _, errs := scrutin(t, "", args...)
			short := errs[:min(len(errs), 300)]
			if code != 2 || !strings.HasPrefix(errs, "scrutin: "+path+": "+c.want) {
				t.Errorf("%v: exit %d, stderr %q; want %q", args, code, short, c.want)
			}
			if lines := strings.Count(errs, "\n"); lines > 1 && cmd[0] != "validate" || len(errs) > 300 {
				t.Errorf("%v: not one short line: %q", args, short)
			}
		}
	}
}

// TestPlurals: the words that go with a count agree with it, in the text
// output and in both languages of the report ("1 point de tolérance
// dépassé sur 1", not "1 points de tolérance dépassés sur 1").
func TestPlurals(t *testing.T) {
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"run", minimal, "--trials", "1"}, []string{"\n1 simulated year · seed 1"}},
		{[]string{"plan", minimal, "--budget", "10k", "--trials", "1"}, []string{"\n1 simulated year · seed 1", "(1 of 1 proposed control)"}},
		{[]string{"sensitivity", minimal, "--trials", "1"}, []string{"\n1 simulated year · seed 1"}},
		{[]string{"validate", minimal}, []string{"minimal.yaml: ok (1 scenario, 1 control, 1 actor)"}},
		{[]string{"report", minimal, "--trials", "2000", "--format", "md", "--lang", "fr"}, []string{
			"(1 point de tolérance dépassé sur 1 avant le plan, aucun avec lui)",
			"(1 sur 1 mesure proposée)",
			"mettre en place la mesure suivante (1 sur 1 proposée), pour",
		}},
		{[]string{"report", minimal, "--trials", "1", "--format", "md", "--lang", "fr"}, []string{"1 année simulée · graine 1", "scrutin a simulé 1 année du modèle", "La graine 1 avec 1 année simulée donne"}},
		{[]string{"report", minimal, "--trials", "2000", "--format", "md", "--lang", "en"}, []string{
			"(1 of 1 tolerance point exceeded before the plan, none with it)",
			"(1 of 1 proposed control)",
			"put in force the following control (1 of the 1 proposed), for",
		}},
		{[]string{"report", minimal, "--trials", "1", "--format", "md", "--lang", "en"}, []string{"1 simulated year · seed 1", "scrutin simulated 1 year of the model", "Seed 1 with 1 simulated year gives"}},
	} {
		code, out, errs := scrutin(t, "", c.args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", c.args, code, errs)
		}
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("%v: the output lacks %q", c.args, w)
			}
		}
	}
}
