package i18n

// uiFrenchMessages are the words of the data that the pages used to show
// as codes: the categories and outcomes of attack events (the values a
// model's evidence section matches on, which the pages give beside them).
var uiFrenchMessages = map[Lang]map[string]string{
	English: {
		"evidence.category.scan":             "Scanning",
		"evidence.category.brute-force":      "Brute force",
		"evidence.category.exploit":          "Exploitation",
		"evidence.category.malware":          "Malware",
		"evidence.category.c2":               "Command and control",
		"evidence.category.exfiltration":     "Exfiltration",
		"evidence.category.phishing":         "Phishing",
		"evidence.category.dos":              "Denial of service",
		"evidence.category.ioc":              "Known indicator",
		"evidence.category.policy":           "Policy violation",
		"evidence.category.account-takeover": "Account takeover",
		"evidence.outcome.blocked":           "Blocked",
		"evidence.outcome.succeeded":         "Succeeded",
		"evidence.outcome.unknown":           "Unknown",
	},
	French: {
		"evidence.category.scan":             "Balayage",
		"evidence.category.brute-force":      "Force brute",
		"evidence.category.exploit":          "Exploitation de vulnérabilité",
		"evidence.category.malware":          "Logiciel malveillant",
		"evidence.category.c2":               "Commande et contrôle",
		"evidence.category.exfiltration":     "Exfiltration",
		"evidence.category.phishing":         "Hameçonnage",
		"evidence.category.dos":              "Déni de service",
		"evidence.category.ioc":              "Indicateur connu",
		"evidence.category.policy":           "Violation de politique",
		"evidence.category.account-takeover": "Prise de contrôle de compte",
		"evidence.outcome.blocked":           "Bloqué",
		"evidence.outcome.succeeded":         "Réussi",
		"evidence.outcome.unknown":           "Inconnu",
	},
}
