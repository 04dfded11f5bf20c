package plan

import (
	"math"
	"strconv"
	"strings"

	"github.com/scrutin/scrutin/internal/model"
)

// ParseHorizon reads a horizon over which one-off costs are spread: a
// number of years ("3", "2.5"), or a number followed by y (years) or m
// (months): "3y", "36m". It must be positive.
func ParseHorizon(s string) (float64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	div := 1.0
	switch {
	case strings.HasSuffix(t, "y"):
		t = strings.TrimSuffix(t, "y")
	case strings.HasSuffix(t, "m"):
		t, div = strings.TrimSuffix(t, "m"), 12
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 {
		return 0, model.Errorf(model.EINVALID, "horizon %q: expected a positive number of years or months, such as 3y, 36m or 3", s)
	}
	return v / div, nil
}
