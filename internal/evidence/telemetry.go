package evidence

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/scrutin/scrutin/internal/attack"
	"github.com/scrutin/scrutin/internal/model"
)

// TelemetryKind is a format of telemetry logs.
type TelemetryKind string

// Telemetry formats.
const (
	KindZeek      TelemetryKind = "zeek"       // Zeek JSON logs, one stream or several (field "@stream" or "_path")
	KindEVE       TelemetryKind = "eve"        // Suricata EVE JSON
	KindJSONL     TelemetryKind = "jsonl"      // JSON lines, read through a FieldMap
	KindSSHD      TelemetryKind = "sshd"       // OpenSSH messages in syslog files (auth.log, secure)
	KindAccessLog TelemetryKind = "access-log" // web server access logs: combined or common log format
)

// TelemetryKinds lists the formats, in the order to show them.
var TelemetryKinds = []TelemetryKind{KindZeek, KindEVE, KindJSONL, KindSSHD, KindAccessLog}

// IndicatorMatcher finds the indicators of compromise that a value
// matches; a domain matches the indicators of its parent domains too. The
// string given is only valid during the call: a matcher must not keep it.
// Methods are called from several goroutines at once when
// TelemetryOptions.Workers > 1.
type IndicatorMatcher interface {
	MatchIP(netip.Addr) []attack.Indicator
	MatchDomain(string) []attack.Indicator
	MatchURL(string) []attack.Indicator
	MatchHash(string) []attack.Indicator
}

// TelemetryOptions say how to read telemetry.
type TelemetryOptions struct {
	Kind    TelemetryKind
	Matcher IndicatorMatcher // nil: no indicator matching
	Assets  *AssetMap        // nil: events get no asset
	Fields  *FieldMap        // for KindJSONL; nil: DefaultFieldMap()
	// Year is the year of syslog timestamps, which have none (KindSSHD).
	// A log running from December into January moves to the next year,
	// within an input and from one input to the next (give rotated files
	// oldest first).
	Year int
	// LastWritten, when Year is 0, dates syslog timestamps instead: the
	// time the first input was last written (its modification time), or
	// now. The first timestamp is of LastWritten's year, or of the year
	// before when its month comes after LastWritten's (a log started in
	// December and written until January). SyslogYear says which.
	LastWritten time.Time
	// Strict stops at the first malformed line with a *MalformedError;
	// otherwise malformed lines are counted and the reading goes on.
	Strict bool
	// Workers is how many goroutines parse lines (0 and 1: one). Several
	// workers never change the summary; KindSSHD, whose classification
	// depends on earlier lines, and Strict always use one.
	Workers int
	// MaxLine is the longest line read, in bytes (0: 1 MiB); longer lines
	// are malformed.
	MaxLine int
	// MaxBytes bounds the bytes read from an input once decompressed (the
	// input's own bytes when it is not compressed); 0: no bound. Past it
	// the reading stops with a *LimitError.
	MaxBytes int64
	// MaxRatio bounds how many times more bytes a compressed input may
	// give than it holds, once it has given RatioFloor bytes (so that a
	// small, very repetitive log passes); 0: no bound. Past it the reading
	// stops with a *LimitError: a compression bomb costs no more than an
	// input MaxRatio times its size.
	MaxRatio   int64
	RatioFloor int64
	// Progress, when set, is called now and then as the input is read.
	Progress func(TelemetryProgress)
	// Event, when set, is called with each event. e is only valid during
	// the call. With several workers, calls are serialised but in no
	// particular order.
	Event func(e *Event)
}

// TelemetryProgress is how far the reading of one input is.
type TelemetryProgress struct {
	File  string
	Lines int64 // lines read
	Bytes int64 // bytes read from the input (compressed bytes for gzip input)
	Done  bool  // the input is read to its end
}

// MalformedError is a line that could not be read, in strict mode.
type MalformedError struct {
	File string
	Line int64
	Err  error
}

func (e *MalformedError) Error() string { return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err) }
func (e *MalformedError) Unwrap() error { return e.Err }

// Kinds of LimitError.
const (
	LimitExpanded = "expanded" // MaxBytes
	LimitRatio    = "ratio"    // MaxRatio
)

// LimitError says that an input was refused for its size once
// decompressed: more than Limit bytes (Kind LimitExpanded), or more than
// Limit times its compressed size (Kind LimitRatio).
type LimitError struct {
	File  string
	Kind  string
	Limit int64
}

func (e *LimitError) Error() string {
	if e.Kind == LimitRatio {
		return fmt.Sprintf("%s: decompresses to more than %d times its size (a compression bomb?)", e.File, e.Limit)
	}
	return fmt.Sprintf("%s: more than %d bytes once decompressed (the limit)", e.File, e.Limit)
}

// DefaultMaxLine is the longest line read by default.
const DefaultMaxLine = 1 << 20

// progressEvery is how many lines go by between two progress reports and
// cancellation checks.
const progressEvery = 1 << 14

// Ingester reads telemetry inputs one after the other and sums them up.
// It keeps state between inputs (sshd failures by address), so give it the
// rotated files of one log oldest first.
type Ingester struct {
	opt     TelemetryOptions
	total   *tally
	auth    *authTracker
	syslog  syslogClock // the year of syslog timestamps, carried from input to input
	br, gzr *bufio.Reader
	emitMu  sync.Mutex
}

// NewIngester returns an Ingester, or an error for bad options.
func NewIngester(opt TelemetryOptions) (*Ingester, error) {
	known := false
	for _, k := range TelemetryKinds {
		known = known || opt.Kind == k
	}
	if !known {
		return nil, model.Errorf(model.EINVALID, "unknown telemetry kind %q; expected one of: %s", opt.Kind, kindList())
	}
	if opt.Kind == KindSSHD && (opt.Year < 1 || opt.Year > 9999) && !(opt.Year == 0 && !opt.LastWritten.IsZero()) {
		return nil, model.Errorf(model.EINVALID, "sshd logs need the year of their timestamps (1 to 9999), got %d", opt.Year)
	}
	if opt.MaxLine <= 0 {
		opt.MaxLine = DefaultMaxLine
	}
	if opt.Fields == nil {
		opt.Fields = DefaultFieldMap()
	}
	return &Ingester{opt: opt, total: newTally(), auth: newAuthTracker(), syslog: syslogClock{year: opt.Year, written: opt.LastWritten}}, nil
}

// SyslogYear is the year of the first syslog timestamp read (KindSSHD):
// Year, or the one LastWritten gave; 0 before any.
func (in *Ingester) SyslogYear() int { return in.syslog.first }

func kindList() string {
	s := make([]string, len(TelemetryKinds))
	for i, k := range TelemetryKinds {
		s[i] = strconv.Quote(string(k))
	}
	return strings.Join(s, ", ") // quoted: names to type, in every language
}

// IngestTelemetry reads one input and sums it up: the shape of the other
// importers, for a single stream.
func IngestTelemetry(r io.Reader, opt TelemetryOptions) (*TelemetrySummary, error) {
	in, err := NewIngester(opt)
	if err != nil {
		return nil, err
	}
	if err := in.Ingest(context.Background(), "-", r); err != nil {
		return nil, err
	}
	return in.Summary(), nil
}

// Summary sums up the inputs read so far.
func (in *Ingester) Summary() *TelemetrySummary { return in.total.summary() }

// Ingest reads one input to its end (gzip-compressed or not: gzip is
// recognised by its first bytes); file names it in the summary and in
// messages. Malformed lines are counted, or with Strict end the reading
// with a *MalformedError. A read error, a broken gzip stream or ctx's end
// stop it with an error; what was read until then is counted.
func (in *Ingester) Ingest(ctx context.Context, file string, r io.Reader) error {
	// Every read checks ctx and the bounds, whatever the lines: an input
	// of lines too long counts no line, and a compression bomb gives
	// gigabytes for a few bytes read.
	cr := &countingReader{r: &boundedReader{r: r, ctx: ctx, file: file, max: in.opt.MaxBytes}}
	if in.br == nil {
		in.br = bufio.NewReaderSize(cr, in.opt.MaxLine+1)
	} else {
		in.br.Reset(cr)
	}
	src := in.br
	if magic, _ := in.br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(in.br)
		if err != nil {
			return model.Errorf(model.EINVALID, "%s: %v", file, err)
		}
		defer gz.Close()
		out := &boundedReader{r: gz, ctx: ctx, file: file, max: in.opt.MaxBytes,
			ratio: in.opt.MaxRatio, floor: in.opt.RatioFloor, compressed: &cr.n}
		if in.gzr == nil {
			in.gzr = bufio.NewReaderSize(out, in.opt.MaxLine+1)
		} else {
			in.gzr.Reset(out)
		}
		src = in.gzr
	}
	lr := &lineReader{br: src, max: in.opt.MaxLine}
	report := func(done bool) {
		if in.opt.Progress != nil {
			in.opt.Progress(TelemetryProgress{File: file, Lines: lr.n, Bytes: cr.n, Done: done})
		}
	}
	t := newTally()
	var err error
	if in.opt.Workers > 1 && !in.opt.Strict && in.opt.Kind != KindSSHD {
		err = in.ingestParallel(ctx, file, lr, t, report)
	} else {
		err = in.ingestSerial(ctx, file, lr, t, report)
	}
	t.lines = lr.n
	t.sources = []TelemetrySource{{File: file, Kind: string(in.opt.Kind), Lines: t.lines, Events: t.events, Malformed: t.malformed}}
	in.total.merge(t)
	if err == nil {
		report(true)
	}
	return err
}

func (in *Ingester) ingestSerial(ctx context.Context, file string, lr *lineReader, t *tally, report func(bool)) error {
	w := in.newWorker(file, t)
	for {
		line, tooLong, err := lr.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return readError(file, err)
		}
		if tooLong {
			err = lr.tooLong()
		} else {
			err = w.line(lr.n, line)
		}
		if err != nil {
			t.addMalformed(file, lr.n, err)
			if in.opt.Strict {
				return &MalformedError{File: file, Line: lr.n, Err: err}
			}
		}
		if lr.n%progressEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			report(false)
		}
	}
}

func readError(file string, err error) error {
	if le := (*LimitError)(nil); errors.As(err, &le) {
		return le
	}
	var gzErr bool
	gzErr = errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) || errors.Is(err, io.ErrUnexpectedEOF)
	if gzErr {
		return model.Errorf(model.EINVALID, "%s: broken gzip stream: %v", file, err)
	}
	return fmt.Errorf("%s: %w", file, err)
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// boundedReader stops reading, with ctx's error or a *LimitError, when
// ctx ends, past max bytes (0: no bound), or past ratio times the bytes
// *compressed counts once floor bytes were read (ratio 0: no bound).
type boundedReader struct {
	r          io.Reader
	ctx        context.Context
	file       string
	n          int64
	max        int64
	ratio      int64
	floor      int64
	compressed *int64
}

func (b *boundedReader) Read(p []byte) (int, error) {
	if err := b.ctx.Err(); err != nil {
		return 0, err
	}
	if b.max > 0 && int64(len(p)) > b.max-b.n+1 {
		p = p[:b.max-b.n+1] // one byte past the bound tells it is passed
	}
	n, err := b.r.Read(p)
	b.n += int64(n)
	if b.max > 0 && b.n > b.max {
		return 0, &LimitError{File: b.file, Kind: LimitExpanded, Limit: b.max}
	}
	if b.ratio > 0 && b.n > b.floor && b.n > b.ratio*max(*b.compressed, 1) {
		return 0, &LimitError{File: b.file, Kind: LimitRatio, Limit: b.ratio}
	}
	return n, err
}

// lineReader reads lines of at most max bytes.
type lineReader struct {
	br  *bufio.Reader
	max int
	n   int64 // lines read
}

// next returns the next line without its end of line (\n or \r\n), valid
// until the next call; tooLong for a line longer than max, whose bytes are
// skipped; io.EOF at the end.
func (lr *lineReader) next() (line []byte, tooLong bool, err error) {
	line, err = lr.br.ReadSlice('\n')
	switch err {
	case nil:
	case bufio.ErrBufferFull:
		for err == bufio.ErrBufferFull {
			_, err = lr.br.ReadSlice('\n')
		}
		if err != nil && err != io.EOF {
			return nil, false, err
		}
		lr.n++
		return nil, true, nil
	case io.EOF:
		if len(line) == 0 {
			return nil, false, io.EOF
		}
	default:
		return nil, false, err
	}
	lr.n++
	line = bytes.TrimSuffix(line, []byte{'\n'})
	if len(line) > lr.max {
		return nil, true, nil
	}
	line = bytes.TrimSuffix(line, []byte{'\r'})
	return line, false, nil
}

// tooLong is the error of a line too long.
func (lr *lineReader) tooLong() error {
	return fmt.Errorf("line longer than %d bytes", lr.max)
}

// transient returns b as a string without copying it. The string changes
// with b, so it is only for calls that do not keep their argument (map
// look-ups, parsers, IndicatorMatcher): it saves an allocation per field
// per line on the hot path.
func transient(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// record is what a line says, in the terms the classifiers and the
// indicator matcher need. Byte slices point into the line or the JSON
// parser's buffer: they are valid until the next line.
type record struct {
	line     int64
	ns       int64 // time, unix nanoseconds
	dated    bool
	src, dst []byte   // source and destination addresses (or host names)
	host     []byte   // the destination's name: HTTP host, TLS server name, virtual host, syslog host
	names    [][]byte // domain names to match
	urls     [][]byte // URLs to match
	hashes   [][]byte // file hashes to match
	addrs    [][]byte // further addresses to match (DNS answers, file transfer hosts)
	urlBuf   []byte   // storage for a URL built from host and target

	v          verdict
	classified bool
	login      bool   // a successful login: with an indicator, account takeover
	actor      string // given by the record itself (jsonl)
	asset, org string // given by the record itself (jsonl)
	repeat     int    // events the line stands for ("message repeated 3 times"), 0 meaning 1
}

// maxMatchValues bounds the values of each kind matched per record, so
// that a line with a huge array costs no more than a few.
const maxMatchValues = 16

func (r *record) reset(line int64) {
	*r = record{line: line, names: r.names[:0], urls: r.urls[:0], hashes: r.hashes[:0], addrs: r.addrs[:0], urlBuf: r.urlBuf[:0]}
}

func appendValue(list [][]byte, b []byte) [][]byte {
	if len(b) == 0 || len(list) >= maxMatchValues {
		return list
	}
	return append(list, b)
}

// classify sets the record's verdict.
func (r *record) classify(v verdict) {
	if v.outcome == "" {
		v.outcome = Unknown
	}
	r.v, r.classified = v, true
}

// worker turns lines into events; each goroutine has its own.
type worker struct {
	in    *Ingester
	opt   *TelemetryOptions
	file  string
	tally *tally
	strs  jsonStrings
	rec   record
	web   webClassifier
	ev    Event
	buf   []byte // normalised values for the matcher
	text  []byte // lower-cased text for the classifiers
	// What the indicators matched by the current record say.
	actors []string
	hit    attack.Indicator
	hits   int
}

func (in *Ingester) newWorker(file string, t *tally) *worker {
	return &worker{in: in, opt: &in.opt, file: file, tally: t}
}

// line reads one line and counts its events; the error says why a
// malformed line is.
func (w *worker) line(n int64, b []byte) error {
	w.rec.reset(n)
	w.strs.reset()
	var err error
	switch w.opt.Kind {
	case KindZeek:
		err = w.zeek(b)
	case KindEVE:
		err = w.eve(b)
	case KindJSONL:
		err = w.jsonl(b)
	case KindSSHD:
		err = w.sshd(b)
	case KindAccessLog:
		err = w.accessLog(b)
	}
	if err != nil {
		return err
	}
	w.finish()
	return nil
}

// finish matches the record against indicators and counts its event, if
// it is one.
func (w *worker) finish() {
	r := &w.rec
	if r.dated {
		w.tally.observe(r.ns)
	}
	matched := w.match()
	if !r.classified && !matched {
		return
	}
	e := &w.ev
	*e = Event{Line: r.line, Category: r.v.category, Technique: r.v.technique, Outcome: r.v.outcome,
		Signature: r.v.signature, Source: string(r.src), Dest: string(r.dst), Actor: r.actor, Asset: r.asset, Org: r.org}
	if r.dated {
		e.Time = timeOf(r.ns)
	}
	if matched {
		if e.Actor == "" {
			e.Actor = strings.Join(w.actors, ",")
		}
		switch {
		case r.classified:
		case r.login:
			e.Category, e.Technique, e.Outcome = CategoryAccountTakeover, techValidAccounts, Succeeded
			e.Signature = "login from indicator " + w.hit.Type + " " + w.hit.Value
		default:
			e.Category, e.Outcome = CategoryIOC, Unknown
			e.Signature = "indicator " + w.hit.Type + " " + w.hit.Value
			if w.hit.Name != "" {
				e.Signature += " (" + w.hit.Name + ")"
			}
		}
	}
	if e.Asset == "" && w.opt.Assets != nil {
		w.opt.Assets.assign(e, string(r.host), e.Dest, e.Source)
	} else if e.Asset != "" && e.Org == "" && w.opt.Assets != nil {
		e.Org = w.opt.Assets.orgs[e.Asset]
	}
	n := max(r.repeat, 1)
	for range n {
		w.tally.add(e)
		if w.opt.Event != nil {
			w.in.emitMu.Lock()
			w.opt.Event(e)
			w.in.emitMu.Unlock()
		}
	}
}

// match looks the record's values up in the indicators; it reports
// whether any matched, with their actors in w.actors (sorted, without
// duplicates) and the first indicator matched in w.hit.
func (w *worker) match() bool {
	m := w.opt.Matcher
	if m == nil {
		return false
	}
	r := &w.rec
	w.actors, w.hits = w.actors[:0], 0
	// The first match names the event's signature: the record's own
	// addresses, names, URLs and hashes before the addresses it mentions
	// (DNS answers).
	for _, a := range [2][]byte{r.src, r.dst} {
		w.matchHost(m, a)
	}
	for _, n := range r.names {
		w.matchName(m, n)
	}
	for _, u := range r.urls {
		w.add(m.MatchURL(transient(u)))
	}
	for _, h := range r.hashes {
		if !isHash(h) {
			continue
		}
		w.buf = appendLower(w.buf[:0], h)
		w.add(m.MatchHash(transient(w.buf)))
	}
	for _, a := range r.addrs {
		w.matchHost(m, a)
	}
	return w.hits > 0
}

// matchHost matches an address, or a host name where a log gives one.
func (w *worker) matchHost(m IndicatorMatcher, b []byte) {
	if len(b) == 0 {
		return
	}
	if a, ok := parseAddr(b); ok {
		w.add(m.MatchIP(a))
		return
	}
	if b[0] < '0' || b[0] > '9' { // a name; digits and no address: garbage
		w.matchName(m, b)
	}
}

func (w *worker) matchName(m IndicatorMatcher, b []byte) {
	w.buf = appendLower(w.buf[:0], b)
	w.buf = bytes.TrimSuffix(w.buf, []byte{'.'})
	if len(w.buf) == 0 || bytes.IndexByte(w.buf, '.') < 0 && len(w.buf) > 63 {
		return
	}
	w.add(m.MatchDomain(transient(w.buf)))
}

// add notes matched indicators.
func (w *worker) add(inds []attack.Indicator) {
	for i := range inds {
		ind := &inds[i]
		if w.hits == 0 {
			w.hit = *ind
		}
		w.hits++
		for _, a := range ind.Actors {
			w.addActor(a)
		}
	}
}

func (w *worker) addActor(a string) {
	for i, x := range w.actors {
		if x == a {
			return
		}
		if a < x {
			w.actors = append(w.actors, "")
			copy(w.actors[i+1:], w.actors[i:])
			w.actors[i] = a
			return
		}
	}
	w.actors = append(w.actors, a)
}

// parseAddr parses an IP address, without a zone.
func parseAddr(b []byte) (netip.Addr, bool) {
	if len(b) < 2 || len(b) > 64 {
		return netip.Addr{}, false
	}
	if c := b[0]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' || c == ':') {
		return netip.Addr{}, false
	}
	if i := bytes.IndexByte(b, '%'); i >= 0 {
		b = b[:i]
	}
	a, err := netip.ParseAddr(transient(b))
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

// isHash reports whether b looks like an MD5, SHA-1 or SHA-256 in hex.
func isHash(b []byte) bool {
	switch len(b) {
	case 32, 40, 64:
	default:
		return false
	}
	for _, c := range b {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}
