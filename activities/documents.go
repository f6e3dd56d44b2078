package activities

import (
	"bytes"
	"context"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"path"
	"strings"
	texttemplate "text/template"

	"helhed/docstore"
)

// Templates pairs the HTML and Markdown rendering of a capability's
// documents (the meeting rounds' reports, the absence note): both sets
// define the same template names.
type Templates struct {
	HTML     *htmltemplate.Template
	Markdown *texttemplate.Template
}

// ParseTemplates parses dir/*.html and dir/*.md of fsys with the helpers
// every document template may use; it panics on a bad template, as the
// templates are embedded.
func ParseTemplates(fsys fs.FS, dir string) Templates {
	return Templates{
		HTML:     htmltemplate.Must(htmltemplate.New("").Funcs(templateFuncs).ParseFS(fsys, dir+"/*.html")),
		Markdown: texttemplate.Must(texttemplate.New("").Funcs(templateFuncs).ParseFS(fsys, dir+"/*.md")),
	}
}

var templateFuncs = map[string]any{
	"join": strings.Join,
	"inc":  func(i int) int { return i + 1 },
	// oneLine keeps free text inside a Markdown table cell.
	"oneLine": func(s string) string {
		return strings.ReplaceAll(strings.Join(strings.Fields(s), " "), "|", "/")
	},
}

// Render executes template name in both forms.
func (t Templates) Render(name string, data any) (markdown, html string, err error) {
	var md, h bytes.Buffer
	if err := t.Markdown.ExecuteTemplate(&md, name+".md", data); err != nil {
		return "", "", fmt.Errorf("render %s.md: %w", name, err)
	}
	if err := t.HTML.ExecuteTemplate(&h, name+".html", data); err != nil {
		return "", "", fmt.Errorf("render %s.html: %w", name, err)
	}
	return md.String(), h.String(), nil
}

// KeepDocument keeps a rendered document of one run in docs as
// dir/runs/<run>/base.md and .html and returns their keys, Markdown first.
// A retry of the run puts the same bytes again (a no-op); a later run of
// the same business key (a relaunched round) keeps its own, so nothing an
// earlier run sent is overwritten.
func KeepDocument(ctx context.Context, docs docstore.Store, dir, base, run, markdown, html string) ([]string, error) {
	if run == "" || strings.ContainsAny(run, `/\`) || run == "." || run == ".." {
		return nil, fmt.Errorf("keep %s: bad run id %q", base, run)
	}
	var keys []string
	for _, f := range []struct{ ext, body string }{{".md", markdown}, {".html", html}} {
		key := path.Join(dir, "runs", run, base+f.ext)
		if err := docs.Put(ctx, key, []byte(f.body), docstore.ContentType(key)); err != nil {
			return nil, err
		}
		keys = append(keys, key)
	}
	return keys, nil
}
