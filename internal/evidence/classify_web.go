package evidence

import "bytes"

// webPatterns are injection attempts, looked for in the request target once
// percent-decoded (twice, for double encoding), lower-cased, with '+' and
// SQL comments read as spaces and runs of white space as one space.
var webPatterns = []struct {
	pattern, signature string
}{
	// Log4Shell first: its payload often carries other patterns too.
	{"${jndi:", "log4shell"}, {"${${", "log4shell"}, {"${lower:", "log4shell"}, {"${upper:", "log4shell"},
	{"${env:", "log4shell"}, {"${::-", "log4shell"},
	{"union select", "sql-injection"}, {"union all select", "sql-injection"}, {"' or '", "sql-injection"},
	{"' or 1=1", "sql-injection"}, {"\" or \"", "sql-injection"}, {" or 1=1", "sql-injection"},
	{"' and '", "sql-injection"}, {"' and 1=", "sql-injection"}, {"sleep(", "sql-injection"},
	{"benchmark(", "sql-injection"}, {"waitfor delay", "sql-injection"}, {"information_schema", "sql-injection"},
	{"xp_cmdshell", "sql-injection"}, {"load_file(", "sql-injection"}, {"into outfile", "sql-injection"},
	{"extractvalue(", "sql-injection"}, {"updatexml(", "sql-injection"}, {"@@version", "sql-injection"},
	{"'--", "sql-injection"}, {"' --", "sql-injection"}, {"';", "sql-injection"}, {"' #", "sql-injection"},
	{"../", "path-traversal"}, {"..\\", "path-traversal"}, {"..;/", "path-traversal"},
	{"/etc/passwd", "path-traversal"}, {"/etc/shadow", "path-traversal"}, {"win.ini", "path-traversal"},
	{"boot.ini", "path-traversal"}, {"/proc/self/", "path-traversal"}, {"c:\\windows", "path-traversal"},
	{"php://", "path-traversal"}, {"file://", "path-traversal"}, {"expect://", "path-traversal"},
	{"$(", "command-injection"}, {"`", "command-injection"}, {";wget ", "command-injection"},
	{"|wget ", "command-injection"}, {";curl ", "command-injection"}, {"|curl ", "command-injection"},
	{"wget http", "command-injection"}, {"curl http", "command-injection"}, {"/bin/sh", "command-injection"},
	{"/bin/bash", "command-injection"}, {"cmd.exe", "command-injection"}, {"powershell", "command-injection"},
	{"/dev/tcp/", "command-injection"}, {"nc -e", "command-injection"}, {";id;", "command-injection"},
	{"; id", "command-injection"}, {"|id", "command-injection"}, {";cat /", "command-injection"},
	{"|cat /", "command-injection"}, {"chmod +x", "command-injection"}, {"chmod 777", "command-injection"},
	{"() {", "command-injection"}, {"#_memberaccess", "command-injection"}, {"%{(#", "command-injection"},
	{"class.module.classloader", "command-injection"},
	{"<script", "xss"}, {"javascript:", "xss"}, {"onerror=", "xss"}, {"onload=", "xss"}, {"<svg", "xss"},
	{"<iframe", "xss"}, {"alert(", "xss"}, {"document.cookie", "xss"}, {"<img src", "xss"},
}

// headerPatterns are injection attempts looked for in the user agent and
// referrer, lower-cased: Log4Shell and Shellshock travel there.
var headerPatterns = []struct {
	pattern, signature string
}{
	{"${jndi:", "log4shell"}, {"${${", "log4shell"}, {"${lower:", "log4shell"}, {"${upper:", "log4shell"},
	{"${env:", "log4shell"}, {"() {", "command-injection"}, {"<script", "xss"}, {"union select", "sql-injection"},
}

// scannerAgents are substrings of the lower-cased user agents of scanning
// and attack tools.
var scannerAgents = []struct {
	substring, signature string
}{
	{"sqlmap", "scanner sqlmap"}, {"nikto", "scanner nikto"}, {"nmap", "scanner nmap"},
	{"masscan", "scanner masscan"}, {"zgrab", "scanner zgrab"}, {"nuclei", "scanner nuclei"},
	{"wpscan", "scanner wpscan"}, {"gobuster", "scanner gobuster"}, {"dirbuster", "scanner dirbuster"},
	{"dirb", "scanner dirb"}, {"ffuf", "scanner ffuf"}, {"fuzz faster u fool", "scanner ffuf"},
	{"feroxbuster", "scanner feroxbuster"}, {"wfuzz", "scanner wfuzz"}, {"acunetix", "scanner acunetix"},
	{"netsparker", "scanner netsparker"}, {"openvas", "scanner openvas"}, {"nessus", "scanner nessus"},
	{"w3af", "scanner w3af"}, {"whatweb", "scanner whatweb"}, {"skipfish", "scanner skipfish"},
	{"arachni", "scanner arachni"}, {"zmeu", "scanner zmeu"}, {"jorgee", "scanner jorgee"},
	{"morfeus", "scanner morfeus"}, {"l9explore", "scanner leakix"}, {"l9tcpid", "scanner leakix"},
	{"censysinspect", "scanner censys"}, {"expanse", "scanner expanse"}, {"qualys", "scanner qualys"},
	{"hydra", "scanner hydra"}, {"xray", "scanner xray"}, {"commix", "scanner commix"},
	{"jaeles", "scanner jaeles"}, {"vega/", "scanner vega"}, {"paros", "scanner paros"},
}

// probePaths are request paths (lower-cased, without the query) that
// scanners ask for and ordinary sites do not serve: prefixes, or anywhere
// in the path for those starting with "*".
var probePaths = []string{
	"/.env", "/.git/", "/.svn/", "/.hg/", "/.ds_store", "/.aws/", "/.ssh/", "/.htpasswd",
	"/.bash_history", "/phpmyadmin", "/pma/", "/myadmin", "/mysqladmin", "/wp-config.php",
	"/actuator/env", "/actuator/heapdump", "/actuator/gateway", "/hnap1", "/boaform", "/cgi-bin/luci", "/vendor/phpunit",
	"/solr/admin", "/manager/html", "/_ignition/", "/telescope/", "/console/login", "/setup.cgi",
	"/shell.php", "/wso.php", "/c99.php", "/r57.php", "/cmd.php",
	"*/phpinfo.php", "*/.env", "*/.git/config", "*/wp-config.php.bak", "*/backup.sql", "*/dump.sql",
	"*/config.json.bak", "*/id_rsa",
}

// bytePattern is a pattern with what to call a match.
type bytePattern struct {
	b         []byte
	anywhere  bool // for probe paths: anywhere in the path, not only a prefix
	signature string
}

// The tables above as byte slices, built once: converting them on every
// request would allocate.
var webTargetPatterns, webHeaderPatterns, webAgentPatterns, webProbePatterns = func() (t, h, a, p []bytePattern) {
	for _, x := range webPatterns {
		t = append(t, bytePattern{b: []byte(x.pattern), signature: x.signature})
	}
	for _, x := range headerPatterns {
		h = append(h, bytePattern{b: []byte(x.pattern), signature: x.signature})
	}
	for _, x := range scannerAgents {
		a = append(a, bytePattern{b: []byte(x.substring), signature: x.signature})
	}
	for _, x := range probePaths {
		anywhere := x[0] == '*'
		if anywhere {
			x = x[1:]
		}
		p = append(p, bytePattern{b: []byte(x), anywhere: anywhere, signature: "probe " + x})
	}
	return
}()

// webClassifier classifies HTTP requests; it keeps its buffers between
// calls, so it is not safe for concurrent use.
type webClassifier struct {
	target, header []byte
}

// classify classifies one HTTP request from its target (path and query),
// user agent, referrer and status (0 when unknown). Injection attempts are
// exploits (T1190): blocked when the status is 4xx or 5xx, unknown
// otherwise, since a 200 does not show that the injection worked. Scanner
// user agents and probing paths are scans (T1595): blocked on 4xx or 5xx,
// succeeded on 2xx (the probe got an answer), unknown otherwise.
func (c *webClassifier) classify(target, agent, referrer []byte, status int) (verdict, bool) {
	c.target = normaliseTarget(c.target[:0], target)
	for _, p := range webTargetPatterns {
		if bytes.Contains(c.target, p.b) {
			return verdict{CategoryExploit, techExploitPublic, exploitOutcome(status), p.signature}, true
		}
	}
	for _, h := range [2][]byte{agent, referrer} {
		if len(h) == 0 {
			continue
		}
		c.header = appendLower(c.header[:0], h)
		for _, p := range webHeaderPatterns {
			if bytes.Contains(c.header, p.b) {
				return verdict{CategoryExploit, techExploitPublic, exploitOutcome(status), p.signature}, true
			}
		}
	}
	if len(agent) > 0 {
		c.header = appendLower(c.header[:0], agent)
		for _, s := range webAgentPatterns {
			if bytes.Contains(c.header, s.b) {
				return verdict{CategoryScan, techActiveScanning, scanOutcome(status), s.signature}, true
			}
		}
	}
	path := c.target
	if i := bytes.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	for _, p := range webProbePatterns {
		if p.anywhere && bytes.Contains(path, p.b) || !p.anywhere && bytes.HasPrefix(path, p.b) {
			return verdict{CategoryScan, techActiveScanning, scanOutcome(status), p.signature}, true
		}
	}
	return verdict{}, false
}

func exploitOutcome(status int) Outcome {
	if status >= 400 && status < 600 {
		return Blocked
	}
	return Unknown
}

func scanOutcome(status int) Outcome {
	switch {
	case status >= 400 && status < 600:
		return Blocked
	case status >= 200 && status < 300:
		return Succeeded
	}
	return Unknown
}

// normaliseTarget appends to dst the request target percent-decoded twice,
// lower-cased, with '+' and SQL comments /**/ as spaces and runs of white
// space as one space.
func normaliseTarget(dst, target []byte) []byte {
	start := len(dst)
	dst = percentDecode(dst, target)
	if bytes.IndexByte(dst[start:], '%') >= 0 {
		// Double encoding (%2527): decode once more, in place.
		tmp := dst[start:]
		dst = percentDecode(dst[:start], tmp)
	}
	out := dst[:start]
	space := false
	for i := start; i < len(dst); i++ {
		ch := dst[i]
		if ch == '/' && i+3 < len(dst) && dst[i+1] == '*' && dst[i+2] == '*' && dst[i+3] == '/' {
			i += 3
			ch = ' '
		}
		switch {
		case ch == '+' || ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r':
			if space {
				continue
			}
			space = true
			ch = ' '
		case 'A' <= ch && ch <= 'Z':
			ch += 'a' - 'A'
			space = false
		default:
			space = false
		}
		out = append(out, ch)
	}
	return out
}

// percentDecode appends s to dst with %XX sequences decoded; malformed
// sequences are kept as they are. dst may share s's storage from the
// start: the output never outruns the input.
func percentDecode(dst, s []byte) []byte {
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch == '%' && i+2 < len(s) {
			hi, ok1 := hexDigit(s[i+1])
			lo, ok2 := hexDigit(s[i+2])
			if ok1 && ok2 {
				dst = append(dst, hi<<4|lo)
				i += 2
				continue
			}
		}
		dst = append(dst, ch)
	}
	return dst
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
