package web

import (
	"math"
	"testing"

	"github.com/scrutin/scrutin/internal/i18n"
)

// TestTreeFigures: a tree's figures on its pages: "—" when there is none,
// "∞" when no attack achieves a finite one (an unreachable goal), as the
// command line and the JSON ("Infinity") have them.
func TestTreeFigures(t *testing.T) {
	pr := i18n.New(i18n.English)
	inf, x := math.Inf(1), 1500.0
	if got := treeFig(pr, nil); got != "—" {
		t.Errorf("nil: %q", got)
	}
	if got := treeFig(pr, &inf); got != "∞" {
		t.Errorf("+Inf: %q", got)
	}
	if got := treeCost(pr, &inf, "EUR"); got != "∞" {
		t.Errorf("cost +Inf: %q", got)
	}
	if got := treeCost(pr, &x, "EUR"); got != pr.Money(1500, "EUR") {
		t.Errorf("cost 1500: %q", got)
	}
}
