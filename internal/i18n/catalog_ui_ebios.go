package i18n

// uiEbiosMessages are the words of the EBIOS RM study's pages
// (internal/web/ui_ebios.go); the study's own words are ebiosMessages.
var uiEbiosMessages = map[Lang]map[string]string{
	English: {
		"ebiosui.title":     "EBIOS RM study",
		"ebiosui.edit":      "Edit the study in the model",
		"ebiosui.report":    "Full report",
		"ebiosui.workshops": "Workshops of the study",
		"ebiosui.meta":      "Computed on the simulated periods of run %s; likelihoods come from the simulation, never typed.",
		"ebiosui.plan":      "Treatment: plan %s, the latest stored for this run.",
		"ebiosui.noplan":    "No plan is stored for this run: make one to see the treatment and the residual risk.",
		"ebiosui.none":      "This run's model has no \"ebios:\" block, so it is not an EBIOS RM study.",
		"ebiosui.nosection": "The study has no section %q: 0 (the scales) to 5 (workshop 5).",
		"ebiosui.link":      "EBIOS RM study",
	},
	French: {
		"ebiosui.title":     "Étude EBIOS RM",
		"ebiosui.edit":      "Modifier l'étude dans le modèle",
		"ebiosui.report":    "Rapport complet",
		"ebiosui.workshops": "Ateliers de l'étude",
		"ebiosui.meta":      "Calculée sur les périodes simulées de la simulation %s\u00a0; les vraisemblances viennent de la simulation, jamais saisies.",
		"ebiosui.plan":      "Traitement\u00a0: le plan %s, le dernier enregistré pour cette simulation.",
		"ebiosui.noplan":    "Aucun plan n'est enregistré pour cette simulation\u00a0: faites-en un pour voir le traitement et le risque résiduel.",
		"ebiosui.none":      "Le modèle de cette simulation n'a pas de bloc \"ebios:\", ce n'est donc pas une étude EBIOS RM.",
		"ebiosui.nosection": "L'étude n'a pas de section %q\u00a0: de 0 (les échelles) à 5 (l'atelier 5).",
		"ebiosui.link":      "Étude EBIOS RM",
	},
}
