package audit

import (
	"cmp"
	"fmt"
	"math"
	"math/big"
	"slices"
)

// Quantiles are the completion probabilities for which Bravo gives the
// sample size that ends a ballot-polling audit in one round, as Arlo
// offers them.
var Quantiles = [3]float64{0.7, 0.8, 0.9}

// Arlo's large-election rule: beyond largeElection ballots, a contest
// whose 0.9 one-round size reaches largeShare of the ballots is counted by
// hand in full instead of sampled.
const (
	largeElection = 100000
	largeShare    = 0.25
)

// BravoSizes are the sample sizes of a BRAVO ballot-polling audit
// (Lindeman and Stark, 2012) of one contest, computed as Arlo (VotingWorks'
// audit software) computes them; docs/audit-maths.md section 2 is the
// specification, with Arlo's own test values.
//
// The sizes are uncapped, as Arlo gives them: a size at or above the
// ballots cast means a full hand count (see Capped).
type BravoSizes struct {
	// ASN is the average sample number: the expected number of ballots
	// drawn before the audit confirms a correct reported outcome.
	ASN int64
	// ASNProb is the probability that a first round of ASN ballots ends
	// the audit (NaN for several winners, where Arlo gives none).
	ASNProb float64
	// OneRound[i] is the number of ballots that ends the audit in one
	// round with probability Quantiles[i]; nil for several winners and
	// for a landslide, where Arlo gives none.
	OneRound *[3]int64
	// Approximate says that some pair's one-round size kept the normal
	// approximation, its exact correction beyond the work allowed to one
	// contest (exactBudget): never for fewer than millions of ballots.
	Approximate bool
	// AllBallots says that Arlo sends the contest to a full hand count
	// (its large-election rule); ASN then equals the ballots cast.
	AllBallots bool
}

// Bravo computes the BRAVO sizes of the reported outcome o of t at risk
// limit alpha (0 < alpha < 1), before any ballot is drawn.
func Bravo(t Tally, o *Outcome, alpha float64) (BravoSizes, error) {
	if !(alpha > 0 && alpha < 1) {
		return BravoSizes{}, fmt.Errorf("the risk limit must be above 0 and below 1, got %g", alpha)
	}
	pairs := bravoPairs(t, o)
	if len(pairs) == 0 {
		// Every loser has no vote: Arlo's landslide, one ballot.
		return BravoSizes{ASN: 1, ASNProb: 1}, nil
	}
	theta := math.Log(1 / alpha)
	var s BravoSizes
	var worst bravoPair
	for _, p := range pairs {
		if n := p.asn(theta); n > s.ASN {
			s.ASN, worst = n, p
		}
	}
	s.ASNProb = math.NaN()
	if t.Winners == 1 {
		s.ASNProb = worst.completion(theta, s.ASN)
		sizes, approximate, all := oneRoundSizes(pairs, theta, t.Ballots)
		if all {
			return BravoSizes{ASN: t.Ballots, ASNProb: 1, AllBallots: true}, nil
		}
		s.OneRound, s.Approximate = &sizes, approximate
	}
	return s, nil
}

// exactBudget bounds the work of the exact corrections of one contest's
// one-round sizes, in binomial terms added: some 60 ms.
const exactBudget = 10_000_000

// oneRoundSizes is the largest one-round size over the pairs for each of
// Quantiles, and whether Arlo's large-election rule sends the contest to
// a full hand count (all). Every pair's size starts from the normal
// approximation and the exact correction can only raise it, so the rule
// is decided on the approximations when they already meet it, without
// correcting any. The corrections are then made from the largest
// approximation down while exactBudget lasts; beyond it (a close contest
// of billions of ballots among hundreds of candidates) a pair keeps its
// approximation, and approximate says so.
func oneRoundSizes(pairs []bravoPair, theta float64, ballots int64) (sizes [3]int64, approximate, all bool) {
	type job struct {
		pair   bravoPair
		q      int // index in Quantiles
		n0     int64
		approx int64
		work   float64
	}
	var jobs []job
	for i, q := range Quantiles {
		for _, p := range pairs {
			n0 := p.approxRound(theta, q)
			j := job{pair: p, q: i, n0: n0, approx: beyond}
			if n0 < beyond {
				j.approx = scaleUp(n0, p.pw, p.pl)
			}
			if n0 < ballots {
				pw2, pl2, _, _ := p.logSteps()
				j.work = 2 * (28*math.Sqrt(float64(n0)*pw2*pl2) + 3)
			}
			if i == 2 && ballots > largeElection && float64(j.approx) >= largeShare*float64(ballots) {
				return sizes, false, true
			}
			jobs = append(jobs, j)
		}
	}
	slices.SortStableFunc(jobs, func(a, b job) int { return cmp.Compare(b.approx, a.approx) })
	spent := 0.0
	for _, j := range jobs {
		n := j.approx
		switch {
		case j.work == 0:
		case spent+j.work <= exactBudget:
			spent += j.work
			n = j.pair.correct(j.n0, theta, Quantiles[j.q], ballots)
		default:
			approximate = true
		}
		sizes[j.q] = max(sizes[j.q], n)
	}
	if ballots > largeElection && float64(sizes[2]) >= largeShare*float64(ballots) {
		return sizes, approximate, true
	}
	return sizes, approximate, false
}

// bravoPair is one winner against one loser, each as a share of the
// ballots cast (blank, invalid and other ballots dilute them).
type bravoPair struct{ pw, pl float64 }

// bravoPairs lists every winner–loser pair in which the loser has votes,
// winners and losers by decreasing votes.
func bravoPairs(t Tally, o *Outcome) []bravoPair {
	var pairs []bravoPair
	for _, w := range o.Winners {
		for _, l := range o.Losers {
			if t.Votes[l] == 0 {
				continue
			}
			pairs = append(pairs, bravoPair{
				pw: float64(t.Votes[w]) / float64(t.Ballots),
				pl: float64(t.Votes[l]) / float64(t.Ballots),
			})
		}
	}
	return pairs
}

// asn is Wald's approximation of the expected sample number of the
// sequential probability ratio test of the pair, at threshold θ = ln(1/α):
// each ballot for the winner adds ln(2s) to the log of the test statistic
// and each for the loser ln(2 − 2s), where s is the winner's share of the
// pair's votes; other ballots add nothing.
func (p bravoPair) asn(theta float64) int64 {
	s := p.pw / (p.pw + p.pl)
	zw, zl := math.Log(2*s), math.Log(2-2*s)
	return toCount(math.Ceil((theta + zw/2) / (p.pw*zw + p.pl*zl)))
}

// beyond stands for a size beyond any contest's ballots: what a margin so
// narrow that float64 cannot tell the pair's shares apart from ½ needs.
const beyond = 1 << 62

// toCount is x as a count of ballots, beyond for anything at or above it,
// infinite or NaN (the last two come from a margin float64 rounds to 0,
// whose true size is astronomically large).
func toCount(x float64) int64 {
	if !(x < beyond) {
		return beyond
	}
	return int64(x)
}

// logSteps are the pair's shares of its two candidates' votes and what a
// ballot for each adds to the log of the test statistic.
func (p bravoPair) logSteps() (pw2, pl2, plus, minus float64) {
	pw2 = p.pw / (p.pw + p.pl)
	pl2 = 1 - pw2
	return pw2, pl2, math.Log(pw2 / 0.5), math.Log(pl2 / 0.5)
}

// completion is the probability (normal approximation, to two decimals)
// that a first round of n ballots ends the audit of the pair.
func (p bravoPair) completion(theta float64, n int64) float64 {
	pw2, pl2, plus, minus := p.logSteps()
	m := float64(n) * (p.pw + p.pl) // the pair's ballots among n
	// The audit ends once the winner has at least r of the m.
	r := (theta - minus*m) / (plus - minus)
	z := (r - m*pw2) / math.Sqrt(m*pw2*pl2)
	return math.RoundToEven(normalCDF(-z)*100) / 100
}

// approxRound is the pair's ballots that meet θ at the (1 − q) quantile
// by the normal approximation: a root of a quadratic, rounded down.
func (p bravoPair) approxRound(theta, q float64) int64 {
	pw2, pl2, plus, minus := p.logSteps()
	z := -normalQuantile(q)
	d := pw2 * pl2
	f := theta / (plus - minus)
	g := minus/(plus-minus) + pw2
	// x = n·pw2 + z·√(n·d) meets x = f − g·n + n·pw2 … squared:
	// g²·n² − (z²·d + 2·f·g)·n + f² = 0.
	a, b, c := g*g, -(z*z*d + 2*f*g), f*f
	r := math.Sqrt(max(0, b*b-4*a*c))
	root := (-b - r) / (2 * a)
	if q > 0.5 {
		root = (-b + r) / (2 * a)
	}
	return toCount(math.Floor(root))
}

// correct raises n, the pair's ballots, one by one until the winner's
// votes at the exact (1 − q) binomial quantile meet θ or n reaches the
// ballots cast, and scales it up to all ballots.
func (p bravoPair) correct(n int64, theta, q float64, ballots int64) int64 {
	pw2, _, plus, minus := p.logSteps()
	var bq *binomialQuantiler
	for n < ballots {
		if bq == nil {
			bq = newBinomialQuantiler(1-q, n, pw2)
		} else {
			bq.grow()
		}
		x := bq.k
		if float64(x)*plus+float64(n-x)*minus >= theta {
			break
		}
		n++
	}
	return scaleUp(n, p.pw, p.pl)
}

// scaleUp is ⌈n / (pw + pl)⌉ computed exactly from the two float64 shares,
// as Arlo computes it in 28-digit decimals: with pw = 0.36 and pl = 0.32,
// 1683 ÷ (their float64 sum) is 2475, but 1683 ÷ their exact sum
// (0.67999999999999999334…) is just above 2475, so 2476 ballots.
func scaleUp(n int64, pw, pl float64) int64 {
	const prec = 256
	sum := new(big.Float).SetPrec(prec).SetFloat64(pw)
	sum.Add(sum, new(big.Float).SetPrec(prec).SetFloat64(pl))
	q := new(big.Float).SetPrec(prec).SetInt64(n)
	q.Quo(q, sum)
	i, acc := q.Int(nil)
	if acc == big.Below {
		i.Add(i, big.NewInt(1))
	}
	return i.Int64()
}

// normalCDF is Φ, the standard normal distribution function.
func normalCDF(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }

// normalQuantile is Φ⁻¹.
func normalQuantile(p float64) float64 { return math.Sqrt2 * math.Erfinv(2*p-1) }

// binomialQuantiler follows the q quantile of Binomial(n, p), 0 < p < 1,
// as n grows one by one: k is the smallest k in [0, n] with
// P(X ≤ k) ≥ q, cdf that probability and pmf P(X = k).
//
// The first quantile adds the probabilities of the k within 14 standard
// deviations of the mean (the mass left out is below 1e-40, far under a
// float64's resolution of q), each from the last by the ratio of
// successive binomial terms, so its work grows as √n; and it divides by
// their sum, so that a rounding error in the first term's logarithm (of
// order 1e-16 times ln n!) scales every term alike and cancels. Each
// later one takes a few steps: from n to n + 1, P(X ≤ k) loses p·P(X = k),
// and the quantile can only rise. This keeps a close contest of a
// billion ballots, whose exact correction takes thousands of steps, to
// milliseconds.
type binomialQuantiler struct {
	q, p     float64
	n, k     int64
	cdf, pmf float64
}

func newBinomialQuantiler(q float64, n int64, p float64) *binomialQuantiler {
	b := &binomialQuantiler{q: q, p: p, n: max(n, 0)}
	if b.n == 0 {
		b.cdf, b.pmf = 1, 1
		return b
	}
	n = b.n
	mean, sd := float64(n)*p, math.Sqrt(float64(n)*p*(1-p))
	lo := int64(math.Max(0, math.Floor(mean-14*sd-1)))
	hi := int64(math.Min(float64(n), math.Ceil(mean+14*sd+1)))
	first := math.Exp(logBinomial(n, lo, p))
	ratio := p / (1 - p)
	next := func(term float64, k int64) float64 { return term * float64(n-k) / float64(k+1) * ratio }
	total, term := 0.0, first
	for k := lo; ; k++ {
		total += term
		if k == hi {
			break
		}
		term = next(term, k)
	}
	sum, term := 0.0, first
	for k := lo; ; k++ {
		sum += term
		if sum/total >= q || k == hi {
			b.k, b.cdf, b.pmf = k, sum/total, term/total
			return b
		}
		term = next(term, k)
	}
}

// grow moves to n + 1 trials.
func (b *binomialQuantiler) grow() {
	// P_{n+1}(X ≤ k) = P_n(X ≤ k) − p·P_n(X = k), and
	// P_{n+1}(X = k) = P_n(X = k)·(1 − p)·(n + 1)/(n + 1 − k).
	b.cdf -= b.p * b.pmf
	b.pmf *= (1 - b.p) * float64(b.n+1) / float64(b.n+1-b.k)
	b.n++
	for b.cdf < b.q && b.k < b.n {
		b.pmf *= float64(b.n-b.k) / float64(b.k+1) * b.p / (1 - b.p)
		b.k++
		b.cdf += b.pmf
	}
}

// logBinomial is ln P(X = k) for X of Binomial(n, p).
func logBinomial(n, k int64, p float64) float64 {
	ln, _ := math.Lgamma(float64(n) + 1)
	lk, _ := math.Lgamma(float64(k) + 1)
	lnk, _ := math.Lgamma(float64(n-k) + 1)
	return ln - lk - lnk + float64(k)*math.Log(p) + float64(n-k)*math.Log1p(-p)
}
