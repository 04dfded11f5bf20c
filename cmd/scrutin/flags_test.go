package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// allCommands walks the command tree: every command, the root included.
func allCommands(c *cobra.Command) []*cobra.Command {
	out := []*cobra.Command{c}
	for _, sub := range c.Commands() {
		out = append(out, allCommands(sub)...)
	}
	return out
}

// commandArgs are the words that name cmd on the command line.
func commandArgs(cmd *cobra.Command) []string {
	var words []string
	for c := cmd; c.HasParent(); c = c.Parent() {
		words = append([]string{c.Name()}, words...)
	}
	return words
}

// TestNumberFlagErrors gives every flag of every command that takes a
// number or a duration a word that is none, and a negative number: the
// error names the flag and says what it takes, in our words, never
// strconv's or pflag's.
func TestNumberFlagErrors(t *testing.T) {
	root := newRootCmd(&env{})
	seen := 0
	for _, cmd := range allCommands(root) {
		cmd.Flags().VisitAll(func(f *pflag.Flag) {
			if f.Value.Type() == "string" || f.Value.Type() == "stringSlice" || f.Value.Type() == "bool" {
				return
			}
			seen++
			for _, bad := range []string{"many", "-1", "1.5", "99999999999999999999999"} {
				args := append(commandArgs(cmd), "--"+f.Name+"="+bad)
				code, _, errs := scrutin(t, "", args...)
				if bad == "-1" && code == 0 {
					continue // a flag that takes negative numbers
				}
				if code != 2 {
					t.Errorf("%v: exit %d, want 2; stderr %q", args, code, errs)
				}
				for _, leak := range []string{"strconv", "invalid argument", "parsing", "time: "} {
					if strings.Contains(errs, leak) {
						t.Errorf("%v: stderr has %q: %q", args, leak, errs)
					}
				}
				if !strings.Contains(errs, "--"+f.Name+": ") {
					t.Errorf("%v: stderr does not start with the flag's name: %q", args, errs)
				}
			}
		})
	}
	if seen < 15 {
		t.Errorf("only %d number flags found", seen)
	}
}

func TestNumberFlagMessages(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "--seed", "-1"}, "--seed: -1 is not a valid seed: give a whole number from 0 to 18446744073709551615\n"},
		{[]string{"run", "--seed", "18446744073709551616"}, "--seed: 18446744073709551616 is not a valid seed: give a whole number from 0 to 18446744073709551615\n"},
		{[]string{"run", "--trials", "0"}, "--trials: 0 is not a valid number of trials: give a whole number of at least 1, such as 100000, 1e6 or 1_000_000\n"},
		{[]string{"plan", "--trials", "1.5"}, "--trials: 1.5 is not a valid number of trials: give a whole number of at least 1, such as 100000, 1e6 or 1_000_000\n"},
		{[]string{"sensitivity", "--trials", "lots"}, `--trials: "lots" is not a valid number of trials: give a whole number of at least 1, such as 100000, 1e6 or 1_000_000` + "\n"},
		{[]string{"report", "--trials", "1e999"}, "--trials: 1e999 is not a valid number of trials"},
		{[]string{"run", "--workers", "-1"}, "--workers: -1 is not a valid number of workers: give a whole number of at least 0 (0: one per core)\n"},
		{[]string{"sensitivity", "--levels", "1"}, "--levels: 1 is not a valid number of levels: give a whole number of at least 2\n"},
		{[]string{"serve", "--session-ttl", "forever"}, `--session-ttl: "forever" is not a valid duration: give a number with a unit, such as 30m, 12h or 168h`},
		{[]string{"ingest", "x", "--kind", "sshd", "--year", "10000"}, "--year: 10000 is not a valid year: give a whole number from 1 to 9999\n"},
	} {
		code, _, errs := scrutin(t, "", c.args...)
		if code != 2 || !strings.Contains(errs, "scrutin: "+c.want) {
			t.Errorf("%v: exit %d, stderr %q; want %q", c.args, code, errs, c.want)
		}
	}
}

// TestTrialsNotation: every command that takes --trials reads 1e3,
// 1_000 and 1,000 as a thousand.
func TestTrialsNotation(t *testing.T) {
	for _, n := range []string{"1e3", "1_000", "1,000", "1.0e3", "1000"} {
		for _, cmd := range [][]string{
			{"run", minimal, "--format", "json"},
			{"plan", minimal, "--budget", "10k", "--format", "json"},
			{"sensitivity", minimal, "--format", "json"},
		} {
			args := append(cmd, "--trials", n, "--seed", "1e1")
			code, out, errs := scrutin(t, "", args...)
			if code != 0 {
				t.Fatalf("%v: exit %d: %s", args, code, errs)
			}
			var d struct {
				Trials int64  `json:"trials"`
				Seed   uint64 `json:"seed"`
			}
			if err := json.Unmarshal([]byte(out), &d); err != nil {
				t.Fatalf("%v: %v", args, err)
			}
			if d.Trials != 1000 || d.Seed != 10 {
				t.Errorf("%v: trials %d, seed %d; want 1000 and 10", args, d.Trials, d.Seed)
			}
		}
	}
	code, out, errs := scrutin(t, "", "report", minimal, "--trials", "1e3", "--format", "md")
	if code != 0 || !strings.Contains(out, "1,000") {
		t.Errorf("report --trials 1e3: exit %d: %s", code, errs)
	}
}

func TestParseWhole(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string
	}{
		{"1e6", "1000000"}, {"1_000_000", "1000000"}, {"1,000,000", "1000000"}, {"1E6", "1000000"},
		{"2.5e5", "250000"}, {"+7", "7"}, {"-3", "-3"}, {" 42 ", "42"}, {"0", "0"},
		{"18446744073709551615", "18446744073709551615"}, {"1e19", "10000000000000000000"},
	} {
		got, ok := parseWhole(c.in)
		if !ok || got.String() != c.want {
			t.Errorf("parseWhole(%q) = %v, %v; want %s", c.in, got, ok, c.want)
		}
	}
	for _, in := range []string{"", "x", "1.5", "1e-3", "0x10", "1_", "_1", "1__0", ",1", "1,,0", "1e", "Inf", "NaN", "1e400", "1e30000000000", "--1", strings.Repeat("9", 100)} {
		if got, ok := parseWhole(in); ok {
			t.Errorf("parseWhole(%q) = %v, want an error", in, got)
		}
	}
}
