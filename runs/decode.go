package runs

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"helhed/fielderr"
	"helhed/plan"
)

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	timeType        = reflect.TypeFor[time.Time]()
)

// Decode reads raw JSON into target (a pointer) strictly: an unknown field,
// a value of the wrong type or trailing data is a *fielderr.Error naming the
// field by its JSON path ("fields[2].type"). Nothing is written to target
// unless the whole document fits.
func Decode(raw []byte, target any) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return &fielderr.Error{Message: "tom indtastning: forventer et JSON-objekt"}
	}
	t := reflect.TypeOf(target)
	if t == nil || t.Kind() != reflect.Pointer {
		return fmt.Errorf("runs.Decode: target must be a pointer, got %T", target)
	}
	if !json.Valid(raw) {
		return &fielderr.Error{Message: syntaxError(raw)}
	}
	if fe := check(raw, t.Elem(), ""); fe != nil {
		return fe
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(target); err != nil {
		// check should have caught it; name what json knows.
		if te, ok := err.(*json.UnmarshalTypeError); ok {
			return &fielderr.Error{Field: te.Field, Message: "værdien har en forkert type"}
		}
		return &fielderr.Error{Message: "indholdet passer ikke til det forventede"}
	}
	return nil
}

// syntaxError says where raw stops being JSON, in Danish (encoding/json's
// own text is English).
func syntaxError(raw []byte) string {
	var v any
	err := json.NewDecoder(bytes.NewReader(raw)).Decode(&v)
	if err == nil {
		return "ugyldig JSON: uventede data efter værdien"
	}
	if se, ok := err.(*json.SyntaxError); ok {
		return fmt.Sprintf("ugyldig JSON: fejl ved tegn %d", se.Offset)
	}
	return "ugyldig JSON: indholdet slutter for tidligt"
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// check walks raw alongside t the way encoding/json would decode it.
func check(raw []byte, t reflect.Type, path string) *fielderr.Error {
	if string(raw) == "null" {
		return nil // json leaves the value as it is
	}
	if t == timeType {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return &fielderr.Error{Field: path, Message: "forventer et tidspunkt som tekst (RFC 3339, fx 2026-05-06T14:00:00+02:00)"}
		}
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			return &fielderr.Error{Field: path, Message: fmt.Sprintf("%q er ikke et tidspunkt (RFC 3339, fx 2026-05-06T14:00:00+02:00)", s)}
		}
		return nil
	}
	if t == dateType {
		// plan.Date's own error is English: it serves plan files.
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return &fielderr.Error{Field: path, Message: "forventer en dato som tekst (åååå-mm-dd)"}
		}
		if _, err := plan.ParseDate(s); err != nil && s != "" {
			return &fielderr.Error{Field: path, Message: fmt.Sprintf("%q er ikke en dato; skriv åååå-mm-dd", s)}
		}
		return nil
	}
	if reflect.PointerTo(t).Implements(jsonUnmarshaler) {
		if err := reflect.New(t).Interface().(json.Unmarshaler).UnmarshalJSON(raw); err != nil {
			return &fielderr.Error{Field: path, Message: err.Error()}
		}
		return nil
	}
	if t.Kind() != reflect.Pointer && reflect.PointerTo(t).Implements(textUnmarshaler) {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return &fielderr.Error{Field: path, Message: "forventer tekst"}
		}
		if err := reflect.New(t).Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s)); err != nil {
			return &fielderr.Error{Field: path, Message: err.Error()}
		}
		return nil
	}
	switch t.Kind() {
	case reflect.Pointer:
		return check(raw, t.Elem(), path)
	case reflect.Interface:
		return nil
	case reflect.Struct:
		return checkStruct(raw, t, path)
	case reflect.Map:
		var m map[string]json.RawMessage
		if json.Unmarshal(raw, &m) != nil {
			return &fielderr.Error{Field: path, Message: "forventer et objekt"}
		}
		for _, k := range sortedKeys(m) {
			if fe := check(m[k], t.Elem(), join(path, k)); fe != nil {
				return fe
			}
		}
		return nil
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 && t.Kind() == reflect.Slice {
			var s string
			if json.Unmarshal(raw, &s) != nil {
				return &fielderr.Error{Field: path, Message: "forventer base64-tekst"}
			}
			return nil
		}
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) != nil {
			return &fielderr.Error{Field: path, Message: "forventer en liste"}
		}
		if t.Kind() == reflect.Array && len(items) > t.Len() {
			return &fielderr.Error{Field: path, Message: fmt.Sprintf("højst %d elementer", t.Len())}
		}
		for i, it := range items {
			if fe := check(it, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); fe != nil {
				return fe
			}
		}
		return nil
	case reflect.String:
		if raw[0] != '"' {
			return &fielderr.Error{Field: path, Message: "forventer tekst"}
		}
		return nil
	case reflect.Bool:
		if s := string(raw); s != "true" && s != "false" {
			return &fielderr.Error{Field: path, Message: "forventer true eller false"}
		}
		return nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return checkInt(raw, t, path)
	case reflect.Float32, reflect.Float64:
		if _, err := strconv.ParseFloat(string(raw), 64); err != nil || raw[0] == '"' {
			return &fielderr.Error{Field: path, Message: "forventer et tal"}
		}
		return nil
	}
	return &fielderr.Error{Field: path, Message: "feltet kan ikke angives"}
}

func checkInt(raw []byte, t reflect.Type, path string) *fielderr.Error {
	s := string(raw)
	if raw[0] == '"' || strings.ContainsAny(s, ".eE") {
		return &fielderr.Error{Field: path, Message: "forventer et heltal"}
	}
	v := reflect.New(t).Elem()
	if v.CanInt() {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || v.OverflowInt(n) {
			return &fielderr.Error{Field: path, Message: "forventer et heltal inden for det tilladte interval"}
		}
		return nil
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || v.OverflowUint(n) {
		return &fielderr.Error{Field: path, Message: "forventer et ikke-negativt heltal inden for det tilladte interval"}
	}
	return nil
}

func checkStruct(raw []byte, t reflect.Type, path string) *fielderr.Error {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return &fielderr.Error{Field: path, Message: "forventer et objekt"}
	}
	fields := jsonFields(t)
	for _, k := range sortedKeys(m) {
		f, ok := fields[k]
		if !ok {
			// encoding/json matches names case-insensitively too.
			for name, g := range fields {
				if strings.EqualFold(name, k) {
					f, ok = g, true
					break
				}
			}
		}
		if !ok {
			return &fielderr.Error{Field: join(path, k), Message: "ukendt felt"}
		}
		if fe := check(m[k], f.Type, join(path, k)); fe != nil {
			return fe
		}
	}
	return nil
}

// field is one JSON-visible struct field.
type field struct {
	Name  string
	Type  reflect.Type
	Index []int
	Tag   reflect.StructTag
	Omit  bool // omitempty: optional in forms
}

// jsonFields lists t's fields by JSON name, promoting untagged embedded
// structs as encoding/json does.
func jsonFields(t reflect.Type) map[string]field {
	out := map[string]field{}
	for _, f := range orderedFields(t) {
		out[f.Name] = f
	}
	return out
}

// orderedFields lists t's JSON fields in declaration order.
func orderedFields(t reflect.Type) []field {
	var out []field
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if sf.Anonymous && name == "" {
			et := sf.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				for _, f := range orderedFields(et) {
					f.Index = append([]int{i}, f.Index...)
					out = append(out, f)
				}
				continue
			}
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		out = append(out, field{Name: name, Type: sf.Type, Index: []int{i}, Tag: sf.Tag,
			Omit: strings.Contains(","+opts+",", ",omitempty,") || strings.Contains(","+opts+",", ",omitzero,")})
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
