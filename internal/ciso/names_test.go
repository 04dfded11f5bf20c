package ciso

import (
	"fmt"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/internal/i18n"
)

// TestLevelNamesAreTheDeliverables: the workbook's level names are the
// ones the deliverables and pages write (one name per level, in English
// and French).
func TestLevelNamesAreTheDeliverables(t *testing.T) {
	for _, lang := range []string{"en", "fr"} {
		p := i18n.New(i18n.Lang(lang))
		for i := range 4 {
			if got, want := p.T(fmt.Sprintf("ebios.g%d", i+1)), gravityNames[lang][i]; got != want {
				t.Errorf("%s G%d: %q in the deliverables, %q in the workbook", lang, i+1, got, want)
			}
			if got, want := p.T(fmt.Sprintf("ebios.v%d", i+1)), likelihoodNames[lang][i]; got != want {
				t.Errorf("%s V%d: %q in the deliverables, %q in the workbook", lang, i+1, got, want)
			}
		}
		for i, r := range []string{"low", "medium", "high"} {
			if got, want := p.T("ebios.risk."+r), riskNames[lang][i]; !strings.EqualFold(got, want) {
				t.Errorf("%s %s: %q in the deliverables, %q in the workbook", lang, r, got, want)
			}
		}
	}
}
