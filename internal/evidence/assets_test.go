package evidence

import (
	"errors"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/internal/model"
)

func TestAssetMapLookup(t *testing.T) {
	am := telTestAssets(t)
	for _, c := range []struct{ host, asset, org string }{
		{"10.1.0.10", "vpn-gateway", "campaign"},        // the address before its network
		{"10.1.5.5", "campaign-lan", "campaign"},        // the network
		{"::ffff:10.1.0.10", "vpn-gateway", "campaign"}, // IPv4-mapped
		{"10.3.0.1", "", ""},
		{"www.example.org", "website", "campaign"},
		{"WWW.Example.ORG.", "website", "campaign"},
		{"a.b.example.org", "website", "campaign"}, // *.example.org
		{"example.org", "", ""},                    // *. is for subdomains only
		{"web1", "website", "campaign"},
		{"x.rolls.example.gov", "voter-roll", "authority"},
		{"10.0.0.5", "voter-roll", "authority"},
		{"", "", ""},
	} {
		asset, org, ok := am.Lookup(c.host)
		if asset != c.asset || org != c.org || ok != (c.asset != "") {
			t.Errorf("%q: %q %q %v, want %q %q", c.host, asset, org, ok, c.asset, c.org)
		}
	}
}

func TestAssetMapSpecificity(t *testing.T) {
	am, err := ParseAssetMap("m.yaml", strings.NewReader(`
"*": other
10.0.0.0/8: a
10.1.0.0/16: b
10.1.2.0/24: c
10.1.2.3/32: d
2001:db8::/32: v6
2001:db8:1::/48: v6-site
"*.example.org": org
"*.www.example.org": www
`))
	if err != nil {
		t.Fatal(err)
	}
	for host, want := range map[string]string{
		"10.1.2.3": "d", "10.1.2.4": "c", "10.1.3.3": "b", "10.9.9.9": "a", "192.0.2.1": "other",
		"2001:db8:1::5": "v6-site", "2001:db8:2::5": "v6", "x.example.org": "org", "a.www.example.org": "www",
		"www.example.org": "org", "evil.example": "other",
	} {
		if got, _, _ := am.Lookup(host); got != want {
			t.Errorf("%s: %q, want %q", host, got, want)
		}
	}
	// assign tries the hosts in turn, "*" last.
	e := &Event{}
	am.assign(e, "", "198.51.100.1", "10.1.3.3")
	if e.Asset != "b" {
		t.Errorf("assign: %q", e.Asset)
	}
}

func TestAssetMapErrors(t *testing.T) {
	src := `10.0.0.0/33: lan
10.0.0.1: "bad id!"
www.example.org: website
WWW.example.org.: mail
website: [10.0.0.2, {a: b}, "exa mple"]
empty: []
"*.": x
nested: {a: b}
`
	_, err := ParseAssetMap("assets.yaml", strings.NewReader(src))
	var verr *model.ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("error %v", err)
	}
	want := []string{
		`assets.yaml:1:1: "10.0.0.0/33" is not a network (such as 10.0.1.0/24)`,
		`assets.yaml:2:1: "bad id!" is not an asset id (letters, digits, '.', '_' and '-', starting with a letter or digit)`,
		`assets.yaml:4:1: host pattern "WWW.example.org." is given twice (first on line 3)`,
		`assets.yaml:5:21: asset "website": a host pattern must be a plain value`,
		`assets.yaml:5:29: "exa mple" is not a host pattern: an address (10.0.1.6), a network (10.0.1.0/24), a host name (www.example.org), *.domain or *`,
		`assets.yaml:6:1: asset "empty": the list of host patterns is empty`,
		`assets.yaml:7:1: "*." is not a *.domain pattern (such as *.example.org)`,
		`assets.yaml:8:9: pattern "nested": the value must be an asset id, or the key an asset id and the value a list of host patterns`,
	}
	var got []string
	for _, p := range verr.Problems {
		got = append(got, p.String())
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	for _, c := range []struct{ src, want string }{
		{"*.example.org: website\n", "quote patterns that start with *"},
		{"- 10.0.0.1\n", "an assets map is a mapping"},
		{"a: b\n---\nc: d\n", "one YAML document"},
		{"a: [[[[[[[[[[[[[[[[[[[[[[[[x]]]]]]]]]]]]]]]]]]]]]]]\n", "nested too deeply"},
	} {
		if _, err := ParseAssetMap("m.yaml", strings.NewReader(c.src)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.src, err, c.want)
		}
	}
	if am, err := ParseAssetMap("m.yaml", strings.NewReader("# nothing yet\n")); err != nil || am.Len() != 0 {
		t.Errorf("empty map: %v", err)
	}

	// Against a model: unknown assets, with their lines.
	am, err := ParseAssetMap("assets.yaml", strings.NewReader("10.0.0.1: website\n10.0.0.2: nowhere\nghost: [10.0.0.3]\n"))
	if err != nil {
		t.Fatal(err)
	}
	err = am.Resolve(telTestModel(t))
	if !errors.As(err, &verr) || len(verr.Problems) != 2 || verr.Problems[0].Line != 2 || verr.Problems[1].Line != 3 ||
		!strings.Contains(verr.Problems[0].Message, `unknown asset "nowhere"; the model's assets are: campaign-lan, vpn-gateway`) {
		t.Errorf("resolve: %v", err)
	}
}

func FuzzParseAssetMap(f *testing.F) {
	for _, s := range []string{"10.0.0.0/8: a\n", "a: [b, c]\n", `"*": x`, "*.x: y", "a: {b: c}", "[1, 2]", "a: &x b\nc: *x\n", "? a\n: b\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		am, err := ParseAssetMap("f.yaml", strings.NewReader(src))
		if err != nil {
			var verr *model.ValidationError
			if !errors.As(err, &verr) || len(verr.Problems) == 0 {
				t.Fatalf("error %T %v", err, err)
			}
			return
		}
		am.Lookup("10.0.0.1")
		am.Lookup("www.example.org")
		am.Resolve(telTestModel(t))
	})
}
