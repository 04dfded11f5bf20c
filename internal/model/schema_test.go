package model

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

const draft2020 = "https://json-schema.org/draft/2020-12/schema"

// compileSchema checks that Schema() is a valid draft 2020-12 schema and
// compiles it.
func compileSchema(t *testing.T) (*jsonschema.Schema, map[string]any) {
	t.Helper()
	b, err := Schema()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("the schema is not JSON: %v", err)
	}
	var obj map[string]any // numbers as float64, for comparisons
	if err := json.Unmarshal(b, &obj); err != nil {
		t.Fatal(err)
	}
	if obj["$schema"] != draft2020 || obj["$id"] != SchemaID {
		t.Errorf("$schema, $id = %v, %v; want %s, %s", obj["$schema"], obj["$id"], draft2020, SchemaID)
	}
	c := jsonschema.NewCompiler()
	meta, err := c.Compile(draft2020)
	if err != nil {
		t.Fatal(err)
	}
	if err := meta.Validate(doc); err != nil {
		t.Fatalf("the schema is not a valid draft 2020-12 schema: %v", err)
	}
	if err := c.AddResource(SchemaID, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(SchemaID)
	if err != nil {
		t.Fatalf("compiling the schema: %v", err)
	}
	return sch, obj
}

// yamlToJSON converts YAML to the JSON value it stands for (anchors, aliases
// and merges expanded), independently of this package's decoder.
func yamlToJSON(t *testing.T, src string) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal([]byte(src), &v); err != nil {
		t.Fatalf("yaml: %v", err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("json: %v", err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

func TestSchemaAcceptsValidModels(t *testing.T) {
	sch, _ := compileSchema(t)
	sources := map[string]string{}
	for name, src := range examples(t) {
		sources["examples/"+name] = string(src)
	}
	for _, tt := range validModels {
		sources[tt.name] = tt.src
	}
	for name, src := range sources {
		t.Run(name, func(t *testing.T) {
			// goccy/go-yaml reads plain 1e5 as text (YAML 1.1), where YAML
			// 1.2 and this package's decoder read a number; so the YAML of
			// "number forms" is checked through the decoder only.
			if name != "number forms" {
				if err := sch.Validate(yamlToJSON(t, src)); err != nil {
					t.Errorf("the YAML, as JSON, fails the schema: %v", err)
				}
			}
			m, err := Decode(name, []byte(src))
			if err != nil {
				t.Fatal(err)
			}
			b, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if err := sch.Validate(inst); err != nil {
				t.Errorf("the decoded model, as JSON, fails the schema: %v\n%s", err, b)
			}
		})
	}
}

func TestSchemaRejectsInvalidModels(t *testing.T) {
	sch, _ := compileSchema(t)
	// Each case changes the minimal example by one text substitution.
	valid := string(examples(t)["minimal.yaml"])
	tests := []struct {
		name, old, new string
		want           string // in the validation error
	}{
		{"unknown field", "currency: EUR", "currency: EUR\ncolour: blue", "colour"},
		{"unknown nested field", "{id: mail, org: campaign,", "{id: mail, owner: it, org: campaign,", "owner"},
		{"wrong enum", "kind: campaign}", "kind: campain}", "/organizations/0/kind"},
		{"wrong status", "status: proposed", "status: planned", "/controls/0/status"},
		{"missing required field", "currency: EUR\n", "", "currency"},
		{"missing nested field", "{id: apt28, name: APT28, attack: G0007}", "{id: apt28, attack: G0007}", "name"},
		{"pert with two numbers", "{pert: [0.5, 2, 10]}", "{pert: [0.5, 2]}", "frequency"},
		{"two families", "{pert: [0.5, 2, 10]}", "{pert: [0.5, 2, 10], uniform: [1, 2]}", "frequency"},
		{"lambda on a lognormal90", "{lognormal90: [10000, 1000000]}", "{lognormal90: [10000, 1000000], lambda: 3}", "magnitude"},
		{"text for a number", "vulnerability: 0.3", "vulnerability: high", "vulnerability"},
		{"bad ATT&CK group", "attack: G0007", "attack: APT28", "attack"},
		{"unsupported version", "scrutin: 1", "scrutin: 2", "scrutin"},
		{"negative cost", "once: 15000", "once: -15000", "once"},
		{"negative seed", "currency: EUR", "currency: EUR\nseed: -1", "seed"},
		{"no organizations", "organizations:\n  - {id: campaign, name: Campaign, kind: campaign}", "organizations: []", "organizations"},

		{"negative votes", "currency: EUR", "currency: EUR\ncontests: [{id: c, name: C, ballots: 10, voting: postal, candidates: {A: 5, B: -1}}]", "/contests/0/candidates/B"},
		{"one candidate", "currency: EUR", "currency: EUR\ncontests: [{id: c, name: C, ballots: 10, voting: postal, candidates: {A: 5}}]", "/contests/0/candidates"},
		{"units and units_file", "currency: EUR", "currency: EUR\ncontests: [{id: c, name: C, ballots: 10, voting: postal, candidates: {A: 5, B: 1}, units: [{id: u, ballots: 10}], units_file: u.csv}]", "/contests/0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(valid, tt.old) {
				t.Fatalf("minimal.yaml has no %q", tt.old)
			}
			src := strings.Replace(valid, tt.old, tt.new, 1)
			err := sch.Validate(yamlToJSON(t, src))
			if err == nil {
				t.Fatal("the schema accepts it")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("the schema's error does not mention %q: %v", tt.want, err)
			}
			if _, err := Decode("minimal.yaml", []byte(src)); err == nil {
				t.Error("the decoder accepts it")
			}
		})
	}
}

// TestSchemaMatchesDecoder checks that the schema and the decoder know the
// same fields with the same constraints, so that they cannot drift apart.
func TestSchemaMatchesDecoder(t *testing.T) {
	_, doc := compileSchema(t)
	defs := doc["$defs"].(map[string]any)
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type)
	walk = func(rt reflect.Type) {
		for rt.Kind() == reflect.Pointer || rt.Kind() == reflect.Slice || rt.Kind() == reflect.Map {
			rt = rt.Elem()
		}
		if rt.Kind() != reflect.Struct || seen[rt] || rt == distType || rt == vulnType {
			return
		}
		seen[rt] = true
		def, ok := defs[rt.Name()].(map[string]any)
		if !ok {
			t.Errorf("the schema has no definition of %s", rt.Name())
			return
		}
		props, _ := def["properties"].(map[string]any)
		fields := fieldsOf(rt)
		var names []string
		for name := range props {
			names = append(names, name)
		}
		if want := sortedCopy(fields.names); !slices.Equal(sortedCopy(names), want) {
			t.Errorf("%s: the schema has properties %v, the decoder %v", rt.Name(), sortedCopy(names), want)
		}
		var required []string
		for _, name := range fields.names {
			f := fields.byName[name]
			if f.rules.required {
				required = append(required, name)
			}
			checkRules(t, rt.Name()+"."+name, f.rules, props[name])
			walk(rt.Field(f.index).Type)
		}
		if got := anyStrings(def["required"]); !slices.Equal(sortedCopy(got), sortedCopy(required)) {
			t.Errorf("%s: the schema requires %v, the decoder %v", rt.Name(), got, required)
		}
		if def["additionalProperties"] != false {
			t.Errorf("%s: the schema allows unknown fields", rt.Name())
		}
		if pp, _ := def["patternProperties"].(map[string]any); pp["^x-"] == nil {
			t.Errorf("%s: the schema does not allow x- extension keys", rt.Name())
		}
	}
	walk(reflect.TypeFor[Model]())

	// Distributions: one object per family the decoder knows.
	var families []string
	for _, alt := range defs["Dist"].(map[string]any)["anyOf"].([]any) {
		a := alt.(map[string]any)
		if a["type"] == "number" {
			continue
		}
		families = append(families, anyStrings(a["required"])...)
	}
	if !slices.Equal(sortedCopy(families), sortedCopy(distKeys)) {
		t.Errorf("the schema's distributions %v, the decoder's %v", sortedCopy(families), sortedCopy(distKeys))
	}
	// Every object inside a distribution or a vulnerability takes x- keys
	// and nothing else unknown, as the decoder does.
	var objects func(where string, v any)
	objects = func(where string, v any) {
		switch v := v.(type) {
		case map[string]any:
			if _, ok := v["properties"]; ok {
				if v["additionalProperties"] != false {
					t.Errorf("%s: the schema allows unknown keys", where)
				}
				if pp, _ := v["patternProperties"].(map[string]any); pp["^x-"] == nil {
					t.Errorf("%s: the schema does not allow x- extension keys", where)
				}
			}
			for k, x := range v {
				objects(where+"/"+k, x)
			}
		case []any:
			for i, x := range v {
				objects(where+"/"+strconv.Itoa(i), x)
			}
		}
	}
	objects("Dist", defs["Dist"])
	objects("Vulnerability", defs["Vulnerability"])

	for kind, n := range distArity {
		alt := distAlternative(t, defs, string(kind))
		list := alt["properties"].(map[string]any)[string(kind)].(map[string]any)
		if list["minItems"] != float64(n) || list["maxItems"] != float64(n) {
			t.Errorf("%s: the schema wants %v to %v numbers, the decoder %d", kind, list["minItems"], list["maxItems"], n)
		}
	}
}

func distAlternative(t *testing.T, defs map[string]any, kind string) map[string]any {
	t.Helper()
	for _, alt := range defs["Dist"].(map[string]any)["anyOf"].([]any) {
		a := alt.(map[string]any)
		if slices.Contains(anyStrings(a["required"]), kind) {
			return a
		}
	}
	t.Fatalf("the schema has no distribution %s", kind)
	return nil
}

// checkRules compares the constraints the decoder enforces on a field with
// the field's schema.
func checkRules(t *testing.T, what string, r fieldRules, prop any) {
	t.Helper()
	p, _ := prop.(map[string]any)
	if items, ok := p["items"].(map[string]any); ok && r.minItems == 0 {
		p = items // a list of strings: the rules are the items'
	}
	if got := anyStrings(p["enum"]); len(r.enum) > 0 || len(got) > 0 {
		if !slices.Equal(got, r.enum) {
			t.Errorf("%s: the schema's enum %v, the decoder's %v", what, got, r.enum)
		}
	}
	pattern, _ := p["pattern"].(string)
	if r.pattern != nil && r.pattern.String() != pattern || r.pattern == nil && pattern != "" {
		t.Errorf("%s: the schema's pattern %q, the decoder's %v", what, pattern, r.pattern)
	}
	for _, c := range []struct {
		key  string
		rule *float64
	}{{"minimum", r.minimum}, {"maximum", r.maximum},
		{"minLength", intRule(r.minLength)}, {"minItems", intRule(r.minItems)}} {
		got, has := p[c.key].(float64)
		if has != (c.rule != nil) || has && got != *c.rule {
			t.Errorf("%s: the schema's %s is %v, the decoder's %v", what, c.key, p[c.key], ptrString(c.rule))
		}
	}
}

func intRule(n int) *float64 {
	if n == 0 {
		return nil
	}
	f := float64(n)
	return &f
}

func ptrString(p *float64) string {
	if p == nil {
		return "none"
	}
	return strconv.FormatFloat(*p, 'g', -1, 64)
}

func anyStrings(v any) []string {
	var out []string
	if list, ok := v.([]any); ok {
		for _, x := range list {
			switch x := x.(type) {
			case string:
				out = append(out, x)
			case float64:
				out = append(out, strconv.FormatFloat(x, 'g', -1, 64))
			default:
				out = append(out, "?")
			}
		}
	}
	return out
}

func sortedCopy(s []string) []string {
	c := slices.Clone(s)
	sort.Strings(c)
	return c
}
