package i18n

// catalogues are the message catalogues of the product's areas, each a
// map from key to message per language. Each area has its own file.
func catalogues() []map[Lang]map[string]string {
	return []map[Lang]map[string]string{commonMessages, reportMessages, uiMessages, uiAdminMessages, uiAnalysisMessages, uiPlanMessages, uiEvidenceMessages, uiTreesMessages, uiFrenchMessages, uiAnswerMessages, uiAuditMessages, uiLayoutMessages, uiHarmMessages, reportHarmMessages, uiCycleMessages, ebiosMessages, uiEbiosMessages, integrityMessages, integrityUIMessages, uiNationalMessages}
}

// lookup finds key in l's catalogues.
func lookup(l Lang, key string) (string, bool) {
	for _, c := range catalogues() {
		if s, ok := c[l][key]; ok {
			return s, true
		}
	}
	return "", false
}

// Keys lists every key of every catalogue in l (for tests).
func Keys(l Lang) []string {
	var out []string
	for _, c := range catalogues() {
		for k := range c[l] {
			out = append(out, k)
		}
	}
	return out
}

// commonMessages are shared by pages and reports.
var commonMessages = map[Lang]map[string]string{
	English: {
		"app.name":        "scrutin",
		"app.tagline":     "Objective cyber-risk assessment for elections",
		"common.mean":     "Mean",
		"common.median":   "Median",
		"common.p90":      "P90",
		"common.p99":      "P99",
		"common.noloss":   "P(no loss)",
		"common.events":   "Loss events per year",
		"common.scenario": "Scenario",
		"common.loss":     "Loss",
		"common.prob":     "Probability",
		"common.limit":    "Acceptable",
		"common.within":   "within",
		"common.exceeds":  "EXCEEDS",
		"common.trials":   "%s simulated {1:year|years} · seed %d · money in %s",
		"common.controls": "Controls in force: %s",
		"common.none":     "none",
		"common.language": "Language",
		"verdict.none":    "No risk tolerance is set in the model: add a tolerance curve to get a verdict.",
		"verdict.within":  "Risk is within tolerance at every point of the tolerance curve; closest: P(annual loss > %s) = %s against %s acceptable.",
		"verdict.exceeds": "Risk exceeds tolerance at %s: P(annual loss > %s) = %s against %s acceptable (%d of %d {6:point|points} exceeded).",
	},
	French: {
		"app.name":        "scrutin",
		"app.tagline":     "Évaluation objective du risque cyber pour les élections",
		"common.mean":     "Moyenne",
		"common.median":   "Médiane",
		"common.p90":      "P90",
		"common.p99":      "P99",
		"common.noloss":   "P(aucune perte)",
		"common.events":   "Événements de perte par an",
		"common.scenario": "Scénario",
		"common.loss":     "Perte",
		"common.prob":     "Probabilité",
		"common.limit":    "Acceptable",
		"common.within":   "dans la tolérance",
		"common.exceeds":  "DÉPASSE",
		"common.trials":   "%s {1:année simulée|années simulées} · graine %d · montants en %s",
		"common.controls": "Mesures en place\u00a0: %s",
		"common.none":     "aucune",
		"common.language": "Langue",
		"verdict.none":    "Le modèle ne fixe pas de tolérance au risque\u00a0: ajoutez une courbe de tolérance pour obtenir un verdict.",
		"verdict.within":  "Le risque reste dans la tolérance en tout point de la courbe\u00a0; au plus près\u00a0: P(perte annuelle > %s) = %s pour %s acceptable.",
		"verdict.exceeds": "Le risque dépasse la tolérance à %s\u00a0: P(perte annuelle > %s) = %s pour %s acceptable (%d {5:point dépassé|points dépassés} sur %d).",
	},
}

// textCatalogues translate the texts that carry their own English
// (Printer.Message): each maps the English format to the format in
// another language.
func textCatalogues() []map[Lang]map[string]string {
	return []map[Lang]map[string]string{uiTexts, modelMessages, errorMessages, evidenceMessages}
}

func lookupText(l Lang, format string) (string, bool) {
	for _, c := range textCatalogues() {
		if s, ok := c[l][format]; ok {
			return s, true
		}
	}
	return "", false
}
