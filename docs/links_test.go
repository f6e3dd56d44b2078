package docs

import (
	"bufio"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// TestMarkdownLinksStayInTheRepository checks every Markdown file of the
// repository (the README, docs/, …).
func TestMarkdownLinksStayInTheRepository(t *testing.T) {
	problems, checked, err := checkLinks("..")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
	if checked == 0 {
		t.Fatal("no link checked: is the repository where this test expects it?")
	}
	t.Logf("%d links checked", checked)
}

// TestLinkCheckFindsBadLinks: the checker itself catches a link that
// climbs out, one into ../shared, a missing file and a missing heading.
func TestLinkCheckFindsBadLinks(t *testing.T) {
	root := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("docs/design.md", "# Design\n\n## The rules\n\nSee [the README](../README.md#quick-start).\n")
	write("README.md", strings.Join([]string{
		"# helhed", "## Quick start",
		"[fine](docs/design.md#the-rules) [web](https://example.org/x.md) [here](#quick-start)",
		"[out](../outside.md) and [design](../shared/DESIGN.md)",
		"[missing](docs/interfaces.md) [no heading](docs/design.md#nowhere)",
		"[ref]: docs/gone.md",
		"```", "[in code](../ignored.md)", "```",
		"`[inline code](../ignored.md)`",
	}, "\n"))
	problems, _, err := checkLinks(root)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(problems, "\n")
	for _, want := range []string{"../outside.md", "../shared/DESIGN.md", "docs/interfaces.md", "docs/design.md#nowhere", "docs/gone.md"} {
		if !strings.Contains(got, want) {
			t.Errorf("not reported: %s\nreported:\n%s", want, got)
		}
	}
	if len(problems) != 5 {
		t.Errorf("want 5 problems, got %d:\n%s", len(problems), got)
	}
}

var (
	inlineLink = regexp.MustCompile(`\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)`)
	refLink    = regexp.MustCompile(`^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s.*)?$`)
	codeSpan   = regexp.MustCompile("`[^`]*`")
	scheme     = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*:`)
)

// checkLinks reads every .md file under root (but .git and testdata) and
// returns a line per bad link: one leaving root, one to a file that does
// not exist, one to a heading a Markdown file lacks. It also returns how
// many links it checked.
func checkLinks(root string) (problems []string, checked int, err error) {
	root, err = filepath.Abs(root)
	if err != nil {
		return nil, 0, err
	}
	headings := map[string][]string{}
	anchorsOf := func(file string) ([]string, error) {
		if a, ok := headings[file]; ok {
			return a, nil
		}
		a, err := readAnchors(file)
		headings[file] = a
		return a, err
	}
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); p != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".md") {
			return nil
		}
		links, err := readLinks(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		for _, l := range links {
			if scheme.MatchString(l.target) || strings.Contains(l.target, "{{") {
				continue // a web address, or a template's placeholder
			}
			checked++
			bad := func(why string) {
				problems = append(problems, fmt.Sprintf("%s:%d: link %s %s", rel, l.line, l.target, why))
			}
			target, anchor, _ := strings.Cut(l.target, "#")
			target, _, _ = strings.Cut(target, "?")
			file := p
			if target != "" {
				if strings.HasPrefix(target, "/") {
					file = filepath.Join(root, filepath.FromSlash(target))
				} else {
					file = filepath.Join(filepath.Dir(p), filepath.FromSlash(path.Clean(target)))
				}
				if inside, _ := filepath.Rel(root, file); inside == ".." || strings.HasPrefix(inside, ".."+string(filepath.Separator)) {
					bad("leaves the repository: link to a file in it (docs/) instead")
					continue
				}
				if _, err := os.Stat(file); err != nil {
					bad("points at a file that does not exist")
					continue
				}
			}
			if anchor != "" && strings.HasSuffix(file, ".md") {
				anchors, err := anchorsOf(file)
				if err != nil {
					return err
				}
				if !slices.Contains(anchors, anchor) {
					bad("points at a heading that does not exist")
				}
			}
		}
		return nil
	})
	return problems, checked, err
}

type link struct {
	line   int
	target string
}

// readLinks returns the inline and reference links of a Markdown file,
// outside fenced code blocks and code spans.
func readLinks(file string) ([]link, error) {
	var links []link
	err := eachProseLine(file, func(n int, text string) {
		text = codeSpan.ReplaceAllString(text, "")
		for _, m := range inlineLink.FindAllStringSubmatch(text, -1) {
			links = append(links, link{n, m[1]})
		}
		if m := refLink.FindStringSubmatch(text); m != nil {
			links = append(links, link{n, m[1]})
		}
	})
	return links, err
}

// readAnchors returns the anchors GitHub gives a Markdown file's headings.
func readAnchors(file string) ([]string, error) {
	var anchors []string
	seen := map[string]int{}
	err := eachProseLine(file, func(_ int, text string) {
		title, ok := strings.CutPrefix(strings.TrimLeft(text, "#"), " ")
		if !strings.HasPrefix(text, "#") || !ok {
			return
		}
		a := slug(title)
		if n := seen[a]; n > 0 {
			anchors = append(anchors, fmt.Sprintf("%s-%d", a, n))
		} else {
			anchors = append(anchors, a)
		}
		seen[a]++
	})
	return anchors, err
}

// slug is GitHub's heading anchor: lower case, punctuation dropped,
// spaces as hyphens.
func slug(title string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(title)) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteRune('-')
		}
	}
	return b.String()
}

// eachProseLine calls f with every line of file outside fenced code blocks.
func eachProseLine(file string, f func(n int, text string)) error {
	fh, err := os.Open(file)
	if err != nil {
		return err
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	fenced := false
	for n := 1; sc.Scan(); n++ {
		text := sc.Text()
		if t := strings.TrimSpace(text); strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			fenced = !fenced
			continue
		}
		if !fenced {
			f(n, text)
		}
	}
	return sc.Err()
}
