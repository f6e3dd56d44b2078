package runs

import (
	"reflect"

	"helhed/plan"
	"helhed/workflows"
)

// Input widget types of a FieldSpec.
const (
	FieldText     = "text"
	FieldTextarea = "textarea"
	FieldInteger  = "integer"
	FieldNumber   = "number"
	FieldBool     = "bool"
	FieldDate     = "date"     // yyyy-mm-dd (plan.Date or a `form:"date"` string)
	FieldDateTime = "datetime" // time.Time
	FieldList     = "list"     // []string, one per line in forms
	FieldJSON     = "json"     // anything nested, as JSON
)

// FieldSpec describes one input field for forms and the kinds listing.
type FieldSpec struct {
	Name     string   `json:"name"`  // JSON name
	Label    string   `json:"label"` // Danish, from the `label` tag (else the name)
	Help     string   `json:"help,omitempty"`
	Type     string   `json:"type"`
	Required bool     `json:"required"` // not omitempty
	Choices  []Choice `json:"choices,omitempty"`
}

var (
	dateType  = reflect.TypeFor[plan.Date]()
	actorType = reflect.TypeFor[*workflows.Actor]()
)

// Fields describes the top-level JSON fields of the struct v points to,
// with choices from choices (may be nil).
func Fields(v any, choices map[string][]Choice) []FieldSpec {
	t := reflect.TypeOf(v)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	var out []FieldSpec
	for _, f := range orderedFields(t) {
		if f.Type == actorType {
			continue // set from the sign-in, never typed in
		}
		s := FieldSpec{Name: f.Name, Label: f.Tag.Get("label"), Help: f.Tag.Get("help"),
			Type: widget(f), Required: !f.Omit, Choices: choices[f.Name]}
		if s.Label == "" {
			s.Label = f.Name
		}
		out = append(out, s)
	}
	return out
}

func widget(f field) string {
	t := f.Type
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch form := f.Tag.Get("form"); {
	case form == "textarea" && t.Kind() == reflect.String:
		return FieldTextarea
	case form == "date" && t.Kind() == reflect.String:
		return FieldDate
	}
	switch {
	case t == timeType:
		return FieldDateTime
	case t == dateType:
		return FieldDate
	}
	switch t.Kind() {
	case reflect.String:
		return FieldText
	case reflect.Bool:
		return FieldBool
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return FieldInteger
	case reflect.Float32, reflect.Float64:
		return FieldNumber
	case reflect.Slice:
		if t.Elem().Kind() == reflect.String {
			return FieldList
		}
	}
	return FieldJSON
}

// KindInfo describes a kind for GET /api/v1/kinds and `starter kinds`.
type KindInfo struct {
	Name        string            `json:"name"`
	Title       string            `json:"title"`
	Description string            `json:"description,omitempty"`
	Workflow    string            `json:"workflow"`
	Input       []FieldSpec       `json:"input"`
	Updates     []UpdateInfo      `json:"updates"`
	Stages      map[string]string `json:"stages,omitempty"`
	Example     any               `json:"example,omitempty"`
	// Rerun is "allowed" or "refused": may a closed business key start again.
	Rerun string `json:"rerun"`
}

// UpdateInfo describes one of a kind's Updates.
type UpdateInfo struct {
	Name        string      `json:"name"`
	Title       string      `json:"title"`
	Description string      `json:"description,omitempty"`
	Arg         []FieldSpec `json:"arg"`
}

// Info lists the kinds with their input and Update fields for plan p.
func (r *Registry) Info(p *plan.Plan) []KindInfo {
	var out []KindInfo
	for _, k := range r.Kinds() {
		info := KindInfo{Name: k.Name, Title: k.Title, Description: k.Description, Workflow: k.Workflow,
			Input: k.InputFields(p), Updates: []UpdateInfo{}, Stages: k.StageTitles, Rerun: k.Rerun.String()}
		if k.Example != nil {
			info.Example = k.Example(p)
		}
		for _, u := range k.Updates {
			info.Updates = append(info.Updates, UpdateInfo{Name: u.Name, Title: u.Title, Description: u.Description,
				Arg: u.ArgFields(p)})
		}
		out = append(out, info)
	}
	return out
}

// InputFields describes the kind's input fields, with choices for p.
func (k Kind) InputFields(p *plan.Plan) []FieldSpec {
	var choices map[string][]Choice
	if k.Choices != nil {
		choices = k.Choices(p)
	}
	return Fields(k.NewInput(), choices)
}

// ArgFields describes the Update's argument fields, with choices for p.
func (u Update) ArgFields(p *plan.Plan) []FieldSpec {
	var choices map[string][]Choice
	if u.Choices != nil {
		choices = u.Choices(p)
	}
	return Fields(u.NewArg(), choices)
}
