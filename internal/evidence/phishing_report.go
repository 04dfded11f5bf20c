package evidence

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// Defaults of the phishing analysis.
const (
	DefaultSmallGroup = 10  // positions with fewer emails delivered are flagged as too small to compare
	phishingLevel     = 0.9 // credible level of the intervals
	verdictLevel      = 0.95
)

// PhishingOptions tune AnalysePhishing.
type PhishingOptions struct {
	// SmallGroup flags positions with fewer emails delivered than this;
	// 0 means DefaultSmallGroup.
	SmallGroup int
}

// PhishingReport is the summary of phishing simulations: the JSON that
// `scrutin phishing` prints and writes as an evidence file (kind
// "phishing"). Counts are of recipients (unique addresses per campaign);
// rates are of the emails delivered ("sent") and null when none was.
type PhishingReport struct {
	Kind       string                   `json:"kind"` // "phishing"
	Method     PhishingMethod           `json:"method"`
	Campaigns  []CampaignRates          `json:"campaigns"` // in order of launch
	Totals     TotalRates               `json:"totals"`
	ByPosition map[string]PositionRates `json:"by_position"` // by normalised position; "(none)" for no position
	Trend      PhishingTrend            `json:"trend"`
	Notes      []string                 `json:"notes,omitempty"`
}

// PhishingMethod says how the numbers were computed.
type PhishingMethod struct {
	Level      float64 `json:"interval_level"` // 0.9
	Interval   string  `json:"interval"`
	PFell      string  `json:"p_fell"`
	Trend      string  `json:"trend_test"`
	SmallGroup int     `json:"small_group"`
}

// PhishingRates counts one group of recipients and gives its rates.
// Recipients = Sent + Failed + Pending; Submitted ≤ Clicked ≤ Opened ≤ Sent;
// Reported ≤ Sent.
type PhishingRates struct {
	Recipients int64          `json:"recipients"`
	Sent       int64          `json:"sent"`    // delivered
	Failed     int64          `json:"failed"`  // sending failed (status Error)
	Pending    int64          `json:"pending"` // not sent yet (Scheduled, Sending, Queued, Retrying, Unknown)
	Opened     int64          `json:"opened"`
	Clicked    int64          `json:"clicked"`
	Submitted  int64          `json:"submitted"`
	Reported   int64          `json:"reported"`
	OpenRate   *float64       `json:"open_rate"`
	ClickRate  *float64       `json:"click_rate"`
	SubmitRate *float64       `json:"submit_rate"`
	ReportRate *float64       `json:"report_rate"`
	Intervals  *RateIntervals `json:"intervals"` // null when nothing was delivered
}

// RateIntervals are credible intervals [low, high] of the rates.
type RateIntervals struct {
	Open   [2]float64 `json:"open"`
	Click  [2]float64 `json:"click"`
	Submit [2]float64 `json:"submit"`
	Report [2]float64 `json:"report"`
}

// CampaignRates is one campaign's line of the report.
type CampaignRates struct {
	Name         string     `json:"name"`
	ID           string     `json:"id,omitempty"`
	Source       string     `json:"source,omitempty"`
	Status       string     `json:"status,omitempty"`
	Launched     *time.Time `json:"launched"` // null when unknown
	FromTimeline bool       `json:"from_timeline"`
	PhishingRates
}

// TotalRates pools all campaigns: a person in three campaigns counts three
// times.
type TotalRates struct {
	Campaigns int   `json:"campaigns"`
	People    int64 `json:"people"` // distinct addresses over all campaigns
	PhishingRates
}

// PositionRates pools one position over all campaigns.
type PositionRates struct {
	Label     string `json:"label"` // the first spelling met
	Campaigns int    `json:"campaigns"`
	Small     bool   `json:"small"` // fewer emails delivered than the small-group threshold
	PhishingRates
}

// PhishingTrend compares the first and the last campaign that delivered
// emails, in order of launch, and tests for a trend across all of them.
type PhishingTrend struct {
	Campaigns int         `json:"campaigns"` // campaigns that delivered emails
	First     string      `json:"first,omitempty"`
	Last      string      `json:"last,omitempty"`
	Clicked   *RateChange `json:"clicked,omitempty"`
	Submitted *RateChange `json:"submitted,omitempty"`
	Reported  *RateChange `json:"reported,omitempty"`
	// Basis is the rate the verdict rests on: "submitted" (credentials
	// given away), or "clicked" when neither campaign had a submission.
	Basis string `json:"basis,omitempty"`
	// Shared counts the people delivered both the first and the last
	// campaign (by address): when few are, a change may reflect who was
	// tested rather than training.
	Shared  *int64 `json:"shared"`  // null with fewer than two campaigns
	Verdict string `json:"verdict"` // improving, worsening, unclear or insufficient
	Summary string `json:"summary"` // the verdict in one sentence, with its numbers
}

// RateChange is how one rate moved from the first campaign to the last.
type RateChange struct {
	First  RatePoint `json:"first"`
	Last   RatePoint `json:"last"`
	Change float64   `json:"change"` // last rate − first rate
	PFell  float64   `json:"p_fell"` // P(last rate < first rate)
	PRose  float64   `json:"p_rose"` // 1 − p_fell
	Slope  float64   `json:"slope"`  // change per campaign over all campaigns (weighted least squares)
	PValue *float64  `json:"p_value"`
}

// RatePoint is one rate of one campaign.
type RatePoint struct {
	Sent     int64      `json:"sent"`
	Count    int64      `json:"count"`
	Rate     float64    `json:"rate"`
	Interval [2]float64 `json:"interval"`
}

// Verdicts.
const (
	VerdictImproving    = "improving"
	VerdictWorsening    = "worsening"
	VerdictUnclear      = "unclear"
	VerdictInsufficient = "insufficient"
)

const phishNoPosition = "(none)"

// AnalysePhishing summarises campaigns: per campaign in order of launch
// (campaigns without a date keep their order, after the dated ones), in
// total, per position, and the trend from the first campaign that
// delivered emails to the last.
func AnalysePhishing(campaigns []PhishingCampaign, o PhishingOptions) *PhishingReport {
	if o.SmallGroup <= 0 {
		o.SmallGroup = DefaultSmallGroup
	}
	cs := slices.Clone(campaigns)
	slices.SortStableFunc(cs, func(a, b PhishingCampaign) int {
		switch {
		case a.Launched.IsZero() || b.Launched.IsZero():
			return cmp.Compare(phishBoolInt(a.Launched.IsZero()), phishBoolInt(b.Launched.IsZero()))
		}
		return a.Launched.Compare(b.Launched)
	})
	rep := &PhishingReport{
		Kind: "phishing",
		Method: PhishingMethod{
			Level:      phishingLevel,
			Interval:   "equal-tailed credible interval of the Beta(1+k, 1+n−k) posterior (uniform prior) of k out of n delivered",
			PFell:      "exact P(last rate < first rate) under independent Beta posteriors (finite sum for integer shapes)",
			Trend:      "Cochran–Armitage test for trend across campaigns in order of launch, two-sided",
			SmallGroup: o.SmallGroup,
		},
		Campaigns:  []CampaignRates{},
		ByPosition: map[string]PositionRates{},
	}
	var all []Recipient
	people := map[string]bool{}
	undated := 0
	seen := map[string]string{}
	for i, c := range cs {
		cr := CampaignRates{Name: c.Name, ID: c.ID, Source: c.Source, Status: c.Status, FromTimeline: c.Timeline,
			PhishingRates: phishRatesOf(c.Recipients)}
		if !c.Launched.IsZero() {
			t := c.Launched
			cr.Launched = &t
		} else {
			undated++
		}
		rep.Campaigns = append(rep.Campaigns, cr)
		all = append(all, c.Recipients...)
		for j, r := range c.Recipients {
			if e := strings.ToLower(r.Email); e != "" {
				people[e] = true
			} else {
				people[fmt.Sprintf("%d/%d", i, j)] = true
			}
		}
		for _, n := range c.Notes {
			rep.Notes = append(rep.Notes, fmt.Sprintf("%s: %s", phishCampaignLabel(c), n))
		}
		if c.ID != "" || c.Name != "" {
			key := c.ID + "\x00" + c.Name
			if prev, dup := seen[key]; dup {
				rep.Notes = append(rep.Notes, fmt.Sprintf("%s appears twice (%s and %s): both were counted", phishCampaignLabel(c), prev, c.Source))
			}
			seen[key] = c.Source
		}
	}
	if undated > 0 && len(cs) > 1 {
		rep.Notes = append(rep.Notes, fmt.Sprintf("%d campaign%s without any date (launch, send or creation) placed last, in the order given", undated, phishPlural(undated)))
	}
	rep.Totals = TotalRates{Campaigns: len(cs), People: int64(len(people)), PhishingRates: phishRatesOf(all)}
	rep.ByPosition = phishByPosition(cs, o.SmallGroup)
	rep.Trend = phishTrendOf(cs, rep.Campaigns)
	return rep
}

// phishRound keeps six decimals of computed probabilities: more would be
// noise, and the same report on every platform.
func phishRound(x float64) float64 { return math.Round(x*1e6) / 1e6 }

func phishInterval(k, n int64) [2]float64 {
	iv := ratePosterior(k, n).interval(phishingLevel)
	return [2]float64{phishRound(iv[0]), phishRound(iv[1])}
}

func phishBoolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func phishCampaignLabel(c PhishingCampaign) string {
	if c.Name != "" {
		return fmt.Sprintf("campaign %q", c.Name)
	}
	if c.ID != "" {
		return "campaign " + c.ID
	}
	return "campaign from " + c.Source
}

// phishRatesOf counts recipients and computes their rates.
func phishRatesOf(rs []Recipient) PhishingRates {
	var r PhishingRates
	for _, p := range rs {
		r.Recipients++
		switch {
		case p.Delivered:
			r.Sent++
		case p.Failed:
			r.Failed++
		default:
			r.Pending++
		}
		if p.Reached >= StageOpened {
			r.Opened++
		}
		if p.Reached >= StageClicked {
			r.Clicked++
		}
		if p.Reached >= StageSubmitted {
			r.Submitted++
		}
		if p.Reported && p.Delivered {
			r.Reported++
		}
	}
	if r.Sent == 0 {
		return r
	}
	rate := func(k int64) *float64 { v := float64(k) / float64(r.Sent); return &v }
	iv := func(k int64) [2]float64 { return phishInterval(k, r.Sent) }
	r.OpenRate, r.ClickRate, r.SubmitRate, r.ReportRate = rate(r.Opened), rate(r.Clicked), rate(r.Submitted), rate(r.Reported)
	r.Intervals = &RateIntervals{Open: iv(r.Opened), Click: iv(r.Clicked), Submit: iv(r.Submitted), Report: iv(r.Reported)}
	return r
}

func phishByPosition(cs []PhishingCampaign, small int) map[string]PositionRates {
	groups := map[string][]Recipient{}
	labels := map[string]string{}
	campaigns := map[string]map[int]bool{}
	for i, c := range cs {
		for _, r := range c.Recipients {
			k := NormalisePosition(r.Position)
			if k == "" {
				k = phishNoPosition
			}
			if _, ok := labels[k]; !ok {
				labels[k] = phishTidy(r.Position)
				if labels[k] == "" {
					labels[k] = phishNoPosition
				}
				campaigns[k] = map[int]bool{}
			}
			groups[k] = append(groups[k], r)
			campaigns[k][i] = true
		}
	}
	out := make(map[string]PositionRates, len(groups))
	for k, rs := range groups {
		r := phishRatesOf(rs)
		out[k] = PositionRates{Label: labels[k], Campaigns: len(campaigns[k]), Small: r.Sent < int64(small), PhishingRates: r}
	}
	return out
}

// phishTrendOf compares the first and last campaigns that delivered
// emails; cs and rates are in the same order.
func phishTrendOf(cs []PhishingCampaign, rates []CampaignRates) PhishingTrend {
	var sent []CampaignRates
	var idx []int
	for i, c := range rates {
		if c.Sent > 0 {
			sent = append(sent, c)
			idx = append(idx, i)
		}
	}
	t := PhishingTrend{Campaigns: len(sent), Verdict: VerdictInsufficient}
	switch len(sent) {
	case 0:
		t.Summary = "No campaign delivered any email: there is nothing to judge training by."
		return t
	case 1:
		t.First, t.Last = sent[0].Name, sent[0].Name
		t.Summary = fmt.Sprintf("Only one campaign delivered emails (%q): a trend needs at least two.", sent[0].Name)
		return t
	}
	first, last := sent[0], sent[len(sent)-1]
	t.First, t.Last = first.Name, last.Name
	shared := phishShared(cs[idx[0]], cs[idx[len(idx)-1]])
	t.Shared = &shared
	change := func(count func(CampaignRates) int64) *RateChange {
		point := func(c CampaignRates) RatePoint {
			k := count(c)
			return RatePoint{Sent: c.Sent, Count: k, Rate: float64(k) / float64(c.Sent), Interval: phishInterval(k, c.Sent)}
		}
		rc := &RateChange{First: point(first), Last: point(last)}
		rc.Change = phishRound(rc.Last.Rate - rc.First.Rate)
		pf := probFell(rc.First.Count, rc.First.Sent, rc.Last.Count, rc.Last.Sent)
		rc.PFell, rc.PRose = phishRound(pf), phishRound(1-pf)
		ks, ns := make([]int64, len(sent)), make([]int64, len(sent))
		for i, c := range sent {
			ks[i], ns[i] = count(c), c.Sent
		}
		slope, pv := rateTrend(ks, ns)
		rc.Slope = phishRound(slope)
		if pv != nil {
			v := phishRound(*pv)
			rc.PValue = &v
		}
		return rc
	}
	t.Clicked = change(func(c CampaignRates) int64 { return c.Clicked })
	t.Submitted = change(func(c CampaignRates) int64 { return c.Submitted })
	t.Reported = change(func(c CampaignRates) int64 { return c.Reported })
	basis, what := t.Submitted, "submission rate (credentials or other data entered)"
	t.Basis = "submitted"
	if first.Submitted == 0 && last.Submitted == 0 {
		basis, what = t.Clicked, "click rate"
		t.Basis = "clicked"
	}
	switch {
	case basis.PFell >= verdictLevel:
		t.Verdict = VerdictImproving
	case basis.PRose >= verdictLevel:
		t.Verdict = VerdictWorsening
	default:
		t.Verdict = VerdictUnclear
	}
	t.Summary = phishTrendSentence(t, basis, what, len(sent))
	return t
}

// phishShared counts the addresses delivered in both campaigns.
func phishShared(a, b PhishingCampaign) int64 {
	in := map[string]bool{}
	for _, r := range a.Recipients {
		if e := strings.ToLower(strings.TrimSpace(r.Email)); r.Delivered && e != "" {
			in[e] = true
		}
	}
	var n int64
	for _, r := range b.Recipients {
		if e := strings.ToLower(strings.TrimSpace(r.Email)); r.Delivered && in[e] {
			n++
			delete(in, e)
		}
	}
	return n
}

func phishTrendSentence(t PhishingTrend, b *RateChange, what string, n int) string {
	var lead, verb string
	switch t.Verdict {
	case VerdictImproving:
		lead = "Training appears to be working"
	case VerdictWorsening:
		lead = "Training does not appear to be working"
	default:
		lead = "It is not yet clear whether training is working"
	}
	switch {
	case b.Change < 0:
		verb = "fell"
	case b.Change > 0:
		verb = "rose"
	default:
		verb = "stayed"
	}
	s := fmt.Sprintf("%s: the %s %s from %s (90 %% interval %s) in %q to %s (%s) in %q",
		lead, what, verb, phishPct(b.First.Rate), phishPctRange(b.First.Interval), t.First, phishPct(b.Last.Rate), phishPctRange(b.Last.Interval), t.Last)
	if verb == "stayed" {
		s = fmt.Sprintf("%s: the %s stayed at %s from %q (90 %% interval %s) to %q (%s)",
			lead, what, phishPct(b.First.Rate), t.First, phishPctRange(b.First.Interval), t.Last, phishPctRange(b.Last.Interval))
	}
	s += fmt.Sprintf("; the probability that it fell is %s", phishProb(b.PFell))
	if t.Verdict == VerdictUnclear {
		s += fmt.Sprintf(", short of the %s needed to say", phishProb(verdictLevel))
	}
	if n > 2 && b.PValue != nil {
		s += fmt.Sprintf(" (trend over all %d campaigns: %s per campaign, p = %s)", n, phishPoints(b.Slope), phishPValue(*b.PValue))
	}
	s += "."
	if smaller := min(b.First.Sent, b.Last.Sent); 2**t.Shared < smaller {
		s += fmt.Sprintf(" Caution: only %d %s received both campaigns (the smaller reached %d), so the change may reflect who was tested rather than training.",
			*t.Shared, phishPeople(*t.Shared), smaller)
	}
	if r := t.Reported; r != nil {
		switch {
		case r.PRose >= verdictLevel:
			s += fmt.Sprintf(" Reporting rose from %s to %s (probability %s): good.", phishPct(r.First.Rate), phishPct(r.Last.Rate), phishProb(r.PRose))
		case r.PFell >= verdictLevel:
			s += fmt.Sprintf(" Reporting fell from %s to %s (probability %s): worse.", phishPct(r.First.Rate), phishPct(r.Last.Rate), phishProb(r.PFell))
		default:
			s += fmt.Sprintf(" Reporting went from %s to %s (probability that it rose: %s).", phishPct(r.First.Rate), phishPct(r.Last.Rate), phishProb(r.PRose))
		}
	}
	return s
}

// phishPct formats a rate as a percentage.
func phishPct(x float64) string { return fmt.Sprintf("%.1f %%", 100*x) }

func phishPctRange(iv [2]float64) string {
	return fmt.Sprintf("%.1f–%.1f %%", 100*iv[0], 100*iv[1])
}

// phishProb formats a probability, keeping the digits that matter near 0 and 1.
func phishProb(p float64) string {
	switch {
	case p > 0.999:
		return "> 99.9 %"
	case p < 0.001:
		return "< 0.1 %"
	}
	return fmt.Sprintf("%.1f %%", 100*p)
}

func phishPoints(x float64) string {
	return fmt.Sprintf("%+.1f points", 100*x)
}

func phishPValue(p float64) string {
	if p < 0.001 {
		return "< 0.001"
	}
	return fmt.Sprintf("%.3f", p)
}
