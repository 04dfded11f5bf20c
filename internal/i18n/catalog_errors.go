package i18n

// errorMessages translate the errors a form can show (model.Errorf with
// EINVALID or ECONFLICT in internal/model, internal/store and
// internal/web), keyed by their English format, as modelMessages.
var errorMessages = map[Lang]map[string]string{
	French: {
		// Words of other messages
		"organisation %s": "l'organisation %s",
		"user %s":         "l'utilisateur %s",
		"model %s":        "le modèle %s",
		"member":          "le membre",
		"queued":          "en attente",
		"running":         "en cours",
		"succeeded":       "terminé",
		"failed":          "en échec",
		"canceled":        "annulé",

		// The outcome integrity of a revision (web/handle_integrity.go)
		"contest %q cannot be assessed: %v": "le scrutin %q ne peut être évalué\u00a0: %v",

		// The store
		"%s already exists":                          "%s existe déjà",
		"%s refers to something that does not exist": "%s désigne quelque chose qui n'existe pas",
		"invalid %s: %v":                             "%s\u00a0: valeur refusée (%v)",
		"%s is not valid JSON":                       "%s n'est pas du JSON valide",
		"invalid organisation id %q (letters, digits, '.', '_', '-')":      "identifiant d'organisation %q invalide (lettres, chiffres, «\u00a0.\u00a0», «\u00a0_\u00a0», «\u00a0-\u00a0»)",
		"organisation %s: empty name":                                      "organisation %s\u00a0: le nom est vide",
		"organisation %s: unknown kind %q":                                 "organisation %s\u00a0: type %q inconnu",
		"unknown role %q (viewer, analyst or owner)":                       "rôle %q inconnu (viewer, analyst ou owner)",
		"invalid email address %q":                                         "adresse électronique %q invalide",
		"empty model name":                                                 "le nom du modèle est vide",
		"model %s was saved as revision %d since revision %d: reload it":   "le modèle %s a été enregistré en révision %d depuis la révision %d\u00a0: rechargez-le",
		"unknown author (user %d)":                                         "auteur inconnu (utilisateur %d)",
		"an organisation cannot share with itself":                         "une organisation ne peut pas partager avec elle-même",
		"%s is a %s, not an agency: results are shared with agencies only": "%s est de type %s, pas une agence\u00a0: les résultats ne se partagent qu'avec des agences",
		"run %d is %s":          "la simulation %d est %s",
		"national run %d is %s": "la simulation nationale %d est %s",

		// National runs (package national, store/national.go, web/handle_national.go)
		"a national run needs a positive number of trials, not %d":                                                          "une simulation nationale demande un nombre d'années simulées positif, pas %d",
		"a national run needs at least one organisation":                                                                    "une simulation nationale demande au moins une organisation",
		"harm %q counts %s for organisation %q and %s for %q: a national run adds harms of one unit":                        "le préjudice %q compte des %s pour l'organisation %q et des %s pour %q\u00a0: une simulation nationale additionne des préjudices d'une même unité",
		"no organisation has a succeeded run of the model it opted in to national runs with (waiting: %v)":                  "aucune organisation n'a de simulation réussie du modèle avec lequel elle participe aux simulations nationales (en attente\u00a0: %v)",
		"no organisation that shares with %s has opted in to national runs":                                                 "aucune organisation qui partage avec %s ne participe aux simulations nationales",
		"organisation %q counts money in %s and %q in %s: a national run adds losses in one currency":                       "l'organisation %q compte en %s et %q en %s\u00a0: une simulation nationale additionne des pertes d'une même monnaie",
		"organisation %q has no model":                                                                                      "l'organisation %q n'a pas de modèle",
		"organisation %q holds its elections every %g years and %q every %g: a national run simulates one election for all": "l'organisation %q tient ses élections tous les %g ans et %q tous les %g\u00a0: une simulation nationale simule une même élection pour toutes",
		"organisation %q is given twice":                                                                                    "l'organisation %q est donnée deux fois",
		"organisation %q simulates periods of %g days and %q of %g: a national run simulates one period for all":            "l'organisation %q simule des périodes de %g jours et %q de %g\u00a0: une simulation nationale simule une même période pour toutes",
		"organisation %q: unknown control %q":                                                                               "organisation %q\u00a0: mesure %q inconnue",
		"a chunk of %q bytes %d to %d":                                                                                      "un morceau de %q, octets %d à %d",
		"a list of at most %d jobs":                                                                                         "une liste d'au plus %d tâches",
		"telemetry that cannot be counted":                                                                                  "une télémesure qui ne peut pas être comptée",
		"unknown job kind %q":                                                                                               "type de tâche %q inconnu",
		"the organisations' models cannot be simulated together: %s":                                                        "les modèles des organisations ne peuvent pas être simulés ensemble\u00a0: %s",
		"plan %d is %s":                                              "le plan %d est %s",
		"a job cannot finish as %q":                                  "une tâche ne peut pas se terminer en %q",
		"negative revision %d":                                       "révision négative %d",
		"a run needs a positive number of trials, not %d":            "une simulation demande un nombre de tirages positif, pas %d",
		"progress %v is not between 0 and 1":                         "l'avancement %v n'est pas compris entre 0 et 1",
		"evidence without a name":                                    "observations sans nom",
		"unknown evidence kind %q (telemetry or phishing)":           "type d'observations %q inconnu (telemetry ou phishing)",
		"evidence of %d bytes":                                       "observations de %d {1:octet|octets}",
		"audit entry without an action":                              "entrée du journal d'audit sans action",
		"unknown token kind %q (api or session)":                     "type de jeton %q inconnu (api ou session)",
		"token without a hash":                                       "jeton sans empreinte",
		"store: empty database name":                                 "stockage\u00a0: nom de base de données vide",
		"store: database file name %q contains '?': use a file: URI": "stockage\u00a0: le nom de fichier de la base %q contient «\u00a0?\u00a0»\u00a0: utilisez une URI \"file:\"",

		// A job whose lease passed to another server (job.go)
		"run %d is running on another server":          "la simulation %d est en cours sur un autre serveur",
		"plan %d is running on another server":         "le plan %d est en cours sur un autre serveur",
		"national run %d is running on another server": "la simulation nationale %d est en cours sur un autre serveur",

		// The server
		"a password needs at least %d characters":                                                                                    "un mot de passe demande au moins %d {1:caractère|caractères}",
		"a password may have at most %d characters":                                                                                  "un mot de passe compte au plus %d {1:caractère|caractères}",
		"this password is among the most common ones, which are tried first: choose another":                                         "ce mot de passe fait partie des plus courants, qui sont essayés en premier\u00a0: choisissez-en un autre",
		"this is your own account: change your password with PUT /api/v1/me/password, end your token with DELETE /api/v1/auth/token": "c'est votre propre compte\u00a0: changez votre mot de passe par PUT /api/v1/me/password, mettez fin à votre jeton par DELETE /api/v1/auth/token",
		"expires_in may be at most %d seconds (the server's token life, %s)":                                                         "expires_in vaut au plus %d {1:seconde|secondes} (la durée de vie des jetons du serveur, %s)",
		"%s is the last owner of %s: make someone else owner first":                                                                  "%s est le dernier propriétaire de %s\u00a0: nommez d'abord un autre propriétaire",
		"the budget must be a finite amount":                                                                                         "le budget doit être un montant fini",
		"trials must lie between 1 and %d, got %d":                                                                                   "le nombre de tirages doit être compris entre 1 et %d, trouvé %d",
		"unknown language %q":         "langue %q inconnue",
		"tree %q cannot be drawn: %v": "l'arbre %q ne peut pas être dessiné\u00a0: %v",
		"%s: cannot read: %v":         "%s\u00a0: lecture impossible\u00a0: %v",
		"%s: no GoPhish campaign":     "%s\u00a0: aucune campagne GoPhish",
		"map is for kind jsonl":       "map ne s'applique qu'au type jsonl",
		"map: %v":                     "map\u00a0: %v",

		// The model: "control %q is both switched on (--with) and off
		// (--without)" is in uiTexts (catalog_ui_evidence.go).
	},
}
