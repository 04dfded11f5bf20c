package web

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/scrutin/scrutin/internal/evidence"
	"github.com/scrutin/scrutin/internal/i18n"
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/store"
)

// Evidence on the pages: the list of uploads with a form that uploads
// without JavaScript (multipart/form-data, streamed through the same
// importers as the API's upload: only the summary is kept), and each
// upload's page: its counts over time, and for each parameter that the
// organisation's models calibrate from this kind of evidence, the prior
// and the posterior this evidence alone gives.

// evidenceRow is an upload in the list.
type evidenceRow struct {
	store.Evidence
	By string // who uploaded it
}

// evidenceForm is what the upload form was sent with.
type evidenceForm struct {
	Kind, Name, Year, Map string
}

type evidencePage struct {
	Items []evidenceRow
	Next  string
	Kinds []string
	Form  evidenceForm
	// MaxBytes is the largest telemetry upload, MaxWhole the largest of
	// the uploads read whole (GoPhish exports, evidence files); Detect
	// how much of its start detection reads.
	MaxBytes, MaxWhole, Detect string
	// Error says why the last upload was refused (nothing was stored).
	Error string
	// Live is the organisation's live evidence (telemetry its sensors
	// publish), by kind.
	Live []streamView
}

// uploaders names the organisation's members by id.
func (s *Server) uploaders(ctx context.Context, org string) (map[int64]string, error) {
	ms, err := s.db.Members(ctx, org)
	if err != nil {
		return nil, err
	}
	by := map[int64]string{}
	for _, m := range ms {
		by[m.UserID] = m.Email
	}
	return by, nil
}

// uploader is who uploaded: a member's e-mail address, else the user's
// (who has left the organisation), else their id.
func (s *Server) uploader(ctx context.Context, by map[int64]string, id int64) string {
	if e, ok := by[id]; ok {
		return e
	}
	if u, err := s.db.UserByID(ctx, id); err == nil {
		by[id] = u.Email
		return u.Email
	}
	return "#" + strconv.FormatInt(id, 10)
}

func (s *Server) newEvidencePage(r *http.Request, v *view) (*evidencePage, error) {
	ctx, org := r.Context(), v.Org.ID
	p, err := PageParams{Limit: listPage, Cursor: r.URL.Query().Get("cursor")}.page()
	if err != nil {
		return nil, err
	}
	es, err := s.db.EvidenceList(ctx, org, p)
	if err != nil {
		return nil, err
	}
	by, err := s.uploaders(ctx, org)
	if err != nil {
		return nil, err
	}
	page := &evidencePage{Kinds: append([]string{uploadAuto}, uploadKinds...),
		MaxBytes: byteSize(v.P, s.uploadLimit("sshd")), MaxWhole: byteSize(v.P, s.uploadLimit(uploadGoPhish)), Detect: byteSize(v.P, evidence.DetectBytes),
		Form: evidenceForm{Kind: uploadAuto, Year: strconv.Itoa(s.cfg.Now().Year())}}
	for _, e := range es {
		page.Items = append(page.Items, evidenceRow{Evidence: e, By: s.uploader(ctx, by, e.CreatedBy)})
	}
	page.Next = paged(es, p, func(e store.Evidence) int64 { return e.ID }).Body.NextCursor
	live, err := s.liveViews(ctx, org)
	if err != nil {
		return nil, err
	}
	page.Live = live
	v.Title, v.Nav, v.Page = v.P.T("evidence.title"), "evidence", page
	return page, nil
}

func (s *Server) evidencePageOf(w http.ResponseWriter, r *http.Request, v *view) error {
	if _, err := s.newEvidencePage(r, v); err != nil {
		return err
	}
	v.Flash = deletedFlash(v.P, r.URL.Query())
	if r.URL.Query().Get("done") == "snapshot" {
		v.Flash = v.P.T("live.done.snapshot")
	}
	return s.render(w, http.StatusOK, "evidence", v)
}

// maxFormField bounds each field of the upload form but the file.
const maxFormField = 4 << 10

// uploadEvidenceForm reads the upload form as a stream: its fields, then
// the file, which goes through the importers part by part as it arrives
// (the fields must come before the file, as the form puts them). A
// refused upload stores nothing; the list comes back with why, and the
// form as it was sent.
func (s *Server) uploadEvidenceForm(w http.ResponseWriter, r *http.Request, v *view) error {
	org := v.Org.ID
	read, cancel, clock := s.startUpload(r.Context(), w)
	defer cancel()
	r.Body = http.MaxBytesReader(w, clock.body(r.Body), s.cfg.MaxUploadBytes+maxSmallBody)
	form := evidenceForm{}
	fail := func(status int, msg string) error {
		page, err := s.newEvidencePage(r, v)
		if err != nil {
			return err
		}
		page.Form, page.Error = form, msg
		return s.render(w, status, "evidence", v)
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return fail(http.StatusBadRequest, v.P.T("evidence.upload.notform"))
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return fail(http.StatusUnprocessableEntity, v.P.T("evidence.upload.nofile"))
		}
		if err != nil {
			if errors.As(err, new(*http.MaxBytesError)) {
				return fail(http.StatusRequestEntityTooLarge, v.P.T("evidence.upload.toolarge", byteSize(v.P, s.cfg.MaxUploadBytes)))
			}
			if ue := (*uploadError)(nil); errors.As(clock.failure(read, err), &ue) {
				return fail(ue.pe.status, uploadMessage(v.P, ue))
			}
			return fail(http.StatusBadRequest, v.P.T("evidence.upload.notform"))
		}
		if part.FormName() != "file" {
			b, err := io.ReadAll(io.LimitReader(part, maxFormField+1))
			if err != nil || len(b) > maxFormField {
				return fail(http.StatusBadRequest, v.P.T("evidence.upload.notform"))
			}
			val := strings.TrimSpace(string(b))
			switch part.FormName() {
			case "kind":
				form.Kind = val
			case "name":
				form.Name = val
			case "year":
				form.Year = val
			case "map":
				form.Map = val
			}
			continue
		}
		up, msg := s.checkUploadForm(v.P, &form, part.FileName())
		if msg != "" {
			return fail(http.StatusUnprocessableEntity, msg)
		}
		ctx := r.Context()
		e, err := s.addEvidence(ctx, org, up, w, io.NopCloser(part), clock)
		if err != nil {
			var (
				pe *protocolError
				ue *uploadError
				ke *kindError
			)
			switch b := errorResponse(ctx, err); {
			case errors.As(err, &ue):
				return fail(ue.pe.status, uploadMessage(v.P, ue))
			case errors.As(err, &ke):
				return fail(http.StatusUnprocessableEntity, ke.message(v.P))
			case errors.As(err, &pe) && pe.status == http.StatusRequestEntityTooLarge:
				return fail(pe.status, v.P.T("evidence.upload.toolarge", byteSize(v.P, cmp.Or(pe.limit, s.uploadLimit(up.Kind)))))
			case b.status == http.StatusUnprocessableEntity || b.status == http.StatusBadRequest:
				return fail(b.status, v.P.T("evidence.upload.refused", up.FileName, errorMessage(v.P, err, b.Detail.Message)))
			}
			return err
		}
		if form.Kind == uploadAuto {
			return seeOther(w, r, orgURL(org, "/evidence/%d?detected=1", e.ID))
		}
		return seeOther(w, r, orgURL(org, "/evidence/%d", e.ID))
	}
}

// uploadMessage says why an upload was refused for one of its bounds,
// in the page's language.
func uploadMessage(p *i18n.Printer, e *uploadError) string {
	switch e.kind {
	case uploadExpanded:
		return p.T("evidence.upload.expanded", byteSize(p, e.limit))
	case uploadRatio:
		return p.T("evidence.upload.bomb", e.limit)
	case uploadStalled:
		return p.T("evidence.upload.stalled", durationText(p, e.after))
	}
	return p.T("evidence.upload.slow", durationText(p, e.after))
}

// durationText writes a duration in seconds, or minutes from 2 minutes
// (the symbols are the same in English and French).
func durationText(p *i18n.Printer, d time.Duration) string {
	if d < 2*time.Minute {
		return p.Number(d.Seconds(), 0) + "\u00a0s"
	}
	return p.Number(d.Minutes(), 0) + "\u00a0min"
}

// checkUploadForm turns the form's fields into an upload of the file, or
// says what is wrong with them. The name is by default the file's, less
// its extension (and GoPhish's " - Results"), as scrutin phishing names
// the campaigns of a CSV export.
func (s *Server) checkUploadForm(p *i18n.Printer, form *evidenceForm, file string) (evidenceUpload, string) {
	up := evidenceUpload{Kind: form.Kind, Name: form.Name, FileName: baseName(file), Map: form.Map}
	if file == "" {
		return up, p.T("evidence.upload.nofile")
	}
	if up.Kind != uploadAuto && !slices.Contains(uploadKinds, up.Kind) {
		return up, p.T("evidence.upload.badkind")
	}
	if up.Name == "" {
		up.Name = evidence.CampaignName(up.FileName)
		form.Name = up.Name
	}
	if len(up.Name) > 200 {
		return up, p.T("evidence.upload.longname")
	}
	if form.Year != "" {
		y, err := strconv.Atoi(form.Year)
		if err != nil || y < 1 || y > 9999 {
			return up, p.T("evidence.upload.badyear")
		}
		up.Year = y
	}
	if up.Map != "" && up.Kind != "jsonl" && up.Kind != uploadAuto {
		return up, p.T("evidence.upload.mapjsonl")
	}
	return up, ""
}

// deleteEvidenceForm deletes the evidence once the form's box says so.
func (s *Server) deleteEvidenceForm(w http.ResponseWriter, r *http.Request, v *view) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	form, err := readForm(w, r, maxSmallBody)
	if err != nil {
		return err
	}
	if form.Get("confirm") != "yes" {
		page, err := s.loadEvidenceItem(r, v)
		if err != nil {
			return err
		}
		page.DeleteError = v.P.T("evidence.delete.unconfirmed")
		return s.render(w, http.StatusUnprocessableEntity, "evidenceitem", v)
	}
	if err := s.removeEvidence(r.Context(), v.Org.ID, id); err != nil {
		return err
	}
	return seeOther(w, r, orgURL(v.Org.ID, "/evidence?deleted=%d", id))
}

// evidenceItemPage is the data of an upload's page.
type evidenceItemPage struct {
	Evidence *store.Evidence
	By       string
	// Telemetry, or Phishing, is the summary.
	Telemetry *evidence.TelemetrySummary
	Phishing  *evidence.PhishingReport
	// Days are the events per UTC day (telemetry), Counts their chart.
	Days   []dayCount
	Counts *countChart
	// Categories and Outcomes break the events down (telemetry), most
	// first.
	Categories []keyCount
	Outcomes   []keyCount
	// Calibrations are the parameters this evidence informs.
	Calibrations []calibration
	// Models counts the organisation's models with an evidence: section
	// that counts from this kind of evidence.
	Models      int
	DeleteError string
}

type dayCount struct {
	Day    time.Time
	Events int64
}

type keyCount struct {
	Key   string
	Label string // the key in words, in the reader's language; "" if it has none
	Count int64
}

// sortedCounts lists m's counts, most first, each key with its words
// from the catalogue's prefix+key.
func sortedCounts(p *i18n.Printer, prefix string, m map[string]int64) []keyCount {
	out := make([]keyCount, 0, len(m))
	for k, n := range m {
		label := p.T(prefix + k)
		if label == prefix+k {
			label = ""
		}
		out = append(out, keyCount{k, label, n})
	}
	slices.SortFunc(out, func(a, b keyCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Key, b.Key))
	})
	return out
}

// calibration is a parameter of a model that this evidence informs:
// its prior and the posterior that this evidence alone gives, or why it
// does not inform it (Problem).
type calibration struct {
	ModelID   int64
	ModelName string
	Scenario  string
	Name      string // the scenario's
	Parameter string
	Entries   []string // the evidence: entries that count from it
	Update    *evidence.Update
	Problem   string
	Chart     *intervalChart
}

func (s *Server) loadEvidenceItem(r *http.Request, v *view) (*evidenceItemPage, error) {
	ctx, org := r.Context(), v.Org.ID
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	e, err := s.db.Evidence(ctx, org, id)
	if err != nil {
		return nil, err
	}
	by, err := s.uploaders(ctx, org)
	if err != nil {
		return nil, err
	}
	page := &evidenceItemPage{Evidence: e, By: s.uploader(ctx, by, e.CreatedBy)}
	v.Title, v.Nav, v.Page, v.Charts = v.P.T("evidenceitem.title", e.Name), "evidence", page, true
	switch e.Kind {
	case evidence.SummaryKind:
		if page.Telemetry, err = evidence.ReadTelemetrySummary(e.Name, bytes.NewReader(e.Summary)); err != nil {
			return nil, err
		}
		for d, n := range page.Telemetry.ByDay {
			if t, err := time.Parse(time.DateOnly, d); err == nil {
				page.Days = append(page.Days, dayCount{t, n})
			}
		}
		slices.SortFunc(page.Days, func(a, b dayCount) int { return a.Day.Compare(b.Day) })
		page.Categories = sortedCounts(v.P, "evidence.category.", page.Telemetry.ByCategory)
		page.Outcomes = sortedCounts(v.P, "evidence.outcome.", page.Telemetry.ByOutcome)
		page.Counts = dailyChart("counts-data", v.P, page.Days)
	default:
		page.Phishing = &evidence.PhishingReport{}
		if err := json.Unmarshal(e.Summary, page.Phishing); err != nil {
			return nil, err
		}
		page.Counts = campaignChart("counts-data", v.P, page.Phishing.Campaigns)
	}
	f, err := evidence.ReadEvidenceFile(e.Name, bytes.NewReader(e.Summary))
	if err != nil {
		return nil, err
	}
	if page.Calibrations, page.Models, err = s.calibrations(ctx, v.P, org, f); err != nil {
		return nil, err
	}
	return page, nil
}

func (s *Server) evidenceItemPageOf(w http.ResponseWriter, r *http.Request, v *view) error {
	page, err := s.loadEvidenceItem(r, v)
	if err != nil {
		return err
	}
	if f := page.Evidence.Format; r.URL.Query().Get("detected") != "" && slices.Contains(uploadKinds, f) {
		// Just uploaded with its kind left to detection: say what it was
		// taken for.
		v.Flash = v.P.T("evidence.upload.detected", v.P.T("evidence.format."+f))
	}
	return s.render(w, http.StatusOK, "evidenceitem", v)
}

// informs says whether an entry of a model's evidence: section counts
// from evidence files of the kind (telemetry or phishing).
func informs(e *model.Evidence, kind string) bool {
	return e.Match != nil && (e.Match.Phishing != "") == (kind == "phishing")
}

// calibrations calibrates the latest revision of each of the
// organisation's models with this file alone: for every parameter that
// an entry of its evidence: section counts from this kind of evidence,
// the prior and the posterior, or why this file does not inform it (an
// entry whose campaign it does not hold, a time span it lacks). It also
// returns how many models count from this kind of evidence.
func (s *Server) calibrations(ctx context.Context, p *i18n.Printer, org string, f *evidence.EvidenceFile) ([]calibration, int, error) {
	models, err := s.db.Models(ctx, org, store.Page{Limit: maxListed})
	if err != nil {
		return nil, 0, err
	}
	var out []calibration
	n := 0
	for _, sm := range models {
		rev, err := s.db.Revision(ctx, org, sm.ID, 0)
		if err != nil {
			return nil, 0, err
		}
		m, err := decodeRevision(sm.Name, rev)
		if err != nil {
			continue // a revision that no longer decodes calibrates nothing
		}
		names := map[string]string{}
		for _, sc := range m.Scenarios {
			names[sc.ID] = sc.Name
		}
		var ok []model.Evidence
		type param struct{ scenario, parameter string }
		entries := map[param][]string{}
		for _, e := range m.Evidence {
			if !informs(&e, f.Kind) {
				continue
			}
			one := *m
			one.Evidence = []model.Evidence{e}
			if _, _, err := evidence.Calibrate(&one, []*evidence.EvidenceFile{f}); err != nil {
				out = append(out, calibration{ModelID: sm.ID, ModelName: sm.Name, Scenario: e.Scenario, Name: names[e.Scenario],
					Parameter: e.Parameter, Entries: []string{e.ID}, Problem: errorMessage(p, err, "")})
				continue
			}
			ok = append(ok, e)
			k := param{e.Scenario, e.Parameter}
			entries[k] = append(entries[k], e.ID)
		}
		if len(ok) == 0 && !slices.ContainsFunc(m.Evidence, func(e model.Evidence) bool { return informs(&e, f.Kind) }) {
			continue
		}
		n++
		if len(ok) == 0 {
			continue
		}
		all := *m
		all.Evidence = ok
		_, updates, err := evidence.Calibrate(&all, []*evidence.EvidenceFile{f})
		if err != nil {
			return nil, 0, err // each entry calibrated alone
		}
		for i := range updates {
			u := &updates[i]
			c := calibration{ModelID: sm.ID, ModelName: sm.Name, Scenario: u.Scenario, Name: names[u.Scenario],
				Parameter: u.Parameter, Entries: entries[param{u.Scenario, u.Parameter}], Update: u}
			c.Chart = beliefChart("belief-"+strconv.Itoa(len(out)), p, u)
			out = append(out, c)
		}
	}
	return out, n, nil
}

// Observed sums the numbers of the update's observations: events over an
// exposure in years (a frequency), successes out of attempts (a
// vulnerability).
func (c *calibration) Observed() (events, exposure, successes, attempts float64) {
	for _, o := range c.Update.Evidence {
		if o.Events != nil {
			events += *o.Events
		}
		if o.Exposure != nil {
			exposure += *o.Exposure
		}
		if o.Successes != nil {
			successes += *o.Successes
		}
		if o.Attempts != nil {
			attempts += *o.Attempts
		}
	}
	return
}

// Belief formats a belief's mean or bound: a probability as a
// percentage, a frequency as a number a year.
func (c *calibration) Belief(p *i18n.Printer, x float64) string {
	if c.Parameter == model.ParamVulnerability {
		return p.Percent(x)
	}
	return p.T("evidenceitem.peryear", figure(p, x))
}

// figure formats x with the precision its size asks for.
func figure(p *i18n.Printer, x float64) string {
	switch ax := math.Abs(x); {
	case ax >= 100:
		return p.Number(x, 0)
	case ax >= 1:
		return p.Number(x, 2)
	case ax == 0:
		return p.Number(0, 0)
	}
	return p.Number(x, 4)
}

// Observation says what this evidence observed, in a sentence.
func (c *calibration) Observation(p *i18n.Printer) string {
	events, exposure, successes, attempts := c.Observed()
	if c.Parameter == model.ParamVulnerability {
		return p.T("evidenceitem.observed.vuln", p.Count(attempts, 0), p.Count(successes, 0))
	}
	return p.T("evidenceitem.observed.freq", p.Count(events, 0), p.Count(exposure*365.25, 1))
}

// intervalChart shows beliefs as intervals (5th to 95th percentile) with
// their means, one row each.
type intervalChart struct {
	chart
	Categories []string `json:"categories"`
	Log        bool     `json:"log,omitempty"`
	Percent    bool     `json:"percent,omitempty"`
}

// beliefChart shows the prior and the posterior of an update; each
// series is a belief's 5th percentile, mean and 95th percentile, at the
// row of its category.
func beliefChart(id string, p *i18n.Printer, u *evidence.Update) *intervalChart {
	c := &intervalChart{chart: chart{ID: id, Kind: "interval", Lang: p.Lang()},
		Categories: []string{p.T("evidenceitem.prior"), p.T("evidenceitem.posterior")},
		Percent:    u.Parameter == model.ParamVulnerability}
	if c.Percent {
		c.XLabel = p.T("evidenceitem.axis.vuln")
	} else {
		c.XLabel = p.T("evidenceitem.axis.freq")
	}
	lo, hi := math.Inf(1), 0.0
	for i, b := range []evidence.Belief{u.Prior, u.Posterior} {
		role := []string{"second", "main"}[i]
		c.Series = append(c.Series, chartSeries{Name: c.Categories[i], Role: role,
			Points: [][2]float64{{b.P5, float64(i)}, {b.Mean, float64(i)}, {b.P95, float64(i)}}})
		lo, hi = min(lo, b.P5), max(hi, b.P95)
	}
	c.Log = lo > 0 && hi/lo > 50
	return c
}

// countChart shows counts as bars, one group per category (a day, a
// campaign): each series' points are [category index, count].
type countChart struct {
	chart
	Categories []string `json:"categories"`
}

// dailyChart shows the events of each UTC day.
func dailyChart(id string, p *i18n.Printer, days []dayCount) *countChart {
	c := &countChart{chart: chart{ID: id, Kind: "counts", Lang: p.Lang(), YLabel: p.T("evidenceitem.axis.events")}}
	s := chartSeries{Name: p.T("evidenceitem.events"), Role: "main"}
	for i, d := range days {
		c.Categories = append(c.Categories, d.Label(p))
		s.Points = append(s.Points, [2]float64{float64(i), float64(d.Events)})
	}
	c.Series = []chartSeries{s}
	return c
}

// campaignChart shows each campaign's e-mails delivered, links clicked
// and credentials submitted, in order of launch.
func campaignChart(id string, p *i18n.Printer, cs []evidence.CampaignRates) *countChart {
	c := &countChart{chart: chart{ID: id, Kind: "counts", Lang: p.Lang(), YLabel: p.T("evidenceitem.axis.people")}}
	sent := chartSeries{Name: p.T("evidenceitem.sent"), Role: "second"}
	clicked := chartSeries{Name: p.T("evidenceitem.clicked"), Role: "main"}
	submitted := chartSeries{Name: p.T("evidenceitem.submitted"), Role: "limit"}
	for i, cr := range cs {
		c.Categories = append(c.Categories, cr.Name)
		x := float64(i)
		sent.Points = append(sent.Points, [2]float64{x, float64(cr.Sent)})
		clicked.Points = append(clicked.Points, [2]float64{x, float64(cr.Clicked)})
		submitted.Points = append(submitted.Points, [2]float64{x, float64(cr.Submitted)})
	}
	c.Series = []chartSeries{sent, clicked, submitted}
	return c
}

// Size formats a number of bytes.
func (r evidenceRow) Size(p *i18n.Printer) string { return byteSize(p, r.Bytes) }

// Size formats the upload's size.
func (pg *evidenceItemPage) Size(p *i18n.Printer) string { return byteSize(p, pg.Evidence.Bytes) }

// byteSize writes a size in binary units ("1 GiB", "1 Gio"), "—" when
// there is none.
func byteSize(p *i18n.Printer, n int64) string {
	if n <= 0 {
		return "—"
	}
	return p.Bytes(n)
}

// deletedFlash says on the list that an upload was deleted.
func deletedFlash(p *i18n.Printer, q url.Values) string {
	if q.Get("deleted") == "" {
		return ""
	}
	return p.T("evidence.deleted")
}

// Label is the day in the reader's way of writing dates.
func (d dayCount) Label(p *i18n.Printer) string {
	if p.Lang() == i18n.French {
		return d.Day.Format("02/01/2006")
	}
	return d.Day.Format(time.DateOnly)
}

// baseName is a file name without the folders that some browsers send
// with it (C:\\fakepath\\auth.log).
func baseName(file string) string {
	if i := strings.LastIndexAny(file, "/\\"); i >= 0 {
		return file[i+1:]
	}
	return file
}
