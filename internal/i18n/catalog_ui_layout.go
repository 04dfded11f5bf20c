package i18n

// uiLayoutMessages are the web UI's page frame: the header's menu on
// narrow screens (internal/web/templates/layout.html).
var uiLayoutMessages = map[Lang]map[string]string{
	English: {
		"ui.menu": "Menu",
	},
	French: {
		"ui.menu": "Menu",
	},
}
