package activities

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

// KeepDocument writes a rendered document under DATA_DIR as dir/base.md
// and dir/base.html (the latest), and the same under dir/runs/<run>/, each
// atomically: a retried activity rewrites the same content, a reader never
// sees half a file, and a later run of the same business key (a relaunched
// round) never overwrites what an earlier run sent. It returns the paths of
// the latest, Markdown first.
func KeepDocument(dir, base, run, markdown, html string) ([]string, error) {
	if run == "" || strings.ContainsAny(run, `/\`) || run == "." || run == ".." {
		return nil, fmt.Errorf("keep %s: bad run id %q", base, run)
	}
	var paths []string
	for _, d := range []string{filepath.Join(dir, "runs", run), dir} {
		if err := os.MkdirAll(d, 0o750); err != nil {
			return nil, fmt.Errorf("create %s: %w", d, err)
		}
		paths = paths[:0]
		for _, f := range []struct{ ext, body string }{{".md", markdown}, {".html", html}} {
			path := filepath.Join(d, base+f.ext)
			if err := fsutil.WriteAtomic(path, []byte(f.body), 0o600); err != nil {
				return nil, err
			}
			paths = append(paths, path)
		}
	}
	return paths, nil
}
