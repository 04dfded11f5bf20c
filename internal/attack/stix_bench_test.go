package attack

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// fullSize is about the size of MITRE's enterprise-attack.json (v18.1):
// the import of a full Enterprise bundle must take at most 2 s.
const fullSize = 35 << 20

// copied are the object types the synthetic bundle replicates; tactics, the
// matrix, the identity and the marking stay single, as in the real bundle.
var copied = map[string]bool{
	"attack-pattern": true, "course-of-action": true, "intrusion-set": true, "campaign": true,
	"malware": true, "tool": true, "relationship": true,
}

var (
	stixIDPattern   = regexp.MustCompile(`^([a-z0-9-]+)--([0-9a-f]{8})(-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$`)
	attackIDPattern = regexp.MustCompile(`^([A-Z]+)([0-9]{4})(\.[0-9]{3})?$`)
)

// synthBundle builds a STIX bundle of at least size bytes from the embedded
// Enterprise ATT&CK bundle: its objects, then copies of the objects of the copied
// types with fresh STIX ids (consistently rewritten in every reference)
// and fresh ATT&CK ids (G2000 …, T2000.001 …), so that each copy adds as
// many actors, techniques, mitigations and relationships as the bundle
// holds instead of merging with it. It returns the bundle and the number
// of copies (the original counting as one).
func synthBundle(tb testing.TB, size int) ([]byte, int) {
	tb.Helper()
	src, err := EmbeddedBundle()
	if err != nil {
		tb.Fatal(err)
	}
	var b struct {
		Type    string           `json:"type"`
		ID      string           `json:"id"`
		Objects []map[string]any `json:"objects"`
	}
	if err := json.Unmarshal(src, &b); err != nil {
		tb.Fatal(err)
	}
	// ATT&CK ids are renumbered by their rank within their prefix.
	rank := map[string]map[string]int{}
	for _, o := range b.Objects {
		if !copied[o["type"].(string)] {
			continue
		}
		for _, r := range externalRefs(o) {
			if m := attackIDPattern.FindStringSubmatch(r["external_id"].(string)); m != nil {
				if rank[m[1]] == nil {
					rank[m[1]] = map[string]int{}
				}
				if _, ok := rank[m[1]][m[2]]; !ok {
					rank[m[1]][m[2]] = len(rank[m[1]])
				}
			}
		}
	}
	var out bytes.Buffer
	out.WriteString(`{"type":"bundle","id":"bundle--00000000-0000-4000-8000-000000000001","objects":[`)
	first := true
	write := func(o any) {
		if !first {
			out.WriteByte(',')
		}
		first = false
		raw, err := json.Marshal(o)
		if err != nil {
			tb.Fatal(err)
		}
		out.Write(raw)
	}
	for _, o := range b.Objects {
		write(o)
	}
	copies := 1
	for ; out.Len() < size; copies++ {
		k := copies
		for _, o := range b.Objects {
			if !copied[o["type"].(string)] {
				continue
			}
			c := rewrite(o, k).(map[string]any)
			for _, r := range externalRefs(c) {
				id := r["external_id"].(string)
				if m := attackIDPattern.FindStringSubmatch(id); m != nil && rank[m[1]] != nil {
					n := 2000 + rank[m[1]][m[2]] + len(rank[m[1]])*(k-1)
					r["external_id"] = fmt.Sprintf("%s%04d%s", m[1], n, m[3])
				}
			}
			write(c)
		}
	}
	out.WriteString("]}")
	return out.Bytes(), copies
}

func externalRefs(o map[string]any) []map[string]any {
	refs, _ := o["external_references"].([]any)
	var out []map[string]any
	for _, r := range refs {
		if m, ok := r.(map[string]any); ok && m["source_name"] == "mitre-attack" {
			if _, ok := m["external_id"].(string); ok {
				out = append(out, m)
			}
		}
	}
	return out
}

// rewrite returns a deep copy of v in which every STIX id of a copied type
// has its first UUID group replaced by copy k's.
func rewrite(v any, k int) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for key, x := range v {
			out[key] = rewrite(x, k)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = rewrite(x, k)
		}
		return out
	case string:
		if m := stixIDPattern.FindStringSubmatch(v); m != nil && copied[m[1]] {
			return fmt.Sprintf("%s--%08x%s", m[1], uint32(k)*0x01000193^hex32(m[2]), m[3])
		}
	}
	return v
}

func hex32(s string) uint32 {
	var n uint32
	fmt.Sscanf(s, "%x", &n)
	return n
}

var synthOut = flag.String("synth", "", "TestSynthBundleRealistic also writes the synthetic 35 MB bundle to this file")

var synth struct {
	once   sync.Once
	data   []byte
	copies int
}

func fullBundle(tb testing.TB) ([]byte, int) {
	synth.once.Do(func() { synth.data, synth.copies = synthBundle(tb, fullSize) })
	return synth.data, synth.copies
}

// TestSynthBundleRealistic checks the synthetic bundle the benchmark reads:
// its size, and that each copy adds its own objects (fresh ids) rather
// than merging with the others.
func TestSynthBundleRealistic(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 35 MB bundle")
	}
	data, copies := fullBundle(t)
	if *synthOut != "" {
		if err := os.WriteFile(*synthOut, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	raw, err := EmbeddedBundle()
	if err != nil {
		t.Fatal(err)
	}
	if len(data) < fullSize || len(data) > fullSize+len(raw)+1<<20 {
		t.Errorf("synthetic bundle is %d bytes, want about %d", len(data), fullSize)
	}
	sub, err := ParseCatalog(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c, err := ParseCatalog(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d bytes, %d copies: %d objects, %s; %d relationships", len(data), copies, c.Stats.Objects, c.Summary(), c.Stats.Relationships)
	for _, w := range c.Stats.Warnings {
		t.Errorf("warning: %s", w)
	}
	check := func(what string, got, per int) {
		t.Helper()
		if got != per*copies {
			t.Errorf("%s: %d, want %d × %d copies", what, got, per, copies)
		}
	}
	check("actors", len(c.Actors), len(sub.Actors))
	check("techniques", len(c.Techniques), len(sub.Techniques))
	check("mitigations", len(c.Mitigations), len(sub.Mitigations))
	check("campaigns", len(c.Campaigns), len(sub.Campaigns))
	check("relationships", c.Stats.Relationships, sub.Stats.Relationships)
	check("revoked", c.Stats.Revoked, sub.Stats.Revoked)
	if len(c.Tactics) != 14 {
		t.Errorf("%d tactics, want 14", len(c.Tactics))
	}
	// A copy's APT28 uses as many techniques as the original, under its
	// own ids.
	orig := sub.Actor("G0007")
	n := 0
	for i := range c.Actors {
		a := &c.Actors[i]
		if a.Name != orig.Name {
			continue
		}
		n++
		if got, want := len(c.ActorTechniques(a)), len(sub.ActorTechniques(orig)); got != want {
			t.Errorf("%s %s uses %d techniques, want %d", a.ID, a.Name, got, want)
		}
	}
	if n != copies {
		t.Errorf("%d actors named %s, want %d", n, orig.Name, copies)
	}
	if !slices.ContainsFunc(c.Techniques, func(t Technique) bool { return strings.HasPrefix(t.ID, "T2") && t.Parent != "" }) {
		t.Error("no renumbered sub-technique with a parent")
	}
}

// BenchmarkParseFull imports a synthetic Enterprise-sized (35 MB) bundle:
//
//	go test -run '^$' -bench BenchmarkParseFull -benchtime 5x -count 3 ./internal/attack/
//
// It reports, besides the wall-clock time, the CPU time of the process per
// import (cpu-s/op): on a shared machine the wall clock also counts time
// the process waited for a core.
func BenchmarkParseFull(b *testing.B) {
	data, _ := fullBundle(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	n := 0
	for b.Loop() {
		if _, err := ParseCatalog(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(n), "cpu-s/op")
}

// cpuTime is the user and system CPU time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkParseSubset imports the embedded Enterprise bundle (7 MB).
func BenchmarkParseSubset(b *testing.B) {
	data, err := EmbeddedBundle()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseCatalog(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}
