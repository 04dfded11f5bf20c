package i18n

// uiTreesMessages are the web UI's words for issue 12's tree drawing
// (zoom, pan, fitting, gates), ATT&CK sections by tactic, and names shown
// with their ids. French uses a no-break space (\u00a0) before « : ; ? ! »
// and inside guillemets.
var uiTreesMessages = map[Lang]map[string]string{
	English: {
		"tree.bypass.named": "get round",
		"draw.gate.and":     "AND",
		"draw.gate.or":      "OR",
		"draw.gate.sand":    "SAND",

		"tree.view.hint":     "The legend at the top of the drawing says what its shapes and lines mean; hover a box for its details.",
		"tree.view.nojs":     "The drawing scrolls when it is larger than its box.",
		"tree.view.keys":     "To move around the drawing, drag it or use the arrow keys; to zoom, use the mouse wheel or the + and − keys; 0 fits it to its box again.",
		"tree.zoom.tools":    "Zoom",
		"tree.zoom.in":       "Zoom in",
		"tree.zoom.out":      "Zoom out",
		"tree.zoom.fit":      "Fit",
		"tree.zoom.fit.long": "Fit the drawing to its box",
		"tree.fit.whole":     "The whole tree is shown, its text at a readable size.",
		"tree.fit.width":     "The tree is too tall to show whole with readable text: it is fitted to the width; drag it or use the arrow keys to see the rest.",
		"tree.fit.read":      "The tree is too large to show whole with readable text: it opens at reading size on its goal; drag it or use the arrow keys to move around, or zoom out (−) to see all of it, smaller.",

		"attack.tactics.hint":   "Each tactic opens on a click and lists its techniques, with their coverage.",
		"attack.tactic.summary": "%d {1:technique|techniques}: %d covered, %d proposed, %d not covered",
		"attack.uncovered.more": "%d more uncovered {1:technique|techniques}, by rank",
	},
	French: {
		"tree.bypass.named": "contourner",
		"draw.gate.and":     "ET",
		"draw.gate.or":      "OU",
		"draw.gate.sand":    "ET SÉQ.",

		"tree.view.hint":     "La légende en haut du dessin dit ce que signifient ses formes et ses traits\u00a0; survolez un cadre pour en voir le détail.",
		"tree.view.nojs":     "Le dessin défile quand il est plus grand que son cadre.",
		"tree.view.keys":     "Pour vous déplacer dans le dessin, faites-le glisser ou utilisez les flèches du clavier\u00a0; pour zoomer, la molette de la souris ou les touches + et −\u00a0; 0 l'ajuste de nouveau à son cadre.",
		"tree.zoom.tools":    "Zoom",
		"tree.zoom.in":       "Zoom avant",
		"tree.zoom.out":      "Zoom arrière",
		"tree.zoom.fit":      "Ajuster",
		"tree.zoom.fit.long": "Ajuster le dessin à son cadre",
		"tree.fit.whole":     "L'arbre est montré en entier, son texte à une taille lisible.",
		"tree.fit.width":     "L'arbre est trop haut pour être montré en entier avec un texte lisible\u00a0: il est ajusté à la largeur\u00a0; faites-le glisser ou utilisez les flèches pour voir la suite.",
		"tree.fit.read":      "L'arbre est trop grand pour être montré en entier avec un texte lisible\u00a0: il s'ouvre à taille de lecture sur son but\u00a0; faites-le glisser ou utilisez les flèches pour vous y déplacer, ou faites un zoom arrière (−) pour le voir en entier, plus petit.",

		"attack.tactics.hint":   "Chaque tactique s'ouvre d'un clic et donne ses techniques, avec leur couverture.",
		"attack.tactic.summary": "%d {1:technique|techniques}\u00a0: %d {2:couverte|couvertes}, %d {3:proposée|proposées}, %d {4:non couverte|non couvertes}",
		"attack.uncovered.more": "%d {1:autre technique non couverte|autres techniques non couvertes}, par rang",
	},
}
