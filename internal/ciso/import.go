package ciso

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/scrutin/scrutin/internal/model"
)

// Problem is something of the workbook that Import could not map onto
// the model, at its sheet, row and column.
type Problem = Error

// importer maps a workbook onto a model.
type importer struct {
	wb       *Workbook
	m        *model.Model
	e        *model.Ebios
	problems []Problem
	// notes are the scrutin sheet's rows: kind → name → field → value.
	notes map[string]map[string]map[string]string
	ids   map[string]bool // ids given, across the block
	// The names of the workbook mapped to the block's ids.
	values, fearedIDs, sourceIDs, stakeIDs names
	sourceFeared                           map[string][]string
	pathScenario                           map[string]string
}

// Import maps the workbook onto model m and returns the ebios: block it
// gives, and what it could not map, item by item. A cell that cannot be
// read (a level that is no level name, a rating out of range, a boolean
// that is none) is an *Error.
func Import(wb *Workbook, m *model.Model) (*model.Ebios, []Problem, error) {
	im := &importer{wb: wb, m: m, e: &model.Ebios{}, notes: map[string]map[string]map[string]string{}, ids: map[string]bool{}}
	im.readNotes()
	steps := []func() error{im.study, im.assets, im.feared, im.sources, im.stakeholders, im.strategic, im.operational}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, nil, err
		}
	}
	im.extras()
	return im.e, im.problems, nil
}

func (im *importer) report(r Row, col, format string, a ...any) {
	im.problems = append(im.problems, *r.errorf(col, format, a...))
}

func (im *importer) readNotes() {
	for _, r := range im.wb.Table(SheetScrutin).Rows {
		kind, name := r.Get("kind"), r.Get("name")
		if im.notes[kind] == nil {
			im.notes[kind] = map[string]map[string]string{}
		}
		if im.notes[kind][name] == nil {
			im.notes[kind][name] = map[string]string{}
		}
		im.notes[kind][name]["id"] = r.Get("id")
		if f := r.Get("field"); f != "" {
			im.notes[kind][name][f] = r.Get("value")
		}
	}
}

// note is the value of field for the object of kind named name in the
// scrutin sheet, "" when none.
func (im *importer) note(kind, name, field string) string { return im.notes[kind][name][field] }

var notID = regexp.MustCompile(`[^a-z0-9._-]+`)

// id is the object's id: the scrutin sheet's, else its ref_id, else one
// made from its name; unique within the block.
func (im *importer) id(kind, name, ref string) string {
	id := im.note(kind, name, "id")
	if !model.IDPattern.MatchString(id) {
		id = ref
	}
	if !model.IDPattern.MatchString(id) || im.ids[id] {
		base := strings.Trim(notID.ReplaceAllString(strings.ToLower(name), "-"), "-._")
		if base == "" {
			base = kind
		}
		id = base
		for i := 2; im.ids[id] || !model.IDPattern.MatchString(id); i++ {
			id = base + "-" + strconv.Itoa(i)
		}
	}
	im.ids[id] = true
	return id
}

func (im *importer) study() error {
	t := im.wb.Table(SheetStudy)
	if len(t.Rows) == 0 {
		return nil
	}
	r := t.Rows[0]
	im.e.Study, im.e.Scope, im.e.Treatment = r.Get("name"), r.Get("description"), r.Get("observation")
	return nil
}

// valueOf and friends map the workbook's names to the block's ids.
type names map[string]string

func (im *importer) assets() error {
	im.values = names{}
	for _, r := range im.wb.Table(SheetAssets).Rows {
		name := r.Get("name")
		switch strings.ToUpper(strings.TrimSpace(r.Get("type"))) {
		case "PR":
			id := im.id("business_value", name, r.Get("ref_id"))
			v := model.BusinessValue{ID: id, Name: name, Description: r.Get("description"),
				Mission: im.note("business_value", name, "mission"), Nature: im.note("business_value", name, "nature")}
			for _, a := range splitList(im.note("business_value", name, "assets")) {
				if im.hasAsset(a) {
					v.Assets = append(v.Assets, a)
				} else {
					im.report(r, "name", "business value %q: supporting asset %q is no asset of the model; left out", name, a)
				}
			}
			if v.Nature != "" && v.Nature != "process" && v.Nature != "information" {
				v.Nature = ""
			}
			im.values[name] = id
			im.e.Values = append(im.e.Values, v)
		case "SP", "":
			if im.assetByName(name) == "" {
				im.report(r, "name", "supporting asset %q is no asset of the model (by name or id); the model's assets are the supporting assets", name)
			}
		default:
			return r.errorf("type", "%q is no asset type (PR or SP)", r.Get("type"))
		}
	}
	return nil
}

// assetByName is the id of the model's asset named name (or with that
// id, or the one the scrutin sheet gives).
func (im *importer) assetByName(name string) string {
	if id := im.note("asset", name, "id"); im.hasAsset(id) {
		return id
	}
	for _, a := range im.m.Assets {
		if a.Name == name {
			return a.ID
		}
	}
	if im.hasAsset(name) {
		return name
	}
	return ""
}

func (im *importer) feared() error {
	im.fearedIDs = names{}
	for _, r := range im.wb.Table(SheetFeared).Rows {
		name := r.Get("name")
		g, ok := parseLevel(gravityNames, r.Get("gravity"))
		if !ok {
			return r.errorf("gravity", "%q is no gravity of the EBIOS RM matrix (Minor, Significant, Important, Critical, or in French Mineur, Significatif, Important, Critique)", r.Get("gravity"))
		}
		if _, err := r.Bool("is_selected"); err != nil {
			return err
		}
		if name == "" {
			im.report(r, "name", "a feared event with no name; left out")
			continue
		}
		value := im.note("feared_event", name, "value")
		if !slices.ContainsFunc(im.e.Values, func(v model.BusinessValue) bool { return v.ID == value }) {
			value = ""
			for _, a := range splitList(r.Get("assets")) {
				if id, ok := im.values[a]; ok {
					value = id
					break
				}
			}
		}
		if value == "" {
			im.report(r, "assets", "feared event %q: none of its assets is a business value (a PR asset of %q); left out", name, SheetAssets)
			continue
		}
		id := im.id("feared_event", name, r.Get("ref_id"))
		f := model.FearedEvent{ID: id, Name: name, Value: value, Impacts: splitList(r.Get("description"))}
		if h := im.note("feared_event", name, "harm"); h != "" && h != model.EbiosMoney {
			if im.m.HarmByID(h) != nil {
				f.Harm = h
			} else {
				im.report(r, "name", "feared event %q: harm dimension %q is no harm of the model; measured on money", name, h)
			}
		}
		// scrutin's own workbook says whether the gravity was judged; a
		// gravity from CISO Assistant is the analysts' judgement.
		if j := im.note("feared_event", name, "judged"); j != "false" {
			f.Gravity = g
		}
		im.fearedIDs[name] = id
		im.e.FearedEvents = append(im.e.FearedEvents, f)
	}
	return nil
}

func (im *importer) sources() error {
	im.sourceIDs = names{}
	im.sourceFeared = map[string][]string{}
	for _, r := range im.wb.Table(SheetRoTo).Rows {
		origin, obj := r.Get("risk_origin"), r.Get("target_objective")
		var rate [3]int
		for i, c := range []struct {
			col    string
			labels [5]string
		}{{"motivation", motivationLabels}, {"resources", resourcesLabels}, {"activity", activityLabels}} {
			v, ok := parseChoice(c.labels, r.Get(c.col))
			if !ok {
				return r.errorf(c.col, "%q is not one of %s", r.Get(c.col), strings.Join(c.labels[:], ", "))
			}
			if v == 0 {
				im.report(r, c.col, "pair %q - %q: %s is undefined; written as 1, to be rated", origin, obj, c.col)
				v = 1
			}
			rate[i] = v
		}
		sel, err := r.Bool("is_selected")
		if err != nil {
			return err
		}
		key := origin + " - " + obj
		actor := im.note("source", key, "actor")
		if im.m.ActorByID(actor) == nil {
			actor = ""
			for _, a := range im.m.Actors {
				if a.Name == origin {
					actor = a.ID
				}
			}
		}
		if actor == "" {
			im.report(r, "risk_origin", "risk origin %q is no actor of the model (by name); pair %q left out", origin, key)
			continue
		}
		if strings.TrimSpace(obj) == "" {
			im.report(r, "target_objective", "pair of %q has no target objective; left out", origin)
			continue
		}
		id := im.id("source", key, "")
		s := model.RiskSource{ID: id, Actor: actor, Objective: strings.TrimSuffix(obj, " ["+id+"]"), Motivation: rate[0],
			Resources: rate[1], Activity: rate[2], Note: r.Get("justification")}
		// Retained is written only when the rule (pertinence 3 or 4) does
		// not give it, or scrutin's workbook says it was explicit.
		explicit := im.note("source", key, "retained") != ""
		if explicit || sel != (pertinenceOf(rate[0], rate[1]) >= 3) {
			s.Retained = &sel
		}
		pair := strings.ToLower(origin) + "\n" + strings.ToLower(obj)
		im.sourceIDs[pair] = id
		for _, f := range splitList(r.Get("feared_events")) {
			if fid, ok := im.fearedIDs[f]; ok {
				im.sourceFeared[id] = append(im.sourceFeared[id], fid)
			} else {
				im.report(r, "feared_events", "pair %q: feared event %q is not in %q (or was left out)", key, f, SheetFeared)
			}
		}
		im.e.Sources = append(im.e.Sources, s)
	}
	return nil
}

func pertinenceOf(m, r int) int {
	grid := [4][4]int{{1, 1, 2, 2}, {1, 2, 3, 3}, {2, 3, 3, 4}, {2, 3, 4, 4}}
	if m < 1 || m > 4 || r < 1 || r > 4 {
		return 0
	}
	return grid[m-1][r-1]
}

func (im *importer) stakeholders() error {
	im.stakeIDs = names{}
	controls := im.stakeholderControls()
	for _, r := range im.wb.Table(SheetStakeholders).Rows {
		entity, cat := r.Get("entity"), r.Get("category")
		var v [8]int
		for i, c := range []string{"current_dependency", "current_penetration", "current_maturity", "current_trust",
			"residual_dependency", "residual_penetration", "residual_maturity", "residual_trust"} {
			x, err := r.Int(c, 0, 4)
			if err != nil {
				return err
			}
			if x == 0 {
				im.report(r, c, "stakeholder %q: %s is 0 or empty; scrutin rates 1 to 4, written as 1", entity, c)
				x = 1
			}
			v[i] = x
		}
		if _, err := r.Bool("is_selected"); err != nil {
			return err
		}
		if strings.TrimSpace(entity) == "" {
			im.report(r, "entity", "a stakeholder with no entity; left out")
			continue
		}
		key := stakeholderKey(entity, cat)
		id := im.id("stakeholder", key, "")
		s := model.Stakeholder{ID: id, Name: entity, Category: cat, Dependence: v[0], Penetration: v[1], Maturity: v[2], Trust: v[3]}
		if c := im.note("stakeholder", key, "category"); c != "" {
			s.Category = c
		} else if strings.EqualFold(cat, "other") && im.notes["stakeholder"][key] != nil {
			s.Category = ""
		}
		res := model.StakeholderRatings{Dependence: v[4], Penetration: v[5], Maturity: v[6], Trust: v[7]}
		cur := model.StakeholderRatings{Dependence: v[0], Penetration: v[1], Maturity: v[2], Trust: v[3]}
		if res != cur || im.note("stakeholder", key, "residual") == "true" {
			s.Residual = &res
		}
		ids := splitList(im.note("stakeholder", key, "controls"))
		if len(ids) == 0 {
			ids = controls[key]
		}
		for _, c := range ids {
			if im.m.ControlByID(c) != nil {
				s.Controls = append(s.Controls, c)
			} else {
				im.report(r, "entity", "stakeholder %q: control %q is no control of the model; left out", key, c)
			}
		}
		im.stakeIDs[key] = id
		im.e.Stakeholders = append(im.e.Stakeholders, s)
	}
	return nil
}

// stakeholderControls reads CISO Assistant's "3.3 Stakeholder Controls"
// sheet: the model's controls (by name) per stakeholder key.
func (im *importer) stakeholderControls() map[string][]string {
	out := map[string][]string{}
	for _, r := range im.wb.Table(SheetControls).Rows {
		name, id := r.Get("name"), ""
		for _, c := range im.m.Controls {
			if c.Name == name || c.ID == name {
				id = c.ID
			}
		}
		if id == "" {
			im.report(r, "name", "applied control %q is no control of the model (by name); left out", name)
			continue
		}
		for _, k := range splitList(r.Get("stakeholders")) {
			out[k] = append(out[k], id)
		}
	}
	return out
}

// path is an attack path as read.
type path struct {
	row       Row
	name      string
	strategic string // its strategic scenario's name
	stakes    []string
}

func (im *importer) strategic() error {
	paths := map[string][]path{}
	for _, r := range im.wb.Table(SheetAttackPaths).Rows {
		if _, err := r.Bool("is_selected"); err != nil {
			return err
		}
		p := path{row: r, name: r.Get("name"), strategic: r.Get("strategic_scenario"), stakes: splitList(r.Get("stakeholders"))}
		paths[p.strategic] = append(paths[p.strategic], p)
	}
	im.pathScenario = map[string]string{}
	seen := map[string]bool{}
	for _, r := range im.wb.Table(SheetStrategic).Rows {
		name := r.Get("name")
		if _, ok := parseLevel(gravityNames, r.Get("gravity")); !ok {
			return r.errorf("gravity", "%q is no gravity of the EBIOS RM matrix", r.Get("gravity"))
		}
		seen[name] = true
		pair := strings.ToLower(r.Get("risk_origin")) + "\n" + strings.ToLower(r.Get("target_objective"))
		src, ok := im.sourceIDs[pair]
		if !ok {
			im.report(r, "risk_origin", "strategic scenario %q: pair %q - %q is not in %q (or was left out); scenario left out", name, r.Get("risk_origin"), r.Get("target_objective"), SheetRoTo)
			continue
		}
		id := im.id("strategic", name, r.Get("ref_id"))
		s := model.StrategicScenario{ID: id, Name: name, Source: src}
		// The feared events, stakeholders and scenarios: scrutin's sheet
		// gives them; else the pair's feared events, and the stakeholders
		// and model scenarios of the attack paths.
		for _, f := range splitList(im.note("strategic", name, "feared_events")) {
			if slices.ContainsFunc(im.e.FearedEvents, func(x model.FearedEvent) bool { return x.ID == f }) {
				s.FearedEvents = append(s.FearedEvents, f)
			}
		}
		if len(s.FearedEvents) == 0 {
			s.FearedEvents = slices.Clone(im.sourceFeared[src])
		}
		for _, p := range paths[name] {
			for _, k := range p.stakes {
				sid, ok := im.stakeIDs[k]
				if !ok {
					im.report(p.row, "stakeholders", "attack path %q: stakeholder %q is not in %q (as \"entity (Category)\"); left out", p.name, k, SheetStakeholders)
					continue
				}
				if !slices.Contains(s.Stakeholders, sid) {
					s.Stakeholders = append(s.Stakeholders, sid)
				}
			}
			sc := im.scenarioOf(p)
			if sc == "" {
				im.report(p.row, "name", "attack path %q: no scenario of the model by that name (nor by its operating modes' names); left out of strategic scenario %q", p.name, name)
				continue
			}
			im.pathScenario[p.name] = sc
			if !slices.Contains(s.Scenarios, sc) {
				s.Scenarios = append(s.Scenarios, sc)
			}
		}
		if len(s.FearedEvents) == 0 {
			im.report(r, "name", "strategic scenario %q reaches no feared event (its pair links none); left out", name)
			continue
		}
		if len(s.Scenarios) == 0 {
			im.report(r, "name", "strategic scenario %q has no attack path that is a scenario of the model; left out", name)
			continue
		}
		im.e.Strategic = append(im.e.Strategic, s)
	}
	for k, ps := range paths {
		if !seen[k] {
			for _, p := range ps {
				im.report(p.row, "strategic_scenario", "attack path %q: strategic scenario %q is not in %q; left out", p.name, k, SheetStrategic)
			}
		}
	}
	return nil
}

// scenarioOf is the model scenario an attack path is: the scrutin
// sheet's, else the model scenario named as the path, or as one of the
// path's operating modes.
func (im *importer) scenarioOf(p path) string {
	if id := im.note("attack_path", p.name, "id"); im.m.ScenarioByID(id) != nil {
		return id
	}
	candidates := []string{p.name}
	op := operationalName(p.strategic, p.name)
	for _, r := range im.wb.Table(SheetModes).Rows {
		if r.Get("operational_scenario") == op {
			candidates = append(candidates, r.Get("name"))
		}
	}
	for _, c := range candidates {
		for _, s := range im.m.Scenarios {
			if s.Name == c || s.ID == c {
				return s.ID
			}
		}
	}
	return ""
}

func (im *importer) operational() error {
	typed := false
	for _, r := range im.wb.Table(SheetOperational).Rows {
		if _, ok := parseLevel(likelihoodNames, r.Get("likelihood")); !ok {
			return r.errorf("likelihood", "%q is no likelihood of the EBIOS RM matrix (Unlikely, Likely, Very likely, Certain, or in French Peu vraisemblable, Vraisemblable, Très vraisemblable, Certain)", r.Get("likelihood"))
		}
		if _, err := r.Bool("is_selected"); err != nil {
			return err
		}
		ap := r.Get("attack_path")
		if _, ok := im.pathScenario[ap]; !ok {
			im.report(r, "attack_path", "operational scenario %q: attack path %q is no scenario of the model (see %q); left out", r.Get("name"), ap, SheetAttackPaths)
		}
		typed = true
	}
	if typed && im.wb.Tables[SheetScrutin] == nil {
		im.problems = append(im.problems, Error{Sheet: im.wb.Table(SheetOperational).Name, Column: "likelihood",
			Msg: "likelihoods are not imported: scrutin computes them from the simulation of the model's scenarios"})
	}
	return nil
}

// extras reads what only scrutin's sheet has: scales, zones, missions,
// the baseline.
func (im *importer) extras() {
	t := im.wb.Table(SheetScrutin)
	for _, r := range t.Rows {
		kind, id, name, field, value := r.Get("kind"), r.Get("id"), r.Get("name"), r.Get("field"), r.Get("value")
		switch {
		case kind == "scale" && id == "likelihood":
			if x, ok := im.thresholds(r, value, 3); ok {
				im.e.Likelihood = x
			}
		case kind == "scale" && id == "gravity":
			if name != model.EbiosMoney && im.m.HarmByID(name) == nil {
				im.report(r, "name", "gravity scale of %q: no harm of the model by that id; left out", name)
				continue
			}
			if x, ok := im.thresholds(r, value, 3); ok {
				if im.e.Gravity == nil {
					im.e.Gravity = map[string][]float64{}
				}
				im.e.Gravity[name] = x
			}
		case kind == "scale" && id == "zones":
			if x, ok := im.thresholds(r, value, 2); ok {
				im.e.Zones = &model.EbiosZones{Control: x[0], Danger: x[1]}
			}
		case kind == "mission" && field == "":
			if model.IDPattern.MatchString(id) && !im.ids[id] {
				im.ids[id] = true
				im.e.Missions = append(im.e.Missions, model.EbiosMission{ID: id, Name: name, Description: im.note("mission", name, "description")})
			}
		case kind == "baseline":
			if im.e.Baseline == nil {
				im.e.Baseline = &model.EbiosBaseline{}
			}
			switch field {
			case "framework":
				im.e.Baseline.Framework = value
			case "reference":
				im.e.Baseline.Reference = value
			case "gaps":
				im.e.Baseline.Gaps = value
			}
		}
	}
	// A business value's mission must be one of the block's.
	for i, v := range im.e.Values {
		if v.Mission != "" && !slices.ContainsFunc(im.e.Missions, func(m model.EbiosMission) bool { return m.ID == v.Mission }) {
			im.problems = append(im.problems, Error{Sheet: SheetScrutin, Msg: fmt.Sprintf("business value %q: mission %q is not in the workbook; left out", v.Name, v.Mission)})
			im.e.Values[i].Mission = ""
		}
	}
}

func (im *importer) thresholds(r Row, s string, n int) ([]float64, bool) {
	parts := splitList(s)
	var x []float64
	for _, p := range parts {
		v, err := strconv.ParseFloat(p, 64)
		if err != nil {
			break
		}
		x = append(x, v)
	}
	if len(x) != n || len(parts) != n {
		im.report(r, "value", "%q is not %d numbers, one a line; left out", s, n)
		return nil, false
	}
	return x, true
}

func (im *importer) hasAsset(id string) bool {
	return slices.ContainsFunc(im.m.Assets, func(a model.Asset) bool { return a.ID == id })
}
