package attack

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
)

// Canonical forms of indicator values. Importers and matchers agree on them,
// so that a value read from a feed and one read from a log compare equal:
//   - ip: netip's canonical text, IPv4-mapped IPv6 addresses unmapped, zone
//     dropped ("::ffff:192.0.2.1" is "192.0.2.1");
//   - cidr: the masked prefix ("10.1.2.3/8" is "10.0.0.0/8"); a prefix of
//     a single address (/32, /128) is that ip;
//   - domain: lower case, without leading "*." or "." and trailing dots;
//     a domain that is an IP address is that ip; at least two labels (a
//     single label would match a whole top-level domain);
//   - url: see AppendCanonicalURL;
//   - md5, sha1, sha256: lower-case hex of 32, 40 and 64 digits.
//
// On import, defanged values are refanged first: "[.]", "(.)" and "[dot]"
// become ".", "[:]" ":" and a leading "hxxp" "http".

// NormalizeIndicator returns ind with its value in canonical form and its
// actors sorted without duplicates, or an error when the value is not one of
// its type. The type follows the value where they disagree in a harmless
// way: an ip holding a network is a cidr, a cidr of one address an ip, a
// domain holding an address an ip.
func NormalizeIndicator(ind Indicator) (Indicator, error) {
	var err error
	switch ind.Type {
	case IndicatorIP, IndicatorCIDR:
		ind.Type, ind.Value, err = iocNormIP(ind.Value)
	case IndicatorDomain:
		ind.Type, ind.Value, err = iocNormDomain(ind.Value)
	case IndicatorURL:
		ind.Value, err = iocNormURL(ind.Value)
	case IndicatorMD5, IndicatorSHA1, IndicatorSHA256:
		ind.Value, err = iocNormHash(ind.Type, ind.Value)
	default:
		return ind, fmt.Errorf("indicator type %q: want one of ip, cidr, domain, url, md5, sha1, sha256", ind.Type)
	}
	if err != nil {
		return ind, err
	}
	if len(ind.Actors) > 0 {
		ind.Actors = iocSortedUnique(append([]string(nil), ind.Actors...))
	}
	return ind, nil
}

// iocRefang undoes the usual defanging of indicators in reports.
func iocRefang(s string) string {
	s = strings.TrimSpace(s)
	if strings.ContainsAny(s, "[(") {
		s = strings.NewReplacer("[.]", ".", "(.)", ".", "[dot]", ".", "[:]", ":").Replace(s)
	}
	if len(s) >= 4 && strings.EqualFold(s[:4], "hxxp") {
		s = "http" + s[4:]
	}
	return s
}

// iocNormIP gives the type (ip or cidr) and canonical form of an address or
// network.
func iocNormIP(s string) (typ, value string, err error) {
	s = iocRefang(s)
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return "", "", fmt.Errorf("ip %q: %w", s, err)
		}
		return IndicatorIP, a.Unmap().WithZone("").String(), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return "", "", fmt.Errorf("network %q: %w", s, err)
	}
	a, bits := p.Addr(), p.Bits()
	if a.Is4In6() && bits >= 96 {
		a, bits = a.Unmap(), bits-96
	}
	p = netip.PrefixFrom(a, bits).Masked()
	if bits == a.BitLen() {
		return IndicatorIP, p.Addr().String(), nil
	}
	return IndicatorCIDR, p.String(), nil
}

// iocNormDomain gives the type (domain, or ip for an address) and the
// canonical form of a domain name.
func iocNormDomain(s string) (typ, value string, err error) {
	s = iocRefang(s)
	s = strings.TrimRight(s, ".")
	s = strings.TrimPrefix(s, "*.")
	s = strings.TrimPrefix(s, ".")
	s = strings.ToLower(s)
	if a, err := netip.ParseAddr(s); err == nil {
		return IndicatorIP, a.Unmap().WithZone("").String(), nil
	}
	if err := iocCheckDomain(s); err != nil {
		return "", "", fmt.Errorf("domain %q: %w", s, err)
	}
	return IndicatorDomain, s, nil
}

// iocCheckDomain checks that s, in lower case, is a host name of at least
// two labels. Underscores and non-ASCII letters are let through: both occur
// in real indicators.
func iocCheckDomain(s string) error {
	if s == "" {
		return errors.New("empty")
	}
	if len(s) > 253 {
		return errors.New("longer than 253 bytes")
	}
	if !strings.Contains(s, ".") {
		return errors.New("a single label would match a whole top-level domain")
	}
	for label := range strings.SplitSeq(s, ".") {
		if label == "" || len(label) > 63 {
			return errors.New("empty label or label longer than 63 bytes")
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c >= 0x80) {
				return fmt.Errorf("character %q", c)
			}
		}
	}
	return nil
}

// iocNormURL gives the canonical form of a URL.
func iocNormURL(s string) (string, error) {
	s = iocRefang(s)
	b, ok := AppendCanonicalURL(nil, s)
	if !ok {
		return "", fmt.Errorf("url %q: not an absolute URL with a host", s)
	}
	_, host, _, _, _ := SplitURL(s)
	host = strings.ToLower(strings.TrimRight(host, "."))
	if _, err := netip.ParseAddr(host); err != nil {
		if err := iocCheckDomain(host); err != nil {
			return "", fmt.Errorf("url %q: host: %w", s, err)
		}
	}
	return string(b), nil
}

// iocNormHash checks and lower-cases a hash of type typ (md5, sha1 or
// sha256).
func iocNormHash(typ, s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	want := map[string]int{IndicatorMD5: 32, IndicatorSHA1: 40, IndicatorSHA256: 64}[typ]
	if len(s) != want {
		return "", fmt.Errorf("%s %q: want %d hex digits", typ, s, want)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return "", fmt.Errorf("%s %q: not hex", typ, s)
		}
	}
	return s, nil
}

// iocHashType is the hash indicator type of a hex digest of n digits.
func iocHashType(n int) string {
	switch n {
	case 32:
		return IndicatorMD5
	case 40:
		return IndicatorSHA1
	case 64:
		return IndicatorSHA256
	}
	return ""
}

// SplitURL cuts an absolute URL into its scheme, host, port and the rest
// (path and query), without the fragment and the user information, which
// are dropped. A URL without "scheme://" is read as host[:port][/path…]
// with an empty scheme. The host of an IPv6 literal comes without its
// brackets. Nothing is lower-cased or decoded, and nothing is allocated. ok
// is false when there is no host or the port is not a number.
func SplitURL(s string) (scheme, host, port, rest string, ok bool) {
	if i := strings.IndexByte(s, '#'); i >= 0 {
		s = s[:i]
	}
	if i := strings.Index(s, "://"); i > 0 && iocValidScheme(s[:i]) {
		scheme, s = s[:i], s[i+3:]
	}
	auth := s
	if i := strings.IndexAny(s, "/?\\"); i >= 0 {
		auth, rest = s[:i], s[i:]
	}
	if i := strings.LastIndexByte(auth, '@'); i >= 0 {
		auth = auth[i+1:]
	}
	if strings.HasPrefix(auth, "[") {
		i := strings.IndexByte(auth, ']')
		if i < 0 {
			return "", "", "", "", false
		}
		host, auth = auth[1:i], auth[i+1:]
		if auth != "" {
			if auth[0] != ':' {
				return "", "", "", "", false
			}
			port = auth[1:]
		}
	} else if i := strings.LastIndexByte(auth, ':'); i >= 0 {
		host, port = auth[:i], auth[i+1:]
	} else {
		host = auth
	}
	for i := 0; i < len(port); i++ {
		if port[i] < '0' || port[i] > '9' {
			return "", "", "", "", false
		}
	}
	if host == "" {
		return "", "", "", "", false
	}
	return scheme, host, port, rest, true
}

// iocValidScheme reports whether s is a URL scheme: a letter, then letters,
// digits, '+', '-' or '.'.
func iocValidScheme(s string) bool {
	if len(s) == 0 || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		switch {
		case 'a' <= c && c <= 'z':
		case i > 0 && ('0' <= s[i] && s[i] <= '9' || s[i] == '+' || s[i] == '-' || s[i] == '.'):
		default:
			return false
		}
	}
	return true
}

// AppendCanonicalURL appends the canonical form of the URL s to dst: scheme
// and host in lower case ("http" when s has no scheme), the host without
// trailing dots, an IPv6 host in netip's canonical form, the port without
// leading zeros and left out when it is the scheme's default (http and ws
// 80, https and wss 443, ftp 21), the user information and the fragment
// dropped, and the path and query kept as they are ("/" when the path is
// empty). Percent-encoding is not touched. It allocates only when dst must
// grow, so that a matcher can build the key of a lookup in a buffer on the
// stack. ok is false, and dst returned unchanged, when s is not a URL with
// a host (see SplitURL).
func AppendCanonicalURL(dst []byte, s string) (_ []byte, ok bool) {
	scheme, host, port, rest, ok := SplitURL(s)
	if !ok {
		return dst, false
	}
	host = strings.TrimRight(host, ".")
	if host == "" {
		return dst, false
	}
	n := len(dst)
	if scheme == "" {
		scheme = "http"
	}
	dst = iocAppendLower(dst, scheme)
	dst = append(dst, "://"...)
	if strings.IndexByte(host, ':') >= 0 {
		a, err := netip.ParseAddr(host)
		if err != nil || !a.Is6() {
			return dst[:n], false
		}
		dst = append(dst, '[')
		dst = a.WithZone("").AppendTo(dst)
		dst = append(dst, ']')
	} else {
		dst = iocAppendLower(dst, host)
	}
	port = strings.TrimLeft(port, "0")
	if len(port) > 5 || len(port) == 5 && port > "65535" {
		return dst[:n], false
	}
	if port != "" && port != iocDefaultPort(scheme) {
		dst = append(dst, ':')
		dst = append(dst, port...)
	}
	if rest == "" || rest[0] == '?' {
		dst = append(dst, '/')
	}
	return append(dst, rest...), true
}

// iocDefaultPort is the default port of a URL scheme, or "".
func iocDefaultPort(scheme string) string {
	switch {
	case strings.EqualFold(scheme, "http"), strings.EqualFold(scheme, "ws"):
		return "80"
	case strings.EqualFold(scheme, "https"), strings.EqualFold(scheme, "wss"):
		return "443"
	case strings.EqualFold(scheme, "ftp"):
		return "21"
	}
	return ""
}

// iocAppendLower appends s to dst with ASCII letters in lower case.
func iocAppendLower(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}
