package main

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Flags that take numbers read them as people write them (1e6, 1_000_000,
// 1,000,000) and refuse them in our words: the flag, the value, what it
// must be. pflag's own number flags answer with strconv's messages.

// flagError is a bad value of a flag, in words for people.
type flagError struct {
	flag string // without the dashes
	msg  string
}

func (e *flagError) Error() string { return "--" + e.flag + ": " + e.msg }

// maxNumberLen bounds the text of a number flag, so that no value makes
// the parser work hard (1e999999999 is refused by its exponent, before).
const maxNumberLen = 64

// parseWhole reads a whole number: decimal digits, optionally signed, with
// _ or , between groups of digits (1_000_000, 1,000,000), or a decimal in
// exponent notation whose value is whole (1e6, 2.5e5). It says false for
// anything else, including fractions and exponents beyond 30.
func parseWhole(s string) (*big.Int, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > maxNumberLen {
		return nil, false
	}
	sign := ""
	if s[0] == '+' || s[0] == '-' {
		sign, s = s[:1], s[1:]
		if sign == "+" {
			sign = ""
		}
	}
	mant, exp, hasExp := strings.Cut(strings.ToLower(s), "e")
	digits, ok := groupedDigits(mant)
	if !ok {
		return nil, false
	}
	if !hasExp {
		if strings.Contains(digits, ".") {
			return nil, false
		}
		n, ok := new(big.Int).SetString(sign+digits, 10)
		return n, ok
	}
	e, err := strconv.Atoi(exp)
	if err != nil || e > 30 || e < -30 {
		return nil, false
	}
	r, ok := new(big.Rat).SetString(sign + digits + "e" + exp)
	if !ok || !r.IsInt() {
		return nil, false
	}
	return new(big.Int).Set(r.Num()), true
}

// groupedDigits removes the separators of digits grouped with _ or ,
// (one separator between two digits); a decimal point may follow the
// integer part. It says false for anything but digits there.
func groupedDigits(s string) (string, bool) {
	intPart, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i := 0; i < len(intPart); i++ {
		c := intPart[i]
		switch {
		case '0' <= c && c <= '9':
			b.WriteByte(c)
		case (c == '_' || c == ','):
			if i == 0 || i == len(intPart)-1 || !isDigit(intPart[i-1]) || !isDigit(intPart[i+1]) {
				return "", false
			}
		default:
			return "", false
		}
	}
	if b.Len() == 0 && (!hasFrac || frac == "") {
		return "", false
	}
	if !hasFrac {
		return b.String(), true
	}
	for i := 0; i < len(frac); i++ {
		if !isDigit(frac[i]) {
			return "", false
		}
	}
	return b.String() + "." + frac, true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// whole is a whole-number type a flag can hold.
type whole interface{ ~int | ~int64 | ~uint64 }

// wholeFlag is a flag holding a whole number within [min, max].
type wholeFlag[T whole] struct {
	p        *T
	name     string
	min, max T
	refusal  string // "a valid seed: give a whole number from 0 to …": what a refused value is not
}

// wholeVar defines a flag holding a whole number within [min, max]. what
// says what the value is, for the message that refuses one ("a valid
// number of trials"); hint ends that message (", such as …").
func wholeVar[T whole](f *pflag.FlagSet, p *T, name string, value, min, max T, what, hint, usage string) {
	*p = value
	rng := fmt.Sprintf("from %v to %v", min, max)
	if _, unsigned := any(max).(uint64); max == maxWhole[T]() && !unsigned {
		rng = fmt.Sprintf("of at least %v", min)
	}
	f.Var(&wholeFlag[T]{p: p, name: name, min: min, max: max,
		refusal: what + ": give a whole number " + rng + hint}, name, usage)
}

// maxWhole is the largest value of T.
func maxWhole[T whole]() T {
	var v T
	switch any(v).(type) {
	case int:
		return T(math.MaxInt)
	case int64:
		return T(int64(math.MaxInt64))
	}
	top := uint64(math.MaxUint64) // a variable: as a constant, it overflows int
	return T(top)
}

func (w *wholeFlag[T]) String() string { return fmt.Sprint(*w.p) }
func (w *wholeFlag[T]) Type() string   { return "number" }

func (w *wholeFlag[T]) Set(s string) error {
	n, ok := parseWhole(s)
	if !ok || n.Cmp(toBig(w.min)) < 0 || n.Cmp(toBig(w.max)) > 0 {
		return &flagError{w.name, shownValue(s) + " is not " + w.refusal}
	}
	if n.IsUint64() && !n.IsInt64() {
		*w.p = T(n.Uint64())
	} else {
		*w.p = T(n.Int64())
	}
	return nil
}

// shownValue is a refused value for a message: as it is when it looks
// like a number, quoted otherwise.
func shownValue(s string) string {
	t := strings.TrimSpace(s)
	_, err := strconv.ParseFloat(strings.NewReplacer("_", "", ",", "").Replace(t), 64)
	if t != "" && (err == nil || errors.Is(err, strconv.ErrRange)) {
		return t
	}
	return strconv.Quote(s)
}

func toBig[T whole](x T) *big.Int {
	if v, ok := any(x).(uint64); ok {
		return new(big.Int).SetUint64(v)
	}
	return big.NewInt(int64(x))
}

// durationFlag is a flag holding a duration (30m, 12h).
type durationFlag struct {
	p    *time.Duration
	name string
}

func durationVar(f *pflag.FlagSet, p *time.Duration, name string, value time.Duration, usage string) {
	*p = value
	f.Var(&durationFlag{p: p, name: name}, name, usage)
}

func (d *durationFlag) String() string { return d.p.String() }
func (d *durationFlag) Type() string   { return "duration" }

func (d *durationFlag) Set(s string) error {
	v, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return &flagError{d.name, fmt.Sprintf("%q is not a valid duration: give a number with a unit, such as 30m, 12h or 168h", s)}
	}
	*d.p = v
	return nil
}

// The flags the commands share.

const trialsHint = ", such as 100000, 1e6 or 1_000_000"

func trialsVar(f *pflag.FlagSet, p *int64) {
	wholeVar(f, p, "trials", 0, 1, math.MaxInt64, "a valid number of trials", trialsHint,
		"number of simulated years, such as 100000, 1e6 or 1_000_000 (default: the model's trials, else 100000)")
}

func seedVar(f *pflag.FlagSet, p *uint64) {
	wholeVar(f, p, "seed", 0, 0, math.MaxUint64, "a valid seed", "", "random seed (default: the model's seed, else 1)")
}

func workersVar(f *pflag.FlagSet, p *int, usage string) {
	wholeVar(f, p, "workers", 0, 0, math.MaxInt, "a valid number of workers", " (0: one per core)", usage)
}

// flagErrorFunc turns pflag's errors about values into ours: a flagError
// as it is, any other bad value (a bool flag's) with the flag's name.
func flagErrorFunc(cmd *cobra.Command, err error) error {
	var fe *flagError
	if errors.As(err, &fe) {
		return usageError{fe}
	}
	var iv *pflag.InvalidValueError
	if errors.As(err, &iv) {
		f := iv.GetFlag()
		what := "a valid value"
		if f.Value.Type() == "bool" {
			what = "true or false"
		}
		return usageError{&flagError{f.Name, fmt.Sprintf("%q is not %s", iv.GetValue(), what)}}
	}
	return usageError{err}
}

// riskLimitVar defines a flag holding a probability strictly between 0
// and 1, such as a risk limit.
func riskLimitVar(f *pflag.FlagSet, p *float64, name string, value float64, usage string) {
	*p = value
	f.Var(&openUnitFlag{p: p, name: name}, name, usage)
}

// openUnitFlag is a flag holding a number above 0 and below 1.
type openUnitFlag struct {
	p    *float64
	name string
}

func (o *openUnitFlag) String() string { return strconv.FormatFloat(*o.p, 'g', -1, 64) }
func (o *openUnitFlag) Type() string   { return "probability" }

func (o *openUnitFlag) Set(s string) error {
	x, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || !(x > 0 && x < 1) {
		return &flagError{o.name, shownValue(s) + " is not a probability above 0 and below 1, such as 0.05"}
	}
	*o.p = x
	return nil
}
