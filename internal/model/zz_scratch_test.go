package model

import (
	"os"
	"testing"

	"github.com/goccy/go-yaml/lexer"
)

func TestScratchTok(t *testing.T) {
	s := os.Getenv("S")
	for _, tk := range lexer.Tokenize(s) {
		t.Logf("%v %q", tk.Type, tk.Value)
	}
}
