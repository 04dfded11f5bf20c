package evidence

import (
	"time"
)

// The times read must fit in int64 nanoseconds since 1970 (years 1678 to
// 2262); these bounds, in seconds, leave a margin.
const (
	minEpoch = -9.2e9
	maxEpoch = 9.2e9
)

// digits parses b[i:i+n] as a decimal number.
func digits(b []byte, i, n int) (int, bool) {
	if i < 0 || i+n > len(b) {
		return 0, false
	}
	v := 0
	for _, c := range b[i : i+n] {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

// clock checks a time of day and returns it in seconds.
func clock(h, m, s int) (int, bool) {
	if h > 23 || m > 59 || s > 60 {
		return 0, false
	}
	return h*3600 + m*60 + s, true
}

// dateNanos returns the instant of a UTC date and time, checking the day
// against the month.
func dateNanos(year, month, day, secs, nanos int) (int64, bool) {
	if year < 1678 || year > 2261 || month < 1 || month > 12 || day < 1 || day > daysIn(month, year) {
		return 0, false
	}
	t := time.Date(year, time.Month(month), day, 0, 0, secs, nanos, time.UTC)
	return t.UnixNano(), true
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// parseISOTime parses an ISO 8601 / RFC 3339 time, as Suricata and Zeek
// write them: 2020-04-30T00:06:38.899710Z, …+0000, …+00:00, a space for the
// T, no zone meaning UTC.
func parseISOTime(b []byte) (int64, bool) {
	if len(b) < 19 || b[4] != '-' || b[7] != '-' || (b[10] != 'T' && b[10] != ' ' && b[10] != 't') || b[13] != ':' || b[16] != ':' {
		return 0, false
	}
	y, ok1 := digits(b, 0, 4)
	mo, ok2 := digits(b, 5, 2)
	d, ok3 := digits(b, 8, 2)
	h, ok4 := digits(b, 11, 2)
	mi, ok5 := digits(b, 14, 2)
	s, ok6 := digits(b, 17, 2)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) {
		return 0, false
	}
	secs, ok := clock(h, mi, s)
	if !ok {
		return 0, false
	}
	rest := b[19:]
	nanos := 0
	if len(rest) > 0 && (rest[0] == '.' || rest[0] == ',') {
		i := 1
		scale := 100_000_000
		for ; i < len(rest) && rest[i] >= '0' && rest[i] <= '9'; i++ {
			nanos += int(rest[i]-'0') * scale
			scale /= 10
		}
		if i == 1 {
			return 0, false
		}
		rest = rest[i:]
	}
	off, ok := zoneOffset(rest)
	if !ok {
		return 0, false
	}
	ns, ok := dateNanos(y, mo, d, secs, nanos)
	return ns - int64(off)*1e9, ok
}

// zoneOffset parses "", Z, ±hh, ±hhmm or ±hh:mm into seconds east of UTC.
func zoneOffset(b []byte) (int, bool) {
	switch {
	case len(b) == 0:
		return 0, true
	case len(b) == 1 && (b[0] == 'Z' || b[0] == 'z'):
		return 0, true
	case b[0] != '+' && b[0] != '-':
		return 0, false
	}
	sign := 1
	if b[0] == '-' {
		sign = -1
	}
	b = b[1:]
	var h, m int
	var ok1, ok2 bool
	switch len(b) {
	case 2:
		h, ok1 = digits(b, 0, 2)
		ok2 = true
	case 4:
		h, ok1 = digits(b, 0, 2)
		m, ok2 = digits(b, 2, 2)
	case 5:
		if b[2] != ':' {
			return 0, false
		}
		h, ok1 = digits(b, 0, 2)
		m, ok2 = digits(b, 3, 2)
	default:
		return 0, false
	}
	if !ok1 || !ok2 || h > 23 || m > 59 {
		return 0, false
	}
	return sign * (h*3600 + m*60), true
}

var monthAbbrevs = [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// monthOf parses a month's English abbreviation (Jan …), any case.
func monthOf(b []byte) (int, bool) {
	if len(b) != 3 {
		return 0, false
	}
	for i, m := range monthAbbrevs {
		if (b[0]|0x20) == (m[0]|0x20) && (b[1]|0x20) == m[1] && (b[2]|0x20) == m[2] {
			return i + 1, true
		}
	}
	return 0, false
}

// parseCLFTime parses a common log format time: 10/Oct/2000:13:55:36 -0700.
func parseCLFTime(b []byte) (int64, bool) {
	if len(b) != 26 || b[2] != '/' || b[6] != '/' || b[11] != ':' || b[14] != ':' || b[17] != ':' || b[20] != ' ' {
		return 0, false
	}
	d, ok1 := digits(b, 0, 2)
	mo, ok2 := monthOf(b[3:6])
	y, ok3 := digits(b, 7, 4)
	h, ok4 := digits(b, 12, 2)
	mi, ok5 := digits(b, 15, 2)
	s, ok6 := digits(b, 18, 2)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) {
		return 0, false
	}
	secs, ok := clock(h, mi, s)
	if !ok {
		return 0, false
	}
	off, ok := zoneOffset(b[21:])
	if !ok {
		return 0, false
	}
	ns, ok := dateNanos(y, mo, d, secs, 0)
	return ns - int64(off)*1e9, ok
}

// syslogClock dates syslog timestamps, which have no year: it starts at
// a given year, or at the year the log was last written (the year before
// if the first timestamp's month comes later in the year), and moves to
// the next when the months go back by half a year or more (a log running
// from December into January).
type syslogClock struct {
	year      int       // 0 until the first timestamp when written gives it
	written   time.Time // when the log was last written
	first     int       // the year of the first timestamp
	lastMonth int
}

// stamp returns the instant of a "Jan  2 15:04:05" timestamp, in UTC.
func (c *syslogClock) stamp(month, day, secs, nanos int) (int64, bool) {
	if c.year == 0 {
		c.year = c.written.Year()
		if month > int(c.written.Month()) {
			c.year--
		}
	}
	if c.first == 0 {
		c.first = c.year
	}
	if c.lastMonth != 0 && month+6 <= c.lastMonth {
		c.year++
	}
	c.lastMonth = month
	return dateNanos(c.year, month, day, secs, nanos)
}
