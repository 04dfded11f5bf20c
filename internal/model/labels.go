package model

// Label tables, one per kind of quantity.
const (
	TableFrequency     = "frequency"
	TableVulnerability = "vulnerability"
	TableMagnitude     = "magnitude"
)

func pert(min, mode, max float64) Dist {
	return Dist{Kind: PERT, Params: []float64{min, mode, max}}
}

// DefaultLabels is the calibrated qualitative scale that ships with scrutin
// (expert estimates, meant to be overridden by a model's own `labels:`).
// Frequencies are threat events per year; vulnerabilities are probabilities;
// magnitudes are losses per event in the model's currency, sized for euros.
func DefaultLabels() Labels {
	return Labels{
		Frequency: map[string]Dist{
			"very-low":  pert(0, 0.05, 0.2), // about once in twenty years
			"low":       pert(0.05, 0.3, 1), // about once in three years
			"medium":    pert(0.3, 1, 3),    // about once a year
			"high":      pert(1, 4, 12),     // a few times a year
			"very-high": pert(6, 20, 100),   // every few weeks or more
		},
		Vulnerability: map[string]Dist{
			"very-low":  pert(0, 0.02, 0.1),
			"low":       pert(0.02, 0.1, 0.3),
			"medium":    pert(0.1, 0.3, 0.6),
			"high":      pert(0.3, 0.6, 0.9),
			"very-high": pert(0.6, 0.9, 1),
		},
		Magnitude: map[string]Dist{
			"very-low":  pert(1e3, 5e3, 2e4),
			"low":       pert(1e4, 5e4, 2e5),
			"medium":    pert(1e5, 4e5, 2e6),
			"high":      pert(1e6, 4e6, 2e7),
			"very-high": pert(1e7, 4e7, 2e8),
		},
	}
}

// LabelTable returns the effective table name → distribution for one kind
// of quantity: the defaults, overridden and extended by the model's labels.
func (m *Model) LabelTable(table string) map[string]Dist {
	def := DefaultLabels()
	out := map[string]Dist{}
	pick := func(l *Labels) map[string]Dist {
		switch table {
		case TableFrequency:
			return l.Frequency
		case TableVulnerability:
			return l.Vulnerability
		case TableMagnitude:
			return l.Magnitude
		}
		return nil
	}
	for k, v := range pick(&def) {
		out[k] = v
	}
	if m.Labels != nil {
		for k, v := range pick(m.Labels) {
			out[k] = v
		}
	}
	return out
}
