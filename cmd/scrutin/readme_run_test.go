package main

import (
	"os"
	"strings"
	"testing"
)

// TestREADMERunIsTrue: the output the README shows for `go run
// ./cmd/scrutin run`, up to its first "…", is what the command prints.
func TestREADMERunIsTrue(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the built-in example in full")
	}
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	const start = "$ go run ./cmd/scrutin run\n"
	i := strings.Index(s, start)
	if i < 0 {
		t.Fatal("the README shows no run")
	}
	shown, _, ok := strings.Cut(s[i+len(start):], "  …\n")
	if !ok {
		t.Fatal("the README's run has no …")
	}
	code, out, errs := scrutin(t, "", "run")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.HasPrefix(out, shown) {
		t.Errorf("the README shows:\n%s\nthe command prints:\n%.2000s", shown, out)
	}
}
