package attack

import "testing"

// TestModelIDs: the ids a model's are checked against are the
// catalogue's, and the groups the MISP galaxy links to ATT&CK ids (real
// groups whose techniques a subset does not hold).
func TestModelIDs(t *testing.T) {
	c, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	ids := c.ModelIDs()
	for _, tc := range []struct {
		set      map[string]string
		id, name string
	}{
		{ids.Groups, "G0007", "APT28"},
		{ids.Groups, "G0034", "Sandworm Team"},
		{ids.Groups, "G0006", "APT1"}, // known to the galaxy only
		{ids.Mitigations, "M1032", "Multi-factor Authentication"},
		{ids.Techniques, "T1566", "Phishing"},
		{ids.Techniques, "T1566.001", "Spearphishing Attachment"},
	} {
		if got, ok := tc.set[tc.id]; !ok || got != tc.name {
			t.Errorf("%s: %q, %v; want %q", tc.id, got, ok, tc.name)
		}
	}
	if len(ids.Mitigations) != len(c.Mitigations) || len(ids.Techniques) != len(c.Techniques) || len(ids.Groups) < 80 {
		t.Errorf("%d groups, %d mitigations, %d techniques", len(ids.Groups), len(ids.Mitigations), len(ids.Techniques))
	}
	if ids.Catalog != c.Name {
		t.Errorf("catalogue %q", ids.Catalog)
	}
	for id := range ids.Groups {
		if len(id) != 5 || id[0] != 'G' {
			t.Errorf("group id %q", id)
		}
	}
}
