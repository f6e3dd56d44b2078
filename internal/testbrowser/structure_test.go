package testbrowser

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// failures records a CheckPage that fails, so the test can see it fail.
type failures struct {
	testing.TB
	errs []string
}

func (f *failures) Errorf(format string, args ...any) {
	f.errs = append(f.errs, fmt.Sprintf(format, args...))
}

// TestCheckPage: the outline lists landmarks, headings, table headers,
// terms, labels and buttons in order with digits in texts as "#", a
// table row's outline once however many rows share it, and a form with
// neither aria-label nor id attribute unnamed (even holding a control
// named "id"); the matching golden passes, a golden missing a column
// fails with a diff naming it, and the update mode writes the golden and
// the screenshot.
func TestCheckPage(t *testing.T) {
	ctx := New(t)
	page := `<!doctype html><html lang="da"><body><header><h1>Helhed</h1><nav aria-label="Sider"><a href="/a">Sager</a></nav></header>
<main><p role="status">Gemt 12 linjer</p><h2>Sag T-42 fra 2026</h2><table><tr><th>Dato</th><th>Hvad</th></tr><tr><td>1</td><td>x</td></tr>
<tr><td>2</td><td><form method="post"><input type="hidden" name="id" value="s-1"><button>Udløs</button></form></td></tr>
<tr><td>3</td><td><form method="post"><input type="hidden" name="id" value="s-2"><button>Udløs</button></form></td></tr>
<tr><td>4</td><td><form method="post"><input type="hidden" name="id" value="s-3"><button>Genoptag</button></form></td></tr></table>
<dl><dt>Lejer</dt><dd>Navn</dd></dl><form method="post" aria-label="Kontakt"><label for="x">Note <span>(valgfri)</span></label><input id="x"><button>Gem</button></form></main></body></html>`
	if err := chromedp.Do(ctx, chromedp.Navigate("data:text/html;charset=utf-8,"+url.PathEscape(page))); err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	if err := os.WriteFile("go.mod", []byte("module x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	want := `banner
  heading1 "Helhed"
  navigation "Sider"
    link "Sager"
main
  status
  heading2 "Sag X fra #"
  table
    columnheader "Dato"
    columnheader "Hvad"
    form post
      button "Udløs"
    form post
      button "Genoptag"
  list of terms
    term "Lejer"
  form post "Kontakt"
    label "Note (valgfri)"
    button "Gem"
`
	golden := filepath.Join("testdata", "structure", "p.txt")
	if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(golden, []byte(want), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(UpdateEnv, "")
	CheckPage(t, ctx, "p", "T-42", "X")

	if err := os.WriteFile(golden, []byte(strings.Replace(want, `    columnheader "Hvad"`+"\n", "", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	f := &failures{TB: t}
	CheckPage(f, ctx, "p", "T-42", "X")
	if len(f.errs) != 1 || !strings.Contains(f.errs[0], `+     columnheader "Hvad"`) {
		t.Errorf("with a column missing from the golden: errors %q", f.errs)
	}

	t.Setenv(UpdateEnv, "1")
	CheckPage(t, ctx, "p", "T-42", "X")
	if got, err := os.ReadFile(golden); err != nil || string(got) != want {
		t.Errorf("updated golden %q, %v; want %q", got, err, want)
	}
	if png, err := os.ReadFile(filepath.Join("docs", "screenshots", "p.png")); err != nil || !strings.HasPrefix(string(png), "\x89PNG") {
		t.Errorf("screenshot: %d bytes, %v", len(png), err)
	}
}
