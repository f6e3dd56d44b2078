package plan

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
)

// This file checks the shape of a parsed plan file against the Go types
// before decoding: unknown keys and wrong node kinds. goccy/go-yaml's own
// strict decoding stops at the first unknown field; walking the AST instead
// reports every one of them, each with its path and line.

// lineIndex maps a YAML path ("$.activities[3].areas[1]") to the line of the
// node at that path.
type lineIndex map[string]int

// indexLines records the line of every node under root, keyed by the path
// go-yaml's parser assigns to it. The first node seen for a path wins, which
// for a mapping entry is its key: the line a reader looks for.
func indexLines(root ast.Node) lineIndex {
	idx := lineIndex{}
	ast.Walk(lineVisitor(idx), root)
	return idx
}

type lineVisitor lineIndex

func (v lineVisitor) Visit(n ast.Node) ast.Visitor {
	if n == nil {
		return nil
	}
	path := n.GetPath()
	if tk := n.GetToken(); path != "" && tk != nil && tk.Position != nil {
		if _, seen := v[path]; !seen {
			v[path] = tk.Position.Line
		}
	}
	return v
}

// has reports whether the file has a node at path.
func (idx lineIndex) has(path string) bool {
	_, ok := idx[path]
	return ok
}

// line returns the line of path, or of its nearest existing ancestor when
// the node is missing (a required key left out is reported where its parent
// is), and 1 when nothing matches.
func (idx lineIndex) line(path string) int {
	for p := path; p != ""; p = parentPath(p) {
		if l, ok := idx[p]; ok && l > 0 {
			return l
		}
	}
	return 1
}

// parentPath strips the last ".key" or "[i]" from a path; "$" has no parent.
func parentPath(p string) string {
	if p == "$" || p == "" {
		return ""
	}
	if strings.HasSuffix(p, "]") {
		if i := strings.LastIndexByte(p, '['); i > 0 {
			return p[:i]
		}
	}
	if i := strings.LastIndexByte(p, '.'); i > 0 {
		return p[:i]
	}
	return "$"
}

var dateType = reflect.TypeFor[Date]()

// shapeChecker walks a YAML node tree alongside a Go type.
type shapeChecker struct {
	problems []Problem
	// badKinds is set when a node's kind cannot decode into its field
	// (e.g. a list where a string belongs); decoding would fail, so the
	// loader stops after reporting the shape problems.
	badKinds bool
	anchors  map[string]ast.Node
}

func newShapeChecker(root ast.Node) *shapeChecker {
	c := &shapeChecker{anchors: map[string]ast.Node{}}
	ast.Walk(anchorVisitor(c.anchors), root)
	return c
}

type anchorVisitor map[string]ast.Node

func (v anchorVisitor) Visit(n ast.Node) ast.Visitor {
	if a, ok := n.(*ast.AnchorNode); ok && a.Name != nil {
		v[a.Name.GetToken().Value] = a.Value
	}
	return v
}

func (c *shapeChecker) add(n ast.Node, path, format string, args ...any) {
	c.problems = append(c.problems, Problem{Path: path, Line: nodeLine(n), Message: fmt.Sprintf(format, args...)})
}

func (c *shapeChecker) wrongKind(n ast.Node, path, want string) {
	c.badKinds = true
	c.add(n, path, "expected %s, found %s", want, kindName(n))
}

// check verifies that n can decode into a value of type t.
func (c *shapeChecker) check(n ast.Node, t reflect.Type, path string) {
	n = unwrap(n)
	if n == nil || n.Type() == ast.NullType {
		return // null decodes to the zero value; required keys are checked later
	}
	if _, ok := n.(*ast.AliasNode); ok {
		return // checked where its anchor is defined
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == dateType:
		s, ok := scalarText(n)
		if !ok {
			c.wrongKind(n, path, "a date (yyyy-mm-dd)")
			return
		}
		if _, err := ParseDate(s); err != nil {
			c.badKinds = true
			c.add(n, path, "%v", err)
		}
	case t.Kind() == reflect.Struct:
		m, ok := n.(ast.MapNode)
		if !ok {
			c.wrongKind(n, path, "a mapping")
			return
		}
		c.checkStruct(m, t, path)
	case t.Kind() == reflect.Slice:
		seq, ok := n.(*ast.SequenceNode)
		if !ok {
			c.wrongKind(n, path, "a list")
			return
		}
		for i, v := range seq.Values {
			c.check(v, t.Elem(), fmt.Sprintf("%s[%d]", path, i))
		}
	case t.Kind() == reflect.Map:
		m, ok := n.(ast.MapNode)
		if !ok {
			c.wrongKind(n, path, "a mapping")
			return
		}
		for it := m.MapRange(); it.Next(); {
			c.check(it.Value(), t.Elem(), path+"."+keyText(it.Key()))
		}
	case t.Kind() == reflect.String:
		if _, ok := scalarText(n); !ok {
			c.wrongKind(n, path, "a string")
		}
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		if n.Type() != ast.IntegerType {
			c.wrongKind(n, path, "an integer")
		}
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		if n.Type() != ast.IntegerType && n.Type() != ast.FloatType {
			c.wrongKind(n, path, "a number")
		}
	case t.Kind() == reflect.Bool:
		if n.Type() != ast.BoolType {
			c.wrongKind(n, path, "true or false")
		}
	}
}

func (c *shapeChecker) checkStruct(m ast.MapNode, t reflect.Type, path string) {
	fields := yamlFields(t)
	for it := m.MapRange(); it.Next(); {
		key, value := it.Key(), it.Value()
		if key.Type() == ast.MergeKeyType {
			c.checkMerge(value, t, path)
			continue
		}
		name := keyText(key)
		ft, ok := fields[name]
		if !ok {
			c.add(key, path+"."+name, "unknown key %q (known keys: %s)", name, strings.Join(sortedKeys(fields), ", "))
			continue
		}
		c.check(value, ft, path+"."+name)
	}
}

// checkMerge checks the mapping(s) a "<<" merge key pulls in.
func (c *shapeChecker) checkMerge(v ast.Node, t reflect.Type, path string) {
	v = unwrap(v)
	switch v := v.(type) {
	case *ast.AliasNode:
		if target, ok := c.anchors[v.Value.GetToken().Value]; ok {
			c.check(target, t, path)
		}
	case *ast.SequenceNode:
		for _, e := range v.Values {
			c.checkMerge(e, t, path)
		}
	default:
		c.check(v, t, path)
	}
}

// yamlFields maps the YAML keys of struct type t to field types, following
// go-yaml's rules: the tag name or the lowercased field name, "-" skipped,
// unexported fields skipped, ",inline" fields flattened.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	fields := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		if f.PkgPath != "" && !f.Anonymous {
			continue
		}
		tag := f.Tag.Get("yaml")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if strings.Contains(","+opts+",", ",inline,") {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			for k, v := range yamlFields(ft) {
				fields[k] = v
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		fields[name] = f.Type
	}
	return fields
}

func sortedKeys(m map[string]reflect.Type) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// unwrap looks through anchors and tags to the node that carries the value.
func unwrap(n ast.Node) ast.Node {
	for {
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
		case *ast.TagNode:
			n = v.Value
		default:
			return n
		}
	}
}

// scalarText returns the text of a scalar node.
func scalarText(n ast.Node) (string, bool) {
	switch v := n.(type) {
	case *ast.MappingNode, *ast.MappingValueNode, *ast.SequenceNode:
		return "", false
	case *ast.StringNode:
		return v.Value, true
	case *ast.LiteralNode:
		return v.Value.Value, true
	default:
		if tk := n.GetToken(); tk != nil {
			return tk.Value, true
		}
		return "", false
	}
}

// keyText returns a mapping key as plain text (without quotes).
func keyText(k ast.Node) string {
	if s, ok := unwrap(k).(*ast.StringNode); ok {
		return s.Value
	}
	if tk := k.GetToken(); tk != nil {
		return tk.Value
	}
	return k.String()
}

func kindName(n ast.Node) string {
	switch n.Type() {
	case ast.MappingType, ast.MappingValueType:
		return "a mapping"
	case ast.SequenceType:
		return "a list"
	case ast.IntegerType:
		return "an integer"
	case ast.FloatType:
		return "a number"
	case ast.BoolType:
		return "a boolean"
	default:
		if s, ok := scalarText(n); ok {
			return fmt.Sprintf("%q", s)
		}
		return n.Type().String()
	}
}

func nodeLine(n ast.Node) int {
	if n == nil {
		return 1
	}
	return tokenLine(n.GetToken())
}

func tokenLine(tk *token.Token) int {
	if tk == nil || tk.Position == nil || tk.Position.Line < 1 {
		return 1
	}
	return tk.Position.Line
}

// pathOfToken finds the path of the node carrying tk, so that a decoder
// error (which only has a token) can be reported with a path.
func pathOfToken(root ast.Node, tk *token.Token) string {
	found := ""
	ast.Walk(visitFunc(func(n ast.Node) bool {
		if found != "" {
			return false
		}
		if n.GetToken() == tk && n.GetPath() != "" {
			found = n.GetPath()
			return false
		}
		return true
	}), root)
	if found == "" {
		return "$"
	}
	return found
}

type visitFunc func(ast.Node) bool

func (f visitFunc) Visit(n ast.Node) ast.Visitor {
	if n == nil || !f(n) {
		return nil
	}
	return f
}
