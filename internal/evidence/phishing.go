package evidence

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/scrutin/scrutin/internal/model"
)

// Stage is how far a phishing email got with its recipient. Each stage
// implies the ones before it: whoever submitted data clicked the link, and
// whoever clicked opened the email (tracking images are often blocked, so
// GoPhish may see a click without an open).
type Stage int8

// Stages, in order.
const (
	StageNone      Stage = iota // not delivered: sending failed, or not sent yet
	StageSent                   // delivered to the mail server
	StageOpened                 // the tracking image was loaded
	StageClicked                // the link was followed
	StageSubmitted              // data was entered on the landing page
)

var stageNames = [...]string{"not sent", "sent", "opened", "clicked", "submitted"}

func (s Stage) String() string {
	if s < 0 || int(s) >= len(stageNames) {
		return fmt.Sprintf("Stage(%d)", int(s))
	}
	return stageNames[s]
}

// Phishing is what a GoPhish export holds: one or more campaigns.
type Phishing struct {
	Campaigns []PhishingCampaign
}

// PhishingCampaign is one phishing simulation and its per-recipient
// outcomes. Recipients are unique by e-mail address (case-insensitive): a
// GoPhish campaign sent to overlapping groups has several results for one
// address, which its timeline cannot tell apart, so they are merged.
type PhishingCampaign struct {
	ID       string    // GoPhish campaign id; "" when the export has none (CSV)
	Name     string    // "" when the export has none (CSV): the caller names it
	Status   string    // GoPhish campaign status, as exported
	Source   string    // where it was read from; set by the caller
	Launched time.Time // launch date, else the first send date; zero when unknown
	// Timeline says the outcomes come from GoPhish's event timeline (and the
	// statuses), not from the statuses alone.
	Timeline   bool
	Recipients []Recipient
	Notes      []string // what was merged, ignored or inferred, for people to read
}

// Recipient is the outcome for one address of a campaign.
type Recipient struct {
	Email     string    // as exported, trimmed
	Position  string    // as exported, trimmed
	Status    string    // GoPhish result status, as exported
	Reached   Stage     // furthest stage reached
	Reported  bool      // reported the email as phishing
	Failed    bool      // sending failed (GoPhish status Error) and nothing shows delivery
	SendDate  time.Time // zero when unknown
	Delivered bool      // Reached ≥ StageSent; reporting the email also shows it arrived
}

// ParsePhishing reads a GoPhish export, telling the formats apart by their
// first character: '{' or '[' is JSON (ParseGoPhishJSON), anything else the
// results CSV (ParseGoPhishCSV). A UTF-8 byte order mark is skipped.
func ParsePhishing(r io.Reader) (*Phishing, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, model.Errorf(model.EINVALID, "cannot read: %v", err)
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) == 0 {
		return nil, model.Errorf(model.EINVALID, "empty input: expected GoPhish campaign JSON or a GoPhish results CSV")
	}
	if trimmed[0] == '{' || trimmed[0] == '[' {
		return parseGoPhishJSON(data)
	}
	return parseGoPhishCSV(data)
}

// gpRawResult is one GoPhish result as read, before merging and the timeline.
type gpRawResult struct {
	id       string
	email    string
	position string
	status   string
	reported bool
	sendDate time.Time
}

// gpRawEvent is one timeline event as read.
type gpRawEvent struct {
	email   string
	message string
	time    time.Time
}

// gpCampaignMeta is what a campaign says about itself, besides its results.
type gpCampaignMeta struct {
	id, name, status string
	launch, created  time.Time
}

// GoPhish result statuses and what they say. "Email Reported" is a status
// only in some GoPhish versions (others keep the stage and set reported);
// it hides how far the recipient got before reporting, which only the
// timeline can tell. Early versions' "Success" is refused: what it meant
// (sent, or a successful phish) is not clear enough to count it.
var gpStatuses = map[string]struct {
	reached  Stage
	reported bool
	failed   bool
}{
	"email sent":     {reached: StageSent},
	"email opened":   {reached: StageOpened},
	"clicked link":   {reached: StageClicked},
	"submitted data": {reached: StageSubmitted},
	"email reported": {reached: StageSent, reported: true},
	"error":          {failed: true},
	"scheduled":      {},
	"sending":        {},
	"queued":         {},
	"retrying":       {},
	"unknown":        {},
	"":               {},
}

const gpStatusList = `Email Sent, Email Opened, Clicked Link, Submitted Data, Email Reported, Error, Scheduled, Sending, Queued, Retrying or Unknown`

// checkGoPhishStatus reports an unknown status: it is not guessed at, since a
// wrong guess would silently change the rates.
func checkGoPhishStatus(s string) error {
	if _, ok := gpStatuses[phishKey(s)]; !ok {
		return model.Errorf(model.EINVALID, "%s is not a GoPhish result status (want %s)", phishQuote(s), gpStatusList)
	}
	return nil
}

// Timeline messages that move a recipient on. Others ("Campaign Created",
// "Error Sending Email", "Proxied request") say nothing about the outcome.
var gpMessages = map[string]Stage{
	"email sent":     StageSent,
	"email opened":   StageOpened,
	"clicked link":   StageClicked,
	"submitted data": StageSubmitted,
}

const gpReported = "email reported"

// gpIgnored are timeline messages known to say nothing about the outcome.
var gpIgnored = map[string]bool{"campaign created": true, "error sending email": true, "proxied request": true, "": true}

// phishKey lowercases s and collapses its white space, for matching names.
func phishKey(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

// NormalisePosition returns the key positions are grouped by: lower case,
// white space collapsed; "" for no position.
func NormalisePosition(p string) string { return phishKey(p) }

// phishTidy trims s and collapses runs of white space, for display.
func phishTidy(s string) string { return strings.Join(strings.Fields(s), " ") }

// phishQuote quotes a value for a message, cut short if long.
func phishQuote(s string) string {
	if r := []rune(s); len(r) > 60 {
		s = string(r[:60]) + "…"
	}
	return strconv.Quote(s)
}

// Layouts accepted for dates: GoPhish writes RFC 3339 with nanoseconds in
// UTC; spreadsheets and databases drop the zone or the T. A time without a
// zone is taken as UTC.
var gpTimeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999 -0700 MST", // Go's time.String
	"2006-01-02 15:04:05.999999999 -0700",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"2006-01-02",
}

// parseGoPhishTime parses a date and time; "" and Go's zero time (what
// GoPhish writes for an unset date) give the zero time.
func parseGoPhishTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range gpTimeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			if t.Year() <= 1 {
				return time.Time{}, nil
			}
			return t.UTC(), nil
		}
	}
	return time.Time{}, model.Errorf(model.EINVALID, "%s is not a date and time (want RFC 3339, such as 2017-03-01T09:00:00Z)", phishQuote(s))
}

// phishRecipientKey identifies a recipient within a campaign: the address, case
// and spaces aside; else the result id; else the row itself.
func phishRecipientKey(r gpRawResult, i int) string {
	if e := strings.ToLower(strings.TrimSpace(r.email)); e != "" {
		return "e:" + e
	}
	if id := strings.TrimSpace(r.id); id != "" {
		return "i:" + id
	}
	return fmt.Sprintf("#%d", i)
}

// buildPhishingCampaign merges duplicate results, applies the timeline and finds
// the launch date. Statuses must have been checked.
func buildPhishingCampaign(meta gpCampaignMeta, results []gpRawResult, events []gpRawEvent) PhishingCampaign {
	c := PhishingCampaign{ID: meta.id, Name: phishTidy(meta.name), Status: meta.status}
	index := map[string]int{}
	dupRows, dupAddrs := 0, map[string]bool{}
	for i, r := range results {
		st := gpStatuses[phishKey(r.status)]
		rec := Recipient{
			Email: strings.TrimSpace(r.email), Position: strings.TrimSpace(r.position), Status: r.status,
			Reached: st.reached, Reported: r.reported || st.reported, Failed: st.failed, SendDate: r.sendDate,
		}
		k := phishRecipientKey(r, i)
		j, seen := index[k]
		if !seen {
			index[k] = len(c.Recipients)
			c.Recipients = append(c.Recipients, rec)
			continue
		}
		dupRows++
		dupAddrs[k] = true
		p := &c.Recipients[j]
		p.Reached = max(p.Reached, rec.Reached)
		p.Reported = p.Reported || rec.Reported
		p.Failed = p.Failed && rec.Failed
		if p.Position == "" {
			p.Position = rec.Position
		}
		if p.SendDate.IsZero() || (!rec.SendDate.IsZero() && rec.SendDate.Before(p.SendDate)) {
			p.SendDate = rec.SendDate
		}
	}
	if dupRows > 0 {
		c.Notes = append(c.Notes, fmt.Sprintf("%d duplicate result%s for %d address%s merged (GoPhish's timeline cannot tell them apart)",
			dupRows, phishPlural(dupRows), len(dupAddrs), phishPluralEs(len(dupAddrs))))
	}

	// The timeline: the furthest stage per address, whatever the repeats.
	fromEvents := make([]Stage, len(c.Recipients))
	hasEvents := make([]bool, len(c.Recipients))
	unmatched, unknown := map[string]bool{}, map[string]bool{}
	var firstEvent time.Time
	for _, e := range events {
		if !e.time.IsZero() && (firstEvent.IsZero() || e.time.Before(firstEvent)) {
			firstEvent = e.time
		}
		msg := phishKey(e.message)
		s, moves := gpMessages[msg]
		reported := msg == gpReported
		if !moves && !reported {
			if !gpIgnored[msg] {
				unknown[phishTidy(e.message)] = true
			}
			continue
		}
		addr := strings.ToLower(strings.TrimSpace(e.email))
		j, ok := index["e:"+addr]
		if !ok {
			unmatched[addr] = true
			continue
		}
		c.Timeline = true
		hasEvents[j] = true
		fromEvents[j] = max(fromEvents[j], s)
		if reported {
			c.Recipients[j].Reported = true
		}
	}
	behind, silent := 0, 0
	for j := range c.Recipients {
		p := &c.Recipients[j]
		if c.Timeline {
			switch {
			case !hasEvents[j] && p.Reached >= StageSent:
				silent++
			case hasEvents[j] && p.Reached > max(fromEvents[j], StageSent):
				behind++
			}
		}
		p.Reached = max(p.Reached, fromEvents[j])
		if p.Reported && p.Reached < StageSent {
			p.Reached = StageSent // a reported email arrived
		}
		p.Delivered = p.Reached >= StageSent
		p.Failed = p.Failed && !p.Delivered
	}
	if silent > 0 {
		c.Notes = append(c.Notes, fmt.Sprintf("%d recipient%s delivered by status but without timeline events: their status was used", silent, phishPlural(silent)))
	}
	if behind > 0 {
		c.Notes = append(c.Notes, fmt.Sprintf("%d recipient%s with a status beyond their timeline events (a partial timeline?): the status was used", behind, phishPlural(behind)))
	}
	if !c.Timeline {
		hidden := 0
		for _, p := range c.Recipients {
			if phishKey(p.Status) == gpReported {
				hidden++
			}
		}
		if hidden > 0 {
			c.Notes = append(c.Notes, fmt.Sprintf("%d recipient%s with status Email Reported and no timeline: counted as delivered and reported; whether they opened or clicked first is unknown", hidden, phishPlural(hidden)))
		}
	}
	if n := len(unmatched); n > 0 {
		c.Notes = append(c.Notes, fmt.Sprintf("timeline events for %d address%s not among the results were ignored", n, phishPluralEs(n)))
	}
	if n := len(unknown); n > 0 {
		names := slices.Sorted(maps.Keys(unknown))
		for i, m := range names[:min(n, 5)] {
			names[i] = phishQuote(m)
		}
		if n > 5 {
			names = append(names[:5], "…")
		}
		c.Notes = append(c.Notes, fmt.Sprintf("%d unknown kind%s of timeline message ignored: %s", n, phishPlural(n), strings.Join(names, ", ")))
	}

	c.Launched = meta.launch
	if c.Launched.IsZero() {
		c.Launched = phishFirstSend(c.Recipients, true)
	}
	if c.Launched.IsZero() {
		c.Launched = phishFirstSend(c.Recipients, false)
	}
	if c.Launched.IsZero() {
		c.Launched = meta.created
	}
	if c.Launched.IsZero() {
		c.Launched = firstEvent
	}
	return c
}

func phishFirstSend(rs []Recipient, deliveredOnly bool) time.Time {
	var t time.Time
	for _, r := range rs {
		if (r.Delivered || !deliveredOnly) && !r.SendDate.IsZero() && (t.IsZero() || r.SendDate.Before(t)) {
			t = r.SendDate
		}
	}
	return t
}

func phishPlural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func phishPluralEs(n int) string {
	if n == 1 {
		return ""
	}
	return "es"
}

// CampaignName names the campaigns of an export that does not name them
// (a CSV export) after the export's file name: less its extension, and
// GoPhish's export name "NAME - Results.csv" back into NAME.
func CampaignName(file string) string {
	base := strings.TrimSuffix(file, path.Ext(file))
	if b, ok := strings.CutSuffix(base, " - Results"); ok && b != "" {
		base = b
	}
	return base
}
