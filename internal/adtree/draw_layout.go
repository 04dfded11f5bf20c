package adtree

import (
	"math"
	"slices"
	"sort"
)

// Layout constants, in SVG user units (pixels).
const (
	drawSiblingGap = 18.0 // between boxes of one parent
	drawCousinGap  = 30.0 // between boxes of different parents
	drawLayerGap   = 48.0 // between the bottom of a layer and the top of the next
	// Dummy vertices stand in for long edges, one a layer, so that these
	// bend round the boxes; past this many per node, long edges are drawn
	// straight instead so that odd DAGs cannot blow the layout up.
	drawDummiesPerNode = 4
	drawDummiesBase    = 256
	drawSweeps         = 4 // barycentre sweeps down and up
)

// drawLayout is a layered top-down layout of a drawing. Vertices 0..n-1
// are the drawing's nodes, in the same order; the others are dummy
// vertices on long edges.
type drawLayout struct {
	n     int
	layer []int
	x     []float64 // centre
	w     []float64 // width (0 for dummies)
	h     []float64 // height of the nodes' boxes
	down  [][]int   // vertices on the next layer joined to this one
	up    [][]int
	order [][]int // vertices of each layer, left to right
	pos   []int   // place of each vertex in its layer
	// top and height of each layer; boxes hang from the top of theirs.
	top, height []float64
	// chains[k] lists the vertices edge k of the drawing passes through,
	// from its parent to its child; a long edge past the dummy budget has
	// none and is drawn as one curve.
	chains [][]int
	// seq lists, for a sequential gate, the vertices its edges reach on
	// the next layer, in order; ordering keeps them left to right.
	seq    [][]int
	parent []int   // layout parent of each vertex (the root's is -1)
	width  float64 // overall extent; x runs from 0 to width
	bottom float64
}

// layoutDrawing lays d out with boxes of the given widths and heights:
//
//  1. each node goes on the layer of its longest path from the root, so a
//     shared node sits below all its parents, and long edges get a dummy
//     vertex on every layer they cross;
//  2. nodes are ordered within layers by a depth-first walk (children in
//     order, then countermeasures), then barycentre sweeps down and up
//     reorder them, the order with the fewest crossings winning (a tree
//     keeps its depth-first order, which has none);
//  3. every vertex but the root gets a layout parent, the median of its
//     upper neighbours (real nodes before dummies), and each layer is
//     regrouped by layout parent, which makes the layers the depth-first
//     order of a tree (see group);
//  4. a tidy-tree placement (Reingold and Tilford's contours) puts each
//     parent centred over its layout children and shifts subtrees apart
//     just enough that no two boxes on a layer come closer than the gap;
//     then dummies move towards the straight line of their edge within
//     the room their neighbours leave.
func layoutDrawing(d *drawing, w, h []float64) *drawLayout {
	n := len(d.nodes)
	L := &drawLayout{n: n, w: append([]float64(nil), w...), h: h}
	L.assignLayers(d)
	L.addEdges(d)
	L.initialOrder()
	L.reduceCrossings()
	L.group()
	L.place()
	L.verticals()
	return L
}

func (L *drawLayout) assignLayers(d *drawing) {
	n := L.n
	L.layer = make([]int, n)
	indeg := make([]int, n)
	out := make([][]int, n)
	for _, e := range d.edges {
		indeg[e.to]++
		out[e.from] = append(out[e.from], e.to)
	}
	queue := []int{0}
	for head := 0; head < len(queue); head++ {
		u := queue[head]
		for _, v := range out[u] {
			L.layer[v] = max(L.layer[v], L.layer[u]+1)
			if indeg[v]--; indeg[v] == 0 {
				queue = append(queue, v)
			}
		}
	}
}

func (L *drawLayout) addVertex(layer int, width float64) int {
	L.layer = append(L.layer, layer)
	L.w = append(L.w, width)
	L.down = append(L.down, nil)
	L.up = append(L.up, nil)
	return len(L.layer) - 1
}

func (L *drawLayout) addEdges(d *drawing) {
	L.down = make([][]int, L.n)
	L.up = make([][]int, L.n)
	budget := drawDummiesPerNode*L.n + drawDummiesBase
	L.chains = make([][]int, len(d.edges))
	L.seq = make([][]int, L.n)
	for k, e := range d.edges {
		span := L.layer[e.to] - L.layer[e.from]
		chain := []int{e.from}
		if span > 1 {
			if span-1 > budget {
				L.chains[k] = []int{e.from, e.to}
				continue
			}
			budget -= span - 1
			for l := L.layer[e.from] + 1; l < L.layer[e.to]; l++ {
				chain = append(chain, L.addVertex(l, 0))
			}
		}
		chain = append(chain, e.to)
		for i := 0; i+1 < len(chain); i++ {
			L.down[chain[i]] = append(L.down[chain[i]], chain[i+1])
			L.up[chain[i+1]] = append(L.up[chain[i+1]], chain[i])
		}
		L.chains[k] = chain
		if e.seq > 0 {
			L.seq[e.from] = append(L.seq[e.from], chain[1])
		}
	}
	L.x = make([]float64, len(L.layer))
	L.pos = make([]int, len(L.layer))
}

// initialOrder orders each layer by a depth-first walk from the root.
func (L *drawLayout) initialOrder() {
	layers := 0
	for _, l := range L.layer {
		layers = max(layers, l+1)
	}
	L.order = make([][]int, layers)
	seen := make([]bool, len(L.layer))
	stack := []int{0}
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[v] {
			continue
		}
		seen[v] = true
		L.pos[v] = len(L.order[L.layer[v]])
		L.order[L.layer[v]] = append(L.order[L.layer[v]], v)
		for i := len(L.down[v]) - 1; i >= 0; i-- {
			if !seen[L.down[v][i]] {
				stack = append(stack, L.down[v][i])
			}
		}
	}
	for l := range L.order {
		L.keepSequences(l)
	}
}

// keepSequences puts the children of sequential gates on layer l back in
// their order, in the places they hold, so that a sequence reads left to
// right.
func (L *drawLayout) keepSequences(l int) {
	if l == 0 {
		return
	}
	var ps []int
	for _, u := range L.order[l-1] {
		if u >= L.n || len(L.seq[u]) < 2 {
			continue
		}
		kids := L.seq[u][:0:0]
		ps = ps[:0]
		for _, v := range L.seq[u] {
			if !slices.Contains(kids, v) {
				kids = append(kids, v)
				ps = append(ps, L.pos[v])
			}
		}
		slices.Sort(ps)
		for k, v := range kids {
			L.order[l][ps[k]] = v
			L.pos[v] = ps[k]
		}
	}
}

// crossings counts the crossings of edges between adjacent layers
// (inversions counted with a Fenwick tree).
func (L *drawLayout) crossings() int {
	total := 0
	var ps []int
	for l := 0; l+1 < len(L.order); l++ {
		tree := make([]int, len(L.order[l+1])+1)
		seen := 0
		for _, u := range L.order[l] {
			ps = ps[:0]
			for _, v := range L.down[u] {
				ps = append(ps, L.pos[v])
			}
			for _, p := range ps {
				le := 0 // inserted so far at positions <= p
				for i := p + 1; i > 0; i -= i & -i {
					le += tree[i]
				}
				total += seen - le
			}
			for _, p := range ps {
				for i := p + 1; i < len(tree); i += i & -i {
					tree[i]++
				}
				seen++
			}
		}
	}
	return total
}

// sortLayer reorders layer l by the barycentre of each vertex's neighbours
// in ref; vertices without any keep their place, ties keep their order.
func (L *drawLayout) sortLayer(l int, ref [][]int) {
	type item struct {
		v   int
		key float64
	}
	ord := L.order[l]
	var items []item
	var slots []int
	for i, v := range ord {
		if len(ref[v]) == 0 {
			continue
		}
		sum := 0
		for _, u := range ref[v] {
			sum += L.pos[u]
		}
		items = append(items, item{v, float64(sum) / float64(len(ref[v]))})
		slots = append(slots, i)
	}
	sort.SliceStable(items, func(a, b int) bool { return items[a].key < items[b].key })
	for k, i := range slots {
		ord[i] = items[k].v
	}
	for i, v := range ord {
		L.pos[v] = i
	}
}

func (L *drawLayout) reduceCrossings() {
	best := L.crossings()
	if best == 0 {
		return
	}
	saved := make([][]int, len(L.order))
	save := func() {
		for l, ord := range L.order {
			saved[l] = append(saved[l][:0], ord...)
		}
	}
	save()
	for it := 0; it < drawSweeps && best > 0; it++ {
		for l := 1; l < len(L.order); l++ {
			L.sortLayer(l, L.up)
			L.keepSequences(l)
		}
		if c := L.crossings(); c < best {
			best = c
			save()
		}
		for l := len(L.order) - 2; l >= 0; l-- {
			L.sortLayer(l, L.down)
			L.keepSequences(l)
		}
		if c := L.crossings(); c < best {
			best = c
			save()
		}
	}
	for l, ord := range saved {
		copy(L.order[l], ord)
		for i, v := range ord {
			L.pos[v] = i
		}
	}
}

// drawContour is the outline of a subtree, one entry a layer, stored
// bottom-up (the subtree's root last) so that a parent can be added on
// top in constant time; a position is the stored value plus the offset.
type drawContour struct {
	left, right []float64
	offL, offR  float64
}

// merge places subtree s to the right of forest f (in f's frame) as close
// as the gaps allow, makes f the outline of both and returns where s's
// root went.
func (f *drawContour) merge(s *drawContour) float64 {
	a, b := len(f.left), len(s.left)
	shift := math.Inf(-1)
	for d := 0; d < min(a, b); d++ {
		gap := drawCousinGap
		if d == 0 {
			gap = drawSiblingGap
		}
		shift = max(shift, f.right[a-1-d]+f.offR-(s.left[b-1-d]+s.offL)+gap)
	}
	if b > a {
		left, off := s.left, s.offL+shift
		for d := 0; d < a; d++ {
			left[b-1-d] = f.left[a-1-d] + f.offL - off
		}
		f.left, f.offL = left, off
	}
	if a > b {
		for d := 0; d < b; d++ {
			f.right[a-1-d] = s.right[b-1-d] + s.offR + shift - f.offR
		}
	} else {
		f.right, f.offR = s.right, s.offR+shift
	}
	return shift
}

// group gives every vertex but the root a layout parent, the median of
// its upper neighbours by position (real nodes first: a dummy's edge can
// bend, a short edge should not), and reorders each layer, top-down, by
// the positions of the layout parents, keeping the order from crossing
// reduction among siblings except that a sequence comes first and in its
// order. The layers then read as the depth-first order of a tree, which
// the tidy placement needs.
func (L *drawLayout) group() {
	V := len(L.layer)
	L.parent = make([]int, V)
	L.parent[0] = -1
	rank := make([]int, V) // place in its layout parent's sequence, from 1
	var ps []int
	for l := 1; l < len(L.order); l++ {
		ord := L.order[l]
		for _, v := range ord {
			ps = ps[:0]
			for _, u := range L.up[v] {
				if u < L.n {
					ps = append(ps, L.pos[u])
				}
			}
			if len(ps) == 0 {
				for _, u := range L.up[v] {
					ps = append(ps, L.pos[u])
				}
			}
			slices.Sort(ps)
			L.parent[v] = L.order[l-1][ps[(len(ps)-1)/2]]
		}
		for _, u := range L.order[l-1] {
			if u >= L.n {
				continue
			}
			for k, v := range L.seq[u] {
				if L.parent[v] == u && rank[v] == 0 {
					rank[v] = k + 1
				}
			}
		}
		sort.SliceStable(ord, func(a, b int) bool {
			va, vb := ord[a], ord[b]
			if pa, pb := L.pos[L.parent[va]], L.pos[L.parent[vb]]; pa != pb {
				return pa < pb
			}
			ra, rb := rank[va], rank[vb]
			if (ra > 0) != (rb > 0) {
				return ra > 0
			}
			return ra < rb
		})
		for i, v := range ord {
			L.pos[v] = i
		}
	}
}

// place computes x: contours bottom-up over the layout tree, positions
// top-down, dummies pulled towards straight edges, then x from 0.
func (L *drawLayout) place() {
	V := len(L.layer)
	kids := make([][]int, V)
	for l := 1; l < len(L.order); l++ {
		for _, v := range L.order[l] {
			kids[L.parent[v]] = append(kids[L.parent[v]], v)
		}
	}
	rel := make([]float64, V)
	cont := make([]drawContour, V)
	var at []float64
	for l := len(L.order) - 1; l >= 0; l-- {
		for _, u := range L.order[l] {
			ks := kids[u]
			var f drawContour
			if len(ks) > 0 {
				f = cont[ks[0]]
				at = append(at[:0], 0)
				for _, k := range ks[1:] {
					at = append(at, f.merge(&cont[k]))
				}
				mid := (at[0] + at[len(at)-1]) / 2
				for j, k := range ks {
					rel[k] = at[j] - mid
					cont[k] = drawContour{}
				}
				f.offL -= mid
				f.offR -= mid
			}
			f.left = append(f.left, -L.w[u]/2-f.offL)
			f.right = append(f.right, L.w[u]/2-f.offR)
			cont[u] = f
		}
	}
	for l := 1; l < len(L.order); l++ {
		for _, v := range L.order[l] {
			L.x[v] = L.x[L.parent[v]] + rel[v]
		}
	}
	L.straighten()
	lo, hi := math.Inf(1), math.Inf(-1)
	for v := range L.x {
		lo = min(lo, L.x[v]-L.w[v]/2)
		hi = max(hi, L.x[v]+L.w[v]/2)
	}
	for v := range L.x {
		L.x[v] -= lo
	}
	L.width = hi - lo
}

// straighten moves each dummy vertex towards the straight line from its
// edge's parent to its child, as far as its neighbours on the layer let
// it, so that long edges run more directly.
func (L *drawLayout) straighten() {
	for _, chain := range L.chains {
		if len(chain) < 3 {
			continue
		}
		a, b := chain[0], chain[len(chain)-1]
		span := float64(L.layer[b] - L.layer[a])
		for _, v := range chain[1 : len(chain)-1] {
			t := float64(L.layer[v]-L.layer[a]) / span
			want := L.x[a] + t*(L.x[b]-L.x[a])
			ord, p := L.order[L.layer[v]], L.pos[v]
			if p > 0 {
				u := ord[p-1]
				want = max(want, L.x[u]+L.w[u]/2+drawSiblingGap+L.w[v]/2)
			}
			if p+1 < len(ord) {
				u := ord[p+1]
				want = min(want, L.x[u]-L.w[u]/2-drawSiblingGap-L.w[v]/2)
			}
			L.x[v] = want
		}
	}
}

// verticals sets the layers' tops and heights.
func (L *drawLayout) verticals() {
	L.top = make([]float64, len(L.order))
	L.height = make([]float64, len(L.order))
	for v := 0; v < L.n; v++ {
		L.height[L.layer[v]] = max(L.height[L.layer[v]], L.h[v])
	}
	y := 0.0
	for l := range L.order {
		L.top[l] = y
		y += L.height[l] + drawLayerGap
	}
	L.bottom = y - drawLayerGap
}

// box returns the rectangle of node v: left, top, width, height.
func (L *drawLayout) box(v int) (x, y, w, h float64) {
	return L.x[v] - L.w[v]/2, L.top[L.layer[v]], L.w[v], L.h[v]
}
