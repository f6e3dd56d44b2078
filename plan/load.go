package plan

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"reflect"
	"sort"
	"strings"
	"time"
	// The zone database is compiled in so that Europe/Copenhagen resolves
	// on hosts without /usr/share/zoneinfo (containers, CI).
	_ "time/tzdata"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

//go:embed plans/*.yaml
var embedded embed.FS

// Parse decodes and validates a plan from YAML. name is used in error
// messages (usually the file name). Any fault, from malformed YAML to an
// unknown area referenced by an activity, is reported in a *ValidationError
// that lists every problem found, so a plan is either fully valid or not
// returned at all.
func Parse(data []byte, name string) (*Plan, error) {
	file, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, &ValidationError{Name: name, Problems: []Problem{syntaxProblem(err)}}
	}
	var docs []*ast.DocumentNode
	for _, d := range file.Docs {
		if d != nil && d.Body != nil {
			docs = append(docs, d)
		}
	}
	switch {
	case len(docs) == 0:
		return nil, &ValidationError{Name: name, Problems: []Problem{{Path: "$", Line: 1, Message: "empty plan file"}}}
	case len(docs) > 1:
		return nil, &ValidationError{Name: name, Problems: []Problem{{
			Path: "$", Line: nodeLine(docs[1].Body),
			Message: "more than one YAML document; a plan file holds exactly one",
		}}}
	}
	body := docs[0].Body

	shape := newShapeChecker(body)
	shape.check(body, reflect.TypeFor[Plan](), "$")
	if shape.badKinds {
		return nil, newValidationError(name, shape.problems)
	}

	var p Plan
	// Unknown keys were reported by the shape check above, so the decoder
	// runs lenient here: that way the plan still decodes and the semantic
	// checks below report their problems in the same pass. Duplicate keys
	// are allowed only so that a key may override one pulled in by a "<<"
	// merge; a key written twice in one mapping is already a parse error.
	if err := yaml.NodeToValue(body, &p, yaml.AllowDuplicateMapKey()); err != nil {
		problems := append(shape.problems, decodeProblem(body, err))
		return nil, newValidationError(name, problems)
	}

	idx := indexLines(body)
	applyDefaults(&p, idx)
	problems := append(shape.problems, validate(&p, idx)...)
	if len(problems) > 0 {
		return nil, newValidationError(name, problems)
	}
	return &p, nil
}

func newValidationError(name string, problems []Problem) *ValidationError {
	sortProblems(problems)
	return &ValidationError{Name: name, Problems: problems}
}

// applyDefaults fills keys the file left out. Presence is taken from the
// file, not from zero values, so that an explicit "discretion_threshold: 0"
// is still reported as invalid.
func applyDefaults(p *Plan, idx lineIndex) {
	if !idx.has("$.time_zone") {
		p.TimeZone = DefaultTimeZone
	}
	if !idx.has("$.discretion_threshold") {
		p.DiscretionThreshold = DefaultDiscretionThreshold
	}
	if !idx.has("$.governance.steering_group.offset_days") {
		p.Governance.SteeringGroup.OffsetDays = DefaultSteeringGroupOffset
	}
	applyEvictionDefaults(p, idx)
}

// syntaxProblem turns a parser error into a Problem with line and column.
func syntaxProblem(err error) Problem {
	var ye yaml.Error
	if errors.As(err, &ye) && ye.GetToken() != nil && ye.GetToken().Position != nil {
		pos := ye.GetToken().Position
		return Problem{
			Path: "$", Line: max(pos.Line, 1), Column: pos.Column,
			Message: fmt.Sprintf("malformed YAML at column %d: %s", pos.Column, ye.GetMessage()),
		}
	}
	return Problem{Path: "$", Line: 1, Message: "malformed YAML: " + err.Error()}
}

// decodeProblem turns a decoder error into a Problem, finding the path of the
// node the error points at.
func decodeProblem(root ast.Node, err error) Problem {
	var ye yaml.Error
	if errors.As(err, &ye) && ye.GetToken() != nil {
		return Problem{Path: pathOfToken(root, ye.GetToken()), Line: tokenLine(ye.GetToken()), Message: ye.GetMessage()}
	}
	return Problem{Path: "$", Line: 1, Message: err.Error()}
}

// LoadFile reads and parses the plan file at path.
func LoadFile(path string) (*Plan, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("plan: read %s: %w", path, err)
	}
	return Parse(data, path)
}

// Embedded returns the ids of the plans compiled into the binary, sorted.
// Each embedded file is named after its plan's id.
func Embedded() []string {
	entries, err := fs.ReadDir(embedded, "plans")
	if err != nil {
		return nil // cannot happen: the directory is embedded at build time
	}
	var ids []string
	for _, e := range entries {
		if id, ok := strings.CutSuffix(e.Name(), ".yaml"); ok && !e.IsDir() {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}

// LoadEmbedded parses the embedded plan with the given id. Each call returns
// a fresh *Plan, so callers may not affect each other.
func LoadEmbedded(id string) (*Plan, error) {
	name := path.Join("plans", id+".yaml")
	data, err := embedded.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("plan: no embedded plan %q (embedded: %s)", id, strings.Join(Embedded(), ", "))
	}
	p, err := Parse(data, name)
	if err != nil {
		return nil, fmt.Errorf("plan: embedded plan %q: %w", id, err)
	}
	if p.ID != id {
		return nil, fmt.Errorf("plan: embedded file %s holds plan id %q; the file must be named after the id", name, p.ID)
	}
	return p, nil
}

// ForDate returns the embedded plan whose period contains t, taking the date
// of t in the plan's own time zone. If periods overlap, the plan starting
// latest wins, since a continuation supersedes its predecessor.
func ForDate(t time.Time) (*Plan, error) {
	var found *Plan
	for _, id := range Embedded() {
		p, err := LoadEmbedded(id)
		if err != nil {
			return nil, err
		}
		if p.Period.Contains(p.DateOf(t)) && (found == nil || p.Period.Start.After(found.Period.Start)) {
			found = p
		}
	}
	if found == nil {
		return nil, fmt.Errorf("plan: no embedded plan covers %s (embedded: %s)", t.Format(time.RFC3339), strings.Join(Embedded(), ", "))
	}
	return found, nil
}
