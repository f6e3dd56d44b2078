package report

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"strings"

	"helhed/danish"
	"helhed/workflows/report"
)

//go:embed templates/report.html.tmpl
var templatesFS embed.FS

var reportTmpl = template.Must(template.New("report.html.tmpl").Funcs(template.FuncMap{
	"indicatorChart": indicatorChart,
	"criterionChart": criterionChart,
	"dk":             func(v float64) string { return danish.FormatNumber(v, 1) },
}).ParseFS(templatesFS, "templates/report.html.tmpl"))

// RenderHTML renders the report as one self-contained HTML page.
func RenderHTML(r *report.Report) ([]byte, error) {
	var b bytes.Buffer
	if err := reportTmpl.Execute(&b, r); err != nil {
		return nil, fmt.Errorf("render report %s v%d: %w", r.PlanYear, r.Version, err)
	}
	return b.Bytes(), nil
}

// indicatorChart draws the value against the baseline: a bar for the value,
// a dark tick for the baseline.
func indicatorChart(c report.Bar) template.HTML {
	if !c.HasValue || c.Max <= 0 {
		return ""
	}
	const w, h = 100.0, 18.0
	scale := (w - 4) / (c.Max * 1.1)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" role="img" aria-label="værdi %s mod baseline">`, w, h, w, h, report.Number(c.Value))
	fmt.Fprintf(&b, `<rect x="0" y="4" width="%.1f" height="10" fill="#4a7fb5"/>`, c.Value*scale)
	if c.HasBase {
		x := c.Baseline * scale
		fmt.Fprintf(&b, `<line x1="%.1f" y1="0" x2="%.1f" y2="18" stroke="#222" stroke-width="2"/>`, x, x)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// criterionChart draws one § 61 a criterion across the areas: a bar per
// area (red when the criterion is met) and the threshold as a dashed line.
func criterionChart(g report.CriterionGroup) template.HTML {
	var rows []report.CriterionRow
	top := g.Threshold * 1.25
	for _, r := range g.Rows {
		if r.HasValue {
			rows = append(rows, r)
			top = max(top, r.V*1.1)
		}
	}
	if len(rows) == 0 || top <= 0 {
		return ""
	}
	const label, width, barH, gap = 210.0, 520.0, 18.0, 8.0
	h := float64(len(rows))*(barH+gap) + 24
	scale := (width - label - 50) / top
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" role="img" aria-label="%s">`,
		width, h, width, h, template.HTMLEscapeString(g.Title))
	for i, r := range rows {
		y := float64(i)*(barH+gap) + 4
		color := "#4a7fb5"
		if r.Crossed {
			color = "#c0392b"
		}
		fmt.Fprintf(&b, `<text x="0" y="%.1f" font-size="11">%s</text>`, y+13, template.HTMLEscapeString(r.Area))
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.0f" fill="%s"/>`, label, y, r.V*scale, barH, color)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="11">%s %%</text>`, label+r.V*scale+4, y+13, danish.FormatNumber(r.V, 1))
	}
	x := label + g.Threshold*scale
	fmt.Fprintf(&b, `<line x1="%.1f" y1="0" x2="%.1f" y2="%.1f" stroke="#222" stroke-dasharray="4 3"/>`, x, x, h-14)
	fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="10">grænse %s %%</text>`, x-30, h-2, danish.FormatNumber(g.Threshold, 1))
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
