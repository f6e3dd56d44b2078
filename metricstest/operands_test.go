package metricstest

import (
	"regexp"
	"strings"
	"testing"
)

// operands splits an alert expression into the vector expressions it
// compares: at the top level (outside brackets and strings) it splits at
// and/or/unless, then at a comparison operator, and keeps every side that
// reads a metric. Vector matching modifiers (bool, on(…), group_left(…))
// are dropped from the right side. An absent(…) side is left out: it
// returns a series only while its metric is missing.
func operands(expr string) []string {
	var out []string
	for _, part := range splitTop(expr, []string{" and ", " or ", " unless "}) {
		sides := splitTop(part, []string{"==", "!=", ">=", "<=", ">", "<"})
		for i, s := range sides {
			if i > 0 {
				s = modifiers.ReplaceAllString(s, "")
			}
			s = strings.TrimSpace(s)
			if len(families(s)) > 0 && !absentCall.MatchString(s) {
				out = append(out, s)
			}
		}
	}
	return out
}

var absentCall = regexp.MustCompile(`^absent(_over_time)?\s*\(`)

var modifiers = regexp.MustCompile(`^\s*(bool\s+)?((on|ignoring)\s*\([^)]*\)\s*)?((group_left|group_right)\s*(\([^)]*\))?\s*)?`)

// splitTop splits s at the first top-level occurrence of any separator.
func splitTop(s string, seps []string) []string {
	depth := 0
	inStr := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inStr:
			if c == '\\' {
				i++
			} else if c == '"' {
				inStr = false
			}
			continue
		case c == '"':
			inStr = true
			continue
		case c == '(' || c == '{' || c == '[':
			depth++
			continue
		case c == ')' || c == '}' || c == ']':
			depth--
			continue
		}
		if depth != 0 {
			continue
		}
		for _, sep := range seps {
			if strings.HasPrefix(s[i:], sep) {
				return append([]string{s[:i]}, splitTop(s[i+len(sep):], seps)...)
			}
		}
	}
	return []string{s}
}

func TestOperands(t *testing.T) {
	cases := map[string][]string{
		`up{job="helhed-worker"} == 0`: {`up{job="helhed-worker"}`},
		`max without (instance) (helhed_a > 0) < on () group_left () (max(helhed_b) - 3600)`: {`max without (instance) (helhed_a > 0)`, `(max(helhed_b) - 3600)`},
		`max(helhed_x{l=~"a|b>c"}) > max(helhed_y)`:                                          {`max(helhed_x{l=~"a|b>c"})`, `max(helhed_y)`},
		`time() - max(helhed_s) > 400 * 86400`:                                               {`time() - max(helhed_s)`},
		`sum(helhed_a) >= bool on (c) helhed_b and helhed_c == 1`:                            {`sum(helhed_a)`, `helhed_b`, `helhed_c`},
		`time() - max(helhed_s) > 9 or absent(helhed_s) and time() - min(helhed_p) > 9`:      {`time() - max(helhed_s)`, `time() - min(helhed_p)`},
		`absent(up{job="temporal"} == 1)`:                                                    nil,
	}
	for expr, want := range cases {
		got := operands(expr)
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("operands(%s)\n got %q\nwant %q", expr, got, want)
		}
	}
}
