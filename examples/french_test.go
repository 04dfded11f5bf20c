package examples_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"testing"

	"github.com/scrutin/scrutin/examples"
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/sim"
)

// properName matches the paths of names that are proper names, the same
// in both languages: the counting units of a contest (departments).
var properName = regexp.MustCompile(`^\.contests\[\d+\]\.units\[\d+\]\.name$`)

// sameInFrench are the names that French writes as English does.
var sameInFrench = map[string]bool{"APT29 (Cozy Bear, SVR)": true}

// translatedKeys are the keys whose text French translates: names,
// descriptions and units, and the free text of the EBIOS study (its
// frame, target objectives, impacts, stakeholder categories, baseline,
// notes and treatment). A list under such a key (impacts) is translated
// item by item.
var translatedKeys = map[string]bool{
	"name": true, "description": true, "unit": true,
	"study": true, "scope": true, "treatment": true,
	"objective": true, "impacts": true, "category": true,
	"framework": true, "gaps": true, "note": true,
}

// TestFrenchExample: election.fr.yaml is election.yaml translated: the
// same model but for its names, descriptions, harm units and the free
// text of its EBIOS study, every one of which is translated, and so the
// same results, bit for bit.
func TestFrenchExample(t *testing.T) {
	en, err := model.Decode(examples.Default, examples.Election())
	if err != nil {
		t.Fatal(err)
	}
	fr, err := model.Decode(examples.DefaultFR, examples.ElectionIn("fr"))
	if err != nil {
		t.Fatal(err)
	}
	var a, b any
	for _, x := range []struct {
		m   *model.Model
		out *any
	}{{en, &a}, {fr, &b}} {
		j, err := json.Marshal(x.m)
		if err != nil {
			t.Fatal(err)
		}
		json.Unmarshal(j, x.out)
	}
	translated := 0
	compareTranslated(t, "", a, b, &translated)
	if translated < 100 {
		t.Errorf("only %d names and descriptions translated", translated)
	}

	opt := sim.Options{Trials: 20000, Seed: 1}
	ren, err := sim.Run(context.Background(), en, opt)
	if err != nil {
		t.Fatal(err)
	}
	rfr, err := sim.Run(context.Background(), fr, opt)
	if err != nil {
		t.Fatal(err)
	}
	if ren.Model == rfr.Model {
		t.Errorf("the French result names its model %q, as the English one", rfr.Model)
	}
	rfr.Model = ren.Model
	if !reflect.DeepEqual(ren, rfr) {
		t.Errorf("the French example's results differ from the English one's: mean %v against %v", rfr.Portfolio.Mean, ren.Portfolio.Mean)
	}
}

// compareTranslated walks two decoded JSON values: they must be equal but
// for the texts under translatedKeys, which must differ (translated); it
// counts those.
func compareTranslated(t *testing.T, path string, a, b any, translated *int) {
	t.Helper()
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			t.Errorf("%s: %v against %v", path, a, b)
			return
		}
		for k, v := range x {
			p := path + "." + k
			if translatedKeys[k] && !properName.MatchString(p) {
				compareText(t, p, v, y[k], translated)
				continue
			}
			compareTranslated(t, p, v, y[k], translated)
		}
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			t.Errorf("%s: %d items against %v", path, len(x), b)
			return
		}
		for i := range x {
			compareTranslated(t, fmt.Sprintf("%s[%d]", path, i), x[i], y[i], translated)
		}
	default:
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: %v in English, %v in French", path, a, b)
		}
	}
}

// compareText checks a translated value: a text that differs in French
// (bar sameInFrench), or a list of as many texts, each translated.
func compareText(t *testing.T, path string, a, b any, translated *int) {
	t.Helper()
	if x, ok := a.([]any); ok {
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			t.Errorf("%s: %d texts in English, %v in French", path, len(x), b)
			return
		}
		for i := range x {
			compareText(t, fmt.Sprintf("%s[%d]", path, i), x[i], y[i], translated)
		}
		return
	}
	s, ok := a.(string)
	f, ok2 := b.(string)
	switch {
	case !ok || !ok2:
		t.Errorf("%s: %v in English, %v in French: texts expected", path, a, b)
	case s == f && !sameInFrench[s]:
		t.Errorf("%s: not translated: %q", path, s)
	case s != f:
		*translated++
	}
}
