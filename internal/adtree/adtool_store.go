package adtree

import "strings"

// chunked is a list that grows by chunks: no copying of what it holds,
// which with millions of items is both time and garbage.
type chunked[T any] struct {
	chunks [][]T
	n      int
}

const chunkBits = 14

func (c *chunked[T]) add(v T) int32 {
	k := c.n >> chunkBits
	if k == len(c.chunks) {
		size := 1 << chunkBits
		if k == 0 {
			size = 16 // grown by append: small files stay small
		}
		c.chunks = append(c.chunks, make([]T, 0, size))
	}
	c.chunks[k] = append(c.chunks[k], v)
	c.n++
	return int32(c.n - 1)
}

func (c *chunked[T]) at(i int32) *T {
	return &c.chunks[i>>chunkBits][i&(1<<chunkBits-1)]
}

// strArena makes strings carved out of large blocks: a million labels are
// then a few hundred allocations, not a million.
type strArena struct{ b strings.Builder }

func (a *strArena) make(s []byte) string {
	if a.b.Cap()-a.b.Len() < len(s) {
		a.b = strings.Builder{}
		a.b.Grow(max(32<<10, len(s)))
	}
	start := a.b.Len()
	a.b.Write(s)
	return a.b.String()[start:]
}
