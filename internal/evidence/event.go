// Package evidence turns what was observed into numbers: telemetry logs into
// normalised attack events matched against indicators of compromise,
// phishing-simulation results into rates, and both into Bayesian updates of
// a risk model's priors (DESIGN.md section 4).
package evidence

import "time"

// Outcome of an attack event.
type Outcome string

// Outcomes.
const (
	Blocked   Outcome = "blocked"
	Succeeded Outcome = "succeeded"
	Unknown   Outcome = "unknown"
)

// Categories of attack events.
const (
	CategoryScan         = "scan"         // reconnaissance, port and vulnerability scanning
	CategoryBruteForce   = "brute-force"  // password guessing and spraying
	CategoryExploit      = "exploit"      // exploitation and injection attempts
	CategoryMalware      = "malware"      // malware delivery or execution
	CategoryC2           = "c2"           // command and control traffic
	CategoryExfiltration = "exfiltration" // data leaving
	CategoryPhishing     = "phishing"     // phishing delivery or lures
	CategoryDoS          = "dos"          // denial of service
	CategoryIOC          = "ioc"          // traffic to or from a known indicator, nothing more specific
	CategoryPolicy       = "policy"       // policy violations and anomalies
	// CategoryAccountTakeover is a login with valid credentials from a
	// source known to be hostile (ATT&CK T1078 Valid Accounts).
	CategoryAccountTakeover = "account-takeover"
)

// Event is one normalised attack event (DESIGN.md section 4).
type Event struct {
	Time      time.Time `json:"time"`
	Line      int64     `json:"line"` // line of the input it comes from
	Org       string    `json:"org,omitempty"`
	Asset     string    `json:"asset,omitempty"`
	Category  string    `json:"category"`
	Technique string    `json:"technique,omitempty"` // ATT&CK technique id, where known
	Source    string    `json:"source,omitempty"`    // source host or address
	Dest      string    `json:"dest,omitempty"`      // destination host or address
	Actor     string    `json:"actor,omitempty"`     // matched threat actor (ATT&CK group id or name)
	Outcome   Outcome   `json:"outcome"`
	Signature string    `json:"signature,omitempty"` // what classified it: rule, notice, indicator
}
