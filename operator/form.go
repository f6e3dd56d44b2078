package operator

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"time"

	"helhed/danish"
	"helhed/fielderr"
	"helhed/runs"
)

// FormField is one generated form field with what the operator typed and
// the error beside it; the layout's "fields" template writes a list of
// them.
type FormField struct {
	runs.FieldSpec
	Value   string
	Checked bool
	Error   string
}

// FormFields builds the fields of a form for specs (a kind's input or an
// Update's argument), filled from values (nil for an empty form) and with
// errs beside them.
func FormFields(specs []runs.FieldSpec, values url.Values, errs map[string]string) []FormField {
	out := make([]FormField, len(specs))
	for i, s := range specs {
		f := FormField{FieldSpec: s, Error: errs[s.Name]}
		if values != nil {
			f.Value = values.Get(s.Name)
			f.Checked = s.Type == runs.FieldBool && checked(values.Get(s.Name))
		}
		out[i] = f
	}
	return out
}

func checked(v string) bool { return v == "on" || v == "true" || v == "1" }

// FormJSON turns a posted form into the JSON object the run layer
// decodes, by the fields' types; a value that cannot be converted is a
// *fielderr.Error naming the field. Empty optional fields are left out;
// empty required ones are sent empty, so the kind's validation names them.
func FormJSON(specs []runs.FieldSpec, values url.Values, loc *time.Location) ([]byte, error) {
	obj := map[string]any{}
	for _, s := range specs {
		raw := strings.TrimSpace(values.Get(s.Name))
		if s.Type == runs.FieldTextarea {
			raw = strings.TrimRight(strings.ReplaceAll(values.Get(s.Name), "\r\n", "\n"), " \n")
		}
		if raw == "" && s.Type != runs.FieldBool {
			if s.Required && (s.Type == runs.FieldText || s.Type == runs.FieldTextarea || s.Type == runs.FieldDate) {
				obj[s.Name] = ""
			}
			continue
		}
		bad := func(msg string) error { return &fielderr.Error{Field: s.Name, Message: msg} }
		switch s.Type {
		case runs.FieldBool:
			obj[s.Name] = checked(raw)
		case runs.FieldInteger:
			n, err := strconv.ParseInt(raw, 10, 64)
			if err != nil {
				return nil, bad("skriv et heltal")
			}
			obj[s.Name] = n
		case runs.FieldNumber:
			f, err := danish.ParseNumber(raw) // 12.345,50, 1.250 or 12.5
			if err != nil {
				return nil, bad("skriv et tal")
			}
			obj[s.Name] = f
		case runs.FieldDateTime:
			t, err := parseLocal(raw, loc)
			if err != nil {
				return nil, bad("skriv dato og klokkeslæt, fx 2026-05-06T14:00")
			}
			obj[s.Name] = t.Format(time.RFC3339)
		case runs.FieldList:
			var items []string
			for _, line := range strings.Split(raw, "\n") {
				if line = strings.TrimSpace(line); line != "" {
					items = append(items, line)
				}
			}
			obj[s.Name] = items
		case runs.FieldJSON:
			if !json.Valid([]byte(raw)) {
				return nil, bad("ugyldig JSON")
			}
			obj[s.Name] = json.RawMessage(raw)
		default:
			obj[s.Name] = raw
		}
	}
	return json.Marshal(obj)
}

// parseLocal reads a datetime-local value ("2026-05-06T14:00", seconds
// optional) in loc; RFC 3339 is accepted too.
func parseLocal(s string, loc *time.Location) (time.Time, error) {
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Parse(time.RFC3339, s)
}
