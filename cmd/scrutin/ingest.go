package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/scrutin/scrutin/internal/attack"
	"github.com/scrutin/scrutin/internal/evidence"
	"github.com/scrutin/scrutin/internal/model"
)

type ingestOptions struct {
	files   []string
	kind    string
	iocs    []string
	assets  string
	model   string
	fields  string
	strict  bool
	year    int
	format  string
	out     string
	workers int
	// Publishing to NATS JetStream (live evidence).
	publish, org string
	follow       bool
	replicas     int
}

func newIngestCmd(e *env) *cobra.Command {
	var o ingestOptions
	cmd := &cobra.Command{
		Use:   "ingest FILE... --kind zeek|eve|jsonl|sshd|access-log",
		Short: "Turn telemetry logs into counted attack events (an evidence file)",
		Long: `Read telemetry logs line by line and turn them into normalised attack events:
time, organisation, asset, category, ATT&CK technique, source, destination,
matched threat actor and outcome (blocked, succeeded or unknown). Print a
summary of the events, and with --out write it as the evidence file that
"scrutin run --evidence FILE" reads to calibrate a model.

Kinds of logs (--kind):
  zeek        Zeek JSON logs, any stream (notice, conn, dns, http, ssl, x509,
              files, ssh, intel …), one per file or mixed ("@stream", "_path")
  eve         Suricata EVE JSON (alert, dns, http, tls, fileinfo, flow, anomaly …)
  jsonl       JSON lines with any fields, named by --map
  sshd        OpenSSH messages in syslog files (auth.log, secure, journalctl)
  access-log  web server access logs, combined or common log format

Classification: failed SSH logins and invalid users are brute force (T1110,
blocked); an accepted login after 5 failures from the address in the past 24
hours is a successful brute force, one from an indicator's address account
takeover (T1078). Scanner user agents and probing paths are scans (T1595),
injection attempts (SQL, path traversal, commands, Log4Shell, XSS) exploits
(T1190), blocked on a 4xx or 5xx answer. Zeek notices and Suricata alerts
are classified by their name, signature, class and ATT&CK metadata. Any
record whose address, domain, URL or file hash is an indicator of
compromise (--iocs) is an event too, attributed to the indicator's actor.

A malformed line is counted and reported with its line number, and the
reading goes on (--strict: stops with exit code 2). Files may be
gzip-compressed; "-" reads standard input. Memory does not grow with the
size of the input.

--map (jsonl) names the JSON fields of an event: time, src, dst, domain,
url, hash, category, technique, outcome, actor, asset, org and signature;
dotted paths reach into nested objects. Fields not given are read under
scrutin's own names (time, source, dest, domain, url, hash, category, …).

--iocs reads STIX 2 bundles, MISP events, or lists of values: one address,
network, domain, URL or hash per line, then optionally a space and actors
separated by commas; actor names and aliases (Sofacy, Fancy Bear) become
ATT&CK group ids where the MISP threat-actor galaxy knows them.

--assets maps hosts to the model's assets, in YAML:
  10.0.1.0/24: campaign-lan            # pattern: asset
  "*.example.org": website             # quote patterns starting with *
  voter-roll: [10.2.0.10, rolls.example.gov]   # asset: [patterns]
The most specific pattern wins (an address, the longest network, a host
name, the longest *.domain, then "*"); with --model each asset's
organisation is filled in and unknown assets are errors.`,
		Example: `  scrutin ingest conn.log dns.log notice.log --kind zeek
  scrutin ingest eve.json.gz --kind eve --iocs apt28.stix.json --format json
  scrutin ingest /var/log/auth.log* --kind sshd --year 2024 --assets hosts.yaml --model model.yaml
  scrutin ingest events.jsonl --kind jsonl --map time=ts,src=client.ip,category=type --out evidence.json`,
		Args: minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.files = args
			return runIngest(cmd.Context(), o, e)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.kind, "kind", "", "kind of logs: zeek, eve, jsonl, sshd or access-log (required)")
	f.StringSliceVar(&o.iocs, "iocs", nil, "indicators of compromise: STIX 2 bundles, MISP events, or lists of values (repeatable)")
	f.StringVar(&o.assets, "assets", "", "YAML file mapping hosts (addresses, networks, names, *.domains) to asset ids")
	f.StringVar(&o.model, "model", "", "risk model whose assets the asset ids must be, for their organisations")
	f.StringVar(&o.fields, "map", "", "jsonl fields: key=field,… (keys: time, src, dst, domain, url, hash, category, technique, outcome, actor, asset, org, signature)")
	f.BoolVar(&o.strict, "strict", false, "stop at the first malformed line (exit code 2)")
	wholeVar(f, &o.year, "year", 0, 1, 9999, "a valid year", "", "year of syslog timestamps, which have none (default: from the file's modification time)")
	f.StringVar(&o.format, "format", "text", "output format: text or json")
	f.StringVarP(&o.out, "out", "o", "", "also write the JSON summary (the evidence file) to this file, atomically")
	workersVar(f, &o.workers, "parallel parsing workers (default: all cores; never changes the summary)")
	f.StringVar(&o.publish, "publish", "", "publish the logs to this NATS JetStream (URLs, comma-separated) for workers to count as the organisation's live evidence, instead of counting them here")
	f.StringVar(&o.org, "org", "", "with --publish: the organisation whose evidence the logs are")
	f.BoolVar(&o.follow, "follow", false, "with --publish: keep following the files as they grow, are rotated or truncated, until interrupted")
	wholeVar(f, &o.replicas, "replicas", 1, 1, 5, "a number of replicas", "", "with --publish: replicas of the telemetry stream (1, or 3 on a cluster)")
	return cmd
}

func runIngest(ctx context.Context, o ingestOptions, e *env) error {
	if o.publish != "" || o.follow || o.org != "" {
		return runIngestPublish(ctx, o, e)
	}
	opt, err := ingestSetup(o, e)
	if err != nil {
		return err
	}
	bar := newIngestProgress(e, o.files)
	opt.Progress = bar.update
	in, err := evidence.NewIngester(opt)
	if err != nil {
		return err
	}
	for _, name := range o.files {
		err = ingestFile(ctx, in, e, name)
		bar.next()
		if err != nil {
			break
		}
	}
	bar.finish()
	noteSyslogYear(e, o, opt, in.SyslogYear())
	var merr *evidence.MalformedError
	if errors.As(err, &merr) {
		return model.Errorf(model.EINVALID, "%v (--strict stops at the first malformed line)", merr)
	}
	if err != nil {
		return err
	}
	s := in.Summary()
	if o.out != "" {
		data, err := json.MarshalIndent(s, "", "  ")
		if err != nil {
			return err
		}
		if err := writeOutput(o.out, append(data, '\n')); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if o.format == "json" {
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		if err := enc.Encode(s); err != nil {
			return err
		}
	} else if err := s.WriteText(&buf); err != nil {
		return err
	}
	_, err = e.stdout.Write(buf.Bytes())
	return err
}

// jsonlNeedsMap is the error of --kind jsonl without --map: JSON lines
// from elsewhere rarely use scrutin's own field names.
const jsonlNeedsMap = `--kind jsonl needs --map to name the JSON fields of an event, such as
  --map time=ts,src=client.ip,dst=server.ip,category=type,technique=attack.technique
Keys: time, src, dst, domain, url, hash, category, technique, outcome, actor,
asset, org, signature; dotted paths reach into nested objects. Keys not given
are read under scrutin's own names (so --map time=time reads a file written
in them)`

// lastWritten is when the first input was last written: its modification
// time, or now for standard input, to date syslog timestamps.
func lastWritten(files []string) time.Time {
	if len(files) > 0 && files[0] != "-" {
		if st, err := os.Stat(files[0]); err == nil {
			return st.ModTime()
		}
	}
	return time.Now()
}

// noteSyslogYear says on standard error which year syslog timestamps
// were read in, when --year did not say.
func noteSyslogYear(e *env, o ingestOptions, opt evidence.TelemetryOptions, year int) {
	if opt.Kind != evidence.KindSSHD || o.year != 0 || year == 0 {
		return
	}
	name, from := "<stdin>", "the current year"
	if o.files[0] != "-" {
		name, from = o.files[0], fmt.Sprintf("the year of the file's modification time (%s)", opt.LastWritten.Format(time.DateOnly))
		if year != opt.LastWritten.Year() {
			from = fmt.Sprintf("the year before the file's modification time (%s): the log starts in a later month", opt.LastWritten.Format(time.DateOnly))
		}
	} else if year != opt.LastWritten.Year() {
		from = "last year: the log starts in a later month than this one"
	}
	fmt.Fprintf(e.stderr, "scrutin: %s: syslog timestamps have no year: read as %d, %s; give --year to choose\n", name, year, from)
}

// ingestSetup checks the flags and reads the indicators, assets map and
// model.
func ingestSetup(o ingestOptions, e *env) (evidence.TelemetryOptions, error) {
	opt := evidence.TelemetryOptions{Kind: evidence.TelemetryKind(o.kind), Strict: o.strict, Year: o.year, Workers: o.workers}
	kinds := make([]string, len(evidence.TelemetryKinds))
	for i, k := range evidence.TelemetryKinds {
		kinds[i] = string(k)
	}
	switch {
	case o.kind == "":
		return opt, usageError{fmt.Errorf("--kind is required: one of %s", strings.Join(kinds, ", "))}
	case !slices.Contains(kinds, o.kind):
		return opt, usageError{fmt.Errorf("--kind must be one of %s, got %q", strings.Join(kinds, ", "), o.kind)}
	case o.format != "text" && o.format != "json":
		return opt, usageError{fmt.Errorf("--format must be text or json, got %q", o.format)}
	case o.fields != "" && opt.Kind != evidence.KindJSONL:
		return opt, usageError{fmt.Errorf("--map is for --kind jsonl")}
	case o.fields == "" && opt.Kind == evidence.KindJSONL:
		return opt, usageError{errors.New(jsonlNeedsMap)}
	}
	if n := ingestCountStdin(o.files); n > 1 {
		return opt, usageError{fmt.Errorf(`standard input ("-") can be read once, got it %d times`, n)}
	}
	if opt.Kind == evidence.KindSSHD && opt.Year == 0 {
		opt.LastWritten = lastWritten(o.files)
	}
	if opt.Workers == 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	var m *model.Model
	if o.model != "" {
		var err error
		if m, err = loadModel(e, o.model); err != nil {
			return opt, err
		}
	}
	if err := classifiers(e, o.fields, o.assets, o.iocs, &opt); err != nil {
		return opt, err
	}
	if m != nil {
		if opt.Assets == nil {
			// No map: the model still gives the organisations of the
			// assets that jsonl records name.
			opt.Assets, _ = evidence.NewAssetMap("", nil)
		}
		if err := opt.Assets.Resolve(m); err != nil {
			return opt, err
		}
	}
	return opt, nil
}

// classifiers sets the options that classify lines: the jsonl field map
// (--map), the assets map (--assets) and the indicators (--iocs), for
// scrutin ingest and for a worker's live evidence.
func classifiers(e *env, fields, assets string, iocs []string, opt *evidence.TelemetryOptions) error {
	if fields != "" {
		fm, err := evidence.ParseFieldMap(fields)
		if err != nil {
			return usageError{fmt.Errorf("--map: %w", err)}
		}
		opt.Fields = fm
	}
	if assets != "" {
		f, err := os.Open(assets)
		if err != nil {
			return model.Errorf(model.EINVALID, "cannot read assets map %s: %v", assets, unwrapPath(err))
		}
		am, err := evidence.ParseAssetMap(assets, f)
		f.Close()
		if err != nil {
			return err
		}
		opt.Assets = am
	}
	if len(iocs) > 0 {
		inds, err := ingestIndicators(e, iocs)
		if err != nil {
			return err
		}
		opt.Matcher = ingestMatcher{evidence.NewMatcher(inds)}
	}
	return nil
}

func ingestCountStdin(files []string) int {
	n := 0
	for _, f := range files {
		if f == "-" {
			n++
		}
	}
	return n
}

// ingestMatcher puts evidence.Matcher behind the ingester's IndicatorMatcher.
type ingestMatcher struct{ m *evidence.Matcher }

func (m ingestMatcher) MatchIP(a netip.Addr) []attack.Indicator { return m.m.MatchIP(a).Indicators() }
func (m ingestMatcher) MatchDomain(d string) []attack.Indicator {
	return m.m.MatchDomain(d).Indicators()
}
func (m ingestMatcher) MatchHash(h string) []attack.Indicator { return m.m.MatchHash(h).Indicators() }

// MatchURL counts only URL indicators: the URL's host is matched as a
// domain already.
func (m ingestMatcher) MatchURL(u string) []attack.Indicator {
	if r := m.m.MatchURL(u); r.Type() == attack.IndicatorURL {
		return r.Indicators()
	}
	return nil
}

// ingestIndicators reads indicator files (attack.ParseIndicators: STIX 2
// bundles, MISP events, lists of values); actor names and aliases (Sofacy,
// Fancy Bear) become ATT&CK group ids where the embedded MISP galaxy knows
// them.
func ingestIndicators(e *env, files []string) ([]attack.Indicator, error) {
	// The embedded catalogue, which resolves the names, is parsed while
	// the first file is read.
	embedded := make(chan *attack.Catalog, 1)
	go func() {
		cat, _ := attack.Embedded() // without it (it is embedded), names stay as found
		embedded <- cat
	}()
	var cat *attack.Catalog
	var inds []attack.Indicator
	for i, name := range files {
		imp, err := ingestParseIndicators(e, name)
		if i == 0 {
			cat = <-embedded
		}
		if err != nil {
			return nil, err
		}
		if cat != nil {
			imp.ResolveActors(cat.ResolveName)
		}
		inds = append(inds, imp.Indicators...)
	}
	return inds, nil
}

func ingestParseIndicators(e *env, name string) (*attack.IndicatorImport, error) {
	if name == "-" {
		return attack.ParseIndicators(name, e.stdin)
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, model.Errorf(model.EINVALID, "cannot read %s: %v", name, unwrapPath(err))
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, model.Errorf(model.EINVALID, "cannot read %s: it is a directory", name)
	}
	return attack.ParseIndicators(name, f)
}

// ingestFile reads one input into in.
func ingestFile(ctx context.Context, in *evidence.Ingester, e *env, name string) error {
	if name == "-" {
		return in.Ingest(ctx, "<stdin>", e.stdin)
	}
	f, err := os.Open(name)
	if err != nil {
		return model.Errorf(model.EINVALID, "cannot read %s: %v", name, unwrapPath(err))
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return model.Errorf(model.EINVALID, "cannot read %s: it is a directory", name)
	}
	return in.Ingest(ctx, name, f)
}

// ingestProgress shows a progress bar on a terminal's standard error once
// the reading has taken more than a second: bytes of the inputs when their
// sizes are known, with the lines read and the lines per second.
type ingestProgress struct {
	e       *env
	start   time.Time
	total   int64 // bytes of all inputs; -1 when one is not a regular file
	done    int64 // bytes of the inputs finished
	current int64 // bytes read of the current input
	lines   int64 // lines of the inputs finished
	now     int64 // lines read of the current input
	mu      sync.Mutex
	bar     *progressbar.ProgressBar
}

func newIngestProgress(e *env, files []string) *ingestProgress {
	p := &ingestProgress{e: e, start: time.Now()}
	for _, f := range files {
		st, err := os.Stat(f)
		if f == "-" || err != nil || !st.Mode().IsRegular() {
			p.total = -1
			break
		}
		p.total += st.Size()
	}
	return p
}

func (p *ingestProgress) update(tp evidence.TelemetryProgress) {
	if !p.e.isTerminal {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.current, p.now = tp.Bytes, tp.Lines
	elapsed := time.Since(p.start)
	if p.bar == nil {
		if elapsed < progressDelay || tp.Done {
			return
		}
		p.bar = progressbar.NewOptions64(p.total,
			progressbar.OptionSetWriter(p.e.stderr),
			progressbar.OptionSetWidth(30),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
			progressbar.OptionSpinnerType(14),
		)
	}
	lines := p.lines + p.now
	p.bar.Describe(fmt.Sprintf("ingesting %s lines (%s lines/s)", ingestThousands(lines), ingestThousands(int64(float64(lines)/elapsed.Seconds()))))
	p.bar.Set64(p.done + p.current)
}

// next moves on to the next input.
func (p *ingestProgress) next() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done += p.current
	p.lines += p.now
	p.current, p.now = 0, 0
}

func (p *ingestProgress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		p.bar.Finish()
		p.bar = nil
	}
}

func ingestThousands(n int64) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
