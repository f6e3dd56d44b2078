// Package plan holds the domain model of a boligsocial helhedsplan (a
// social-housing master plan) and loads it from YAML.
//
// The plan is data: areas, departments, focus areas, activities with yearly
// targets, indicators with baselines, partners and the governance calendar
// all come from one YAML file, so another municipality's plan runs by
// swapping that file. Two plans are embedded: randers-2021-25 (transcribed
// from the plan document) and eksempel-2025-29, an example continuation that
// is not an adopted plan. ForDate picks the one whose period contains a date.
//
// # File format
//
// Top-level keys (all snake_case; unknown keys are errors):
//
//	id, name, note, municipality, kommune_code, source
//	period: {start: yyyy-mm-dd, end: yyyy-mm-dd}
//	time_zone (default Europe/Copenhagen), discretion_threshold (default 5)
//	totals: {residents, tenancies}      the document's own totals, checked
//	housing_organisations: [{id, name, aliases, administrator}]
//	areas: [{id, name, aliases, designation, residents, tenancies, figures_year, schools, note}]
//	departments: [{organisation, number, area, note}]
//	units: {code: Danish name}          names the unit codes used, e.g. courses: forløb
//	focus_areas: [{id, name, parties, resources}]
//	partners: [{id, name, aliases, role, kind, email, note}]
//	activities: [{id, name, aliases, focus_area, parent, areas, responsible,
//	              contributors, resources, targets, note}]
//	indicators: [{id, name, goal, focus_area, unit, source, better,
//	              baseline_period, baseline_note, baselines, kommune, targets, note}]
//	governance: {board, steering_group, monitoring_unit, conference,
//	             annual_report, crisis}
//	eviction: {demand_receipt: {digital_post, quickbrev, letter}}
//	                                    optional; defaults 0, 1, 5 delivery days
//	economy: {source, note, tilsagn, budget: [{activity, planned, tilsagn, note}]}
//	team_meetings: [{id, name, activity, members, convenor, every_days,
//	                 weekday, start_time, duration_minutes, place, source, note}]
//	monitored_areas: [{id, name, area, monitored_by, reason, source, note,
//	                   indicators: [{id, name, unit, threshold, note}]}]
//
// A target is {metric, description, year, area, value | min/max, approx,
// unit, per, note}, one per metric and plan year ("2021-22"). Dates are
// civil dates written yyyy-mm-dd (see Date). Plan years run 1 July – 30 June.
// A budget line gives its planned and tilsagn amounts (whole kroner) as
// lists with one amount per plan year, in order.
//
// # Errors
//
// Parse checks the whole file and returns a *ValidationError listing every
// problem, each with its YAML path ("$.activities[3].areas[1]") and line.
// Malformed YAML, and values of the wrong kind (a list where a number
// belongs, an invalid date), stop the check before the semantic rules run,
// since the file cannot be decoded; everything else is reported in one pass.
//
// The types are plain data with no I/O.
package plan
