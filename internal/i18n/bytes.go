package i18n

import "math"

// sizeUnits are the keys of the binary units (IEC 80000-13), from the
// kibibyte up: English writes KiB, MiB, GiB; French Kio, Mio, Gio (the
// octet's symbol is "o"), each after a no-break space.
var sizeUnits = []string{"size.kib", "size.mib", "size.gib", "size.tib"}

// Bytes writes a number of bytes as people read a size: in the largest
// binary unit it reaches (1 KiB = 1,024 bytes), with one decimal below
// 100 units that is dropped when it is zero — "1 GiB", "1.5 MiB",
// "512 MiB", "900 bytes" in English; "1 Gio", "1,5 Mio", "900 octets" in
// French. A negative n is written as 0 bytes.
func (p *Printer) Bytes(n int64) string {
	if n < 1024 {
		x := float64(max(n, 0))
		return p.T("size.bytes", p.Count(x, 0))
	}
	x, unit := float64(n)/1024, 0
	for x >= 1024 && unit < len(sizeUnits)-1 {
		x /= 1024
		unit++
	}
	decimals := 1
	if r := math.Round(x*10) / 10; x >= 100 || r == math.Trunc(r) {
		decimals = 0
	}
	if decimals == 0 && math.Round(x) >= 1024 && unit < len(sizeUnits)-1 {
		// 1,023.99 KiB would read as 1,024 KiB: it is 1 MiB.
		x, unit = x/1024, unit+1
		if r := math.Round(x*10) / 10; r != math.Trunc(r) {
			decimals = 1
		}
	}
	return p.T(sizeUnits[unit], p.Number(x, decimals))
}
