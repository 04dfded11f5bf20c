package i18n

// evidenceMessages translate the errors of the evidence an upload gives
// (model.Errorf with EINVALID in internal/evidence: GoPhish exports,
// evidence files, telemetry options), keyed by their English format, as
// modelMessages. The reasons a telemetry line is malformed stay English:
// they are stored with the summary.
var evidenceMessages = map[Lang]map[string]string{
	French: {
		// Pieces of other messages
		"a number":                     "un nombre",
		"a string":                     "une chaîne",
		"an object":                    "un objet",
		"null":                         "null",
		"true or false":                "true ou false",
		"top level":                    "premier niveau",
		"byte %d (line %d, column %d)": "octet %d (ligne %d, colonne %d)",
		"no phishing results":          "aucun résultat d'hameçonnage",
		"no phishing campaign %q":      "aucune campagne d'hameçonnage %q",

		// Reading an upload
		"cannot read: %v":                                      "lecture impossible\u00a0: %v",
		"cannot read assets map %s: %v":                        "lecture impossible de la carte des actifs %s\u00a0: %v",
		"malformed JSON: %v":                                   "JSON mal formé\u00a0: %v",
		"%s: malformed JSON: %v":                               "%s\u00a0: JSON mal formé\u00a0: %v",
		"%s: malformed JSON: it ends in the middle of a value": "%s\u00a0: JSON mal formé\u00a0: il s'arrête au milieu d'une valeur",
		"malformed CSV: %v":                                    "CSV mal formé\u00a0: %v",
		"line %d, column %d: malformed CSV: %v":                "ligne %d, colonne %d\u00a0: CSV mal formé\u00a0: %v",
		"%s: broken gzip stream: %v":                           "%s\u00a0: flux gzip endommagé\u00a0: %v",

		// GoPhish
		"empty input: expected GoPhish campaign JSON or a GoPhish results CSV":      "entrée vide\u00a0: un JSON de campagne GoPhish ou un CSV de résultats GoPhish est attendu",
		"empty input: expected GoPhish campaign JSON":                               "entrée vide\u00a0: un JSON de campagne GoPhish est attendu",
		"empty input: expected a GoPhish results CSV":                               "entrée vide\u00a0: un CSV de résultats GoPhish est attendu",
		"%s is not a GoPhish result status (want %s)":                               "%s n'est pas un statut de résultat GoPhish (attendu\u00a0: %s)",
		"%s is not a date and time (want RFC 3339, such as 2017-03-01T09:00:00Z)":   "%s n'est pas une date et heure (attendu\u00a0: RFC 3339, comme 2017-03-01T09:00:00Z)",
		"%s is not true or false":                                                   "%s n'est ni true ni false",
		"expected a string or a number, got %s":                                     "une chaîne ou un nombre est attendu, trouvé %s",
		"%s.id: %v":                                                                 "%s.id\u00a0: %v",
		"%s.status: %v":                                                             "%s.status\u00a0: %v",
		"%s.reported: %v":                                                           "%s.reported\u00a0: %v",
		"%s.send_date: %v":                                                          "%s.send_date\u00a0: %v",
		"%s: %s: expected %s, got a JSON %s":                                        "%s\u00a0: %s\u00a0: %s est attendu, trouvé un JSON %s",
		"%s: %s: expected a GoPhish campaign (an object) or a list of them, got %s": "%s\u00a0: %s\u00a0: une campagne GoPhish (un objet) ou une liste de campagnes est attendue, trouvé %s",
		"%s: %s: expected a GoPhish campaign (an object), got %s":                   "%s\u00a0: %s\u00a0: une campagne GoPhish (un objet) est attendue, trouvé %s",
		"%s: %s: a list of campaigns is expected only at the top level":             "%s\u00a0: %s\u00a0: une liste de campagnes n'est attendue qu'au premier niveau",
		"%s: %s: expected a list of campaigns, got %s":                              "%s\u00a0: %s\u00a0: une liste de campagnes est attendue, trouvé %s",
		"%s: %s: not a GoPhish campaign: it has no name, results or timeline":       "%s\u00a0: %s\u00a0: ce n'est pas une campagne GoPhish\u00a0: elle n'a ni name, ni results, ni timeline",
		"%s: %s: this is a GoPhish API error response, not campaign results: %q":    "%s\u00a0: %s\u00a0: c'est une réponse d'erreur de l'API GoPhish, pas des résultats de campagne\u00a0: %q",
		"%s: %s: this is a GoPhish campaign summary (counts only, from /api/campaigns/summary); per-recipient results are needed: export /api/campaigns/{id}/results or the results CSV": "%s\u00a0: %s\u00a0: c'est un résumé de campagne GoPhish (des totaux seulement, de /api/campaigns/summary)\u00a0; il faut les résultats par destinataire\u00a0: exportez /api/campaigns/{id}/results ou le CSV des résultats",
		"line %d: the header names the column %s twice": "ligne %d\u00a0: l'en-tête nomme deux fois la colonne %s",
		"line %d: this looks like GoPhish's events export (it has a message column but no status); export the campaign's results CSV instead": "ligne %d\u00a0: cela ressemble à l'export des événements de GoPhish (une colonne message, pas de status)\u00a0; exportez plutôt le CSV des résultats de la campagne",
		"line %d: not a GoPhish results CSV: the header has no status column (it has %s)":                                                     "ligne %d\u00a0: ce n'est pas un CSV de résultats GoPhish\u00a0: l'en-tête n'a pas de colonne status (il a %s)",
		"line %d: %d field%s, but the header has %d":                                                                                          "ligne %d\u00a0: %d {2:champ|champs}%.0s, mais l'en-tête en a %d", // %.0s: the English plural's "s", not written
		"line %d: status: %v":    "ligne %d\u00a0: status\u00a0: %v",
		"line %d: reported: %v":  "ligne %d\u00a0: reported\u00a0: %v",
		"line %d: send_date: %v": "ligne %d\u00a0: send_date\u00a0: %v",

		// Evidence files and calibration
		"%s: not an evidence file (the JSON that scrutin ingest or scrutin phishing write): %v":              "%s\u00a0: ce n'est pas un fichier d'observations (le JSON qu'écrivent scrutin ingest ou scrutin phishing)\u00a0: %v",
		"%s: unknown evidence kind %q (want telemetry or phishing)":                                          "%s\u00a0: type d'observations %q inconnu (attendu\u00a0: telemetry ou phishing)",
		"%s: groups[%d]: a negative number of events (%d)":                                                   "%s\u00a0: groups[%d]\u00a0: un nombre d'événements négatif (%d)",
		"%s: campaigns[%d] (%q): counts must lie between 0 and the e-mails sent (%d)":                        "%s\u00a0: campaigns[%d] (%q)\u00a0: les totaux doivent être compris entre 0 et le nombre de courriels envoyés (%d)",
		"%s: not a telemetry summary: %v":                                                                    "%s\u00a0: ce n'est pas un résumé de télémétrie\u00a0: %v",
		"%s: evidence kind %q, want %q":                                                                      "%s\u00a0: type d'observations %q, attendu %q",
		"evidence files were given but the model has no evidence: section to say which scenario they inform": "des fichiers d'observations sont donnés mais le modèle n'a pas de section evidence pour dire quel scénario ils renseignent",
		"scenario %q, %s: %v":                              "scénario %q, %s\u00a0: %v",
		"evidence %q: %s in the evidence files given (%s)": "observation %q\u00a0: %s dans les fichiers d'observations donnés (%s)",
		"evidence %q: the evidence files span no time, so the exposure is unknown: give exposure (years)": "observation %q\u00a0: les fichiers d'observations ne couvrent aucune durée, l'exposition est donc inconnue\u00a0: donnez exposure (en années)",
		"the prior (mean %g, variance %g) cannot be matched to a Gamma":                                   "l'a priori (moyenne %g, variance %g) ne peut pas être approché par une loi Gamma",
		"the prior (mean %g, variance %g) cannot be matched to a Beta":                                    "l'a priori (moyenne %g, variance %g) ne peut pas être approché par une loi Beta",

		// Telemetry
		"unknown telemetry kind %q; expected one of: %s":                  "type de télémétrie %q inconnu\u00a0; valeurs possibles\u00a0: %s",
		"sshd logs need the year of their timestamps (1 to 9999), got %d": "les journaux sshd demandent l'année de leurs horodatages (de 1 à 9999), trouvé %d",
		"field mapping %q: expected key=field":                            "correspondance de champs %q\u00a0: clé=champ attendu",
		"field mapping %q: unknown key %q; expected one of: %s":           "correspondance de champs %q\u00a0: clé %q inconnue\u00a0; valeurs possibles\u00a0: %s",
		"field mapping: key %q is given twice":                            "correspondance de champs\u00a0: la clé %q est donnée deux fois",
		"field mapping %q: bad field path %q":                             "correspondance de champs %q\u00a0: chemin de champ %q invalide",
	},
}
