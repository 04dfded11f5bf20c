package attack

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/internal/model"
)

func TestEmbedded(t *testing.T) {
	c := embedded(t)
	// Counted from the bundles with Python (live objects: not revoked,
	// not revoked-by anything, not deprecated): 172 Enterprise groups and
	// 2 more only in ICS (ALLANITE, CyberAv3ngers); 52 + 2 campaigns
	// (Maroochy Water Breach, Unitronics Defacement Campaign); 691 + 83
	// techniques; 44 + 52 mitigations; 14 + 12 tactics; and DISARM's
	// 391 techniques, 140 countermeasures and 16 tactics.
	if got, want := c.Summary(), "174 actors, 54 campaigns, 1165 techniques, 236 mitigations, 42 tactics, 1041 MISP galaxy clusters"; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
	if c.Domain != "enterprise-attack" || c.Version != "18.1" || !c.Complete {
		t.Errorf("domain %q version %q complete %v", c.Domain, c.Version, c.Complete)
	}
	for _, tc := range []struct {
		name                                   string
		bundle                                 func() ([]byte, error)
		objects, revoked, deprecated, relsUsed int
	}{
		// Enterprise: 8,721 relationships, of which 8,580 between live
		// objects are used (4,362 groups' uses of techniques, 1,445
		// mitigates, 1,019 campaigns' uses, 647 + 457 groups' software,
		// 476 subtechnique-of, 84 + 65 campaigns' software, 25
		// attributed-to); the rest are revoked-by or reach a retired
		// object.
		{"enterprise", EmbeddedBundle, 10867, 140, 246, 8580},
		// ICS: 442 relationships, 440 used (331 mitigates, 63 + 20 uses of
		// techniques, 16 + 5 of software, 5 attributed-to), 2 revoked-by.
		{"ics", EmbeddedICSBundle, 658, 2, 20, 440},
		// DISARM: 288 subtechnique-of, 392 mitigates, all used.
		{"disarm", EmbeddedDISARMBundle, 1230, 0, 0, 680},
	} {
		raw, err := tc.bundle()
		if err != nil {
			t.Fatal(err)
		}
		b, err := ParseCatalog(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		s := b.Stats
		if s.Objects != tc.objects || s.Revoked != tc.revoked || s.Deprecated != tc.deprecated || s.Unknown != 0 || s.Ignored != 2 || len(s.Warnings) != 0 {
			t.Errorf("%s: stats %+v", tc.name, s)
		}
		if s.Relationships != tc.relsUsed {
			t.Errorf("%s: %d relationships used, want %d", tc.name, s.Relationships, tc.relsUsed)
		}
	}
	var order []string
	for _, tac := range c.Tactics {
		order = append(order, tac.ID)
	}
	want := []string{"TA0043", "TA0042", "TA0001", "TA0002", "TA0003", "TA0004", "TA0005", "TA0006", "TA0007", "TA0008", "TA0009", "TA0011", "TA0010", "TA0040",
		// ATT&CK for ICS, in its matrix's order.
		"TA0108", "TA0104", "TA0110", "TA0111", "TA0103", "TA0102", "TA0109", "TA0100", "TA0101", "TA0107", "TA0106", "TA0105",
		// DISARM, in its matrix's order.
		"disarm:TA01", "disarm:TA02", "disarm:TA13", "disarm:TA14", "disarm:TA06", "disarm:TA15", "disarm:TA16", "disarm:TA05",
		"disarm:TA07", "disarm:TA08", "disarm:TA09", "disarm:TA17", "disarm:TA18", "disarm:TA10", "disarm:TA11", "disarm:TA12"}
	if !slices.Equal(order, want) {
		t.Errorf("tactic order %v, want %v", order, want)
	}
	if tac := c.Tactic("TA0108"); tac == nil || tac.ShortName != "ics-initial-access" || tac.Name != "Initial Access" {
		t.Errorf("TA0108: %+v", tac)
	}
	if tac := c.Tactic("initial-access"); tac == nil || tac.ID != "TA0001" {
		t.Errorf("initial-access: %+v", tac)
	}
	subs := 0
	for _, tech := range c.Techniques {
		if strings.Contains(tech.ID, ".") {
			subs++
			if p, _, _ := strings.Cut(tech.ID, "."); tech.Parent != p {
				t.Errorf("%s has parent %q", tech.ID, tech.Parent)
			}
		} else if tech.Parent != "" {
			t.Errorf("%s has parent %q", tech.ID, tech.Parent)
		}
		if len(tech.Tactics) == 0 {
			t.Errorf("%s has no tactic", tech.ID)
		}
		// An ICS technique (T08xx) is in ICS tactics only, an Enterprise
		// one in Enterprise tactics only, a DISARM one in DISARM's.
		ics, disarm := strings.HasPrefix(tech.ID, "T08"), IsDISARM(tech.ID)
		if got := slices.Equal(tech.Domains, []string{DomainICS}); got != ics {
			t.Errorf("%s: domains %v", tech.ID, tech.Domains)
		}
		if got := slices.Equal(tech.Domains, []string{DomainDISARM}); got != disarm {
			t.Errorf("%s: domains %v", tech.ID, tech.Domains)
		}
		for _, tac := range tech.Tactics {
			if strings.HasPrefix(tac, "ics-") != ics || strings.HasPrefix(tac, "disarm-") != disarm {
				t.Errorf("%s: tactic %s", tech.ID, tac)
			}
		}
	}
	// 475 of ATT&CK, 288 of DISARM.
	if subs != 763 {
		t.Errorf("%d sub-techniques, want 763", subs)
	}
	if c.Actor("G0118") != nil {
		t.Error("the revoked UNC2452 (G0118) is still there")
	}
	if c.Retired["intrusion-set--dc5e2999-ca1a-47d4-8d12-a6984b138a1b"] != "G0016" {
		t.Errorf("retired: %v", c.Retired)
	}
	tech := c.Technique("T1566.001")
	if tech == nil || c.FullName(tech) != "Phishing: Spearphishing Attachment" || !slices.Equal(tech.Tactics, []string{"initial-access"}) {
		t.Errorf("T1566.001: %+v", tech)
	}
	if !slices.Contains(tech.Mitigations, "M1017") || slices.Contains(tech.Mitigations, "M1056") {
		t.Errorf("T1566.001 mitigations %v", tech.Mitigations)
	}
}

// naiveTechniques counts the techniques of an ATT&CK group the simple way:
// decode the bundle generically, and collect the attack-patterns that the
// group's intrusion set, and the campaigns attributed to it, use.
func naiveTechniques(t *testing.T, raws [][]byte, group string) (direct, all map[string]bool) {
	t.Helper()
	var b struct {
		Objects []map[string]any `json:"objects"`
	}
	for _, raw := range raws {
		var one struct {
			Objects []map[string]any `json:"objects"`
		}
		if err := json.Unmarshal(raw, &one); err != nil {
			t.Fatal(err)
		}
		b.Objects = append(b.Objects, one.Objects...)
	}
	byID := map[string]map[string]any{}
	attackID := map[string]string{}
	for _, o := range b.Objects {
		id := o["id"].(string)
		byID[id] = o
		refs, _ := o["external_references"].([]any)
		for _, r := range refs {
			r := r.(map[string]any)
			if r["source_name"] == "mitre-attack" {
				attackID[id], _ = r["external_id"].(string)
			}
		}
	}
	var set string
	for id, a := range attackID {
		if a == group && byID[id]["type"] == "intrusion-set" {
			set = id
		}
	}
	live := func(id string) bool {
		o := byID[id]
		return o != nil && o["revoked"] != true && o["x_mitre_deprecated"] != true
	}
	sources := map[string]bool{set: true}
	for _, o := range b.Objects {
		if o["type"] == "relationship" && o["relationship_type"] == "attributed-to" && o["target_ref"] == set && live(o["source_ref"].(string)) {
			sources[o["source_ref"].(string)] = true
		}
	}
	direct, all = map[string]bool{}, map[string]bool{}
	for _, o := range b.Objects {
		if o["type"] != "relationship" || o["relationship_type"] != "uses" || !sources[o["source_ref"].(string)] {
			continue
		}
		target := o["target_ref"].(string)
		if !strings.HasPrefix(target, "attack-pattern--") || !live(target) {
			continue
		}
		all[attackID[target]] = true
		if o["source_ref"] == set {
			direct[attackID[target]] = true
		}
	}
	return direct, all
}

// TestAPT28Techniques checks APT28's technique count against a naive scan of
// both bundles and against the figures checked by hand with jq and
// Python: 91 techniques used by G0007 itself (54 of them sub-techniques),
// 99 with those of the APT28 Nearest Neighbor Campaign (C0051); Sandworm
// Team's include its ATT&CK for ICS techniques (T0803 …) and those of the
// Ukrainian power-grid campaigns.
func TestAPT28Techniques(t *testing.T) {
	raw, err := EmbeddedBundle()
	if err != nil {
		t.Fatal(err)
	}
	ics, err := EmbeddedICSBundle()
	if err != nil {
		t.Fatal(err)
	}
	c := embedded(t)
	for _, tc := range []struct {
		group       string
		direct, all int
	}{
		{"G0007", 91, 99},
		{"G0016", 66, 119},
		{"G0034", 82, 125},
	} {
		t.Run(tc.group, func(t *testing.T) {
			direct, all := naiveTechniques(t, [][]byte{raw, ics}, tc.group)
			a := c.Actor(tc.group)
			got := c.ActorTechniques(a)
			if len(a.Techniques) != len(direct) || len(got) != len(all) {
				t.Errorf("catalogue: %d direct, %d in all; naive scan: %d, %d", len(a.Techniques), len(got), len(direct), len(all))
			}
			for _, id := range got {
				if !all[id] {
					t.Errorf("%s is not in the naive scan", id)
				}
			}
			if len(direct) != tc.direct || len(all) != tc.all {
				t.Errorf("naive scan: %d direct, %d in all; checked by hand: %d, %d", len(direct), len(all), tc.direct, tc.all)
			}
		})
	}
}

func TestFindActor(t *testing.T) {
	c := embedded(t)
	for _, tc := range []struct {
		q, want string
	}{
		{"G0007", "G0007"}, {"g0007", "G0007"}, {"APT28", "G0007"}, {"apt28", "G0007"},
		{"Fancy Bear", "G0007"}, {"fancy bear", "G0007"}, {"  Sofacy ", "G0007"}, {"STRONTIUM", "G0007"},
		{"Pawn Storm", "G0007"}, {"Sednit", "G0007"}, {"Forest Blizzard", "G0007"},
		{"Fighting Ursa", "G0007"}, {"TA422", "G0007"}, // only in the MISP galaxy
		{"intrusion-set--bef4c620-0787-42a8-a96d-b7eb6e85917c", "G0007"},
		{"Cozy Bear", "G0016"}, {"The Dukes", "G0016"}, {"NOBELIUM", "G0016"},
		{"UNC2452", "G0016"}, // revoked G0118's name is an alias of APT29
		{"Sandworm", "G0034"}, {"Voodoo Bear", "G0034"}, {"APT44", "G0034"}, {"BlackEnergy (Group)", "G0034"},
		// Groups the former subset lacked.
		{"Lazarus Group", "G0032"}, {"APT31", "G0128"}, {"APT42", "G1044"}, {"Volt Typhoon", "G1017"},
		{"Wizard Spider", "G0102"}, {"FIN7", "G0046"}, {"ALLANITE", "G1000"}, {"CyberAv3ngers", "G1027"},
	} {
		a, err := c.FindActor(tc.q)
		if err != nil {
			t.Errorf("FindActor(%q): %v", tc.q, err)
			continue
		}
		if a.ID != tc.want {
			t.Errorf("FindActor(%q) = %s, want %s", tc.q, a.ID, tc.want)
		}
	}
	for _, tc := range []struct {
		q, code, msg string
	}{
		{"Grizzly Steppe", model.EINVALID, "ambiguous: it names G0007 APT28 and G0016 APT29"},
		{"fancy bare", model.ENOTFOUND, "did you mean G0007 APT28 (Fancy Bear)?"},
		{"bear", model.ENOTFOUND, "G0016 APT29 (Cozy Bear)"},
		{"G0118", model.ENOTFOUND, "unknown actor"},
		{"zzzzzz", model.ENOTFOUND, "'scrutin attack actors' lists the actors"},
		{" ", model.EINVALID, "no actor"},
	} {
		_, err := c.FindActor(tc.q)
		if err == nil || model.ErrorCode(err) != tc.code || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("FindActor(%q): %v (code %s), want %s with %q", tc.q, err, model.ErrorCode(err), tc.code, tc.msg)
		}
	}
}

func TestGalaxyNames(t *testing.T) {
	c := embedded(t)
	names := c.GalaxyNames(c.Actor("G0007"))
	for _, n := range []string{"Fighting Ursa", "TA422", "BlueDelta"} {
		if !slices.Contains(names, n) {
			t.Errorf("APT28's galaxy names %v lack %s", names, n)
		}
	}
	for _, n := range []string{"Grizzly Steppe", "APT28", "Sofacy", "Fancy Bear", "G0007"} {
		if containsFold(names, n) {
			t.Errorf("APT28's galaxy names %v hold %s (ambiguous, or already an ATT&CK name)", names, n)
		}
	}
	if got := c.Country(c.Actor("G0016")); got != "RU" {
		t.Errorf("APT29's country %q", got)
	}
}

func TestResolveName(t *testing.T) {
	c := embedded(t)
	for _, tc := range []struct {
		name, id string
		ok       bool
	}{
		{"Sofacy", "G0007", true},
		{"Fancy Bear", "G0007", true},
		{"APT30", "G0013", true},
		{"Lazarus Group", "G0032", true}, // an ATT&CK group's name, whatever the galaxy lists
		{"Grizzly Steppe", "", false},
		{"nobody at all", "", false},
	} {
		id, ok := c.ResolveName(tc.name)
		if id != tc.id || ok != tc.ok {
			t.Errorf("ResolveName(%q) = %q, %v; want %q, %v", tc.name, id, ok, tc.id, tc.ok)
		}
	}
}

func TestSaveLoad(t *testing.T) {
	c := embedded(t)
	back := saveLoad(t, c)
	want := *c
	want.Stats = Stats{}
	if !reflect.DeepEqual(back, &want) {
		t.Error("the catalogue read back differs from the one saved")
	}
	var buf bytes.Buffer
	if err := c.Save(&buf); err != nil {
		t.Fatal(err)
	}
	full := buf.Bytes()
	t.Logf("stored form: %d bytes", len(full))

	gz := func(s string) []byte {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		zw.Write([]byte(s))
		zw.Close()
		return b.Bytes()
	}
	for _, tc := range []struct {
		name string
		data []byte
		msg  string
	}{
		{"empty", nil, "not a stored scrutin catalogue"},
		{"not gzip", []byte(`{"format": "scrutin-attack-catalog"}`), "not a stored scrutin catalogue"},
		{"truncated", full[:len(full)/2], "truncated or damaged"},
		{"other format", gz(`{"format": "something", "version": 1, "catalog": {}}`), `format "something"`},
		{"newer", gz(`{"format": "scrutin-attack-catalog", "version": 99, "catalog": {}}`), "format version 99"},
		{"no catalogue", gz(`{"format": "scrutin-attack-catalog", "version": 1}`), "empty"},
		{"not JSON", gz(`{"format": `), "damaged"},
		{"dangling", gz(`{"format": "scrutin-attack-catalog", "version": 1, "catalog": {"name": "x", "actors": [{"id": "G0001", "name": "x", "techniques": ["T1000"]}]}}`), "refers to T1000"},
	} {
		_, err := LoadCatalog(bytes.NewReader(tc.data))
		if err == nil || model.ErrorCode(err) != model.EINVALID || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: %v, want EINVALID with %q", tc.name, err, tc.msg)
		}
	}
}

func TestIsAttackID(t *testing.T) {
	for _, tc := range []struct {
		prefix, id string
		ok         bool
	}{
		{"G", "G0007", true}, {"T", "T1566", true}, {"T", "T1566.001", true}, {"TA", "TA0001", true},
		{"G", "G0007.001", false}, {"T", "TA0001", false}, {"T", "T156", false}, {"T", "T1566.01", false},
		{"M", "M10321", false}, {"G", "", false}, {"C", "C00a1", false},
	} {
		if got := IsAttackID(tc.prefix, tc.id); got != tc.ok {
			t.Errorf("IsAttackID(%q, %q) = %v", tc.prefix, tc.id, got)
		}
	}
}

func TestFirstSentence(t *testing.T) {
	c := embedded(t)
	for _, tc := range []struct{ id, want string }{
		{"G0007", "APT28 is a threat group that has been attributed to Russia's General Staff Main Intelligence Directorate (GRU) 85th Main Special Service Center (GTsSS) military unit 26165."},
		{"G0016", "APT29 is threat group that has been attributed to Russia's Foreign Intelligence Service (SVR)."},
	} {
		if got := FirstSentence(c.Actor(tc.id).Description); got != tc.want {
			t.Errorf("%s: %q", tc.id, got)
		}
	}
	if got := FirstSentence(c.Campaign("C0023").Description); !strings.HasSuffix(got, "the Washington, D.C. embassy of a European Union country.") {
		t.Errorf("C0023: %q", got)
	}
	if got := FirstSentence("Uses the U.S. Government's mail. Then more."); got != "Uses the U.S. Government's mail." {
		t.Errorf("abbreviation: %q", got)
	}
}
