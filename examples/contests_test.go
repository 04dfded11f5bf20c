package examples_test

import (
	"encoding/csv"
	"os"
	"strconv"
	"testing"

	"github.com/scrutin/scrutin/examples"
	"github.com/scrutin/scrutin/internal/model"
)

// TestContestsMatchTheData: the built-in example's two contests hold the
// units of data/fr-pr2017-departments.csv (the ministry's final results
// per department, see data/SOURCES.md) one for one, and its totals equal
// the sums of that file.
func TestContestsMatchTheData(t *testing.T) {
	f, err := os.Open("data/fr-pr2017-departments.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	num := func(r []string, c string) int64 {
		n, err := strconv.ParseInt(r[col[c]], 10, 64)
		if err != nil {
			t.Fatalf("%v: %s: %v", r, c, err)
		}
		return n
	}
	for _, src := range []struct {
		name string
		data []byte
	}{{examples.Default, examples.Election()}, {examples.DefaultFR, examples.ElectionIn("fr")}} {
		m, err := model.Decode(src.name, src.data)
		if err != nil {
			t.Fatal(err)
		}
		for round, id := range map[string]string{"1": "fr-pr2017-t1", "2": "fr-pr2017-t2"} {
			c := m.Contest(id)
			if c == nil {
				t.Fatalf("%s: no contest %s", src.name, id)
			}
			var units []model.Unit
			var expressed, macron, lePen int64
			for _, r := range rows[1:] {
				if r[col["round"]] != round {
					continue
				}
				units = append(units, model.Unit{ID: r[col["id"]], Name: r[col["name"]], Ballots: num(r, "ballots"), Counting: "department"})
				expressed += num(r, "expressed")
				macron += num(r, "macron")
				lePen += num(r, "le_pen")
			}
			if len(units) != len(c.Units) {
				t.Fatalf("%s %s: %d units, the data %d", src.name, id, len(c.Units), len(units))
			}
			for i := range units {
				if c.Units[i] != units[i] {
					t.Errorf("%s %s: unit %d is %+v, the data's %+v", src.name, id, i, c.Units[i], units[i])
				}
			}
			var votes int64
			for _, v := range c.Candidates {
				votes += v
			}
			if votes != expressed || c.Candidates["Emmanuel Macron"] != macron || c.Candidates["Marine Le Pen"] != lePen {
				t.Errorf("%s %s: %d votes, Macron %d, Le Pen %d; the data %d, %d, %d", src.name, id, votes, c.Candidates["Emmanuel Macron"], c.Candidates["Marine Le Pen"], expressed, macron, lePen)
			}
		}
	}
}
