package model

import (
	"reflect"
	"testing"
)

func TestInForce(t *testing.T) {
	m := &Model{Controls: []Control{
		{ID: "mfa", Status: StatusImplemented},
		{ID: "security-keys", Status: StatusProposed},
		{ID: "backups", Status: StatusImplemented},
		{ID: "training", Status: StatusProposed},
	}}
	tests := []struct {
		name          string
		with, without []string
		want          []string
		err           string // the error message, if an error is expected
	}{
		{name: "implemented controls", want: []string{"mfa", "backups"}},
		{name: "with a proposed control", with: []string{"training"}, want: []string{"mfa", "backups", "training"}},
		{name: "in model order", with: []string{"training", "security-keys"}, want: []string{"mfa", "security-keys", "backups", "training"}},
		{name: "with an implemented control", with: []string{"mfa", "mfa"}, want: []string{"mfa", "backups"}},
		{name: "without an implemented control", without: []string{"mfa"}, want: []string{"backups"}},
		{name: "without a proposed control", without: []string{"training"}, want: []string{"mfa", "backups"}},
		{name: "without all", without: []string{"mfa", "backups"}, want: []string{}},
		{name: "with and without", with: []string{"security-keys"}, without: []string{"backups"}, want: []string{"mfa", "security-keys"}},
		{name: "unknown id with a suggestion", with: []string{"securty-keys"}, err: `unknown control "securty-keys" (did you mean "security-keys"?)`},
		{name: "unknown id without", without: []string{"firewall"}, err: `unknown control "firewall"; expected one of: "backups", "mfa", "security-keys", "training"`},
		{name: "both with and without", with: []string{"training"}, without: []string{"training"}, err: `control "training" is both switched on (--with) and off (--without)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := m.InForce(tt.with, tt.without)
			if tt.err != "" {
				if err == nil {
					t.Fatalf("InForce = %v, want error %q", got, tt.err)
				}
				if ErrorCode(err) != EINVALID || err.Error() != tt.err {
					t.Errorf("error = %q (code %q), want %q (code %q)", err, ErrorCode(err), tt.err, EINVALID)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("InForce = %#v, want %#v", got, tt.want)
			}
		})
	}
	if got := m.Implemented(); !reflect.DeepEqual(got, []string{"mfa", "backups"}) {
		t.Errorf("Implemented = %v", got)
	}
	empty := &Model{}
	if got, err := empty.InForce(nil, nil); err != nil || got == nil || len(got) != 0 {
		t.Errorf("InForce on a model without controls = %#v, %v; want an empty list", got, err)
	}
	if _, err := empty.InForce([]string{"mfa"}, nil); err == nil || err.Error() != `unknown control "mfa"` {
		t.Errorf("InForce on a model without controls = %v", err)
	}
}

func TestModelLookups(t *testing.T) {
	m := &Model{
		Actors:    []Actor{{ID: "a"}, {ID: "b"}},
		Controls:  []Control{{ID: "c"}},
		Scenarios: []Scenario{{ID: "s"}, {ID: "t"}},
	}
	if got := m.ActorByID("b"); got != &m.Actors[1] {
		t.Errorf("ActorByID(b) = %p, want %p", got, &m.Actors[1])
	}
	if got := m.ScenarioByID("t"); got != &m.Scenarios[1] {
		t.Errorf("ScenarioByID(t) = %p, want %p", got, &m.Scenarios[1])
	}
	if got := m.ControlByID("c"); got != &m.Controls[0] {
		t.Errorf("ControlByID(c) = %p, want %p", got, &m.Controls[0])
	}
	if m.ActorByID("z") != nil || m.ScenarioByID("z") != nil || m.ControlByID("z") != nil {
		t.Error("lookups of an unknown id return non-nil")
	}
}
