package runs

import (
	"fmt"
	"sort"
	"strings"
)

// Registry is the set of kinds one process (or the starter) offers.
type Registry struct {
	kinds []Kind
	byKey map[string]int // kind name → index
	byWF  map[string]int // workflow type → index
}

// NewRegistry checks the kinds (names unique and set, the functions the
// layer needs present, Update names unique per kind) and indexes them.
func NewRegistry(kinds []Kind) (*Registry, error) {
	r := &Registry{byKey: map[string]int{}, byWF: map[string]int{}}
	var problems []string
	for i, k := range kinds {
		label := fmt.Sprintf("kind %d (%q)", i, k.Name)
		switch {
		case k.Name == "":
			problems = append(problems, label+": no Name")
		case k.Workflow == "":
			problems = append(problems, label+": no Workflow")
		case k.NewInput == nil:
			problems = append(problems, label+": no NewInput")
		case k.WorkflowID == nil:
			problems = append(problems, label+": no WorkflowID")
		case k.Rerun != RerunAllowed && k.Rerun != RerunRefused:
			problems = append(problems, label+": unknown "+k.Rerun.String())
		}
		if _, dup := r.byKey[k.Name]; dup && k.Name != "" {
			problems = append(problems, label+": registered twice")
		}
		seen := map[string]bool{}
		for _, u := range k.Updates {
			if u.Name == "" || u.NewArg == nil {
				problems = append(problems, fmt.Sprintf("%s: update %q without name or NewArg", label, u.Name))
			}
			if seen[u.Name] {
				problems = append(problems, fmt.Sprintf("%s: update %q twice", label, u.Name))
			}
			seen[u.Name] = true
		}
		r.byKey[k.Name] = len(r.kinds)
		r.byWF[k.Workflow] = len(r.kinds)
		r.kinds = append(r.kinds, k)
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("run kinds: %s", strings.Join(problems, "; "))
	}
	return r, nil
}

// MustRegistry is NewRegistry for kinds known at build time.
func MustRegistry(kinds []Kind) *Registry {
	r, err := NewRegistry(kinds)
	if err != nil {
		panic(err)
	}
	return r
}

// Kinds lists the kinds by name.
func (r *Registry) Kinds() []Kind {
	out := append([]Kind(nil), r.kinds...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Names lists the kind names, sorted.
func (r *Registry) Names() []string {
	names := make([]string, 0, len(r.kinds))
	for _, k := range r.kinds {
		names = append(names, k.Name)
	}
	sort.Strings(names)
	return names
}

// Lookup finds a kind by name.
func (r *Registry) Lookup(name string) (Kind, bool) {
	i, ok := r.byKey[name]
	if !ok {
		return Kind{}, false
	}
	return r.kinds[i], true
}

// resolve finds a kind by name, or else by workflow type (for runs whose
// workflow did not set HelhedKind).
func (r *Registry) resolve(name, workflowType string) (Kind, bool) {
	if k, ok := r.Lookup(name); ok {
		return k, true
	}
	if i, ok := r.byWF[workflowType]; ok {
		return r.kinds[i], true
	}
	return Kind{}, false
}

// FindUpdate returns the kind's Update called name.
func (k Kind) FindUpdate(name string) (Update, bool) {
	for _, u := range k.Updates {
		if u.Name == name {
			return u, true
		}
	}
	return Update{}, false
}

// UpdateNames lists the kind's Update names in declaration order.
func (k Kind) UpdateNames() []string {
	names := make([]string, len(k.Updates))
	for i, u := range k.Updates {
		names[i] = u.Name
	}
	return names
}

// StageTitle is the Danish name of a stage, or the stage itself.
func (k Kind) StageTitle(stage string) string {
	if t, ok := k.StageTitles[stage]; ok {
		return t
	}
	return stage
}
