package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/internal/i18n"
)

// TestEbiosPages: the built-in example's run has its EBIOS RM study, a
// page per workshop, in English and French; the operational scenarios'
// P(any) are the run's 1 − P(no loss); a model without a study has no
// such page and no link to it.
func TestEbiosPages(t *testing.T) {
	w := newUIWorld(t)
	res := runResultOf(t, w.admin, "demo", w.electionRun)
	base := fmt.Sprintf("/orgs/demo/runs/%d/ebios", w.electionRun)
	for _, c := range []struct {
		lang   string
		titles []string
	}{
		{"en", []string{"EBIOS RM scales", "Workshop 1 — Scope and security baseline", "Workshop 2 — Risk origins and target objectives",
			"Workshop 3 — Ecosystem and strategic scenarios", "Workshop 4 — Operational scenarios", "Workshop 5 — Risk treatment"}},
		{"fr", []string{"Échelles EBIOS RM", "Atelier 1 — Cadrage et socle de sécurité", "Atelier 2 — Sources de risque et objectifs visés",
			"Atelier 3 — Écosystème et scénarios stratégiques", "Atelier 4 — Scénarios opérationnels", "Atelier 5 — Traitement du risque"}},
	} {
		pr := i18n.New(i18n.Lang(c.lang))
		b := w.ts.signedIn(t, DefaultAdminEmail, adminPassword, c.lang)
		b.get(fmt.Sprintf("/orgs/demo/runs/%d", w.electionRun)).want(http.StatusOK).contains(pr.T("ebiosui.link"))
		if loc := b.get(base).want(http.StatusSeeOther).header.Get("Location"); loc != base+"/1" {
			t.Errorf("%s: %s goes to %q, not workshop 1", c.lang, base, loc)
		}
		for n, title := range c.titles {
			p := b.get(fmt.Sprintf("%s/%d", base, n)).want(http.StatusOK)
			p.contains(c.titles...)
			if !strings.Contains(p.body, `id="ebios-h">`+title+`</h2>`) || !strings.Contains(p.body, `aria-current="page">`+title) {
				t.Errorf("%s: page %d is not %q", c.lang, n, title)
			}
			if strings.Contains(p.body, "ebios.") {
				t.Errorf("%s: page %d shows a message key", c.lang, n)
			}
			switch n {
			case 3:
				p.contains(`id="fig-ecosystem"`, "software-vendor")
			case 4:
				for _, s := range res.Scenarios {
					row := fmt.Sprintf(`<th scope="row" class="l">%s</th>`, s.ID)
					i := strings.Index(p.body, row)
					if i < 0 {
						t.Errorf("%s: no row for %s", c.lang, s.ID)
						continue
					}
					end := strings.Index(p.body[i:], "</tr>")
					if want := pr.Percent(1 - s.PNoLoss); !strings.Contains(p.body[i:i+end], ">"+want+"<") {
						t.Errorf("%s: %s's P(any) is not the run's %s: %s", c.lang, s.ID, want, p.body[i:i+end])
					}
				}
			}
		}
		b.get(base + "/9").want(http.StatusNotFound)
	}
	// A model without a study.
	alice := w.ts.signedIn(t, "alice@example.org", "alice-password", "en")
	alice.get(fmt.Sprintf("/orgs/party-a/runs/%d", w.run)).want(http.StatusOK).lacks(`id="ebios-study"`)
	alice.get(fmt.Sprintf("/orgs/party-a/runs/%d/ebios/1", w.run)).want(http.StatusNotFound)
}
