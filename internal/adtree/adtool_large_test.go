package adtree

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

var (
	large    = flag.Bool("large", false, "run TestLargeTree: parse and evaluate a 1,000,000-node ADTool file")
	largeXML = flag.String("large.xml", "", "the file TestLargeTree reads (written first if missing; default: a temporary file)")
)

// writeLargeADTool writes an ADTool tree of about n <node> elements without
// sharing: gates of 2 to 4 children, and and or mixed, random costs and
// probabilities, and a defence under about one leaf in a thousand, every
// other one countered by a counter-attack.
func writeLargeADTool(w io.Writer, n int, seed uint64) error {
	rng := rand.New(rand.NewPCG(seed, 1))
	// The shape, breadth first: kids[i] is how many children node i has.
	kids := make([]uint8, 1, n)
	for next := 0; len(kids) < n; next++ {
		k := 2 + rng.IntN(3)
		kids[next] = uint8(k)
		for range k {
			kids = append(kids, 0)
		}
	}
	// first[i] is the index of node i's first child.
	first := make([]int32, len(kids))
	for i, c := 0, int32(1); i < len(kids); i++ {
		first[i] = c
		c += int32(kids[i])
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	bw.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<adtree>\n")
	var buf []byte
	leaf := func(b []byte, depth int, role Role) []byte {
		cost := 1 + rng.IntN(10000)
		prob := rng.Float64()
		b = indent(b, depth)
		b = append(b, "<parameter domainId=\"MinCost1\" category=\"basic\">"...)
		if role == Defence && rng.IntN(2) == 0 {
			b = append(b, "Infinity"...)
		} else {
			b = strconv.AppendInt(b, int64(cost), 10)
		}
		b = append(b, "</parameter>\n"...)
		b = indent(b, depth)
		b = append(b, "<parameter domainId=\"ProbSucc1\" category=\"basic\">"...)
		b = strconv.AppendFloat(b, float64(int(prob*1000))/10000, 'f', -1, 64) // at most 0.1
		return append(b, "</parameter>\n"...)
	}
	open := func(b []byte, depth int, ref string, counter bool, label string, id int) []byte {
		b = indent(b, depth)
		b = append(b, "<node refinement=\""...)
		b = append(b, ref...)
		if counter {
			b = append(b, "\" switchRole=\"yes"...)
		}
		b = append(b, "\">\n"...)
		b = indent(b, depth+1)
		b = append(b, "<label>"...)
		b = append(b, label...)
		b = strconv.AppendInt(b, int64(id), 10)
		return append(b, "</label>\n"...)
	}
	closeNode := func(b []byte, depth int) []byte {
		b = indent(b, depth)
		return append(b, "</node>\n"...)
	}
	type item struct {
		i     int32
		depth int
		close bool
	}
	stack := []item{{i: 0, depth: 1}}
	defences := 0
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		buf = buf[:0]
		if it.close {
			buf = closeNode(buf, it.depth)
			bw.Write(buf)
			continue
		}
		i := it.i
		ref := "disjunctive"
		if rng.IntN(2) == 0 {
			ref = "conjunctive"
		}
		buf = open(buf, it.depth, ref, false, "Step ", int(i))
		if kids[i] == 0 {
			buf = leaf(buf, it.depth+1, Attack)
			if rng.IntN(1000) == 0 {
				defences++
				buf = open(buf, it.depth+1, "disjunctive", true, "Defence ", defences)
				buf = leaf(buf, it.depth+2, Defence)
				if defences%2 == 0 {
					buf = open(buf, it.depth+2, "disjunctive", true, "Counter-attack ", defences)
					buf = leaf(buf, it.depth+3, Attack)
					buf = closeNode(buf, it.depth+2)
				}
				buf = closeNode(buf, it.depth+1)
			}
			buf = closeNode(buf, it.depth)
			bw.Write(buf)
			continue
		}
		bw.Write(buf)
		stack = append(stack, item{i: i, depth: it.depth, close: true})
		for c := int32(kids[i]) - 1; c >= 0; c-- {
			stack = append(stack, item{i: first[i] + c, depth: it.depth + 1})
		}
	}
	bw.WriteString("\t<domain id=\"MinCost1\">\n\t\t<class>" + ClassMinCost + "</class>\n\t\t<tool>ADTool2</tool>\n\t</domain>\n")
	bw.WriteString("\t<domain id=\"ProbSucc1\">\n\t\t<class>" + ClassProbSucc + "</class>\n\t\t<tool>ADTool2</tool>\n\t</domain>\n")
	bw.WriteString("</adtree>\n")
	return bw.Flush()
}

// largeFile returns the path of the 1,000,000-node file, written if need be.
func largeFile(tb testing.TB, path string) string {
	tb.Helper()
	if path == "" {
		path = filepath.Join(tb.TempDir(), "large.xml")
	}
	if _, err := os.Stat(path); err == nil {
		return path
	}
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	if err := writeLargeADTool(f, 1_000_000, 42); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return path
}

// parseEvaluate is what the speed requirement times: read the file, then
// the minimal cost and the probability of success.
func parseEvaluate(tb testing.TB, path string) (*ADToolTree, *Result, time.Duration) {
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	start := time.Now()
	x, err := ParseADTool(f)
	if err != nil {
		tb.Fatal(err)
	}
	parsed := time.Since(start)
	r := EvaluateFigures(x.Tree, Context{})
	if r.MinCost == nil || r.Probability == nil {
		tb.Fatalf("no figures: %+v", r)
	}
	return x, r, parsed
}

// TestLargeTree parses and evaluates a 1,000,000-node ADTool file: the
// speed and memory requirement (≤ 3 s, ≤ 1 GB resident on 2 cores). Run it
// with
//
//	go test -c -o /tmp/adtree.test ./internal/adtree/
//	/tmp/adtree.test -test.run TestLargeTree -large -large.xml /tmp/large.xml   # writes the file
//	/usr/bin/time -v /tmp/adtree.test -test.run TestLargeTree -large -large.xml /tmp/large.xml -test.v
//
// and read "Maximum resident set size" (the second run only reads the
// file: the first one also writes it).
func TestLargeTree(t *testing.T) {
	if !*large {
		t.Skip("run with -large")
	}
	path := largeFile(t, *largeXML)
	runtime.GC()
	start := time.Now()
	x, r, parsed := parseEvaluate(t, path)
	total := time.Since(start)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	info, _ := os.Stat(path)
	t.Logf("%d bytes, %d nodes read in %v; parse and evaluate %v; min cost %v, probability %.6g; heap in use %d MiB, from the OS %d MiB",
		info.Size(), len(x.Tree.Nodes()), parsed.Round(time.Millisecond), total.Round(time.Millisecond),
		*r.MinCost, *r.Probability, ms.HeapInuse>>20, ms.Sys>>20)
}

// BenchmarkParseEvaluate1M reads and evaluates (minimal cost and
// probability) a 1,000,000-node ADTool file written once before timing.
func BenchmarkParseEvaluate1M(b *testing.B) {
	path := largeFile(b, *largeXML)
	info, _ := os.Stat(path)
	b.SetBytes(info.Size())
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		parseEvaluate(b, path)
	}
}

// BenchmarkParseADTool1M reads the same file without evaluating it.
func BenchmarkParseADTool1M(b *testing.B) {
	path := largeFile(b, *largeXML)
	info, _ := os.Stat(path)
	b.SetBytes(info.Size())
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := ParseADTool(f); err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
}

func ExampleParseADTool() {
	x, err := ParseADTool(strings.NewReader(`<adtree>
	<node refinement="conjunctive">
		<label>Leak the mail</label>
		<node refinement="disjunctive"><label>Phish</label><parameter domainId="C" category="basic">1000</parameter></node>
		<node refinement="disjunctive"><label>Publish</label><parameter domainId="C" category="basic">200</parameter></node>
	</node>
	<domain id="C"><class>lu.uni.adtool.domains.adtpredefined.MinCost</class><tool>ADTool2</tool></domain>
</adtree>`))
	if err != nil {
		fmt.Println(err)
		return
	}
	r := EvaluateFigures(x.Tree, Context{})
	fmt.Println(x.Tree.Root.ID, *r.MinCost)
	// Output: leak-the-mail 1200
}
