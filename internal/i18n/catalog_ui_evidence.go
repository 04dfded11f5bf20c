package i18n

// uiEvidenceMessages are the web UI's words for evidence in runs (the run
// form's choice, the run page's prior against posterior) and for the
// upload's detection of a file's kind (internal/web: ui_runs.go,
// ui_result.go, ui_evidence.go). French uses a no-break space (\u00a0)
// before « : ; ? ! » and inside « ».
var uiEvidenceMessages = map[Lang]map[string]string{
	English: {
		// The run form
		"runform.evidence":         "Evidence to calibrate with",
		"runform.evidence.hint":    "The model's evidence: section counts from the evidence ticked here; it updates the priors before the run.",
		"runform.evidence.none":    "The model counts evidence, but the organisation has none yet.",
		"runform.evidence.upload":  "Upload evidence",
		"runform.evidence.counted": "The model counts: %s.",

		// The run's page
		"run.calib.heading": "Prior against posterior",
		"run.calib.hint":    "What the evidence changed in the model before the run: for each calibrated parameter, its prior (the model as written) and its posterior (after the evidence), with the mean and the %d%% interval.",
		"run.calib.used":    "Evidence used:",
		"run.calib.entry":   "Entry %s, from %s",
		"run.calib.caption": "%s: prior and posterior",
		"run.calib.change":  "Change of the mean",
		"run.noevidence":    "none: the model's priors as written",

		// Upload: the kind detected from the content
		"evidence.format.auto":        "Automatic (detect from the content)",
		"evidence.upload.detect.hint": "Automatic recognises the kind from the file's first %s.",
		"evidence.upload.undetected":  "The kind of this file could not be recognised from its first %s: choose what it is.",
		"evidence.upload.wrongkind":   "This file looks like %s, not %s: choose “Automatic” or the kind it is.",
		"evidence.upload.detected":    "Recognised from its content as %s.",
		"evidence.looks.zeek":         "Zeek JSON logs",
		"evidence.looks.eve":          "Suricata EVE JSON",
		"evidence.looks.jsonl":        "JSON lines",
		"evidence.looks.sshd":         "an sshd log",
		"evidence.looks.access-log":   "a web access log",
		"evidence.looks.gophish":      "GoPhish results",
		"evidence.looks.evidence":     "an evidence file",

		// Sizes in binary units (IEC): 1 KiB = 1,024 bytes.
		"size.gib": "%s\u00a0GiB",
		"size.tib": "%s\u00a0TiB",
	},
	French: {
		"runform.evidence":         "Éléments de preuve pour l'étalonnage",
		"runform.evidence.hint":    "La section evidence du modèle tire ses comptes des éléments cochés ici\u00a0; ils mettent à jour les a priori avant la simulation.",
		"runform.evidence.none":    "Le modèle compte des éléments de preuve, mais l'organisation n'en a pas encore.",
		"runform.evidence.upload":  "Déposer des éléments de preuve",
		"runform.evidence.counted": "Le modèle compte\u00a0: %s.",

		"run.calib.heading": "A priori contre a posteriori",
		"run.calib.hint":    "Ce que les éléments de preuve ont changé dans le modèle avant la simulation\u00a0: pour chaque paramètre étalonné, son a priori (le modèle tel qu'écrit) et son a posteriori (après les éléments de preuve), avec la moyenne et l'intervalle à %d\u00a0%%.",
		"run.calib.used":    "Éléments de preuve utilisés\u00a0:",
		"run.calib.entry":   "Entrée %s, d'après %s",
		"run.calib.caption": "%s\u00a0: a priori et a posteriori",
		"run.calib.change":  "Évolution de la moyenne",
		"run.noevidence":    "aucun\u00a0: les a priori du modèle tels qu'écrits",

		"evidence.format.auto":        "Automatique (d'après le contenu)",
		"evidence.upload.detect.hint": "Automatique reconnaît la nature du fichier d'après ses premiers %s.",
		"evidence.upload.undetected":  "La nature de ce fichier n'a pas pu être reconnue d'après ses premiers %s\u00a0: choisissez-la.",
		"evidence.upload.wrongkind":   "Ce fichier ressemble à %s, pas à %s\u00a0: choisissez «\u00a0Automatique\u00a0» ou sa vraie nature.",
		"evidence.upload.detected":    "Reconnu d'après son contenu comme %s.",
		"evidence.looks.zeek":         "des journaux Zeek en JSON",
		"evidence.looks.eve":          "du JSON EVE de Suricata",
		"evidence.looks.jsonl":        "des lignes JSON",
		"evidence.looks.sshd":         "un journal sshd",
		"evidence.looks.access-log":   "un journal d'accès web",
		"evidence.looks.gophish":      "des résultats GoPhish",
		"evidence.looks.evidence":     "un fichier d'éléments de preuve",

		"size.gib": "%s\u00a0Gio",
		"size.tib": "%s\u00a0Tio",
	},
}

// uiTexts are the web UI's own wording of errors whose English, written
// for the command line, names its flags (scrutin run --evidence, --with):
// keyed by that English, in English and French. Printer.Message, which
// only the pages use, reads them before the other text catalogues; the
// command line and the API keep the English of the error itself.
var uiTexts = map[Lang]map[string]string{
	English: {
		"evidence %q counts telemetry events, but no telemetry evidence file was given (scrutin run --evidence FILE, from scrutin ingest --out FILE)": "evidence %q counts telemetry events, but no telemetry evidence was chosen: upload the logs on the Evidence page, then tick them in the form",
		"control %q is both switched on (--with) and off (--without)":                                                                                 "control %q is both switched on and off",
	},
	French: {
		"evidence %q counts telemetry events, but no telemetry evidence file was given (scrutin run --evidence FILE, from scrutin ingest --out FILE)": "l'observation %q compte des événements de télémétrie, mais aucun élément de télémétrie n'a été choisi\u00a0: déposez les journaux sur la page Éléments de preuve, puis cochez-les dans le formulaire",
		"control %q is both switched on (--with) and off (--without)":                                                                                 "la mesure %q est à la fois activée et désactivée",
	},
}
