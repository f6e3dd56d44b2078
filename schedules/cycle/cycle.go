// Package cycle holds what the plan's recurring cycles (meeting rounds,
// the absence follow-up) share: keeping rendered documents under
// DATA_DIR, rendering one template as HTML and Markdown, and collecting
// runs for their read-model reconcilers (Gather). Weekday arithmetic is
// package workdays, which workflow code calls directly.
package cycle

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	texttemplate "text/template"

	"helhed/fsutil"
)

// Doc is one rendered document.
type Doc struct {
	Markdown string `json:"markdown"`
	HTML     string `json:"html"`
	// Paths are the files written (Markdown, then HTML).
	Paths []string `json:"paths"`
}

// Templates pairs the HTML and Markdown rendering of the same documents:
// both sets define the same template names.
type Templates struct {
	HTML     *htmltemplate.Template
	Markdown *texttemplate.Template
}

// Render executes template name in both forms.
func (t Templates) Render(name string, data any) (Doc, error) {
	var md, html bytes.Buffer
	if err := t.Markdown.ExecuteTemplate(&md, name+".md", data); err != nil {
		return Doc{}, fmt.Errorf("render %s.md: %w", name, err)
	}
	if err := t.HTML.ExecuteTemplate(&html, name+".html", data); err != nil {
		return Doc{}, fmt.Errorf("render %s.html: %w", name, err)
	}
	return Doc{Markdown: md.String(), HTML: html.String()}, nil
}

// Keep writes the document as dir/base.md and dir/base.html, each
// atomically (write, then rename), so a retry rewrites the same content and
// a reader never sees half a file.
func Keep(dir, base string, d *Doc) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	d.Paths = nil
	for _, f := range []struct{ ext, body string }{{".md", d.Markdown}, {".html", d.HTML}} {
		path := filepath.Join(dir, base+f.ext)
		if err := fsutil.WriteAtomic(path, []byte(f.body), 0o600); err != nil {
			return err
		}
		d.Paths = append(d.Paths, path)
	}
	return nil
}

// funcs are the helpers every cycle template may use.
var funcs = map[string]any{
	"join": strings.Join,
	"inc":  func(i int) int { return i + 1 },
	// oneLine keeps free text inside a Markdown table cell.
	"oneLine": func(s string) string {
		return strings.ReplaceAll(strings.Join(strings.Fields(s), " "), "|", "/")
	},
}

// MustParse parses dir/*.html and dir/*.md of fsys with the shared helpers.
func MustParse(fsys fs.FS, dir string) Templates {
	return Templates{
		HTML:     htmltemplate.Must(htmltemplate.New("").Funcs(funcs).ParseFS(fsys, dir+"/*.html")),
		Markdown: texttemplate.Must(texttemplate.New("").Funcs(funcs).ParseFS(fsys, dir+"/*.md")),
	}
}
