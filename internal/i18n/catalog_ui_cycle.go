package i18n

// uiCycleMessages are the plan page's words for a model with a calendar:
// one simulated trial is one election, held every cycle_years years, and
// the plan's costs count that many years against the loss it avoids
// (internal/web/ui_plans.go, planPage.Key).
var uiCycleMessages = map[Lang]map[string]string{
	English: {
		"plan.fig.objective.election": "%s loss per election with the plan",
		"plan.fig.avoided.election":   "Expected loss avoided per election",
		"plan.fig.rosi.election":      "Return on security investment per election",
		"plan.fig.costelection":       "Cost of the plan per election",
		"plan.cycle":                  "One election every %s {1:year|years}: controls are paid every year, so the plan costs %s per election, and its return on security investment sets the loss one election avoids against that cost.",
		"plan.rosi.hint.election":     "Loss avoided: the expected loss per election the control avoids within the plan (the plan without it, or with it, against the plan). ROSI = (loss avoided − cost per election) ÷ cost per election, the cost per election being the annualised cost times the years between two elections.",
	},
	French: {
		"plan.fig.objective.election": "Perte par élection (%s) avec le plan",
		"plan.fig.avoided.election":   "Perte attendue évitée par élection",
		"plan.fig.rosi.election":      "Retour sur investissement de sécurité par élection",
		"plan.fig.costelection":       "Coût du plan par élection",
		"plan.cycle":                  "Une élection tous les %s {1:an|ans}\u00a0: les mesures se paient chaque année, le plan coûte donc %s par élection, et son retour sur investissement de sécurité compare à ce coût la perte qu'il évite par élection.",
		"plan.rosi.hint.election":     "Perte évitée\u00a0: la perte attendue par élection qu'évite la mesure au sein du plan (le plan sans elle, ou avec elle, comparé au plan). ROSI = (perte évitée − coût par élection) ÷ coût par élection, le coût par élection étant le coût annualisé multiplié par les années entre deux élections.",
	},
}
