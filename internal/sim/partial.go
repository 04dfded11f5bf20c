package sim

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/DataDog/sketches-go/ddsketch"
	"github.com/DataDog/sketches-go/ddsketch/store"

	"github.com/scrutin/scrutin/internal/model"
)

// Partial holds the statistics of blocks [First, Last) of a run: what one
// worker of a distributed run computes. The moments of each block are
// kept apart, so that Merge adds them in block order as Run does; the
// sketches, whose merge is exact and in any order, are one per scope.
type Partial struct {
	First, Last int64
	blocks      []blockStats
	sketches    []*ddsketch.DDSketch
}

// RunBlocks simulates blocks [first, last) of the run Run(m, opt) would
// do (Blocks(opt.Trials) blocks in all) and returns their statistics.
func RunBlocks(ctx context.Context, m *model.Model, opt Options, first, last int64) (*Partial, error) {
	if opt.Trials < 1 {
		return nil, model.Errorf(model.EINVALID, "the number of trials must be at least 1, got %d", opt.Trials)
	}
	if first < 0 || first >= last || last > Blocks(opt.Trials) {
		return nil, model.Errorf(model.EINVALID, "blocks [%d, %d) are not a range of the run's %d blocks", first, last, Blocks(opt.Trials))
	}
	e, _, err := prepare(m, opt)
	if err != nil {
		return nil, err
	}
	e.dense = true
	p := &Partial{First: first, Last: last, blocks: make([]blockStats, last-first)}
	p.sketches, err = e.runBlocks(ctx, opt, first, last, func(b int64, ms blockStats) { p.blocks[b-first] = ms })
	if err != nil {
		return nil, err
	}
	return p, nil
}

// prepare compiles m for opt, as Run does, and returns the controls in
// force.
func prepare(m *model.Model, opt Options) (*engine, []string, error) {
	inForce := opt.Controls
	if inForce == nil {
		inForce = m.Implemented()
	}
	e, err := compile(m, opt.Seed, inForce)
	if err != nil {
		return nil, nil, err
	}
	if err := e.fix(m, opt.Fix); err != nil {
		return nil, nil, err
	}
	return e, inForce, nil
}

// Merge assembles the result of Run(m, opt) from partials that cover its
// blocks exactly, in any order: the same result, bit for bit.
func Merge(m *model.Model, opt Options, parts []*Partial) (*Result, error) {
	if opt.Trials < 1 {
		return nil, model.Errorf(model.EINVALID, "the number of trials must be at least 1, got %d", opt.Trials)
	}
	e, inForce, err := prepare(m, opt)
	if err != nil {
		return nil, err
	}
	blocks := Blocks(opt.Trials)
	byFirst := map[int64]*Partial{}
	for _, p := range parts {
		if p.First < 0 || p.First >= p.Last || p.Last > blocks || int64(len(p.blocks)) != p.Last-p.First {
			return nil, fmt.Errorf("sim: partial of blocks [%d, %d) does not belong to a run of %d blocks", p.First, p.Last, blocks)
		}
		if _, dup := byFirst[p.First]; dup {
			return nil, fmt.Errorf("sim: two partials start at block %d", p.First)
		}
		byFirst[p.First] = p
	}
	acc := e.newAccumulator()
	var sketches []*ddsketch.DDSketch
	visited := 0
	for b := int64(0); b < blocks; visited++ {
		p, ok := byFirst[b]
		if !ok {
			return nil, fmt.Errorf("sim: no partial holds block %d of %d", b, blocks)
		}
		if len(p.sketches) != e.scopes() {
			return nil, fmt.Errorf("sim: partial of blocks [%d, %d) has %d scopes, the model %d", p.First, p.Last, len(p.sketches), e.scopes())
		}
		for i, bs := range p.blocks {
			want := min(BlockSize, opt.Trials-(b+int64(i))*BlockSize)
			if err := e.checkBlock(bs, want); err != nil {
				return nil, fmt.Errorf("sim: block %d: %w", b+int64(i), err)
			}
			acc.add(bs)
		}
		if sketches == nil {
			sketches = make([]*ddsketch.DDSketch, len(p.sketches))
			for i := range sketches {
				sketches[i] = newDenseSketch()
			}
		}
		for i, sk := range p.sketches {
			if err := sketches[i].MergeWith(sk); err != nil {
				return nil, err
			}
		}
		b = p.Last
	}
	if visited != len(byFirst) {
		return nil, fmt.Errorf("sim: partials overlap")
	}
	acc.sketches = sketches
	res := acc.result(m, opt)
	res.Controls = append([]string{}, inForce...)
	return res, nil
}

// tolerancesOf are the levels whose exceedances scope i counts.
func (e *engine) tolerancesOf(i int) []float64 {
	l := e.layout
	if i <= len(e.scenarios) || l == nil {
		return e.tolerance
	}
	if i >= l.portHarm {
		return l.harmTol[i-l.portHarm]
	}
	for si, s := range e.scenarios {
		if j := i - l.harmBase[si]; len(s.harms) > 0 && j >= 0 && j < len(s.harms) {
			return l.harmTol[s.harms[j].dim]
		}
	}
	return nil
}

// checkBlock checks a block's statistics against the engine's layout.
func (e *engine) checkBlock(bs blockStats, trials int64) error {
	if len(bs.moments) != e.scopes() {
		return fmt.Errorf("%d scopes, the model has %d", len(bs.moments), e.scopes())
	}
	windows := 0
	if e.layout != nil {
		windows = e.layout.windows
	}
	if len(bs.windows) != windows {
		return fmt.Errorf("%d window counts, the model has %d", len(bs.windows), windows)
	}
	for i, m := range bs.moments {
		if m.N != trials {
			return fmt.Errorf("scope %d holds %d trials, want %d", i, m.N, trials)
		}
		if len(m.Exceed) != len(e.tolerancesOf(i)) {
			return fmt.Errorf("scope %d has %d tolerance counts, want %d", i, len(m.Exceed), len(e.tolerancesOf(i)))
		}
	}
	return nil
}

// The binary form of a Partial: "SCRUTINP", version 1, then varints and
// float64 bits, little-endian.
const (
	partialMagic   = "SCRUTINP"
	partialVersion = 1
)

// MarshalBinary encodes the partial for another process (a worker's
// answer).
func (p *Partial) MarshalBinary() ([]byte, error) {
	b := []byte(partialMagic)
	b = binary.AppendUvarint(b, partialVersion)
	b = binary.AppendVarint(b, p.First)
	b = binary.AppendVarint(b, p.Last)
	b = binary.AppendUvarint(b, uint64(len(p.sketches)))
	for _, bs := range p.blocks {
		b = binary.AppendUvarint(b, uint64(len(bs.moments)))
		for _, m := range bs.moments {
			b = binary.AppendVarint(b, m.N)
			for _, f := range []float64{m.Sum, m.Mean, m.M2, m.Max} {
				b = binary.LittleEndian.AppendUint64(b, math.Float64bits(f))
			}
			b = binary.AppendVarint(b, m.Zeros)
			b = binary.AppendVarint(b, m.Events)
			b = binary.AppendUvarint(b, uint64(len(m.Exceed)))
			for _, x := range m.Exceed {
				b = binary.AppendVarint(b, x)
			}
		}
		b = binary.AppendUvarint(b, uint64(len(bs.windows)))
		for _, w := range bs.windows {
			b = binary.AppendVarint(b, w.Events)
			b = binary.AppendVarint(b, w.Trials)
		}
	}
	for _, sk := range p.sketches {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(sk.GetZeroCount()))
		for _, st := range []store.Store{sk.GetPositiveValueStore(), sk.GetNegativeValueStore()} {
			var bins []byte
			n := 0
			st.ForEach(func(index int, count float64) bool {
				bins = binary.AppendVarint(bins, int64(index))
				bins = binary.LittleEndian.AppendUint64(bins, math.Float64bits(count))
				n++
				return false
			})
			b = binary.AppendUvarint(b, uint64(n))
			b = append(b, bins...)
		}
	}
	return b, nil
}

// errPartial is the error of a partial that cannot be decoded.
var errPartial = errors.New("sim: malformed partial")

// UnmarshalBinary decodes what MarshalBinary encoded. Every count is
// checked against the bytes left before anything is allocated, so a
// malformed input costs no more memory than its size.
func (p *Partial) UnmarshalBinary(data []byte) error {
	d := decoder{b: data}
	if len(data) < len(partialMagic) || string(data[:len(partialMagic)]) != partialMagic {
		return fmt.Errorf("%w: not a partial", errPartial)
	}
	d.b = d.b[len(partialMagic):]
	if v := d.uvarint(); v != partialVersion {
		return fmt.Errorf("%w: version %d, this scrutin reads %d", errPartial, v, partialVersion)
	}
	first, last := d.varint(), d.varint()
	scopes := d.count(1)
	if d.err != nil || first < 0 || last <= first || last-first > int64(len(d.b)) {
		return fmt.Errorf("%w: blocks [%d, %d)", errPartial, first, last)
	}
	out := Partial{First: first, Last: last, blocks: make([]blockStats, last-first)}
	for i := range out.blocks {
		n := d.count(1)
		if n != scopes {
			return fmt.Errorf("%w: block %d has %d scopes, want %d", errPartial, first+int64(i), n, scopes)
		}
		ms := make([]moments, n)
		for j := range ms {
			m := &ms[j]
			m.N = d.varint()
			m.Sum, m.Mean, m.M2, m.Max = d.float(), d.float(), d.float(), d.float()
			m.Zeros, m.Events = d.varint(), d.varint()
			m.Exceed = make([]int64, d.count(1))
			for k := range m.Exceed {
				m.Exceed[k] = d.varint()
			}
		}
		ws := make([]windowCount, d.count(2))
		for j := range ws {
			ws[j] = windowCount{Events: d.varint(), Trials: d.varint()}
		}
		if len(ws) == 0 {
			ws = nil
		}
		out.blocks[i] = blockStats{moments: ms, windows: ws}
	}
	mapping := newSketch().IndexMapping
	lo, hi := mapping.Index(mapping.MinIndexableValue()), mapping.Index(mapping.MaxIndexableValue())
	for range scopes {
		// Sparse stores: a bin costs memory only if it is in the input.
		sk := ddsketch.NewDDSketch(mapping, store.NewSparseStore(), store.NewSparseStore())
		if z := d.float(); validCount(z) {
			sk.AddWithCount(0, z)
		} else if z != 0 {
			return fmt.Errorf("%w: zero count %v", errPartial, z)
		}
		for _, st := range []store.Store{sk.GetPositiveValueStore(), sk.GetNegativeValueStore()} {
			for range d.count(9) {
				index, count := d.varint(), d.float()
				if d.err != nil {
					break
				}
				if index < int64(lo) || index > int64(hi) || !validCount(count) {
					return fmt.Errorf("%w: sketch bin %d with count %v", errPartial, index, count)
				}
				st.AddWithCount(int(index), count)
			}
		}
		out.sketches = append(out.sketches, sk)
	}
	if d.err != nil {
		return fmt.Errorf("%w: %v", errPartial, d.err)
	}
	if len(d.b) != 0 {
		return fmt.Errorf("%w: %d bytes after the end", errPartial, len(d.b))
	}
	*p = out
	return nil
}

// validCount reports whether c is a count of trials: a whole number from
// 1 to 2⁵³.
func validCount(c float64) bool { return c >= 1 && c <= 1<<53 && c == math.Trunc(c) }

// decoder reads a partial, remembering its first error.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errors.New("truncated")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err = errors.New("truncated")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) float() float64 {
	if d.err != nil {
		return 0
	}
	if len(d.b) < 8 {
		d.err = errors.New("truncated")
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(d.b))
	d.b = d.b[8:]
	return v
}

// count reads a count of items of at least size bytes each, refusing one
// the bytes left cannot hold.
func (d *decoder) count(size int) int {
	v := d.uvarint()
	if d.err == nil && v > uint64(len(d.b)/size) {
		d.err = fmt.Errorf("a count of %d items with %d bytes left", v, len(d.b))
		return 0
	}
	return int(v)
}
