package i18n

// uiAnswerMessages are the dashboard's headline, which answers "is the
// risk significant?" first (internal/web/ui_answer.go). A headline is the
// answer (answer.STATE) then one sentence of figures: answer.STATE.detail
// without a plan stored for the run, answer.STATE.plan.PLANSTATE with one
// (PLANSTATE: within or exceeds after the plan).
var uiAnswerMessages = map[Lang]map[string]string{
	English: {
		"answer.heading":                  "Is the risk significant?",
		"answer.significant":              "Yes: the risk is significant.",
		"answer.significant.detail":       "A bad year (1 in 10) costs %s, above your tolerance.",
		"answer.significant.plan.within":  "A bad year (1 in 10) costs %s, above your tolerance; the recommended plan (%s a year) brings it within tolerance.",
		"answer.significant.plan.exceeds": "A bad year (1 in 10) costs %s, above your tolerance; the recommended plan (%s a year) does not bring it within tolerance.",
		"answer.within":                   "No: the risk is not significant.",
		"answer.within.detail":            "A bad year (1 in 10) costs %s, within your tolerance.",
		"answer.within.plan.within":       "A bad year (1 in 10) costs %s, within your tolerance; the recommended plan (%s a year) keeps it there.",
		"answer.within.plan.exceeds":      "A bad year (1 in 10) costs %s, within your tolerance; the recommended plan (%s a year) would take it beyond.",
		"answer.none":                     "No answer: the model sets no risk tolerance.",
		"answer.none.detail":              "A bad year (1 in 10) costs %s; add a tolerance curve to the model to know whether that is acceptable.",
		"answer.none.plan":                "A bad year (1 in 10) costs %s, %s with the recommended plan (%s a year); add a tolerance curve to the model to know whether that is acceptable.",
		"answer.norun":                    "No answer yet: no model of this organisation has a finished run.",
		"answer.norun.detail":             "Run a model to know whether the risk is significant.",
		"answer.about":                    "%s, run #%d",
		"answer.link.plan":                "See the plan",
		"answer.link.report":              "Read the report",
		"answer.link.makeplan":            "Make a plan",
		"answer.link.run":                 "Run the model",
		"answer.plan.pending":             "The recommended plan is being computed…",
		"answer.norun.pending":            "A run is under way: the answer comes when it ends.",
		"answer.link.pendingrun":          "Follow the run",
	},
	French: {
		"answer.heading":                  "Le risque est-il significatif\u00a0?",
		"answer.significant":              "Oui\u00a0: le risque est significatif.",
		"answer.significant.detail":       "Une mauvaise année (1 sur 10) coûte %s, au-delà de votre tolérance.",
		"answer.significant.plan.within":  "Une mauvaise année (1 sur 10) coûte %s, au-delà de votre tolérance\u00a0; le plan recommandé (%s par an) la ramène dans la tolérance.",
		"answer.significant.plan.exceeds": "Une mauvaise année (1 sur 10) coûte %s, au-delà de votre tolérance\u00a0; le plan recommandé (%s par an) ne suffit pas à la ramener dans la tolérance.",
		"answer.within":                   "Non\u00a0: le risque n'est pas significatif.",
		"answer.within.detail":            "Une mauvaise année (1 sur 10) coûte %s, dans votre tolérance.",
		"answer.within.plan.within":       "Une mauvaise année (1 sur 10) coûte %s, dans votre tolérance\u00a0; le plan recommandé (%s par an) l'y maintient.",
		"answer.within.plan.exceeds":      "Une mauvaise année (1 sur 10) coûte %s, dans votre tolérance\u00a0; le plan recommandé (%s par an) la ferait dépasser.",
		"answer.none":                     "Pas de réponse\u00a0: le modèle ne fixe pas de tolérance au risque.",
		"answer.none.detail":              "Une mauvaise année (1 sur 10) coûte %s\u00a0; ajoutez une courbe de tolérance au modèle pour savoir si c'est acceptable.",
		"answer.none.plan":                "Une mauvaise année (1 sur 10) coûte %s, %s avec le plan recommandé (%s par an)\u00a0; ajoutez une courbe de tolérance au modèle pour savoir si c'est acceptable.",
		"answer.norun":                    "Pas encore de réponse\u00a0: aucun modèle de cette organisation n'a de simulation terminée.",
		"answer.norun.detail":             "Simulez un modèle pour savoir si le risque est significatif.",
		"answer.about":                    "%s, simulation n°\u00a0%d",
		"answer.link.plan":                "Voir le plan",
		"answer.link.report":              "Lire le rapport",
		"answer.link.makeplan":            "Établir un plan",
		"answer.link.run":                 "Simuler le modèle",
		"answer.plan.pending":             "Le plan recommandé est en cours de calcul…",
		"answer.norun.pending":            "Une simulation est en cours\u00a0: la réponse viendra quand elle sera finie.",
		"answer.link.pendingrun":          "Suivre la simulation",
	},
}
