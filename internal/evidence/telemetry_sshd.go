package evidence

import (
	"bytes"
	"errors"
	"fmt"
	"hash/maphash"
	"net/netip"
)

// Brute force that succeeded: an accepted login from an address with at
// least bruteForceFailures failed attempts, the last of them at most
// bruteForceWindow before. Fewer failures are a person mistyping.
const (
	bruteForceFailures = 5
	bruteForceWindow   = int64(24 * 3600 * 1e9)
)

// authTracker remembers failed logins by source address, and the sshd
// processes that announced an invalid user, in two generations of bounded
// maps: memory stays bounded whatever the number of attackers, and an
// address is forgotten only after a generation of others went by.
type authTracker struct {
	failures [2]map[netip.Addr]authFailures
	invalid  [2]map[sshdSession]bool
	seed     maphash.Seed
}

type authFailures struct {
	count int
	last  int64
}

// sshdSession is one sshd process on one host.
type sshdSession struct {
	host uint64 // hash of the syslog host
	pid  int
}

const authGeneration = 1 << 16

func newAuthTracker() *authTracker {
	return &authTracker{failures: [2]map[netip.Addr]authFailures{{}, {}}, invalid: [2]map[sshdSession]bool{{}, {}}, seed: maphash.MakeSeed()}
}

func (t *authTracker) failed(a netip.Addr, ns int64, n int) {
	f, ok := t.failures[0][a]
	if !ok {
		f = t.failures[1][a]
		delete(t.failures[1], a)
	}
	if ns-f.last > bruteForceWindow {
		f.count = 0
	}
	f.count += n
	f.last = ns
	if len(t.failures[0]) >= authGeneration {
		t.failures[1], t.failures[0] = t.failures[0], map[netip.Addr]authFailures{}
	}
	t.failures[0][a] = f
}

// succeeded forgets a's failures and returns how many there were recently.
func (t *authTracker) succeeded(a netip.Addr, ns int64) int {
	f, ok := t.failures[0][a]
	if !ok {
		f = t.failures[1][a]
	}
	delete(t.failures[0], a)
	delete(t.failures[1], a)
	if ns-f.last > bruteForceWindow {
		return 0
	}
	return f.count
}

func (t *authTracker) session(host []byte, pid int) sshdSession {
	return sshdSession{host: maphash.Bytes(t.seed, host), pid: pid}
}

func (t *authTracker) announceInvalid(s sshdSession) {
	if len(t.invalid[0]) >= authGeneration {
		t.invalid[1], t.invalid[0] = t.invalid[0], map[sshdSession]bool{}
	}
	t.invalid[0][s] = true
}

// takeInvalid reports whether s announced an invalid user not counted
// since, and forgets it.
func (t *authTracker) takeInvalid(s sshdSession) bool {
	ok := t.invalid[0][s] || t.invalid[1][s]
	delete(t.invalid[0], s)
	delete(t.invalid[1], s)
	return ok
}

// syslogLine is a parsed syslog line.
type syslogLine struct {
	host    []byte
	program []byte
	pid     int // 0 when none
	msg     []byte
}

var errNotSyslog = errors.New(`not a syslog line ("Mmm dd hh:mm:ss host program[pid]: message" or an ISO 8601 time first)`)

// parseSyslog reads a syslog line's header, dating it with w.syslog:
// "Jan  2 15:04:05 host sshd[123]: message" (RFC 3164, as auth.log,
// secure and journalctl write it), or with an RFC 3339 time first
// (rsyslog's high-precision format, journalctl -o short-iso). A leading
// "<PRI>" is skipped. Times without a zone are taken as UTC.
func (w *worker) parseSyslog(b []byte) (syslogLine, error) {
	var l syslogLine
	r := &w.rec
	if len(b) > 2 && b[0] == '<' {
		if i := bytes.IndexByte(b[:min(len(b), 6)], '>'); i > 1 {
			b = b[i+1:]
		}
	}
	var rest []byte
	if len(b) > 0 && b[0] >= '0' && b[0] <= '9' {
		sp := bytes.IndexByte(b, ' ')
		if sp < 0 {
			return l, errNotSyslog
		}
		ns, ok := parseISOTime(b[:sp])
		if !ok {
			return l, errNotSyslog
		}
		r.ns, r.dated = ns, true
		rest = b[sp+1:]
	} else {
		if len(b) < 16 {
			return l, errNotSyslog
		}
		month, ok := monthOf(b[:3])
		if !ok || b[3] != ' ' {
			return l, errNotSyslog
		}
		i := 4
		if b[i] == ' ' {
			i++
		}
		day := 0
		for ; i < len(b) && b[i] >= '0' && b[i] <= '9' && day < 100; i++ {
			day = day*10 + int(b[i]-'0')
		}
		if i+9 > len(b) || b[i] != ' ' || b[i+3] != ':' || b[i+6] != ':' {
			return l, errNotSyslog
		}
		h, ok1 := digits(b, i+1, 2)
		m, ok2 := digits(b, i+4, 2)
		s, ok3 := digits(b, i+7, 2)
		secs, ok4 := clock(h, m, s)
		if !(ok1 && ok2 && ok3 && ok4) {
			return l, errNotSyslog
		}
		i += 9
		nanos := 0
		if i < len(b) && b[i] == '.' {
			scale := 100_000_000
			for i++; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
				nanos += int(b[i]-'0') * scale
				scale /= 10
			}
		}
		ns, ok := w.in.syslog.stamp(month, day, secs, nanos)
		if !ok {
			return l, fmt.Errorf("no such date: %s %d, %d", monthAbbrevs[month-1], day, w.in.syslog.year)
		}
		r.ns, r.dated = ns, true
		if i >= len(b) || b[i] != ' ' {
			return l, errNotSyslog
		}
		rest = b[i+1:]
	}
	sp := bytes.IndexByte(rest, ' ')
	if sp <= 0 {
		return l, errNotSyslog
	}
	l.host, rest = rest[:sp], rest[sp+1:]
	colon := bytes.Index(rest, []byte(": "))
	if colon < 0 {
		if bytes.HasSuffix(rest, []byte{':'}) {
			colon = len(rest) - 1
		} else {
			// A line without a program (kernel messages on some systems):
			// nothing sshd said.
			return l, nil
		}
	}
	tag := rest[:colon]
	l.msg = rest[min(colon+2, len(rest)):]
	if i := bytes.IndexByte(tag, '['); i >= 0 && bytes.HasSuffix(tag, []byte{']'}) {
		l.program = tag[:i]
		for _, c := range tag[i+1 : len(tag)-1] {
			if c < '0' || c > '9' || l.pid > 1e9 {
				l.pid = 0
				break
			}
			l.pid = l.pid*10 + int(c-'0')
		}
	} else {
		l.program = tag
	}
	return l, nil
}

// sshd reads one line of a syslog file holding OpenSSH's messages (other
// programs' lines are read and left alone). Each password or
// keyboard-interactive failure is a brute-force attempt (T1110, blocked),
// and so is an invalid user (the failure that follows in the same sshd
// process is the same attempt, not another); a connection that never
// says a word of SSH (no identification string, bad banner, bad protocol
// version) is a scan. An accepted login is a successful brute force
// (T1110, succeeded) from an address with 5 failures or more in the 24
// hours before; otherwise it is an event only when the address is an
// indicator: account takeover (T1078 Valid Accounts, succeeded).
// "message repeated N times: [ … ]" counts N times.
func (w *worker) sshd(b []byte) error {
	if len(bytes.TrimSpace(b)) == 0 || bytes.HasPrefix(b, []byte("-- ")) {
		return nil // blank, or journalctl's "-- Logs begin at …", "-- Boot …"
	}
	l, err := w.parseSyslog(b)
	if err != nil {
		return err
	}
	if !bytes.HasPrefix(l.program, []byte("sshd")) {
		return nil
	}
	r := &w.rec
	r.host = l.host
	r.dst = l.host
	msg := l.msg
	if bytes.HasPrefix(msg, []byte("message repeated ")) {
		n := 0
		i := len("message repeated ")
		for ; i < len(msg) && msg[i] >= '0' && msg[i] <= '9' && n < 1e6; i++ {
			n = n*10 + int(msg[i]-'0')
		}
		if j := bytes.IndexByte(msg, '['); j >= 0 && n > 0 {
			r.repeat = min(n, 10_000)
			msg = bytes.TrimSpace(bytes.TrimSuffix(bytes.TrimSpace(msg[j+1:]), []byte{']'}))
		}
	}
	t := w.in.auth
	switch {
	case hasAnyPrefix(msg, "Failed password for ", "Failed keyboard-interactive/pam for "):
		from := sshdFrom(msg)
		if from == nil {
			return nil
		}
		r.src = from
		invalid := bytes.Contains(msg, []byte(" for invalid user "))
		if invalid && l.pid != 0 && r.repeat <= 1 && t.takeInvalid(t.session(l.host, l.pid)) {
			return nil // the attempt "Invalid user" announced, counted then
		}
		sig := "sshd failed password"
		if bytes.HasPrefix(msg, []byte("Failed keyboard")) {
			sig = "sshd failed keyboard-interactive"
		}
		if invalid {
			sig += " (invalid user)"
		}
		w.sshdFailure(sig)
	case bytes.HasPrefix(msg, []byte("Invalid user ")):
		from := sshdFrom(msg)
		if from == nil {
			return nil
		}
		r.src = from
		if l.pid != 0 {
			t.announceInvalid(t.session(l.host, l.pid))
		}
		w.sshdFailure("sshd invalid user")
	case bytes.HasPrefix(msg, []byte("Accepted ")):
		from := sshdFrom(msg)
		if from == nil {
			return nil
		}
		r.src = from
		a, ok := parseAddr(from)
		if !ok {
			r.login = true
			return nil
		}
		if n := t.succeeded(a, r.ns); n >= bruteForceFailures {
			r.classify(verdict{category: CategoryBruteForce, technique: techBruteForce, outcome: Succeeded,
				signature: "sshd accepted login after failures"})
		} else {
			r.login = true
		}
	case hasAnyPrefix(msg, "Did not receive identification string from ", "banner exchange: Connection from ",
		"Bad protocol version identification "):
		from := sshdFrom(msg)
		if from == nil {
			return nil
		}
		r.src = from
		a, _ := parseAddr(from)
		r.classify(verdict{category: CategoryScan, technique: scanTechnique(a), signature: "sshd connection without SSH"})
	}
	return nil
}

// sshdFailure classifies the record as a failed attempt and remembers it.
func (w *worker) sshdFailure(signature string) {
	r := &w.rec
	r.classify(verdict{category: CategoryBruteForce, technique: techBruteForce, outcome: Blocked, signature: signature})
	if a, ok := parseAddr(r.src); ok {
		w.in.auth.failed(a, r.ns, max(r.repeat, 1))
	}
}

// sshdFrom returns the address after the last " from " of an sshd
// message (user names, chosen by the attacker, come before it): the word
// up to the next space, without a trailing colon.
func sshdFrom(msg []byte) []byte {
	i := bytes.LastIndex(msg, []byte(" from "))
	if i < 0 {
		return nil
	}
	rest := msg[i+len(" from "):]
	if j := bytes.IndexByte(rest, ' '); j >= 0 {
		rest = rest[:j]
	}
	rest = bytes.TrimSuffix(rest, []byte{':'})
	if len(rest) == 0 {
		return nil
	}
	return rest
}

func hasAnyPrefix(b []byte, prefixes ...string) bool {
	for _, p := range prefixes {
		if bytes.HasPrefix(b, []byte(p)) {
			return true
		}
	}
	return false
}
