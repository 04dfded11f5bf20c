package attack

import (
	"reflect"
	"strings"
	"testing"
)

func TestNormalizeIndicator(t *testing.T) {
	tests := []struct {
		name      string
		typ, in   string
		wantType  string
		wantValue string // "" for an error
	}{
		{"ipv4", IndicatorIP, " 192.0.2.1 ", IndicatorIP, "192.0.2.1"},
		{"ipv6 compressed", IndicatorIP, "2001:DB8:0:0:0:0:0:1", IndicatorIP, "2001:db8::1"},
		{"ipv4-mapped", IndicatorIP, "::ffff:192.0.2.1", IndicatorIP, "192.0.2.1"},
		{"zone dropped", IndicatorIP, "fe80::1%eth0", IndicatorIP, "fe80::1"},
		{"defanged ip", IndicatorIP, "192.0.2[.]1", IndicatorIP, "192.0.2.1"},
		{"ip holding a network", IndicatorIP, "10.1.2.3/8", IndicatorCIDR, "10.0.0.0/8"},
		{"cidr masked", IndicatorCIDR, "2001:db8::1/32", IndicatorCIDR, "2001:db8::/32"},
		{"cidr of one address", IndicatorCIDR, "192.0.2.7/32", IndicatorIP, "192.0.2.7"},
		{"cidr /128", IndicatorCIDR, "2001:db8::7/128", IndicatorIP, "2001:db8::7"},
		{"mapped cidr", IndicatorCIDR, "::ffff:10.0.0.0/104", IndicatorCIDR, "10.0.0.0/8"},
		{"cidr all", IndicatorCIDR, "0.0.0.0/0", IndicatorCIDR, "0.0.0.0/0"},
		{"bad ip", IndicatorIP, "300.1.1.1", "", ""},
		{"leading zeros", IndicatorIP, "010.1.1.1", "", ""},
		{"bad cidr", IndicatorCIDR, "10.0.0.0/33", "", ""},
		{"domain case and dot", IndicatorDomain, "WWW.Evil.Example.", IndicatorDomain, "www.evil.example"},
		{"domain wildcard", IndicatorDomain, "*.evil.example", IndicatorDomain, "evil.example"},
		{"domain leading dot", IndicatorDomain, ".evil.example", IndicatorDomain, "evil.example"},
		{"domain defanged", IndicatorDomain, "evil[.]example", IndicatorDomain, "evil.example"},
		{"domain underscore", IndicatorDomain, "_dmarc.evil.example", IndicatorDomain, "_dmarc.evil.example"},
		{"domain unicode", IndicatorDomain, "ÉLYSÉE.example", IndicatorDomain, "élysée.example"},
		{"domain holding an ip", IndicatorDomain, "192.0.2.1", IndicatorIP, "192.0.2.1"},
		{"single label", IndicatorDomain, "localhost", "", ""},
		{"empty label", IndicatorDomain, "evil..example", "", ""},
		{"space", IndicatorDomain, "evil example.com", "", ""},
		{"slash", IndicatorDomain, "evil.example/x", "", ""},
		{"long label", IndicatorDomain, strings.Repeat("a", 64) + ".example", "", ""},
		{"url", IndicatorURL, "HTTP://Evil.Example:80/A/B?Q=1#frag", IndicatorURL, "http://evil.example/A/B?Q=1"},
		{"url defanged", IndicatorURL, "hxxps://evil[.]example/x", IndicatorURL, "https://evil.example/x"},
		{"url without scheme", IndicatorURL, "evil.example/x", IndicatorURL, "http://evil.example/x"},
		{"url bad host", IndicatorURL, "http://evil/x", "", ""},
		{"url no host", IndicatorURL, "http:///x", "", ""},
		{"md5 upper", IndicatorMD5, "D41D8CD98F00B204E9800998ECF8427E", IndicatorMD5, "d41d8cd98f00b204e9800998ecf8427e"},
		{"sha1", IndicatorSHA1, "da39a3ee5e6b4b0d3255bfef95601890afd80709", IndicatorSHA1, "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
		{"sha256", IndicatorSHA256, strings.Repeat("aB", 32), IndicatorSHA256, strings.Repeat("ab", 32)},
		{"md5 length", IndicatorMD5, "da39a3ee5e6b4b0d3255bfef95601890afd80709", "", ""},
		{"sha1 not hex", IndicatorSHA1, strings.Repeat("g", 40), "", ""},
		{"unknown type", "email", "a@b.example", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NormalizeIndicator(Indicator{Type: tt.typ, Value: tt.in, Actors: []string{"b", "a", "b", ""}})
			if tt.wantValue == "" {
				if err == nil {
					t.Fatalf("no error; got %s %q", got.Type, got.Value)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Type != tt.wantType || got.Value != tt.wantValue {
				t.Errorf("got %s %q, want %s %q", got.Type, got.Value, tt.wantType, tt.wantValue)
			}
			if !reflect.DeepEqual(got.Actors, []string{"a", "b"}) {
				t.Errorf("actors %q", got.Actors)
			}
		})
	}
}

func TestAppendCanonicalURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"http://evil.example/a", "http://evil.example/a"},
		{"HTTPS://EVIL.Example:443/Path?Q=A#top", "https://evil.example/Path?Q=A"},
		{"https://evil.example:0443/", "https://evil.example/"},
		{"https://evil.example:8443/x", "https://evil.example:8443/x"},
		{"http://evil.example:443/x", "http://evil.example:443/x"},
		{"http://evil.example", "http://evil.example/"},
		{"http://evil.example?x=1", "http://evil.example/?x=1"},
		{"http://evil.example./x", "http://evil.example/x"},
		{"http://user:pw@evil.example/x", "http://evil.example/x"},
		{"http://[2001:DB8::1]:8080/x", "http://[2001:db8::1]:8080/x"},
		{"http://[2001:db8::1]/", "http://[2001:db8::1]/"},
		{"ftp://files.example:21/a", "ftp://files.example/a"},
		{"wss://ws.example:443/a", "wss://ws.example/a"},
		{"evil.example:8080/a b", "http://evil.example:8080/a b"},
		{"http://evil.example/%2Fx", "http://evil.example/%2Fx"},
		{"http://evil.example:/x", "http://evil.example/x"},
		{"http://evil.example:99999/x", ""},
		{"http://evil.example:8a/x", ""},
		{"http://[2001:db8::1/x", ""},
		{"http://[2001:db8::1]x/", ""},
		{"http://[192.0.2.1]/", "http://192.0.2.1/"}, // lenient: brackets dropped
		{"http://a:b:c/", ""},
		{"http:///x", ""},
		{"", ""},
		{"http://.../", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			prefix := []byte("keep:")
			got, ok := AppendCanonicalURL(prefix, tt.in)
			if tt.want == "" {
				if ok || string(got) != "keep:" {
					t.Fatalf("got %q, %v; want failure leaving dst alone", got, ok)
				}
				return
			}
			if !ok || string(got) != "keep:"+tt.want {
				t.Errorf("got %q, %v; want %q", got, ok, "keep:"+tt.want)
			}
		})
	}
}

func TestSplitURL(t *testing.T) {
	scheme, host, port, rest, ok := SplitURL("HTTPS://u@[::1]:8443/p?q#f")
	if got := []string{scheme, host, port, rest}; !ok || !reflect.DeepEqual(got, []string{"HTTPS", "::1", "8443", "/p?q"}) {
		t.Errorf("got %q, %v", got, ok)
	}
	if n := testing.AllocsPerRun(100, func() {
		SplitURL("http://user@Evil.Example:8080/a/b?c=d#e")
	}); n != 0 {
		t.Errorf("SplitURL allocates %v times", n)
	}
	buf := make([]byte, 0, 128)
	if n := testing.AllocsPerRun(100, func() {
		AppendCanonicalURL(buf[:0], "HTTP://[2001:DB8::1]:80/a/b?c=d#e")
	}); n != 0 {
		t.Errorf("AppendCanonicalURL allocates %v times into a large enough buffer", n)
	}
}

func TestResolveActors(t *testing.T) {
	imp := &IndicatorImport{Indicators: []Indicator{
		{Type: IndicatorIP, Value: "192.0.2.1", Actors: []string{"Sofacy", "Fighting Ursa", "Unknown"}},
		{Type: IndicatorIP, Value: "192.0.2.2"},
	}}
	aliases := map[string]string{"Sofacy": "G0007", "Fighting Ursa": "G0007"}
	imp.ResolveActors(func(name string) (string, bool) {
		id, ok := aliases[name]
		return id, ok
	})
	if got := imp.Indicators[0].Actors; !reflect.DeepEqual(got, []string{"G0007", "Unknown"}) {
		t.Errorf("actors %q", got)
	}
	if imp.Indicators[1].Actors != nil {
		t.Errorf("actors %q, want none", imp.Indicators[1].Actors)
	}
}
