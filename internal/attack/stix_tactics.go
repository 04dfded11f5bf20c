package attack

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// enterpriseTactics are the tactics of the Enterprise ATT&CK matrix in its
// order (ATT&CK v18.1), for bundles without the matrix or tactic objects.
var enterpriseTactics = []Tactic{
	{ID: "TA0043", ShortName: "reconnaissance", Name: "Reconnaissance"},
	{ID: "TA0042", ShortName: "resource-development", Name: "Resource Development"},
	{ID: "TA0001", ShortName: "initial-access", Name: "Initial Access"},
	{ID: "TA0002", ShortName: "execution", Name: "Execution"},
	{ID: "TA0003", ShortName: "persistence", Name: "Persistence"},
	{ID: "TA0004", ShortName: "privilege-escalation", Name: "Privilege Escalation"},
	{ID: "TA0005", ShortName: "defense-evasion", Name: "Defense Evasion"},
	{ID: "TA0006", ShortName: "credential-access", Name: "Credential Access"},
	{ID: "TA0007", ShortName: "discovery", Name: "Discovery"},
	{ID: "TA0008", ShortName: "lateral-movement", Name: "Lateral Movement"},
	{ID: "TA0009", ShortName: "collection", Name: "Collection"},
	{ID: "TA0011", ShortName: "command-and-control", Name: "Command and Control"},
	{ID: "TA0010", ShortName: "exfiltration", Name: "Exfiltration"},
	{ID: "TA0040", ShortName: "impact", Name: "Impact"},
}

// standardRank is a tactic's position in the Enterprise matrix, or a
// number past the end for a tactic not in it.
func standardRank(shortName string) int {
	for i, t := range enterpriseTactics {
		if t.ShortName == shortName {
			return i
		}
	}
	return len(enterpriseTactics)
}

// standardTactic returns the Enterprise tactic of that short name, or one
// made up from the name (no id) when it is not an Enterprise tactic.
func standardTactic(shortName string) Tactic {
	if i := standardRank(shortName); i < len(enterpriseTactics) {
		return enterpriseTactics[i]
	}
	words := strings.Split(shortName, "-")
	for i, w := range words {
		if w != "" && w != "and" && w != "or" && w != "of" {
			r, size := utf8.DecodeRuneInString(w)
			words[i] = string(unicode.ToUpper(r)) + w[size:]
		}
	}
	return Tactic{ShortName: shortName, Name: strings.Join(words, " ")}
}
