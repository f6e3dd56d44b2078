package testbrowser

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// UpdateEnv names the environment variable that, set to 1, makes
// CheckPage write the screenshots and the structure golden files instead
// of comparing with them.
const UpdateEnv = "HELHED_UPDATE_SCREENSHOTS"

// outlineJS lists the page's structure in document order, one line per
// item, indented by the landmarks around it: landmarks (header, nav, main,
// footer, aside, form, section with a label, status and alert messages),
// headings, table headers, definition terms, form labels and buttons. Row
// contents, paragraphs and links outside the navigation are left out, and
// a table row whose outline (its forms, labels, buttons) an earlier row of
// the table already showed is left out too, so the outline changes when
// the page's shape changes, not when its data or the number of rows do.
const outlineJS = `(() => {
  const text = el => (el.innerText || el.textContent || el.value || "").replace(/\s+/g, " ").trim();
  const landmark = el => {
    const role = el.getAttribute("role");
    if (role === "status" || role === "alert") return role;
    switch (el.tagName) {
      case "HEADER": return "banner";
      case "NAV": return "navigation" + (el.getAttribute("aria-label") ? " " + JSON.stringify(el.getAttribute("aria-label")) : "");
      case "MAIN": return "main";
      case "FOOTER": return "contentinfo";
      case "ASIDE": return "complementary";
      case "FORM": {
        // getAttribute, not el.id: a form's named controls shadow its
        // properties, so a hidden <input name="id"> makes el.id an element.
        const name = el.getAttribute("aria-label") || el.getAttribute("id") || "";
        return "form " + (el.getAttribute("method") || "get").toLowerCase() + (name ? " " + JSON.stringify(name) : "");
      }
      case "SECTION": {
        const name = el.getAttribute("aria-label") || (el.getAttribute("aria-labelledby") && document.getElementById(el.getAttribute("aria-labelledby")) ? text(document.getElementById(el.getAttribute("aria-labelledby"))) : "");
        return name ? "region " + JSON.stringify(name) : "";
      }
      case "TABLE": return "table";
      case "DL": return "list of terms";
    }
    return "";
  };
  const item = el => {
    if (/^H[1-6]$/.test(el.tagName)) return "heading" + el.tagName[1] + " " + JSON.stringify(text(el));
    switch (el.tagName) {
      case "TH": return "columnheader " + JSON.stringify(text(el));
      case "DT": return "term " + JSON.stringify(text(el));
      case "LABEL": return "label " + JSON.stringify(text(el));
      case "BUTTON": return "button " + JSON.stringify(text(el));
      case "A": return el.closest("nav") ? "link " + JSON.stringify(text(el)) : "";
      case "INPUT":
        if (el.type === "submit" || el.type === "button") return "button " + JSON.stringify(el.value);
        if (el.type === "file") return "file input";
    }
    return "";
  };
  const rowsSeen = new Map(); // table -> outlines of its rows so far
  const walk = (el, depth, lines) => {
    if (el.hidden || el.getAttribute("aria-hidden") === "true") return;
    if (el.tagName === "TR") {
      const row = [];
      for (const c of el.children) walk(c, depth, row);
      const table = el.closest("table"), key = row.join("\n");
      if (!rowsSeen.has(table)) rowsSeen.set(table, new Set());
      if (!rowsSeen.get(table).has(key)) { rowsSeen.get(table).add(key); lines.push(...row); }
      return;
    }
    const l = landmark(el);
    if (l) lines.push("  ".repeat(depth) + l);
    const i = item(el);
    if (i) { lines.push("  ".repeat(depth + (l ? 1 : 0)) + i); return; }
    for (const c of el.children) walk(c, depth + (l ? 1 : 0), lines);
  };
  const lines = [];
  walk(document.body, 0, lines);
  return lines.join("\n");
})()`

// Digits in the outline's texts become "#": counts, dates and ids in
// headings and buttons vary from run to run, the structure does not.
var (
	quoted = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)
	digits = regexp.MustCompile(`[0-9]+`)
)

// CheckPage records the page the browser shows under name: a full-page PNG
// screenshot in docs/screenshots/<name>.png at the module root (for the
// README) and the page's structure outline, compared with the golden file
// testdata/structure/<name>.txt of the test's package. A different outline
// fails the test with a diff. With HELHED_UPDATE_SCREENSHOTS=1 both files
// are (re)written instead. replace holds old, new pairs applied to the
// outline before digits become "#", for data the page shows in a heading
// or label (a case id, a name); the outline is what a reader of the golden
// file reviews, so keep the pairs few.
func CheckPage(t testing.TB, ctx context.Context, name string, replace ...string) {
	t.Helper()
	if len(replace)%2 != 0 {
		t.Fatalf("CheckPage %s: replace needs old, new pairs", name)
	}
	outline, err := chromedp.Run(ctx, chromedp.Evaluate[string](outlineJS))
	if err != nil {
		t.Fatalf("structure of page %s: %v", name, err)
	}
	outline = quoted.ReplaceAllStringFunc(strings.NewReplacer(replace...).Replace(outline), func(s string) string {
		return digits.ReplaceAllString(s, "#")
	}) + "\n"
	golden := filepath.Join("testdata", "structure", name+".txt")
	if os.Getenv(UpdateEnv) == "1" {
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot of page %s: %v", name, err)
		}
		root, err := moduleRoot()
		if err != nil {
			t.Fatal(err)
		}
		shot := filepath.Join(root, "docs", "screenshots", name+".png")
		for path, data := range map[string][]byte{shot: png, golden: []byte(outline)} {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		t.Logf("page %s: wrote %s and %s", name, shot, golden)
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("page %s: %v (write it with %s=1)", name, err, UpdateEnv)
	}
	if d := diff(string(want), outline); d != "" {
		t.Errorf("page %s: structure differs from %s (- golden, + page; %s=1 rewrites it after review):\n%s", name, golden, UpdateEnv, d)
	}
}

// moduleRoot is the directory holding go.mod, above the test's package.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the test's directory")
		}
		dir = parent
	}
}

// diff is a line diff of want and got ("" when equal): the lines of the
// longest common subsequence unmarked, the others marked - and +.
func diff(want, got string) string {
	if want == got {
		return ""
	}
	a, b := strings.Split(want, "\n"), strings.Split(got, "\n")
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out strings.Builder
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			fmt.Fprintf(&out, "  %s\n", a[i])
			i, j = i+1, j+1
		case j < len(b) && (i == len(a) || lcs[i][j+1] >= lcs[i+1][j]):
			fmt.Fprintf(&out, "+ %s\n", b[j])
			j++
		default:
			fmt.Fprintf(&out, "- %s\n", a[i])
			i++
		}
	}
	return out.String()
}
