package model

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var shapesDir = flag.String("shapes", "", "write the hostile shapes and the large valid models (4 MiB at most each) to this directory, for measuring the command line")

// shape is a document built to make a YAML parser do work out of
// proportion to its size.
type shape struct {
	name string
	// build returns the shape, of about size bytes, to follow the keys
	// of a valid model (hostileModel).
	build func(size int) string
	// want is what the problem that refuses it says; "" when it is
	// within the bounds (a model that must decode).
	want string
}

// repeatTo repeats unit until the text is about size bytes long.
func repeatTo(unit string, size int) string {
	return strings.Repeat(unit, max(1, size/len(unit)))
}

// nested returns lines, each indented by step spaces more than the one
// before, to a total of about size bytes.
func nested(size, step int, line func(i int) string) string {
	var b strings.Builder
	for i := 0; b.Len() < size; i++ {
		b.WriteString(strings.Repeat(" ", (i+1)*step))
		b.WriteString(line(i))
		b.WriteByte('\n')
	}
	return b.String()
}

// lines returns line(0), line(1), … to a total of about size bytes.
func lines(size int, line func(i int) string) string {
	var b strings.Builder
	for i := 0; b.Len() < size; i++ {
		b.WriteString(line(i))
	}
	return b.String()
}

// hostileShapes are the shapes of documents that made the YAML parser
// take time or memory out of proportion to their size (quadratic in the
// depth of block sequences, in the keys of one mapping, in the empty
// values, in the length of paths; linear but ~250 bytes a token), each
// under an ignored x- key of an otherwise valid model, so that only the
// bounds can refuse them.
var hostileShapes = []shape{
	{"block sequences on one line", func(size int) string {
		return "x-deep:\n  " + repeatTo("- ", size) + "x\n"
	}, "nested too deeply"},
	{"block sequences on lines", func(size int) string {
		return "x-deep:\n" + nested(size, 2, func(int) string { return "-" })
	}, "nested too deeply"},
	{"block mappings by indentation", func(size int) string {
		return "x-deep:\n" + nested(size, 1, func(int) string { return "k:" })
	}, "nested too deeply"},
	{"compact mappings in sequences", func(size int) string {
		return "x-deep:\n" + nested(size, 2, func(int) string { return "- k:" })
	}, "nested too deeply"},
	{"explicit keys", func(size int) string {
		return "x-deep:\n  " + repeatTo("? ", size) + "x\n"
	}, "nested too deeply"},
	{"flow sequences", func(size int) string {
		n := size / 2
		return "x-deep: " + strings.Repeat("[", n) + strings.Repeat("]", n) + "\n"
	}, "nested too deeply"},
	{"flow mappings", func(size int) string {
		n := size / 5
		return "x-deep: " + strings.Repeat("{a: ", n) + "1" + strings.Repeat("}", n) + "\n"
	}, "nested too deeply"},
	{"many keys", func(size int) string {
		return "x-keys:\n" + lines(size, func(i int) string { return fmt.Sprintf("  k%d: 1\n", i) })
	}, fmt.Sprintf("a mapping has more than %d keys", MaxKeys)},
	{"many keys in flow", func(size int) string {
		return "x-keys: {" + lines(size, func(i int) string { return fmt.Sprintf("k%d: 1, ", i) }) + "}\n"
	}, fmt.Sprintf("a mapping has more than %d keys", MaxKeys)},
	{"many empty values", func(size int) string {
		return "x-empty:\n" + repeatTo("  -\n", size)
	}, fmt.Sprintf("more than %d empty values", MaxEmpty)},
	{"many flow items", func(size int) string {
		return "x-items: [" + repeatTo("1,", size) + "1]\n"
	}, "this top-level entry or list item is too large"},
	{"many empty flow collections", func(size int) string {
		return "x-items: [" + repeatTo("[],{},", size) + "1]\n"
	}, "this top-level entry or list item is too large"},
	{"many block items", func(size int) string {
		return "x-items:\n" + repeatTo("- 1\n", size)
	}, fmt.Sprintf("more than %d YAML tokens", MaxTokens)},
	{"many anchors and aliases", func(size int) string {
		return "x-anchors:\n" + repeatTo("- &a x\n", size/2) + "x-aliases:\n" + repeatTo("- *a\n", size/2)
	}, "the anchored values (&) of the model add up to more than"},
	{"many tags", func(size int) string {
		return "x-tags:\n" + repeatTo("- !a a\n", size)
	}, fmt.Sprintf("more than %d YAML tokens", MaxTokens)},
	{"many unclosed quotes", func(size int) string {
		return "x-quotes:\n" + repeatTo("- \"a\n", size)
	}, fmt.Sprintf("more than %d YAML tokens", MaxTokens)},
	{"many comments", func(size int) string {
		return repeatTo("#\n", size)
	}, fmt.Sprintf("more than %d YAML tokens", MaxPartTokens)},
	{"many documents", func(size int) string {
		return repeatTo("---\n", size)
	}, "too large to read whole"},
	{"long plain line", func(size int) string {
		return "x-long: " + repeatTo("a", size) + "\n"
	}, "this line is longer than 256 KiB"},
	{"long quoted line", func(size int) string {
		return `x-long: "` + repeatTo(`\u00e9\"`, size) + "\"\n"
	}, "this line is longer than 256 KiB"},
	{"long multi-line plain scalar", func(size int) string {
		return "x-long: a\n" + repeatTo("  a\n", size)
	}, "this text is longer than 256 KiB"},
	{"long multi-line quoted scalar", func(size int) string {
		return "x-long: 'a\n" + repeatTo("  a\n", size) + "'\n"
	}, "this text is longer than 256 KiB"},
	{"long literal block", func(size int) string {
		return "x-long: |\n" + repeatTo("  line of text\n", size)
	}, "this text is longer than 256 KiB"},
	{"long keys nested", func(size int) string {
		key := strings.Repeat("k", size/100)
		return "x-deep:\n" + nested(size, 1, func(int) string { return key + ":" })
	}, "the paths to the model's values add up to more than 32 MiB"},
	{"long key over many items", func(size int) string {
		return "x-" + strings.Repeat("k", 200_000) + ":\n" + repeatTo("  - 1\n", size-200_000)
	}, "the paths to the model's values add up to more than 32 MiB"},
}

// boundShapes are documents just within the bounds, each as costly as
// the bounds let it be for the parser: they must decode, in time and
// memory in proportion to their size.
var boundShapes = []shape{
	{"block items up to the token bound", func(size int) string {
		return "x-items:\n" + repeatTo("- 1\n", min(size, (MaxTokens-10_000)*4/3)) // 3 tokens, a line's included, in 4 bytes
	}, ""},
	{"a flow collection up to the part bound", func(size int) string {
		return "x-items: [" + repeatTo("1,", min(size, MaxPartTokens-1000)) + "1]\n"
	}, ""},
	{"mappings of 200 keys", func(size int) string {
		return "x-maps:\n" + lines(min(size, (MaxTokens-10_000)/4*10), func(int) string {
			var b strings.Builder
			for k := range MaxKeys {
				fmt.Fprintf(&b, "    k%03d: 1\n", k)
			}
			return "  -" + b.String()[3:]
		})
	}, ""},
	{"nesting 100 levels deep", func(size int) string {
		return "x-deep:\n" + lines(size, func(int) string {
			var b strings.Builder
			b.WriteString("  -\n")
			for d := 1; d < MaxDepth-2; d++ {
				b.WriteString(strings.Repeat(" ", 3+d) + "k:\n")
			}
			return b.String() + strings.Repeat(" ", MaxDepth+1) + "k: 1\n"
		})
	}, ""},
	{"1000 empty values in a large flow collection", func(size int) string {
		return "x-items: [" + repeatTo("{a: },", 6*(MaxEmpty-10)) + repeatTo("1,", min(size, MaxPartTokens-20_000)) + "1]\n"
	}, ""},
	{"long lines", func(size int) string {
		return lines(size, func(i int) string { return fmt.Sprintf("x-long-%d: %s\n", i, strings.Repeat("a", MaxLine-100)) })
	}, ""},
	{"long literal blocks", func(size int) string {
		return lines(size, func(i int) string {
			return fmt.Sprintf("x-long-%d: |\n", i) + repeatTo("  line of text\n", MaxScalar-100)
		})
	}, ""},
	{"anchors and aliases up to the bounds", func(size int) string {
		anchors := "x-anchors:\n" + lines(MaxAnchored/3*9, func(i int) string { return fmt.Sprintf("- &a%d x\n", i) })
		return anchors + "x-aliases:\n" + repeatTo("- *a0\n", min(size-len(anchors), (MaxTokens-MaxAnchored*5/3-10_000)*6/4))
	}, ""},
	{"comments in block items", func(size int) string {
		return "x-items:\n" + repeatTo("- 1\n"+strings.Repeat("#\n", 20), min(size, (MaxTokens-10_000)*44/43))
	}, ""},
}

// modelHead is a small valid model, to which the shapes add x- keys.
const modelHead = "scrutin: 1\nname: Hostile\ncurrency: EUR\n" +
	"organizations: [{id: o, name: O, kind: party}]\n" +
	"assets: [{id: a, org: o, name: A, kind: email}]\n" +
	"actors: [{id: x, name: X}]\n" +
	"scenarios: [{id: s, name: S, actor: x, assets: [a], effect: integrity, frequency: 1, vulnerability: 0.5, magnitude: 1}]\n"

// hostileModel is a model of at most size bytes that is valid but for the
// shape under its x- keys (or after them): the shape alone decides whether
// it is refused.
func hostileModel(s shape, size int) []byte {
	src := modelHead + s.build(size-len(modelHead)-16)
	if len(src) > size {
		src = src[:size]
		if s.want == "" {
			src = src[:strings.LastIndexByte(src, '\n')+1] // whole lines of a valid model
		}
	}
	return []byte(src)
}

// shapeFile is the file name of a shape.
func shapeFile(s shape) string { return strings.ReplaceAll(s.name, " ", "-") + ".yaml" }

// TestWriteShapes writes the shapes and the large valid models to the
// directory given with -shapes, for measuring the command line:
//
//	go test ./internal/model/ -run TestWriteShapes -shapes /tmp/shapes
//	for f in /tmp/shapes/*.yaml; do /usr/bin/time -v scrutin validate $f; done
func TestWriteShapes(t *testing.T) {
	if *shapesDir == "" {
		t.Skip("no -shapes directory")
	}
	if err := os.MkdirAll(*shapesDir, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name string, src []byte) {
		if err := os.WriteFile(filepath.Join(*shapesDir, name), src, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range hostileShapes {
		write("hostile-"+shapeFile(s), hostileModel(s, MaxSize))
	}
	for _, s := range boundShapes {
		write("bound-"+shapeFile(s), hostileModel(s, MaxSize))
	}
	write("large-model.yaml", largeModel(4_000_000))
	write("large-dense-model.yaml", denseModel(4_000_000))
}
