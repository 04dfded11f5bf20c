package baserate

import (
	"strings"
	"testing"
)

// TestEmbeddedIncidents: data/incidents.csv passes the schema (every row
// has a date, known kinds and an https source) and has at least 60 rows.
func TestEmbeddedIncidents(t *testing.T) {
	rows, err := Incidents()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 60 {
		t.Errorf("%d incidents, want at least 60", len(rows))
	}
	seen := map[string]bool{}
	for _, r := range rows {
		if seen[r.Source+r.Date+r.Country+r.IncidentKind] {
			t.Errorf("duplicate row %+v", r)
		}
		seen[r.Source+r.Date+r.Country+r.IncidentKind] = true
		if y := r.Year(); y < 2014 || y > 2025 {
			t.Errorf("%s: outside 2014–2025", r.Date)
		}
	}
}

// TestRateHandComputed: 3 matching incidents in 2 countries over 2020–2024
// with 10 organisations: exposure 10 × 5 = 50 organisation-years, the
// posterior Gamma(½ + 3, 50), mean 3.5 / 50 = 0.07 a year.
func TestRateHandComputed(t *testing.T) {
	csv := "date,country,target_kind,incident_kind,actor,summary,source\n" +
		"2020-01-02,FR,party,hack-and-leak,APT28,a,https://a.example/1\n" +
		"2021-03,DE,party,hack-and-leak,,b,https://a.example/2\n" +
		"2024-12-31,FR,party,hack-and-leak,,c,https://a.example/3\n" +
		"2019-05-05,FR,party,hack-and-leak,,too early,https://a.example/4\n" +
		"2022-05-05,US,party,hack-and-leak,,elsewhere,https://a.example/5\n" +
		"2022-05-05,FR,party,ddos,,another kind,https://a.example/6\n" +
		"2022-05-05,FR,campaign,hack-and-leak,,another target,https://a.example/7\n"
	rows, err := Parse("t.csv", strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	e, err := Rate(rows, Query{Target: "party", Kind: "hack-and-leak", Countries: "fr, de", From: 2020, To: 2024, Orgs: 10})
	if err != nil {
		t.Fatal(err)
	}
	if e.Events != 3 || e.Years != 5 || e.Exposure != 50 || e.Shape != 3.5 || e.Rate != 50 || e.Mean != 0.07 || e.OrgsDefault {
		t.Errorf("%+v", e)
	}
	// The default exposure is one organisation per country, over the
	// data's years (2019–2024): 2 × 6.
	e, err = Rate(rows, Query{Target: "party", Kind: "hack-and-leak", Countries: "FR,DE"})
	if err != nil {
		t.Fatal(err)
	}
	if e.Events != 4 || !e.OrgsDefault || e.Exposure != 12 || e.Shape != 4.5 {
		t.Errorf("default exposure: %+v", e)
	}
	// Any target: the campaign's leak counts too, the party's DDoS does
	// not (another kind).
	e, err = Rate(rows, Query{Target: AnyTarget, Kind: "hack-and-leak", Countries: "FR,DE", From: 2020, To: 2024})
	if err != nil || e.Events != 4 || e.Shape != 4.5 || e.Rate != 10 {
		t.Errorf("any target: %+v, %v", e, err)
	}
	// No incident: the posterior is still proper, Gamma(½, exposure).
	e, err = Rate(rows, Query{Target: "vendor", Kind: "ransomware", Countries: "eu", Orgs: 4})
	if err != nil || e.Events != 0 || e.Shape != 0.5 || e.Rate != 24 {
		t.Errorf("no incident: %+v, %v", e, err)
	}
	for _, q := range []Query{{Target: "x", Kind: "ddos"}, {Target: "party", Kind: "y"}, {Target: "party", Kind: "ddos", Countries: "moon"}, {Target: "party", Kind: "ddos", From: 2025, To: 2020}, {Target: "party", Kind: "ddos", Orgs: -1}} {
		if _, err := Rate(rows, q); err == nil {
			t.Errorf("%+v accepted", q)
		}
	}
}

func TestParseRefuses(t *testing.T) {
	head := "date,country,target_kind,incident_kind,actor,summary,source\n"
	for _, c := range []struct{ src, want string }{
		{"date,country\n", "t.csv:1:1: the header"},
		{head + "2020-13-01,FR,party,ddos,,s,https://a.example/\n", "t.csv:2:1: date"},
		{head + "2020-01-01,France,party,ddos,,s,https://a.example/\n", "t.csv:2:12: country"},
		{head + "2020-01-01,FR,club,ddos,,s,https://a.example/\n", "t.csv:2:15: target_kind"},
		{head + "2020-01-01,FR,party,spam,,s,https://a.example/\n", "t.csv:2:21: incident_kind"},
		{head + "2020-01-01,FR,party,ddos,,,https://a.example/\n", "summary: empty"},
		{head + "2020-01-01,FR,party,ddos,,s,http://a.example/\n", "source"},
		{head + "2020-01-01,FR,party,ddos,,s\n", "wrong number of fields"},
		{head, "no incidents"},
		{"\xff", "not UTF-8"},
	} {
		_, err := Parse("t.csv", strings.NewReader(c.src))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.src, err, c.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("date,country,target_kind,incident_kind,actor,summary,source\n2020-01-01,FR,party,ddos,,s,https://a.example/\n")
	f.Add("a,b\n\"x")
	f.Fuzz(func(t *testing.T, s string) {
		rows, err := Parse("f.csv", strings.NewReader(s))
		if err != nil {
			return
		}
		for _, r := range rows {
			if r.Year() < 1900 || !strings.HasPrefix(r.Source, "https://") {
				t.Fatalf("%+v", r)
			}
		}
	})
}
