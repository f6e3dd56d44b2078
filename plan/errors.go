package plan

import (
	"fmt"
	"sort"
	"strings"
)

// Problem is one fault found in a plan file.
type Problem struct {
	// Path is the YAML path of the offending node, e.g.
	// "$.activities[3].areas[1]". For a missing key it is the path the key
	// would have.
	Path string
	// Line is the 1-based line of the node, or of its nearest existing
	// ancestor when the node is missing.
	Line int
	// Column is the 1-based column for malformed YAML; 0 otherwise.
	Column  int
	Message string
}

// String formats p as "line: path: message".
func (p Problem) String() string {
	return fmt.Sprintf("%d: %s: %s", p.Line, p.Path, p.Message)
}

// ValidationError reports every problem found while loading a plan.
type ValidationError struct {
	Name     string // file name (or other source name) given to Parse
	Problems []Problem
}

// Error lists the problems one per line as "name:line: path: message".
func (e *ValidationError) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%s:%d: %s: %s", e.Name, p.Line, p.Path, p.Message)
	}
	return b.String()
}

// sortProblems orders problems as they appear in the file, keeping the
// discovery order of problems on the same line.
func sortProblems(ps []Problem) {
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].Line != ps[j].Line {
			return ps[i].Line < ps[j].Line
		}
		return ps[i].Column < ps[j].Column
	})
}
