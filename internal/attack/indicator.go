package attack

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
}
