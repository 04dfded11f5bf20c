package attack

import (
	"bytes"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/internal/model"
)

func parseMISPFile(t *testing.T, name string) *IndicatorImport {
	t.Helper()
	f, err := os.Open("testdata/ioc/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	imp, err := ParseMISPEvent(f)
	if err != nil {
		t.Fatal(err)
	}
	return imp
}

// TestMISPSednit reads CIRCL's OSINT event "Sednit update: How Fancy Bear
// Spent the Year" (no {"Event": …} wrapper).
func TestMISPSednit(t *testing.T) {
	imp := parseMISPFile(t, "event-sednit-fancy-bear.json")
	// 7 domains at the top, 12 domain-ip objects of a domain and an ip-dst
	// each (one pair twice: servicecdp.com, 87.236.211.182), 37 file
	// objects with a sha1.
	if got, want := countTypes(imp.Indicators), map[string]int{IndicatorDomain: 19, IndicatorIP: 12, IndicatorSHA1: 37}; !reflect.DeepEqual(got, want) {
		t.Errorf("types %v, want %v", got, want)
	}
	distinct := make(map[string]bool)
	for _, ind := range imp.Indicators {
		distinct[ind.Type+" "+ind.Value] = true
		if !reflect.DeepEqual(ind.Actors, []string{"Sofacy"}) {
			t.Errorf("%s: actors %q, want Sofacy", ind, ind.Actors)
		}
		if ind.Context {
			t.Errorf("%s: marked context; every one is to_ids", ind)
		}
		if !strings.HasPrefix(ind.Source, "misp event 5a3c2fcd-8328-42bb-a95e-4f4402de0b81 attribute ") {
			t.Errorf("%s: source %q", ind, ind.Source)
		}
	}
	if len(distinct) != 66 {
		t.Errorf("%d distinct values, want 66 (18 domains, 11 addresses, 37 sha1)", len(distinct))
	}
	if want := map[string]int{"misp type text": 38, "misp type filename": 15, "misp type link": 1}; !reflect.DeepEqual(imp.Skipped, want) {
		t.Errorf("skipped %v, want %v", imp.Skipped, want)
	}
	if len(imp.Warnings) != 0 {
		t.Errorf("warnings %q", imp.Warnings)
	}
	found := 0
	for _, ind := range imp.Indicators {
		switch {
		case ind.Type == IndicatorDomain && ind.Value == "movieultimate.com" && ind.Name == "Xagent Samples":
			found++
		case ind.Type == IndicatorIP && ind.Value == "185.216.35.26":
			found++
		case ind.Type == IndicatorSHA1 && ind.Value == "68064fc152e23d56e541714af52651cb4ba81aaf" && ind.Name == "Win32/Sednit.AX":
			found++
		}
	}
	if found != 3 {
		t.Errorf("found %d of 3 known values", found)
	}
}

// TestMISPForms reads a hand-written event, with the wrapper, holding every
// attribute form the importer handles.
func TestMISPForms(t *testing.T) {
	imp := parseMISPFile(t, "misp-forms.json")
	event := []string{"G0007", "G0016", "G9999"}
	type row struct {
		typ, value, name string
		actors           []string
		context          bool
		attr             string
	}
	const info = "Hand-written event: every attribute form"
	want := []row{
		{"ip", "192.0.2.1", "C2", event, false, "a-01"},
		{"cidr", "198.51.100.0/24", info, event, false, "a-02"},
		{"domain", "evil.example", info, event, false, "a-03"},
		{"ip", "192.0.2.2", info, event, false, "a-03"},
		{"ip", "2001:db8::1", info, event, false, "a-04"},
		{"domain", "c2.evil.example", info, event, false, "a-05"},
		{"url", "http://evil.example/Login", info, event, false, "a-06"},
		{"md5", "d41d8cd98f00b204e9800998ecf8427e", info, event, false, "a-07"},
		{"sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "file name with a bar: cut at the last", event, false, "a-08"},
		{"domain", "sinkhole.example", "sinkhole", event, true, "a-09"},
		{"ip", "203.0.113.5", info, []string{"G0007", "G0016", "G9999", "Sofacy"}, false, "a-14"},
		{"ip", "203.0.113.6", info, event, true, "a-15"},
		{"sha1", "da39a3ee5e6b4b0d3255bfef95601890afd80709", "Dropper", event, false, "a-21"},
		{"domain", "obj.example", info, event, false, "a-23"},
		{"ip", "192.0.2.3", "resolved", event, false, "a-24"},
	}
	var got []row
	for _, ind := range imp.Indicators {
		attr := ind.Source[strings.LastIndexByte(ind.Source, ' ')+1:]
		got = append(got, row{ind.Type, ind.Value, ind.Name, ind.Actors, ind.Context, attr})
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("indicators:\n got %v\nwant %v", got, want)
	}
	wantSkipped := map[string]int{
		"deleted":             2, // a-10 and object o-2
		"invalid value":       2, // a-11, a-12
		"misp type email-src": 1,
		"misp type sha512":    1,
		"misp type filename":  1,
	}
	if !reflect.DeepEqual(imp.Skipped, wantSkipped) {
		t.Errorf("skipped %v, want %v", imp.Skipped, wantSkipped)
	}
	if len(imp.Warnings) != 2 || !strings.Contains(imp.Warnings[1], "does not have 2 parts") {
		t.Errorf("warnings %q", imp.Warnings)
	}
}

func TestMISPActorLabels(t *testing.T) {
	tests := []struct {
		tags []string
		want []string
	}{
		{[]string{`misp-galaxy:threat-actor="Sofacy"`}, []string{"Sofacy"}},
		{[]string{`misp-galaxy:mitre-intrusion-set="APT28 - G0007"`}, []string{"G0007"}},
		{[]string{`misp-galaxy:mitre-enterprise-attack-intrusion-set="APT29 - G0016"`}, []string{"G0016"}},
		{[]string{`misp-galaxy:microsoft-activity-group="STRONTIUM"`}, []string{"STRONTIUM"}},
		{[]string{`misp-galaxy:threat-actor="Sofacy"`, `misp-galaxy:mitre-intrusion-set="APT28 - G0007"`}, []string{"G0007", "Sofacy"}},
		{[]string{`misp-galaxy:tool="X-Agent"`, `tlp:white`, `misp-galaxy:threat-actor=""`, `misp-galaxy:threat-actor`}, nil},
		{[]string{`misp-galaxy:threat-actor="Name - G12"`}, []string{"Name - G12"}},
	}
	for _, tt := range tests {
		var tags []iocMISPTag
		for _, n := range tt.tags {
			tags = append(tags, iocMISPTag{Name: n})
		}
		if got := iocSortedUnique(iocMISPActors(tags, nil)); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%q: got %q, want %q", tt.tags, got, tt.want)
		}
	}
}

func TestMISPInput(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		n        int // indicators; -1 for an error
	}{
		{"bare", `{"uuid": "e", "Attribute": [{"type": "ip-dst", "value": "192.0.2.1", "to_ids": true}]}`, 1},
		{"wrapped", `{"Event": {"uuid": "e", "Attribute": [{"type": "ip-dst", "value": "192.0.2.1", "to_ids": true}]}}`, 1},
		{"numeric id and value", `{"id": 12, "Attribute": [{"type": "ip-dst", "value": 5, "to_ids": 1}]}`, 0},
		{"empty event", `{"Event": {"info": "nothing"}}`, 0},
		{"not json", `{`, -1},
		{"array", `[]`, -1},
		{"no event", `{}`, -1},
		{"null event", `{"Event": null}`, -1},
		{"bad to_ids", `{"uuid": "e", "Attribute": [{"type": "ip-dst", "value": "192.0.2.1", "to_ids": "maybe"}]}`, -1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			imp, err := ParseMISPEvent(strings.NewReader(tt.in))
			if tt.n < 0 {
				if code := model.ErrorCode(err); code != model.EINVALID {
					t.Errorf("error %v, code %q; want %q", err, code, model.EINVALID)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(imp.Indicators) != tt.n {
				t.Errorf("%d indicators, want %d: %v", len(imp.Indicators), tt.n, imp.Indicators)
			}
		})
	}
}

func FuzzParseMISPEvent(f *testing.F) {
	f.Add([]byte(`{"Event":{"uuid":"e","Galaxy":[{"type":"threat-actor","GalaxyCluster":[{"value":"B","tag_name":"t","meta":{"synonyms":["G0002"]}}]}],` +
		`"Object":[{"Attribute":[{"type":"sha1","value":"DA39A3EE5E6B4B0D3255BFEF95601890AFD80709","to_ids":true,"Tag":[{"name":"t"}]}]}],` +
		`"Attribute":[{"type":"url","value":"hxxp://a[.]example/x","to_ids":false},{"type":"ip-src","value":"10.0.0.1/8","deleted":"0"}]}}`))
	f.Add([]byte(`{"uuid":"e","Tag":[{"name":"misp-galaxy:threat-actor=\"A - G0001\""}],"Attribute":[{"type":"domain|ip|port","value":"a.example|192.0.2.1|80","to_ids":"1"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		imp, err := ParseMISPEvent(bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, ind := range imp.Indicators {
			n, err := NormalizeIndicator(ind)
			if err != nil {
				t.Fatalf("imported %s does not normalise: %v", ind, err)
			}
			if n.Type != ind.Type || n.Value != ind.Value {
				t.Fatalf("imported %s is not canonical: %s", ind, n)
			}
		}
	})
}
