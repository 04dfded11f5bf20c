package main

import (
	"strings"
	"testing"
)

// TestValidateHostile: a model with 300 KB of "- - - … x" under an x- key
// (which the YAML parser took minutes and gigabytes to read) is refused at
// once, with exit code 2 and the problem at its place; a file or standard
// input larger than 4 MiB is refused before it is read whole.
func TestValidateHostile(t *testing.T) {
	hostile := writeFile(t, "hostile.yaml", mustRead(t, minimal)+"x-deep:\n  "+strings.Repeat("- ", 150_000)+"x\n")
	code, _, errs := scrutin(t, "", "validate", hostile)
	if code != 2 || !strings.Contains(errs, "hostile.yaml:") || !strings.Contains(errs, ": the model is nested too deeply (more than 100 levels)") {
		t.Errorf("exit %d, stderr %.300s", code, errs)
	}

	big := strings.Repeat("# a comment line of a large file\n", 140_000)
	code, _, errs = scrutin(t, "", "validate", writeFile(t, "big.yaml", big))
	if code != 2 || !strings.Contains(errs, "big.yaml: it is larger than 4 MiB") {
		t.Errorf("a large file: exit %d, stderr %.300s", code, errs)
	}
	code, _, errs = scrutin(t, big, "run", "-")
	if code != 2 || !strings.Contains(errs, "standard input: it is larger than 4 MiB") {
		t.Errorf("large standard input: exit %d, stderr %.300s", code, errs)
	}
}
