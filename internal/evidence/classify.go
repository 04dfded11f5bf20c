package evidence

// Classification of telemetry records into attack events (DESIGN.md
// section 4). A record is an event when a classifier says what it is, or
// when one of its addresses, domain names, URLs or file hashes matches an
// indicator of compromise; other records are only counted as lines. A
// record yields at most one event (an sshd "message repeated N times"
// line, N), and an event carries the actors of every indicator the record
// matched, sorted and joined with commas.
//
//   - sshd: each failed password or keyboard-interactive login, and each
//     invalid user, is brute force (T1110, blocked); the failure that
//     follows "Invalid user" in the same sshd process is the same attempt.
//     An accepted login from an address with at least 5 failures in the 24
//     hours before is a successful brute force (T1110, succeeded); an
//     accepted login from an indicator's address is account takeover
//     (T1078 Valid Accounts, succeeded); other logins are not events. A
//     connection that never speaks SSH (no identification string, bad
//     banner or protocol version) is a scan.
//   - HTTP requests (access logs, Zeek http): injection in the target,
//     user agent or referrer (SQL, path traversal, command injection,
//     Log4Shell, XSS) is an exploit (T1190): blocked on 4xx and 5xx,
//     unknown otherwise (a 200 does not prove the injection worked). A
//     scanner's user agent (sqlmap, nikto, nmap, masscan, zgrab, nuclei,
//     wpscan, gobuster, dirbuster …) or a probing path (/.env, /.git/,
//     /phpmyadmin …) is a scan (T1595): blocked on 4xx and 5xx, succeeded
//     on 2xx (the probe got its answer), unknown otherwise.
//   - Zeek notices by name (Scan::Port_Scan and Scan::Address_Scan are
//     scans, SSH::Password_Guessing brute force, SSH::Login_By_Password_Guesser
//     a successful one, HTTP::SQL_Injection_* exploits …), other names by
//     their keywords, else policy; blocked when the actions hold
//     Notice::ACTION_DROP. Zeek ssh records that failed are brute force;
//     Zeek intel hits are ioc events.
//   - Suricata alerts: the technique from the rule's mitre_technique_id;
//     the category from that technique, else the signature's keywords (ET
//     SCAN, EXPLOIT, TROJAN … CnC …), else Suricata's class; else policy.
//     Blocked when Suricata dropped the packet, succeeded for "Successful
//     … Gain" classes and ATTACK_RESPONSE rules, unknown otherwise.
//   - jsonl: the record's own category (usual synonyms mapped: bruteforce,
//     recon, c&c …) or its technique's; its outcome's usual words.
//   - Scans from a private, loopback or link-local address are Network
//     Service Discovery (T1046), from elsewhere Active Scanning (T1595).
//   - A record classified in no other way that matches an indicator is an
//     ioc event, outcome unknown.

import (
	"bytes"
	"net/netip"
	"strings"

	"github.com/scrutin/scrutin/internal/attack"
	"github.com/scrutin/scrutin/internal/model"
)

// ATT&CK techniques the classifiers assign.
const (
	techActiveScanning   = "T1595" // Active Scanning (reconnaissance, from outside)
	techServiceDiscovery = "T1046" // Network Service Discovery (from inside)
	techBruteForce       = "T1110" // Brute Force
	techValidAccounts    = "T1078" // Valid Accounts
	techExploitPublic    = "T1190" // Exploit Public-Facing Application
	techAppLayerProtocol = "T1071" // Application Layer Protocol (command and control)
	techNetworkDoS       = "T1498" // Network Denial of Service
	techPhishing         = "T1566" // Phishing
	techExfilC2          = "T1041" // Exfiltration Over C2 Channel
)

// classifierTechniques names the techniques the classifiers assign, as
// ATT&CK v18.1 does.
var classifierTechniques = map[string]string{
	techActiveScanning:   "Active Scanning",
	techServiceDiscovery: "Network Service Discovery",
	techBruteForce:       "Brute Force",
	techValidAccounts:    "Valid Accounts",
	techExploitPublic:    "Exploit Public-Facing Application",
	techAppLayerProtocol: "Application Layer Protocol",
	techNetworkDoS:       "Network Denial of Service",
	techPhishing:         "Phishing",
	techExfilC2:          "Exfiltration Over C2 Channel",
}

// ModelAttackIDs returns the ATT&CK ids a model's are checked against
// (model.DecodeWith): those of the catalogue in use, and the techniques
// the classifiers assign, which a model's evidence may match whatever
// the catalogue (a partial one may lack some).
func ModelAttackIDs(c *attack.Catalog) *model.AttackIDs {
	return WithClassifierTechniques(c.ModelIDs())
}

// WithClassifierTechniques adds to a catalogue's ids (attack.ModelIDs, or
// attack.EmbeddedModelIDs) the techniques the classifiers assign, and
// returns them.
func WithClassifierTechniques(ids *model.AttackIDs) *model.AttackIDs {
	for id, name := range classifierTechniques {
		if _, ok := ids.Techniques[id]; !ok && len(ids.Techniques) > 0 {
			ids.Techniques[id] = name
		}
	}
	return ids
}

// verdict is what a classifier says of a record: its category, technique,
// outcome and the signature that decided.
type verdict struct {
	category  string
	technique string
	outcome   Outcome
	signature string
}

// scanTechnique is the technique of a scan seen from src: Active Scanning
// (T1595, reconnaissance) from outside, Network Service Discovery (T1046)
// from a private, loopback or link-local address, where a scan means an
// attacker already inside.
func scanTechnique(src netip.Addr) string {
	if src.IsValid() && (src.IsPrivate() || src.IsLoopback() || src.IsLinkLocalUnicast()) {
		return techServiceDiscovery
	}
	return techActiveScanning
}

// techniqueCategories gives the category of an ATT&CK technique (parent
// technique ids), for records that name a technique but no category.
var techniqueCategories = map[string]string{
	"T1595": CategoryScan, "T1046": CategoryScan, "T1590": CategoryScan, "T1592": CategoryScan,
	"T1018": CategoryScan, "T1135": CategoryScan,
	"T1110": CategoryBruteForce,
	"T1190": CategoryExploit, "T1203": CategoryExploit, "T1210": CategoryExploit, "T1211": CategoryExploit,
	"T1212": CategoryExploit, "T1068": CategoryExploit, "T1133": CategoryExploit,
	"T1204": CategoryMalware, "T1105": CategoryMalware, "T1059": CategoryMalware, "T1486": CategoryMalware,
	"T1496": CategoryMalware, "T1189": CategoryMalware,
	"T1071": CategoryC2, "T1090": CategoryC2, "T1095": CategoryC2, "T1571": CategoryC2, "T1572": CategoryC2,
	"T1573": CategoryC2, "T1568": CategoryC2, "T1102": CategoryC2, "T1219": CategoryC2,
	"T1041": CategoryExfiltration, "T1048": CategoryExfiltration, "T1567": CategoryExfiltration,
	"T1020": CategoryExfiltration, "T1030": CategoryExfiltration,
	"T1566": CategoryPhishing, "T1598": CategoryPhishing,
	"T1498": CategoryDoS, "T1499": CategoryDoS,
	"T1078": CategoryAccountTakeover,
	"T1491": CategoryPolicy,
}

// techniqueCategory returns the category of technique (T1110.001 counts as
// T1110), or "" when it has none in the table.
func techniqueCategory(technique string) string {
	if i := strings.IndexByte(technique, '.'); i >= 0 {
		technique = technique[:i]
	}
	return techniqueCategories[technique]
}

// validTechnique reports whether s looks like an ATT&CK technique id:
// T and four digits, optionally a dot and three digits.
func validTechnique(s string) bool {
	if len(s) != 5 && len(s) != 9 || s[0] != 'T' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if i == 5 {
			if s[i] != '.' {
				return false
			}
			continue
		}
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// keywordRules classify alert signatures, alert categories and Zeek notice
// names by keywords found in their lower-cased text, first match wins: the
// more specific kinds of attack come before the general ones.
var keywordRules = []struct {
	keywords  []string
	category  string
	technique string
}{
	{[]string{"successful credential theft", "credential phish", "phish"}, CategoryPhishing, techPhishing},
	{[]string{"brute force", "bruteforc", "brute-force", "password guess", "password_guess", "login attempt", "default username and password", "suspicious username"}, CategoryBruteForce, techBruteForce},
	{[]string{"sql injection", "sql_injection", "sqli", "log4j", "log4shell", "jndi", "web application attack", "web_server", "web_specific_apps", "exploit", "shellcode", "cve-", "remote code execution", "command injection", "directory traversal", "path traversal", "privilege gain", "attack_response", "a system call was detected"}, CategoryExploit, techExploitPublic},
	{[]string{"command and control", "cnc", "c2 ", " c2", "beacon", "checkin", "check-in"}, CategoryC2, techAppLayerProtocol},
	{[]string{"exfil", "large scale information leak"}, CategoryExfiltration, techExfilC2},
	{[]string{"denial of service", "ddos", " dos ", "et dos", "flood"}, CategoryDoS, techNetworkDoS},
	{[]string{"trojan", "malware", "ransomware", "backdoor", "coinminer", "crypto currency mining", "exploit kit", "exploit_kit", "executable code", "webshell", "worm", "botnet"}, CategoryMalware, ""},
	{[]string{"scan", "traceroute", "probe", "sweep", "reconnaissance", "network scan", "vulnerable web application"}, CategoryScan, ""}, // the technique depends on the source: scanTechnique
	{[]string{"compromised", "et drop", "dshield", "et cins", "spamhaus", "blocklist", "blacklist", "known bad", "intel::"}, CategoryIOC, ""},
}

// keywordPatterns are keywordRules as byte slices, built once.
var keywordPatterns = func() (ps []struct {
	keyword             []byte
	category, technique string
}) {
	for _, r := range keywordRules {
		for _, k := range r.keywords {
			ps = append(ps, struct {
				keyword             []byte
				category, technique string
			}{[]byte(k), r.category, r.technique})
		}
	}
	return ps
}()

// classifyText classifies an alert signature, category or notice name by
// its keywords, given lower-cased; ok is false when no rule matches.
func classifyText(lower []byte) (category, technique string, ok bool) {
	for _, p := range keywordPatterns {
		if bytes.Contains(lower, p.keyword) {
			return p.category, p.technique, true
		}
	}
	return "", "", false
}

// zeekNotices classifies well-known Zeek notices exactly; others fall back
// to keywords of their name, then to policy (every notice is worth one).
var zeekNotices = map[string]verdict{
	"Scan::Port_Scan":                     {category: CategoryScan, outcome: Unknown},
	"Scan::Address_Scan":                  {category: CategoryScan, outcome: Unknown},
	"Scan::Random_Scan":                   {category: CategoryScan, outcome: Unknown},
	"Traceroute::Detected":                {category: CategoryScan, outcome: Unknown},
	"SSH::Password_Guessing":              {category: CategoryBruteForce, technique: techBruteForce, outcome: Unknown},
	"SSH::Login_By_Password_Guesser":      {category: CategoryBruteForce, technique: techBruteForce, outcome: Succeeded},
	"FTP::Bruteforcing":                   {category: CategoryBruteForce, technique: techBruteForce, outcome: Unknown},
	"HTTP::SQL_Injection_Attacker":        {category: CategoryExploit, technique: techExploitPublic, outcome: Unknown},
	"HTTP::SQL_Injection_Victim":          {category: CategoryExploit, technique: techExploitPublic, outcome: Unknown},
	"Intel::Notice":                       {category: CategoryIOC, outcome: Unknown},
	"TeamCymruMalwareHashRegistry::Match": {category: CategoryMalware, outcome: Unknown},
	"HTTP::Incorrect_File_Type":           {category: CategoryMalware, outcome: Unknown},
	"SMTP::Blocklist_Blocked_Host":        {category: CategoryIOC, outcome: Blocked},
	"SMTP::Blocklist_Error_Message":       {category: CategoryIOC, outcome: Unknown},
	"SSL::Invalid_Server_Cert":            {category: CategoryPolicy, outcome: Unknown},
	"SSL::Certificate_Expired":            {category: CategoryPolicy, outcome: Unknown},
	"SSL::Certificate_Not_Valid_Yet":      {category: CategoryPolicy, outcome: Unknown},
	"SSL::Weak_Key":                       {category: CategoryPolicy, outcome: Unknown},
	"SSL::Old_Version":                    {category: CategoryPolicy, outcome: Unknown},
	"SSL::Weak_Cipher":                    {category: CategoryPolicy, outcome: Unknown},
	"CaptureLoss::Too_Much_Loss":          {category: CategoryPolicy, outcome: Unknown},
	"Weird::Activity":                     {category: CategoryPolicy, outcome: Unknown},
}

// suricataCategories classifies Suricata's classification.config
// descriptions (alert.category) exactly, lower-cased.
var suricataCategories = map[string]verdict{
	"attempted administrator privilege gain":                      {category: CategoryExploit, technique: techExploitPublic},
	"attempted user privilege gain":                               {category: CategoryExploit, technique: techExploitPublic},
	"successful administrator privilege gain":                     {category: CategoryExploit, technique: techExploitPublic, outcome: Succeeded},
	"successful user privilege gain":                              {category: CategoryExploit, technique: techExploitPublic, outcome: Succeeded},
	"web application attack":                                      {category: CategoryExploit, technique: techExploitPublic},
	"attempted denial of service":                                 {category: CategoryDoS, technique: techNetworkDoS},
	"denial of service":                                           {category: CategoryDoS, technique: techNetworkDoS},
	"detection of a denial of service attack":                     {category: CategoryDoS, technique: techNetworkDoS},
	"detection of a network scan":                                 {category: CategoryScan},
	"attempted information leak":                                  {category: CategoryScan},
	"access to a potentially vulnerable web application":          {category: CategoryScan},
	"a network trojan was detected":                               {category: CategoryMalware},
	"malware command and control activity detected":               {category: CategoryC2, technique: techAppLayerProtocol},
	"domain observed used for c2 detected":                        {category: CategoryC2, technique: techAppLayerProtocol},
	"executable code was detected":                                {category: CategoryMalware},
	"exploit kit activity detected":                               {category: CategoryMalware, technique: "T1189"},
	"crypto currency mining activity detected":                    {category: CategoryMalware, technique: "T1496"},
	"targeted malicious activity was detected":                    {category: CategoryMalware},
	"successful credential theft detected":                        {category: CategoryPhishing, technique: techPhishing, outcome: Succeeded},
	"attempted credential theft":                                  {category: CategoryPhishing, technique: techPhishing},
	"attempt to login by a default username and password":         {category: CategoryBruteForce, technique: techBruteForce},
	"an attempted login using a suspicious username was detected": {category: CategoryBruteForce, technique: techBruteForce},
	"large scale information leak":                                {category: CategoryExfiltration, technique: techExfilC2},
	"a system call was detected":                                  {category: CategoryExploit, technique: techExploitPublic},
}

// appendLower appends the ASCII lower case of s to dst.
func appendLower(dst, s []byte) []byte {
	for _, c := range s {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// appendUpper appends the ASCII upper case of s to dst.
func appendUpper(dst, s []byte) []byte {
	for _, c := range s {
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}
