package i18n

import "testing"

func TestBytes(t *testing.T) {
	en, fr := New(English), New(French)
	for _, c := range []struct {
		n      int64
		en, fr string
	}{
		{0, "0\u00a0bytes", "0\u00a0octet"},
		{1, "1\u00a0byte", "1\u00a0octet"},
		{900, "900\u00a0bytes", "900\u00a0octets"},
		{1023, "1,023\u00a0bytes", "1\u00a0023\u00a0octets"},
		{1024, "1\u00a0KiB", "1\u00a0Kio"},
		{1536, "1.5\u00a0KiB", "1,5\u00a0Kio"},
		{8 << 10, "8\u00a0KiB", "8\u00a0Kio"},
		{64 << 20, "64\u00a0MiB", "64\u00a0Mio"},
		{512 << 20, "512\u00a0MiB", "512\u00a0Mio"},
		{1<<20 - 1, "1\u00a0MiB", "1\u00a0Mio"},
		{1 << 30, "1\u00a0GiB", "1\u00a0Gio"},
		{3 << 29, "1.5\u00a0GiB", "1,5\u00a0Gio"},
		{5 << 40, "5\u00a0TiB", "5\u00a0Tio"},
		{2000 << 40, "2,000\u00a0TiB", "2\u00a0000\u00a0Tio"},
		{-5, "0\u00a0bytes", "0\u00a0octet"},
	} {
		if got := en.Bytes(c.n); got != c.en {
			t.Errorf("English %d: %q, want %q", c.n, got, c.en)
		}
		if got := fr.Bytes(c.n); got != c.fr {
			t.Errorf("French %d: %q, want %q", c.n, got, c.fr)
		}
	}
}
