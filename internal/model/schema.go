package model

import (
	"encoding/json"

	"github.com/invopop/jsonschema"
)

// SchemaID is the $id of the model format's JSON Schema.
const SchemaID = "https://scrutin.example/schema/model-v1.json"

// Schema returns the JSON Schema (draft 2020-12) of the model format,
// reflected from the model's types so that it cannot drift from the decoder.
func Schema() ([]byte, error) {
	r := &jsonschema.Reflector{RequiredFromJSONSchemaTags: true}
	s := r.Reflect(&Model{})
	s.ID = SchemaID
	s.Title = "scrutin risk model, format version 1"
	s.Description = "An election cyber-risk model: organizations, assets, threat actors, controls and loss scenarios. Keys starting with x- are ignored (use them for notes and YAML anchors)."
	allowExtensions(s)
	for _, d := range s.Definitions {
		allowExtensions(d)
	}
	return json.MarshalIndent(s, "", "  ")
}

// allowExtensions lets objects carry x- keys, as the decoder does.
func allowExtensions(s *jsonschema.Schema) {
	if s.Type == "object" && s.Properties != nil {
		if s.PatternProperties == nil {
			s.PatternProperties = map[string]*jsonschema.Schema{}
		}
		s.PatternProperties["^x-"] = &jsonschema.Schema{}
	}
}

func numberList(n int, names string) *jsonschema.Schema {
	u := uint64(n)
	return &jsonschema.Schema{Type: "array", Items: &jsonschema.Schema{Type: "number"}, MinItems: &u, MaxItems: &u, Description: names}
}

func oneKey(key string, value *jsonschema.Schema, extra ...string) *jsonschema.Schema {
	props := jsonschema.NewProperties()
	props.Set(key, value)
	for _, e := range extra {
		props.Set(e, &jsonschema.Schema{Type: "number", ExclusiveMinimum: json.Number("0")})
	}
	s := &jsonschema.Schema{Type: "object", Properties: props, Required: []string{key},
		AdditionalProperties: jsonschema.FalseSchema}
	allowExtensions(s)
	return s
}

// JSONSchema describes a distribution: a number, or one family with its
// parameters.
func (Dist) JSONSchema() *jsonschema.Schema {
	mu := jsonschema.NewProperties()
	mu.Set("mu", &jsonschema.Schema{Type: "number"})
	mu.Set("sigma", &jsonschema.Schema{Type: "number", ExclusiveMinimum: json.Number("0")})
	lognormal := &jsonschema.Schema{Type: "object", Properties: mu, Required: []string{"mu", "sigma"}, AdditionalProperties: jsonschema.FalseSchema}
	allowExtensions(lognormal)
	return &jsonschema.Schema{
		Description: "A constant or a distribution (one family): pert, lognormal90, lognormal, uniform, triangular, beta, normal, gamma, label or baserate (a frequency from publicly reported incidents).",
		AnyOf: []*jsonschema.Schema{
			{Type: "number", Description: "a constant"},
			oneKey("pert", numberList(3, "Beta-PERT [min, mode, max]"), "lambda"),
			oneKey("lognormal90", numberList(2, "lognormal by its 5th and 95th percentiles [p5, p95]")),
			oneKey("lognormal", lognormal),
			oneKey("uniform", numberList(2, "[a, b]")),
			oneKey("triangular", numberList(3, "[min, mode, max]")),
			oneKey("beta", numberList(2, "[alpha, beta]")),
			oneKey("normal", numberList(2, "[mean, sd], truncated to the quantity's range")),
			oneKey("gamma", numberList(2, "[shape, rate]: mean shape/rate (for frequencies; what calibration gives them)")),
			oneKey("label", &jsonschema.Schema{Type: "string", Description: "a qualitative label of the labels table: very-low, low, medium, high, very-high"}),
			oneKey("baserate", baseRateSchema()),
		},
	}
}

// JSONSchema describes a vulnerability: a probability (number or
// distribution), or FAIR-style capability against resistance.
func (Vulnerability) JSONSchema() *jsonschema.Schema {
	props := jsonschema.NewProperties()
	props.Set("capability", &jsonschema.Schema{Ref: "#/$defs/Dist", Description: "threat capability percentile (default: the actor's)"})
	props.Set("resistance", &jsonschema.Schema{Ref: "#/$defs/Dist", Description: "resistance strength percentile, drawn once per year"})
	fair := &jsonschema.Schema{Type: "object", Properties: props, Required: []string{"resistance"}, AdditionalProperties: jsonschema.FalseSchema}
	allowExtensions(fair)
	treeProps := jsonschema.NewProperties()
	treeProps.Set("tree", &jsonschema.Schema{Type: "string", Description: "id of an attack-defence tree: its goal's success probability given the controls in force"})
	tree := &jsonschema.Schema{Type: "object", Properties: treeProps, Required: []string{"tree"}, AdditionalProperties: jsonschema.FalseSchema}
	allowExtensions(tree)
	return &jsonschema.Schema{
		Description: "P(a threat event becomes a loss event): a probability, {capability, resistance} FAIR style, or {tree: ID}.",
		AnyOf:       []*jsonschema.Schema{{Ref: "#/$defs/Dist"}, fair, tree},
	}
}

// JSONSchemaExtend lets a tree node's cost, time and skill be "Infinity"
// (a step that cannot be done), as the decoder does; the minimum applies
// to numbers only.
func (TreeNode) JSONSchemaExtend(s *jsonschema.Schema) {
	for _, name := range []string{"cost", "time", "skill"} {
		p, ok := s.Properties.Get(name)
		if !ok {
			continue
		}
		p.Type = ""
		p.AnyOf = []*jsonschema.Schema{{Type: "number"}, {Const: "Infinity"}}
	}
}

// JSONSchemaExtend states what the decoder's validation also checks of a
// contest and the struct tags cannot say: votes are whole numbers ≥ 0,
// two to MaxCandidates candidates, at most MaxUnits units, and units or
// units_file, not both.
func (Contest) JSONSchemaExtend(s *jsonschema.Schema) {
	if p, ok := s.Properties.Get("candidates"); ok {
		lo, hi := uint64(2), uint64(MaxCandidates)
		p.MinProperties, p.MaxProperties = &lo, &hi
		p.AdditionalProperties = &jsonschema.Schema{Type: "integer", Minimum: json.Number("0")}
	}
	if p, ok := s.Properties.Get("units"); ok {
		hi := uint64(MaxUnits)
		p.MaxItems = &hi
	}
	s.Not = &jsonschema.Schema{Required: []string{"units", "units_file"}, Description: "units or units_file, not both"}
}

// baseRateSchema describes {baserate: {target, kind, countries, from, to, orgs}}.
func baseRateSchema() *jsonschema.Schema {
	props := jsonschema.NewProperties()
	props.Set("target", &jsonschema.Schema{Type: "string", Description: "kind of target: party, campaign, candidate, election-authority, ministry, parliament, municipality, media, vendor, voter-roll"})
	props.Set("kind", &jsonschema.Schema{Type: "string", Description: "kind of incident: hack-and-leak, ddos, defacement, voter-roll-breach, voter-roll-tampering, ransomware, phishing, influence-operation, tabulation-attack"})
	props.Set("countries", &jsonschema.Schema{Type: "string", Description: "eu, europe, north-america, all (default), or country codes separated by commas"})
	props.Set("from", &jsonschema.Schema{Type: "integer", Description: "first year counted"})
	props.Set("to", &jsonschema.Schema{Type: "integer", Description: "last year counted"})
	props.Set("orgs", &jsonschema.Schema{Type: "number", Minimum: json.Number("0"), Description: "organisations of the target kind exposed each year (default: one per country)"})
	s := &jsonschema.Schema{Type: "object", Properties: props, Required: []string{"target", "kind"}, AdditionalProperties: jsonschema.FalseSchema,
		Description: "the Gamma posterior of the yearly rate of publicly reported incidents (scrutin baserate)"}
	allowExtensions(s)
	return s
}
