package audit

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Bounds on a list of votes typed as text.
const (
	// MaxVotesText is the longest list ParseVotes reads, in bytes.
	MaxVotesText = 64 << 10
	// MaxCandidates is the most candidates a contest may have.
	MaxCandidates = 256
)

// ParseVotes reads votes written "A=600,B=400": candidates separated by
// commas, each a name, "=" and a whole number of votes. Names are trimmed
// of spaces and must be distinct. An error names the item (from 1) and
// what is wrong with it.
func ParseVotes(s string) (map[string]int64, error) {
	if len(s) > MaxVotesText {
		return nil, fmt.Errorf("the votes are %d bytes long, more than %d", len(s), MaxVotesText)
	}
	if !utf8.ValidString(s) {
		return nil, fmt.Errorf("the votes are not UTF-8 text")
	}
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("no votes: write them as \"A=600,B=400\"")
	}
	items := strings.Split(s, ",")
	if len(items) > MaxCandidates {
		return nil, fmt.Errorf("%d candidates, more than %d", len(items), MaxCandidates)
	}
	votes := make(map[string]int64, len(items))
	for i, item := range items {
		name, num, ok := strings.Cut(item, "=")
		name, num = strings.TrimSpace(name), strings.TrimSpace(num)
		switch {
		case !ok:
			return nil, fmt.Errorf("item %d (%q) has no \"=\": write NAME=VOTES", i+1, item)
		case name == "":
			return nil, fmt.Errorf("item %d (%q) has no candidate name before \"=\"", i+1, item)
		}
		v, err := strconv.ParseInt(num, 10, 64)
		if err != nil || v < 0 {
			return nil, fmt.Errorf("item %d: %q's votes %q are not a whole number of 0 or more", i+1, name, num)
		}
		if _, dup := votes[name]; dup {
			return nil, fmt.Errorf("item %d: candidate %q is named twice", i+1, name)
		}
		votes[name] = v
	}
	return votes, nil
}
