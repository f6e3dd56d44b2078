package dashboards

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/grafana/grafana-foundation-sdk/go/bargauge"
	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/variants"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/table"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
)

// board is one dashboard: its file, identity, variables and panels.
type board struct {
	file, uid, title, description string
	// operators marks the operators' health view, which looks at the last
	// day; the secretariat's dashboards look at the plan year so far.
	operators bool
	vars      []cog.Builder[dashboard.VariableModel]
	sections  []section
}

// section is a row of the dashboard and its panels, laid out left to right
// and wrapped at 24 columns by the SDK. The first section has no row title.
type section struct {
	row    string
	panels []cog.Builder[dashboard.Panel]
}

func boards() []board {
	return []board{overblik(), indikatorer(), partnere(), udsaettelser(), fravaer(), drift()}
}

// Render returns each dashboard's JSON by file name.
func Render() (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, b := range boards() {
		d, err := b.build()
		if err != nil {
			return nil, fmt.Errorf("dashboard %s: %w", b.file, err)
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false) // PromQL's < and > stay readable
		enc.SetIndent("", "  ")
		if err := enc.Encode(d); err != nil {
			return nil, fmt.Errorf("dashboard %s: %w", b.file, err)
		}
		out[b.file] = buf.Bytes()
	}
	return out, nil
}

// planYearStart is the month the plan year starts in (July), 0-based as
// Grafana counts months, so "now/fy" is the plan year.
const planYearStart = 6

func (b board) build() (dashboard.Dashboard, error) {
	from := "now/fy" // the plan year so far
	if b.operators {
		from = "now-24h"
	}
	db := dashboard.NewDashboardBuilder(b.title).
		Uid(b.uid).
		Description(b.description).
		Tags([]string{"helhedsplan"}).
		Timezone("Europe/Copenhagen").
		WeekStart("monday").
		Readonly().
		Tooltip(dashboard.DashboardCursorSyncCrosshair).
		Refresh("1m").
		Time(from, "now").
		FiscalYearStartMonth(planYearStart).
		Link(dashboard.NewDashboardLinkBuilder("Helhedsplan").
			Type(dashboard.DashboardLinkTypeDashboards).
			Tags([]string{"helhedsplan"}).
			AsDropdown(true).IncludeVars(true).KeepTime(true).
			Icon("external link")).
		Link(dashboard.NewDashboardLinkBuilder("Driftssider").Type(dashboard.DashboardLinkTypeLink).
			Url("${helhed_url}/operator/").Tooltip("Kørsler, startformularer og opdateringer").
			Icon("doc").TargetBlank(true)).
		Link(dashboard.NewDashboardLinkBuilder("Kalender (30 dage)").Type(dashboard.DashboardLinkTypeLink).
			Url("${helhed_url}/operator/kalender").Tooltip("Det, der forfalder de næste 30 dage").
			Icon("info").TargetBlank(true)).
		Link(dashboard.NewDashboardLinkBuilder("Temporal UI").Type(dashboard.DashboardLinkTypeLink).
			Url("${temporal_ui_url}/namespaces/default/workflows").Tooltip("Workflow-historikker").
			Icon("external link").TargetBlank(true))
	for _, v := range append(b.vars, linkVars()...) {
		db.WithVariable(v)
	}
	for _, s := range b.sections {
		if s.row != "" {
			db.WithRow(dashboard.NewRowBuilder(s.row))
		}
		for _, p := range s.panels {
			db.WithPanel(p)
		}
	}
	d, err := db.Build()
	if err != nil {
		return d, err
	}
	// Grafana wants panel ids unique within a dashboard; number them in
	// reading order.
	for i, p := range d.Panels {
		id := uint32(i + 1)
		if p.Panel != nil {
			p.Panel.Id = &id
		} else {
			p.RowPanel.Id = id
		}
	}
	return d, nil
}

// datasource is the Prometheus datasource dashboards/provisioning sets up.
var datasource = common.DataSourceRef{Type: cog.ToPtr("prometheus"), Uid: cog.ToPtr("prometheus")}

// namedVar is a multi-select variable over the ids in label id of an info
// metric (…_info{<id>, name}), shown by their Danish names, "All" by
// default.
func namedVar(id, label, metric string) cog.Builder[dashboard.VariableModel] {
	q := "query_result(" + metric + ")"
	return dashboard.NewQueryVariableBuilder(id).
		Label(label).
		Datasource(datasource).
		Definition(q).
		Query(dashboard.StringOrMap{Map: map[string]any{
			"qryType": 3, "query": q, "refId": "PrometheusVariableQueryEditor-VariableQuery",
		}}).
		Regex(`/(?=.*\b` + id + `="(?<value>[^"]+)")(?=.*\bname="(?<text>[^"]+)")/`).
		Refresh(dashboard.VariableRefreshOnDashboardLoad).
		Multi(true).IncludeAll(true).AllValue(".*").
		Current(dashboard.VariableOption{
			Selected: cog.ToPtr(true),
			Text:     dashboard.StringOrArrayOfString{ArrayOfString: []string{"All"}},
			Value:    dashboard.StringOrArrayOfString{ArrayOfString: []string{"$__all"}},
		}).
		Sort(dashboard.VariableSortAlphabeticalAsc)
}

// areaVar is $area, the one area variable of every dashboard that looks
// at areas: the plan's areas (helhed_area_info) by name.
func areaVar() cog.Builder[dashboard.VariableModel] {
	return namedVar("area", "Boligområde", "helhed_area_info")
}

// yearVar is $year, one plan year: the plan years begun, newest first, so
// that Grafana opens on the current plan year (the first option).
func yearVar() cog.Builder[dashboard.VariableModel] {
	q := "query_result(helhed_plan_year_start_timestamp_seconds <= time())"
	return dashboard.NewQueryVariableBuilder("year").
		Label("Planår").
		Datasource(datasource).
		Definition(q).
		Query(dashboard.StringOrMap{Map: map[string]any{
			"qryType": 3, "query": q, "refId": "PrometheusVariableQueryEditor-VariableQuery",
		}}).
		Regex(`/year="([^"]+)"/`).
		Refresh(dashboard.VariableRefreshOnTimeRangeChanged).
		Multi(false).IncludeAll(false).
		Sort(dashboard.VariableSortAlphabeticalDesc)
}

// Addresses of the links every dashboard has, as constants an installation
// overrides (README, "Addresses"): the portal's operator pages and the
// Temporal UI.
func linkVars() []cog.Builder[dashboard.VariableModel] {
	return []cog.Builder[dashboard.VariableModel]{
		dashboard.NewConstantVariableBuilder("helhed_url").Label("Helhed").
			Value(dashboard.StringOrMap{String: cog.ToPtr("http://127.0.0.1:8080")}),
		dashboard.NewConstantVariableBuilder("temporal_ui_url").Label("Temporal UI").
			Value(dashboard.StringOrMap{String: cog.ToPtr("http://127.0.0.1:8233")}),
	}
}

// query is one PromQL expression of a panel; the panel helpers give it its
// refId (A, B, … in order) and its instant, range or table form.
func query(expr string) *prometheus.DataqueryBuilder {
	return prometheus.NewDataqueryBuilder().Expr(expr).Datasource(datasource)
}

// legend is a query whose series are named by the legend template.
func legend(expr, format string) *prometheus.DataqueryBuilder {
	return query(expr).LegendFormat(format)
}

func refID(i int) string { return string(rune('A' + i)) }

// instantQueries reads each query once, at the end of the time range.
func instantQueries(qs []*prometheus.DataqueryBuilder) []cog.Builder[variants.Dataquery] {
	var out []cog.Builder[variants.Dataquery]
	for i, q := range qs {
		out = append(out, q.RefId(refID(i)).Instant())
	}
	return out
}

// The panel helpers below set what every panel of a kind shares; the
// dashboards' tables chain what is particular to one panel (unit,
// thresholds, mappings, overrides, transformations).

// statPanel shows one number per query, coloured by its thresholds.
func statPanel(w, h uint32, title, description string, qs ...*prometheus.DataqueryBuilder) *stat.PanelBuilder {
	return stat.NewPanelBuilder().
		Title(title).Description(description).Datasource(datasource).Span(w).Height(h).
		Targets(instantQueries(qs)).
		ColorScheme(byThresholds()).
		ColorMode(common.BigValueColorModeBackground).
		GraphMode(common.BigValueGraphModeNone).
		JustifyMode(common.BigValueJustifyModeCenter).
		TextMode(common.BigValueTextModeValue).
		Orientation(common.VizOrientationAuto).
		ReduceOptions(lastValue())
}

// tablePanel shows the queries' series as table rows (one column per
// label, and one per query's value).
func tablePanel(w, h uint32, title, description string, qs ...*prometheus.DataqueryBuilder) *table.PanelBuilder {
	var targets []cog.Builder[variants.Dataquery]
	for i, q := range qs {
		targets = append(targets, q.RefId(refID(i)).Instant().Format(prometheus.PromQueryFormatTable))
	}
	return table.NewPanelBuilder().
		Title(title).Description(description).Datasource(datasource).Span(w).Height(h).
		Targets(targets).
		Align(common.FieldTextAlignmentAuto).
		CellHeight(common.TableCellHeightSm).
		ShowHeader(true).
		Footer(common.NewTableFooterOptionsBuilder().Show(false).Reducer([]string{"sum"}))
}

// barsPanel shows one horizontal bar per series, from 0.
func barsPanel(w, h uint32, title, description string, qs ...*prometheus.DataqueryBuilder) *bargauge.PanelBuilder {
	return bargauge.NewPanelBuilder().
		Title(title).Description(description).Datasource(datasource).Span(w).Height(h).
		Targets(instantQueries(qs)).
		ColorScheme(byThresholds()).
		Thresholds(thresholds("blue")).
		Min(0).
		DisplayMode(common.BarGaugeDisplayModeGradient).
		ValueMode(common.BarGaugeValueModeColor).
		Orientation(common.VizOrientationHorizontal).
		ShowUnfilled(true).
		ReduceOptions(lastValue())
}

// graphPanel draws the queries over the time range as lines, with a legend
// table of each series' latest value.
func graphPanel(w, h uint32, title, description string, qs ...*prometheus.DataqueryBuilder) *timeseries.PanelBuilder {
	var targets []cog.Builder[variants.Dataquery]
	for i, q := range qs {
		targets = append(targets, q.RefId(refID(i)).Range())
	}
	return timeseries.NewPanelBuilder().
		Title(title).Description(description).Datasource(datasource).Span(w).Height(h).
		Targets(targets).
		DrawStyle(common.GraphDrawStyleLine).
		LineWidth(1).
		FillOpacity(0).
		ShowPoints(common.VisibilityModeNever).
		SpanNulls(common.BoolOrFloat64{Bool: cog.ToPtr(true)}).
		Legend(common.NewVizLegendOptionsBuilder().
			DisplayMode(common.LegendDisplayModeTable).
			Placement(common.LegendPlacementRight).
			ShowLegend(true).
			Calcs([]string{"lastNotNull"})).
		Tooltip(common.NewVizTooltipOptionsBuilder().
			Mode(common.TooltipDisplayModeMulti).
			Sort(common.SortOrderDescending))
}

func lastValue() *common.ReduceDataOptionsBuilder {
	return common.NewReduceDataOptionsBuilder().Calcs([]string{"lastNotNull"}).Fields("").Values(false)
}

func byThresholds() *dashboard.FieldColorBuilder {
	return dashboard.NewFieldColorBuilder().Mode(dashboard.FieldColorModeIdThresholds)
}

// step is a threshold: from value at on, the colour.
type step struct {
	at    float64
	color string
}

// thresholds colours values base below the first step, then by the steps.
func thresholds(base string, steps ...step) *dashboard.ThresholdsConfigBuilder {
	ts := []dashboard.Threshold{{Color: base}}
	for _, s := range steps {
		ts = append(ts, dashboard.Threshold{Value: cog.ToPtr(s.at), Color: s.color})
	}
	return dashboard.NewThresholdsConfigBuilder().Mode(dashboard.ThresholdsModeAbsolute).Steps(ts)
}

// Thresholds the dashboards share.
var (
	// anyIsBad: green at 0, red from 1 (overdue tasks, failed runs, drift).
	anyIsBad = func() *dashboard.ThresholdsConfigBuilder { return thresholds("green", step{1, "red"}) }
	// shareOfTarget: a share of a yearly target in percent.
	shareOfTarget = func() *dashboard.ThresholdsConfigBuilder {
		return thresholds("red", step{50, "yellow"}, step{90, "green"})
	}
	// lowerIsBetter colours a change: green below 0, red above.
	lowerIsBetter = func() *dashboard.ThresholdsConfigBuilder {
		return thresholds("green", step{0, "text"}, step{0.05, "red"})
	}
	// higherIsBetter colours a change: red below 0, green above.
	higherIsBetter = func() *dashboard.ThresholdsConfigBuilder {
		return thresholds("red", step{0, "text"}, step{0.05, "green"})
	}
	// onTimePercent: the share of partner answers given before the deadline.
	onTimePercent = func() *dashboard.ThresholdsConfigBuilder {
		return thresholds("red", step{75, "yellow"}, step{90, "green"})
	}
)

// text maps a value to a Danish text, coloured when color is set.
type text struct{ value, text, color string }

func valueTexts(ts ...text) []dashboard.ValueMapping {
	m := dashboard.NewValueMap()
	for i, t := range ts {
		r := dashboard.ValueMappingResult{Text: cog.ToPtr(t.text), Index: cog.ToPtr(int32(i))}
		if t.color != "" {
			r.Color = cog.ToPtr(t.color)
		}
		m.Options[t.value] = r
	}
	return []dashboard.ValueMapping{{ValueMap: m}}
}

// Value texts the dashboards share.
var (
	upDown   = valueTexts(text{"0", "Nede", "red"}, text{"1", "Oppe", "green"})
	noFailed = valueTexts(text{"0", "nej", ""}, text{"1", "FEJLET", ""})
	noPaused = valueTexts(text{"0", "nej", ""}, text{"1", "PAUSE", ""})
	bodies   = valueTexts(text{"board", "Bestyrelse", ""}, text{"steering-group", "Styregruppe", ""},
		text{"conference", "Årskonference", ""})
	verdicts = valueTexts(text{"ja", "JA", "red"}, text{"nej", "nej", "green"}, text{"ukendt", "ukendt", "orange"})
	// milestoneStatuses read helhed_milestone_status's status label.
	milestoneStatuses = valueTexts(text{"naaet", "Nået", "green"}, text{"paa-vej", "På vej", "blue"},
		text{"bagud", "Bagud", "red"}, text{"over", "Over målet", "orange"},
		text{"ikke-indberettet", "Ikke indberettet", "text"}, text{"diskretioneret", "Diskretioneret", "text"})
	// calendarKinds read the kind label of the plan calendar's milestones
	// (helhed_calendar_milestone_timestamp_seconds, package calendar).
	calendarKinds = valueTexts(text{"styregruppe", "Styregruppemøde", ""}, text{"bestyrelse", "Bestyrelsesmøde", ""},
		text{"konference", "Årskonference", ""}, text{"datafrist", "Frist for mødets data", ""},
		text{"dataanmodninger", "Dataanmodningers frist", ""}, text{"fravaer", "Fraværsrunde", ""},
		text{"statistik", "Statistikudtræk", ""}, text{"aarsrapport", "Årsrapport", ""},
		text{"beredskab", "Beredskabets statusmøde", ""})
	// hidden is how a suppression query's -1 reads.
	hidden = valueTexts(text{"-1", "diskretioneret", "text"})
)

// suppressed ends the description of every panel showing counts of persons
// that the collectors may leave out (README, "Metrics, dashboards and
// alerts").
const suppressed = " Antal personer under planens diskretionsgrænse (helhed_plan_discretion_threshold, normalt 5), " +
	"og antal, der ellers kunne regnes ud ved fratrækning, offentliggøres ikke: workeren udelader dem og " +
	"markerer dem, og de vises som »diskretioneret« eller en tom celle."

// Units (Grafana unit ids; "suffix: …" appends a Danish word).
const (
	unitSeconds  = "s"
	unitPercent  = "percent"
	unitRatio    = "percentunit"
	unitDate     = "dateTimeAsLocal"
	unitKroner   = "suffix: kr."
	unitHours    = "suffix: timer"
	unitCount    = "none"
	unitBytes    = "bytes"
	unitPerSec   = "reqps"
	unitTasks    = "suffix: opgaver"
	unitCases    = "suffix: sager"
	unitKeys     = "suffix: nøgler"
	unitCriteria = "suffix: kriterier"
	unitAreas    = "suffix: områder"
	unitText     = "string" // a table of labels only
)

// Override properties for table columns.
func unit(u string) dashboard.DynamicConfigValue {
	return dashboard.DynamicConfigValue{Id: "unit", Value: u}
}

func colored() dashboard.DynamicConfigValue {
	return dashboard.DynamicConfigValue{Id: "custom.cellOptions", Value: common.TableCellOptions{
		TableColoredBackgroundCellOptions: &common.TableColoredBackgroundCellOptions{
			Type: common.TableCellDisplayModeColorBackground,
			Mode: cog.ToPtr(common.TableCellBackgroundDisplayModeBasic),
		},
	}}
}

func colorBy(t *dashboard.ThresholdsConfigBuilder) dashboard.DynamicConfigValue {
	c, err := t.Build()
	if err != nil {
		panic(err) // thresholds() builds nothing that can fail
	}
	return dashboard.DynamicConfigValue{Id: "thresholds", Value: c}
}

func mappings(m []dashboard.ValueMapping) dashboard.DynamicConfigValue {
	return dashboard.DynamicConfigValue{Id: "mappings", Value: m}
}

func props(p ...dashboard.DynamicConfigValue) []dashboard.DynamicConfigValue { return p }

// partnerTasks links a cell or bar to the operator tasks page filtered by
// the partner whose id ref reads (a data-link variable such as
// ${__data.fields.partner}) and, unless "", by status (Filter.Status of
// adapters/datarequest).
func partnerTasks(ref, status string) dashboard.DynamicConfigValue {
	url := "${helhed_url}/operator/tasks?partner=" + ref
	if status != "" {
		url += "&status=" + status
	}
	return dashboard.DynamicConfigValue{Id: "links", Value: []map[string]any{{
		"title": "Partnerens opgaver på driftssiden", "url": url, "targetBlank": true,
	}}}
}

// Transformations of table panels.

// merge joins the queries' rows on their common labels.
func merge() dashboard.DataTransformerConfig {
	return dashboard.DataTransformerConfig{Id: "merge", Options: map[string]any{}}
}

// columns names, orders and hides columns: rename maps a field to its
// Danish heading; order lists fields left to right (none: as they come);
// Time and the fields in hide are dropped.
func columns(rename map[string]string, order []string, hide ...string) dashboard.DataTransformerConfig {
	exclude := map[string]bool{"Time": true}
	for _, h := range hide {
		exclude[h] = true
	}
	index := map[string]int{}
	for i, f := range order {
		index[f] = i
	}
	return dashboard.DataTransformerConfig{Id: "organize", Options: map[string]any{
		"excludeByName": exclude, "indexByName": index, "renameByName": rename,
	}}
}

// sortBy sorts rows by a (renamed) column.
func sortBy(field string, desc bool) dashboard.DataTransformerConfig {
	return dashboard.DataTransformerConfig{Id: "sortBy", Options: map[string]any{
		"fields": map[string]any{}, "sort": []map[string]any{{"field": field, "desc": desc}},
	}}
}

// matrix turns rows of (row, column, Value) into a row × column table.
func matrix(row, column string) dashboard.DataTransformerConfig {
	return dashboard.DataTransformerConfig{Id: "groupingToMatrix", Options: map[string]any{
		"columnField": column, "rowField": row, "valueField": "Value", "emptyValue": "null",
	}}
}

// withAreaName adds the area's Danish name (helhed_area_info) to q's
// series by area as area_name; area "alle" reads "Alle områder", and an
// area outside the plan's its id.
func withAreaName(q string) string {
	names := `max by (area, area_name) (label_replace(helhed_area_info, "area_name", "$1", "name", "(.+)"))`
	return `((` + q + `) * on (area) group_left (area_name) ` + names + `)` +
		` or label_replace(label_replace((` + q + `) unless on (area) ` + names + `, "area_name", "$1", "area", "(.*)"), "area_name", "Alle områder", "area", "alle")`
}

// withActivityName adds the activity's Danish name (helhed_activity_info)
// to q's series by activity as activity_name.
func withActivityName(q string) string {
	return `(` + q + `) * on (activity) group_left (activity_name) max by (activity, activity_name) (label_replace(helhed_activity_info, "activity_name", "$1", "name", "(.+)"))`
}

// ratio is 100 × num / den where den is above 0: no series (an empty
// cell, the panel's "no value" text) instead of NaN from 0/0.
func ratio(num, den string) string {
	return `100 * (` + num + `) / ((` + den + `) > 0)`
}

func panels(ps ...cog.Builder[dashboard.Panel]) []cog.Builder[dashboard.Panel] { return ps }

// Stat options some panels set instead of statPanel's.
const (
	valueAndName = common.BigValueTextModeValueAndName
	valueColor   = common.BigValueColorModeValue
	justifyAuto  = common.BigValueJustifyModeAuto
)
