package ciso

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/scrutin/scrutin/internal/ebios"
	"github.com/scrutin/scrutin/internal/model"
)

// Sheet is one sheet of a workbook: its name and its data rows (below
// the header row). A cell is a string, an int or a bool.
type Sheet struct {
	Name string
	Rows [][]any
}

// Book is the study as CISO Assistant's workbook: its sheets in order,
// those with no rows left out except "1.1 Study".
func Book(m *model.Model, st *ebios.Study, lang string) []Sheet {
	b := newBuilder(m, st, langOf(lang))
	return b.book()
}

// Write writes the workbook of the study st of model m, its level names
// in lang (en or fr), to w.
func Write(w io.Writer, m *model.Model, st *ebios.Study, lang string) error {
	return writeBook(w, Book(m, st, lang))
}

func writeBook(w io.Writer, book []Sheet) error {
	f := excelize.NewFile()
	defer f.Close()
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Border: []excelize.Border{
		{Type: "left", Style: 1}, {Type: "right", Style: 1}, {Type: "top", Style: 1}, {Type: "bottom", Style: 1}}})
	if err != nil {
		return err
	}
	data, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	for i, s := range book {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.Name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(s.Name); err != nil {
			return err
		}
		h := headers[s.Name]
		row := make([]any, len(h))
		for j, x := range h {
			row[j] = x
		}
		if err := f.SetSheetRow(s.Name, "A1", &row); err != nil {
			return err
		}
		last, _ := excelize.ColumnNumberToName(len(h))
		if err := f.SetColWidth(s.Name, "A", last, 20); err != nil {
			return err
		}
		if err := f.SetCellStyle(s.Name, "A1", last+"1", head); err != nil {
			return err
		}
		for r, cells := range s.Rows {
			if len(cells) != len(h) {
				return fmt.Errorf("ciso: sheet %q row %d has %d cells, not %d", s.Name, r+2, len(cells), len(h))
			}
			cell := "A" + strconv.Itoa(r+2)
			if err := f.SetSheetRow(s.Name, cell, &cells); err != nil {
				return err
			}
		}
		if len(s.Rows) > 0 {
			if err := f.SetCellStyle(s.Name, "A2", last+strconv.Itoa(len(s.Rows)+1), data); err != nil {
				return err
			}
		}
	}
	_, err = f.WriteTo(w)
	return err
}

type builder struct {
	m    *model.Model
	st   *ebios.Study
	lang string
	// The names written, per object, so that references use them.
	valueName, assetName, fearedName, stakeName map[string]string
	sourceKey                                   map[string][2]string // risk origin, target objective
	ops                                         map[string]ebios.OperationalRow
	scrutin                                     [][]any
}

func newBuilder(m *model.Model, st *ebios.Study, lang string) *builder {
	b := &builder{m: m, st: st, lang: lang, valueName: map[string]string{}, assetName: map[string]string{},
		fearedName: map[string]string{}, stakeName: map[string]string{}, sourceKey: map[string][2]string{},
		ops: map[string]ebios.OperationalRow{}}
	for _, o := range st.Operational {
		b.ops[o.ID] = o
	}
	return b
}

// note adds a row to the scrutin sheet.
func (b *builder) note(kind, id, name, field, value string) {
	b.scrutin = append(b.scrutin, []any{kind, id, name, field, value})
}

func (b *builder) book() []Sheet {
	e := b.m.Ebios
	if e == nil {
		e = &model.Ebios{}
	}
	sheets := []Sheet{b.study(e), b.assets(), b.feared(), b.sources(), b.stakeholders()}
	sheets = append(sheets, b.scenarios()...)
	b.extras(e)
	sheets = append(sheets, Sheet{SheetScrutin, b.scrutin})
	out := sheets[:1]
	for _, s := range sheets[1:] {
		if len(s.Rows) > 0 {
			out = append(out, s)
		}
	}
	return out
}

func (b *builder) study(e *model.Ebios) Sheet {
	st := b.st
	b.note("study", "", st.Name, "model", b.m.Name)
	b.note("study", "", st.Name, "trials", strconv.FormatInt(st.Trials, 10))
	b.note("study", "", st.Name, "seed", strconv.FormatUint(st.Seed, 10))
	return Sheet{SheetStudy, [][]any{{"", st.Name, st.Scope, "1.0", "in_progress", "", "", st.Treatment}}}
}

// unique makes names unique, case-insensitively, within one sheet (the
// importer stops at a second object of the same name): a repeated name
// gets its id in brackets.
type unique map[string]bool

func (u unique) name(name, id string) string {
	n := name
	for i := 2; u[strings.ToLower(n)]; i++ {
		n = fmt.Sprintf("%s [%s]", name, id)
		if i > 2 {
			n = fmt.Sprintf("%s [%s %d]", name, id, i-1)
		}
	}
	u[strings.ToLower(n)] = true
	return n
}

func (b *builder) assets() Sheet {
	var rows [][]any
	u := unique{}
	for _, v := range b.st.Values {
		n := u.name(v.Name, v.ID)
		b.valueName[v.ID] = n
		rows = append(rows, []any{v.ID, n, v.Description, "PR", ""})
		b.note("business_value", v.ID, n, "", "")
		if v.Mission != "" {
			b.note("business_value", v.ID, n, "mission", v.Mission)
		}
		if v.Nature != "" {
			b.note("business_value", v.ID, n, "nature", v.Nature)
		}
		if len(v.Assets) > 0 {
			b.note("business_value", v.ID, n, "assets", strings.Join(v.Assets, "\n"))
		}
	}
	for _, a := range b.m.Assets {
		n := u.name(a.Name, a.ID)
		b.assetName[a.ID] = n
		rows = append(rows, []any{a.ID, n, a.Description, "SP", ""})
		b.note("asset", a.ID, n, "", "")
	}
	return Sheet{SheetAssets, rows}
}

func (b *builder) feared() Sheet {
	var rows [][]any
	u := unique{}
	for _, f := range b.st.FearedEvents {
		n := u.name(f.Name, f.ID)
		b.fearedName[f.ID] = n
		assets := []string{b.valueName[f.Value]}
		for _, v := range b.st.Values {
			if v.ID == f.Value {
				for _, a := range v.Assets {
					assets = append(assets, b.assetName[a])
				}
			}
		}
		just := fmt.Sprintf("Measured on %s: %s", f.Dimension, gravityName(f.Measured, b.lang))
		if f.Judged {
			just = fmt.Sprintf("Judged by the analysts; measured on %s: %s", f.Dimension, gravityName(f.Measured, b.lang))
		}
		rows = append(rows, []any{f.ID, n, strings.Join(f.Impacts, "\n"), gravityName(f.Gravity, b.lang), true, just,
			strings.Join(assets, "\n")})
		b.note("feared_event", f.ID, n, "", "")
		b.note("feared_event", f.ID, n, "value", f.Value)
		b.note("feared_event", f.ID, n, "harm", f.Dimension)
		b.note("feared_event", f.ID, n, "judged", strconv.FormatBool(f.Judged))
		b.note("feared_event", f.ID, n, "measured", fmt.Sprintf("G%d", f.Measured))
	}
	return Sheet{SheetFeared, rows}
}

func (b *builder) sources() Sheet {
	var rows [][]any
	u := unique{}
	explicit := map[string]bool{}
	if b.m.Ebios != nil {
		for _, s := range b.m.Ebios.Sources {
			explicit[s.ID] = s.Retained != nil
		}
	}
	for _, s := range b.st.Sources {
		origin := s.ActorName
		if origin == "" {
			origin = s.Actor
		}
		// The pair is the key: the objective is made unique within the
		// risk origin.
		obj := s.Objective
		if u[strings.ToLower(origin+"\n"+obj)] {
			obj = s.Objective + " [" + s.ID + "]"
		}
		u[strings.ToLower(origin+"\n"+obj)] = true
		b.sourceKey[s.ID] = [2]string{origin, obj}
		var fe []string
		seen := map[string]bool{}
		for _, ss := range b.st.Strategic {
			if ss.Source != s.ID {
				continue
			}
			for _, f := range ss.FearedEvents {
				if !seen[f] {
					seen[f] = true
					fe = append(fe, b.fearedName[f])
				}
			}
		}
		rows = append(rows, []any{origin, obj, motivationLabels[clamp(s.Motivation)], resourcesLabels[clamp(s.Resources)],
			activityLabels[clamp(s.Activity)], pertinenceLabels[clamp(s.Pertinence)], s.Retained, s.Note, strings.Join(fe, "\n")})
		key := origin + " - " + obj
		b.note("source", s.ID, key, "", "")
		b.note("source", s.ID, key, "actor", s.Actor)
		if explicit[s.ID] {
			b.note("source", s.ID, key, "retained", strconv.FormatBool(s.Retained))
		}
	}
	return Sheet{SheetRoTo, rows}
}

func clamp(x int) int { return max(0, min(4, x)) }

func (b *builder) stakeholders() Sheet {
	var rows [][]any
	u := unique{}
	for _, s := range b.st.Stakeholders {
		// Entity and category make the key; the entity is made unique.
		n := u.name(s.Name, s.ID)
		cat := s.Category
		if cat == "" {
			cat = "other"
		}
		b.stakeName[s.ID] = stakeholderKey(n, cat)
		cur, res := s.Ratings, s.Ratings
		resThreat := s.Threat
		if s.Residual != nil {
			res, resThreat = *s.Residual, s.ResidualThreat
		}
		var names []string
		for _, c := range s.Controls {
			if ctl := b.m.ControlByID(c); ctl != nil {
				names = append(names, ctl.Name)
			}
		}
		just := fmt.Sprintf("Zone: %s", s.Zone)
		if s.Residual != nil {
			just += fmt.Sprintf("; residual zone: %s", s.ResidualZone)
		}
		if len(names) > 0 {
			just += "; measures: " + strings.Join(names, ", ")
		}
		rows = append(rows, []any{n, capitalize(cat), cur.Dependence, cur.Penetration, cur.Maturity, cur.Trust,
			criticality(s.Threat), res.Dependence, res.Penetration, res.Maturity, res.Trust, criticality(resThreat), true, just})
		key := b.stakeName[s.ID]
		b.note("stakeholder", s.ID, key, "", "")
		if s.Category != "" {
			b.note("stakeholder", s.ID, key, "category", s.Category)
		}
		if s.Residual != nil {
			b.note("stakeholder", s.ID, key, "residual", "true")
		}
		if len(s.Controls) > 0 {
			b.note("stakeholder", s.ID, key, "controls", strings.Join(s.Controls, "\n"))
			b.note("stakeholder", s.ID, key, "control_names", strings.Join(names, "\n"))
		}
	}
	return Sheet{SheetStakeholders, rows}
}

// scenarios are the sheets of strategic scenarios, attack paths,
// operational scenarios and operating modes: an attack path per model
// scenario of a strategic scenario, going through its stakeholders, and
// an operational scenario and an operating mode for each, with the
// likelihood computed for the model scenario.
func (b *builder) scenarios() []Sheet {
	var ss, ap, os, om [][]any
	su, pu := unique{}, unique{}
	gravityOfSource := map[string]int{}
	for _, s := range b.st.Strategic {
		for _, f := range s.FearedEvents {
			for _, fr := range b.st.FearedEvents {
				if fr.ID == f {
					gravityOfSource[s.Source] = max(gravityOfSource[s.Source], fr.Gravity)
				}
			}
		}
	}
	for _, s := range b.st.Strategic {
		n := su.name(s.Name, s.ID)
		key := b.sourceKey[s.Source]
		var fe []string
		for _, f := range s.FearedEvents {
			fe = append(fe, b.fearedName[f])
		}
		desc := fmt.Sprintf("Feared events: %s. P(at least one loss event) = %s", strings.Join(fe, ", "), strconvFloat(s.PAny))
		ss = append(ss, []any{s.ID, n, desc, key[0], key[1], gravityName(s.Gravity, b.lang)})
		b.note("strategic", s.ID, n, "", "")
		b.note("strategic", s.ID, n, "source", s.Source)
		b.note("strategic", s.ID, n, "feared_events", strings.Join(s.FearedEvents, "\n"))
		if len(s.Stakeholders) > 0 {
			b.note("strategic", s.ID, n, "stakeholders", strings.Join(s.Stakeholders, "\n"))
		}
		var stakes []string
		for _, k := range s.Stakeholders {
			stakes = append(stakes, b.stakeName[k])
		}
		for _, sc := range s.Scenarios {
			o := b.ops[sc]
			name := o.Name
			if name == "" {
				name = sc
			}
			p := name
			if pu[strings.ToLower(p)] {
				p = name + " (" + n + ")"
			}
			p = pu.name(p, sc)
			desc := "Through " + strings.Join(slices.DeleteFunc(slices.Clone(stakes), func(s string) bool { return s == "" }), ", ")
			if len(stakes) == 0 {
				desc = "Direct attack"
			}
			if o.Tree != "" {
				desc += "; attack tree " + o.Tree
			}
			ap = append(ap, []any{sc, p, desc, n, strings.Join(stakes, "\n"), true, ""})
			b.note("attack_path", sc, p, "strategic", s.ID)
			g := gravityOfSource[s.Source]
			opn := operationalName(n, p)
			os = append(os, []any{sc, opn, p, likelihoodName(o.Likelihood, b.lang), gravityName(g, b.lang),
				riskName(int(ebios.Level(g, o.Likelihood)), b.lang), b.measures(o), true, ""})
			om = append(om, []any{sc, name, "Scenario " + sc + " of the model", opn, likelihoodName(o.Likelihood, b.lang), ""})
		}
	}
	return []Sheet{{SheetStrategic, ss}, {SheetAttackPaths, ap}, {SheetOperational, os}, {SheetModes, om}}
}

// measures says where an operational scenario's likelihood and gravity
// come from.
func (b *builder) measures(o ebios.OperationalRow) string {
	per := "year"
	if b.st.Election {
		per = "election"
	}
	s := fmt.Sprintf("Computed by scrutin from %d simulated %ss: P(at least one loss event a %s) = %s (%s); gravity of the scenario %s, set by %s",
		b.st.Trials, per, per, strconvFloat(o.PAny), fmt.Sprintf("V%d", o.Likelihood), gravityName(o.Gravity, b.lang), o.GravityOf)
	dims := make([]string, 0, len(o.P90))
	for d := range o.P90 {
		dims = append(dims, d)
	}
	slices.Sort(dims)
	for _, d := range dims {
		s += fmt.Sprintf("; P90 %s = %s", d, strconvFloat(o.P90[d]))
	}
	return s
}

// extras are the rows of the scrutin sheet with what CISO Assistant has
// no column for.
func (b *builder) extras(e *model.Ebios) {
	if len(e.Likelihood) > 0 {
		b.note("scale", "likelihood", "", "thresholds", floats(e.Likelihood))
	}
	dims := make([]string, 0, len(e.Gravity))
	for d := range e.Gravity {
		dims = append(dims, d)
	}
	slices.Sort(dims)
	for _, d := range dims {
		b.note("scale", "gravity", d, "thresholds", floats(e.Gravity[d]))
	}
	if e.Zones != nil {
		b.note("scale", "zones", "", "thresholds", floats([]float64{e.Zones.Control, e.Zones.Danger}))
	}
	for _, m := range e.Missions {
		b.note("mission", m.ID, m.Name, "", "")
		if m.Description != "" {
			b.note("mission", m.ID, m.Name, "description", m.Description)
		}
	}
	if bl := e.Baseline; bl != nil {
		b.note("baseline", "", "", "framework", bl.Framework)
		b.note("baseline", "", "", "reference", bl.Reference)
		b.note("baseline", "", "", "gaps", bl.Gaps)
	}
	for _, o := range b.st.Operational {
		b.note("operational", o.ID, o.Name, "p_any", strconvFloat(o.PAny))
		b.note("operational", o.ID, o.Name, "likelihood", fmt.Sprintf("V%d", o.Likelihood))
		b.note("operational", o.ID, o.Name, "gravity", fmt.Sprintf("G%d", o.Gravity))
		b.note("operational", o.ID, o.Name, "gravity_of", o.GravityOf)
	}
}

func floats(x []float64) string {
	s := make([]string, len(x))
	for i, v := range x {
		s[i] = strconvFloat(v)
	}
	return strings.Join(s, "\n")
}

func strconvFloat(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
