package attack

import (
	"fmt"
	"slices"
	"sort"
)

// Indicator types: what an indicator of compromise's Value is.
const (
	IndicatorIP     = "ip"     // an IPv4 or IPv6 address
	IndicatorCIDR   = "cidr"   // a network, such as 203.0.113.0/24
	IndicatorDomain = "domain" // a domain name; matches its subdomains too
	IndicatorURL    = "url"
	IndicatorMD5    = "md5"
	IndicatorSHA1   = "sha1"
	IndicatorSHA256 = "sha256"
)

// Indicator is one indicator of compromise, with the threat actors it is
// attributed to.
type Indicator struct {
	Type  string `json:"type"`
	Value string `json:"value"` // normalised: lower-case domains and hashes, canonical IPs and networks
	// Actors are the ATT&CK group ids (G0007 …) the indicator is attributed
	// to, where known; otherwise the names found (Sofacy …).
	Actors []string `json:"actors,omitempty"`
	// Source says where the indicator comes from: the file, and the STIX
	// indicator or MISP event and attribute.
	Source string `json:"source,omitempty"`
	// Name is a human label (the STIX indicator's name, the MISP comment).
	Name string `json:"name,omitempty"`
	// Context marks an indicator its source says is not for detection (a
	// MISP attribute with to_ids false: a sinkhole, a legitimate service the
	// attacker abused, a value kept for reference). It is imported so that
	// reports can show it, and matchers leave it out.
	Context bool `json:"context,omitempty"`
}

// IndicatorImport is what an import of indicators of compromise found: the
// indicators, and what was left out and why.
type IndicatorImport struct {
	Indicators []Indicator
	// Skipped counts what was read but not imported, by reason: an
	// unsupported observable ("unsupported email-addr:value"), pattern type
	// or MISP attribute type, an invalid value, a revoked or deleted object.
	Skipped map[string]int
	// Warnings describe the skipped observables that may deserve a look
	// (unsupported or malformed patterns, invalid values), each naming its
	// STIX object or MISP attribute; at most maxIndicatorWarnings of them,
	// the last saying how many more there were. Skipped has the full counts.
	Warnings []string
}

// maxIndicatorWarnings bounds IndicatorImport.Warnings: a feed of 100,000
// unsupported observables should not carry 100,000 messages.
const maxIndicatorWarnings = 100

// skip counts one skipped item under reason and, when warn is not empty,
// adds a warning.
func (imp *IndicatorImport) skip(reason, warn string) {
	if imp.Skipped == nil {
		imp.Skipped = make(map[string]int)
	}
	imp.Skipped[reason]++
	if warn == "" {
		return
	}
	switch n := len(imp.Warnings); {
	case n < maxIndicatorWarnings:
		imp.Warnings = append(imp.Warnings, warn)
	case n == maxIndicatorWarnings:
		imp.Warnings = append(imp.Warnings, "further warnings left out: see the skipped counts")
	}
}

// ResolveActors rewrites every indicator's actors through resolve, which
// maps a name or alias found in the source (Sofacy, Fighting Ursa …) to a
// canonical actor id (G0007) and reports whether it knew the name; unknown
// names are kept. Actors stay sorted and without duplicates. This is where
// alias resolution, such as the MISP threat-actor galaxy's, plugs in: the
// importers keep the names their source gives.
func (imp *IndicatorImport) ResolveActors(resolve func(name string) (id string, ok bool)) {
	// Feeds name a few actors many times over: each name is resolved
	// once, and each list of actors (shared by the indicators of one STIX
	// pattern) rewritten once.
	names := make(map[string]string)
	var last, lastOut []string
	for i := range imp.Indicators {
		ind := &imp.Indicators[i]
		if len(ind.Actors) == 0 {
			continue
		}
		if len(ind.Actors) == len(last) && &ind.Actors[0] == &last[0] {
			ind.Actors = lastOut
			continue
		}
		last = ind.Actors
		out := make([]string, 0, len(ind.Actors))
		for _, a := range ind.Actors {
			id, seen := names[a]
			if !seen {
				id = a
				if r, ok := resolve(a); ok && r != "" {
					id = r
				}
				names[a] = id
			}
			out = append(out, id)
		}
		ind.Actors = slices.Clip(iocSortedUnique(out))
		lastOut = ind.Actors
	}
}

// String renders an indicator for messages: "domain evil.example [G0007]".
func (ind Indicator) String() string {
	if len(ind.Actors) == 0 {
		return ind.Type + " " + ind.Value
	}
	return fmt.Sprintf("%s %s %v", ind.Type, ind.Value, ind.Actors)
}

// iocSortedUnique sorts s in place and drops duplicates and empty
// strings.
func iocSortedUnique(s []string) []string {
	sort.Strings(s)
	out := s[:0]
	for i, v := range s {
		if v == "" || (i > 0 && v == s[i-1]) {
			continue
		}
		out = append(out, v)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
