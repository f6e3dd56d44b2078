package plan

import "time"

// Defaults applied when a plan file leaves the key out.
const (
	DefaultTimeZone            = "Europe/Copenhagen"
	DefaultDiscretionThreshold = 5
	DefaultSteeringGroupOffset = 21 // days before the spring and autumn board meetings
)

// OverallFocusArea is the focus_area of an indicator that belongs to the
// plan's overall goals ("Overordnede mål og indikatorer") rather than to one
// focus area.
const OverallFocusArea = "overall"

// Directions of improvement for an indicator.
const (
	BetterLower  = "lower"
	BetterHigher = "higher"
)

// Plan is one boligsocial helhedsplan.
type Plan struct {
	ID   string `yaml:"id"`   // stable lowercase id, e.g. "randers-2021-25"
	Name string `yaml:"name"` // Danish title
	// Note is free text shown with the plan, e.g. that it is an example.
	Note string `yaml:"note,omitempty"`
	// Municipality is the kommune's name; KommuneCode its Danmarks Statistik
	// area code (Randers: "730"), used for the kommune baselines.
	Municipality string `yaml:"municipality,omitempty"`
	KommuneCode  string `yaml:"kommune_code,omitempty"`
	// Source names the document the data was transcribed from.
	Source string `yaml:"source,omitempty"`
	Period Period `yaml:"period"`
	// TimeZone is an IANA zone name; default Europe/Copenhagen.
	TimeZone string `yaml:"time_zone"`
	// DiscretionThreshold: published counts below it are suppressed; default 5.
	DiscretionThreshold int `yaml:"discretion_threshold"`
	// Totals are the plan document's own totals; when given, the areas must
	// add up to them.
	Totals Totals `yaml:"totals,omitempty"`

	HousingOrganisations []HousingOrganisation `yaml:"housing_organisations"`
	Areas                []Area                `yaml:"areas"`
	// Departments map each (organisation, department number) to its area.
	Departments []Department `yaml:"departments"`
	FocusAreas  []FocusArea  `yaml:"focus_areas"`
	Partners    []Partner    `yaml:"partners"`
	Activities  []Activity   `yaml:"activities"`
	Indicators  []Indicator  `yaml:"indicators"`
	Governance  Governance   `yaml:"governance"`
	// Eviction holds eviction prevention's settings (eviction.go).
	Eviction Eviction `yaml:"eviction,omitempty"`
	// Units name in Danish, as users read them, the unit codes the
	// targets and indicators use (courses: forløb; percent: "%"). Every
	// unit written as a code (lowercase letters, digits, hyphens) must be
	// named here; a unit written otherwise ("pr. 1.000 indbyggere") is
	// shown as it is. See UnitName.
	Units map[string]string `yaml:"units,omitempty"`

	// What the board and the steering group follow beside milestones and
	// indicators (followup.go): the budget against Landsbyggefonden's
	// tilsagn, the standing team meetings, and the areas watched beside
	// the plan's own.
	Economy        Economy         `yaml:"economy,omitempty"`
	TeamMeetings   []TeamMeeting   `yaml:"team_meetings,omitempty"`
	MonitoredAreas []MonitoredArea `yaml:"monitored_areas,omitempty"`

	// loc is the resolved TimeZone, set by Parse so that callers need no
	// zone database look-up of their own.
	loc *time.Location
}

// Totals are the residents and tenancies a plan document states for all its
// areas together.
type Totals struct {
	Residents int `yaml:"residents,omitempty"`
	Tenancies int `yaml:"tenancies,omitempty"`
}

// HousingOrganisation is a boligorganisation owning departments (afdelinger)
// in the plan's areas. Department numbers repeat across organisations, so a
// department is only identified by organisation and number together.
type HousingOrganisation struct {
	ID   string `yaml:"id"` // short code, e.g. "ms"
	Name string `yaml:"name"`
	// Aliases are other spellings met in documents and exports
	// ("Møllevænget og Storgården", "Møllevenget & Storgaarden", ...).
	Aliases []string `yaml:"aliases,omitempty"`
	// Administrator is the partner id of the administrating organisation
	// (e.g. RandersBolig administers three boligforeninger).
	Administrator string `yaml:"administrator,omitempty"`
}

// Area is a boligområde, one housing area of the plan.
type Area struct {
	ID      string   `yaml:"id"`
	Name    string   `yaml:"name"`
	Aliases []string `yaml:"aliases,omitempty"`
	// Designation is the area's status: "udsat" (on the list of udsatte
	// boligområder) or "risiko" (at risk / monitored); empty if neither.
	Designation string `yaml:"designation,omitempty"`
	Residents   int    `yaml:"residents"`
	Tenancies   int    `yaml:"tenancies"`
	// FiguresYear is the year the residents and tenancies were counted.
	FiguresYear int `yaml:"figures_year,omitempty"`
	// NonWesternShare is the share (percent) of residents who are
	// immigrants or descendants from non-western countries, as the plan
	// document gives it, and NonWesternYear the year it describes.
	// Optional; the § 61 a parallelsamfund test (over 50 %) uses it.
	NonWesternShare *float64 `yaml:"non_western_share,omitempty"`
	NonWesternYear  int      `yaml:"non_western_year,omitempty"`
	// Schools are the partner ids of the area's district schools.
	Schools []string `yaml:"schools,omitempty"`
	Note    string   `yaml:"note,omitempty"`
}

// Department is a boligafdeling: a housing organisation's department number
// and the area it lies in. The plan's departments make up its areas.
type Department struct {
	Organisation string `yaml:"organisation"` // housing organisation id
	Number       string `yaml:"number"`       // as the organisation writes it, e.g. "24"
	Area         string `yaml:"area"`         // area id
	Note         string `yaml:"note,omitempty"`
}

// FocusArea is an indsatsområde with its delaftale.
type FocusArea struct {
	ID   string `yaml:"id"`
	Name string `yaml:"name"`
	// Parties are the partner ids of the delaftale's parties.
	Parties []string `yaml:"parties,omitempty"`
	// Resources are staff hours committed to the focus area as a whole
	// (e.g. the boligsocial staff hours).
	Resources []Resource `yaml:"resources,omitempty"`
}

// Activity is an aktivitet/indsats. A sub-activity (e.g. Brandkadet under
// "Unge i fritids- og foreningslivet") names its parent; its areas must be
// among the parent's.
type Activity struct {
	ID        string   `yaml:"id"`
	Name      string   `yaml:"name"`
	Aliases   []string `yaml:"aliases,omitempty"`
	FocusArea string   `yaml:"focus_area"`
	Parent    string   `yaml:"parent,omitempty"`
	// Areas are the area ids the activity runs in (the "Indsatser i
	// områderne" matrix).
	Areas []string `yaml:"areas"`
	// Responsible are the partner ids holding the responsibility (Ansvar).
	Responsible []string `yaml:"responsible"`
	// Contributors are partner ids with a role (Rollefordeling) but not the
	// responsibility.
	Contributors []string   `yaml:"contributors,omitempty"`
	Resources    []Resource `yaml:"resources,omitempty"`
	// Targets are the milestone plan: one entry per metric and plan year.
	Targets []Target `yaml:"targets,omitempty"`
	Note    string   `yaml:"note,omitempty"`
}

// Resource is a commitment of staff hours by one or more partners.
type Resource struct {
	Partners []string `yaml:"partners"`
	Hours    float64  `yaml:"hours"`
	Per      string   `yaml:"per"` // "week", "year" or "total"
	Note     string   `yaml:"note,omitempty"`
}

// Units of time a Target's value is counted per.
const (
	PerYear    = "year"
	PerMonth   = "month"
	PerAtATime = "at-a-time" // a caseload: so many at any one time
)

// Target is one milestone: a number to reach for a metric in one plan year.
// Exactly one of Value, or Min and/or Max, is set.
type Target struct {
	Metric      string `yaml:"metric"` // stable lowercase key, e.g. "unge"
	Description string `yaml:"description,omitempty"`
	Year        string `yaml:"year"`           // plan year label, e.g. "2021-22"
	Area        string `yaml:"area,omitempty"` // "" = all the activity's areas together
	// Value is an exact level, or an approximate one when Approx is set
	// (the plan's "ca." figures).
	Value  *float64 `yaml:"value,omitempty"`
	Approx bool     `yaml:"approx,omitempty"`
	Min    *float64 `yaml:"min,omitempty"`
	Max    *float64 `yaml:"max,omitempty"`
	Unit   string   `yaml:"unit"`
	// Per says what the value is counted per: year (default), month or
	// at-a-time.
	Per  string `yaml:"per,omitempty"`
	Note string `yaml:"note,omitempty"`
}

// Indicator is a measured quantity with baselines: an overall goal's
// indicator or a focus area's delmål indicator.
type Indicator struct {
	ID   string `yaml:"id"`
	Name string `yaml:"name"`
	// Goal is the (delmål) text the indicator measures progress on.
	Goal string `yaml:"goal,omitempty"`
	// FocusArea is a focus area id or OverallFocusArea.
	FocusArea string `yaml:"focus_area"`
	Unit      string `yaml:"unit"`
	// Source is the default data source of the baselines.
	Source string `yaml:"source"`
	// Better is BetterLower or BetterHigher.
	Better string `yaml:"better"`
	// BaselinePeriod is the default period of the baselines, e.g. "2019" or
	// "Første halvår af skoleåret 2019-20".
	BaselinePeriod string `yaml:"baseline_period"`
	// BaselineNote says where the baselines come from when that is not
	// obvious, e.g. that they are carried over from an earlier plan.
	BaselineNote string `yaml:"baseline_note,omitempty"`
	// Baselines are the area values; a baseline without area is for the
	// plan's areas together.
	Baselines []Baseline `yaml:"baselines"`
	// Kommune are the comparison baselines: the kommune, or what the plan
	// compares with instead (see Baseline.Scope).
	Kommune []Baseline `yaml:"kommune,omitempty"`
	Targets []Target   `yaml:"targets,omitempty"`
	Note    string     `yaml:"note,omitempty"`
}

// Baseline is one starting value of an indicator.
type Baseline struct {
	Area   string  `yaml:"area,omitempty"` // area id; "" = the areas together
	Value  float64 `yaml:"value"`
	Period string  `yaml:"period,omitempty"` // overrides Indicator.BaselinePeriod
	// Persons is the head count behind a share, when the source gives it.
	Persons int    `yaml:"persons,omitempty"`
	Source  string `yaml:"source,omitempty"` // overrides Indicator.Source
	// Scope names what a comparison baseline covers when it is not the
	// kommune, e.g. "Landsgennemsnit" or "Randers Retskreds".
	Scope string `yaml:"scope,omitempty"`
	Note  string `yaml:"note,omitempty"`
}

// Partner kinds.
const (
	KindSchool      = "school"
	KindDaycare     = "daycare"
	KindJobcenter   = "jobcenter"
	KindHousing     = "housing"
	KindMunicipal   = "municipal"
	KindHealth      = "health"
	KindLibrary     = "library"
	KindPolice      = "police"
	KindSecretariat = "secretariat"
	KindExternal    = "external"
)

// Partner is an organisation or unit that takes part in the plan and can be
// sent tasks. Its contact is a role, never a named person.
type Partner struct {
	ID      string   `yaml:"id"`
	Name    string   `yaml:"name"`
	Aliases []string `yaml:"aliases,omitempty"`
	// Role is the contact role, e.g. "Skoleleder".
	Role string `yaml:"role"`
	Kind string `yaml:"kind"`
	// Email is a role-based address (e.g. fravaer@skole-eksempel.randers.dk).
	Email string `yaml:"email"`
	Note  string `yaml:"note,omitempty"`
}

// Governance is the plan's organisation: bestyrelse, styregruppe, the annual
// conference, the annual report and the crisis plan.
type Governance struct {
	Board         Board         `yaml:"board"`
	SteeringGroup SteeringGroup `yaml:"steering_group"`
	// MonitoringUnit is the partner id of the municipal monitoring unit,
	// which delivers data ahead of every meeting.
	MonitoringUnit string       `yaml:"monitoring_unit,omitempty"`
	Conference     Conference   `yaml:"conference"`
	AnnualReport   AnnualReport `yaml:"annual_report"`
	Crisis         Crisis       `yaml:"crisis"`
}

// Body holds what the board and the steering group have in common.
type Body struct {
	Name        string   `yaml:"name"`
	Chair       string   `yaml:"chair"`       // partner id
	Secretariat string   `yaml:"secretariat"` // partner id
	Members     []string `yaml:"members"`     // partner ids
	// FixedAgenda are the standing agenda items (Danish).
	FixedAgenda []string `yaml:"fixed_agenda"`
	// StartTime ("hh:mm", local) and DurationMinutes place meetings in the
	// day for invitations.
	StartTime       string `yaml:"start_time"`
	DurationMinutes int    `yaml:"duration_minutes"`
	// Place is where the body meets (optional): the invitations' LOCATION.
	Place string `yaml:"place,omitempty"`
}

// Board is the bestyrelse: two fixed meetings a plan year (autumn, spring)
// and strategic ones.
type Board struct {
	Body     `yaml:",inline"`
	Meetings []BoardYear `yaml:"meetings"`
}

// BoardYear are the board's meeting dates in one plan year.
type BoardYear struct {
	Year      string `yaml:"year"` // plan year label
	Autumn    Date   `yaml:"autumn"`
	Spring    Date   `yaml:"spring"`
	Strategic []Date `yaml:"strategic,omitempty"`
}

// SteeringGroup is the styregruppe. Its spring and autumn meetings are
// derived: OffsetDays before the board's; its summer meeting is set per year.
type SteeringGroup struct {
	Body       `yaml:",inline"`
	OffsetDays int          `yaml:"offset_days"`
	Summer     []YearlyDate `yaml:"summer_meetings"`
}

// YearlyDate is one date in one plan year.
type YearlyDate struct {
	Year string `yaml:"year"`
	Date Date   `yaml:"date"`
}

// Conference is the annual boligsocial conference linking to the political
// level.
type Conference struct {
	Name       string       `yaml:"name"`
	Organisers []string     `yaml:"organisers"` // partner ids
	Dates      []YearlyDate `yaml:"dates"`
}

// AnnualReport says which board meeting approves the årsrapport and who
// receives it.
type AnnualReport struct {
	// ApprovedAt is "autumn" or "spring": the board meeting that approves it.
	ApprovedAt string   `yaml:"approved_at"`
	Recipients []string `yaml:"recipients,omitempty"` // Danish descriptions
}

// Crisis is the beredskabsplan.
type Crisis struct {
	// Triggers are the kinds of incident the plan is meant for (Danish).
	Triggers []string `yaml:"triggers,omitempty"`
	// Convenor is the id of the role that calls the crisis group together.
	Convenor string       `yaml:"convenor"`
	Roles    []CrisisRole `yaml:"roles"`
	// Press are the roles that handle the press.
	Press []CrisisRole `yaml:"press,omitempty"`
	// PoliceFallback is the procedure when the police contact is not reached.
	PoliceFallback string `yaml:"police_fallback,omitempty"`
	// StatusMeetingsPerYear is how often the crisis group meets in calm times.
	StatusMeetingsPerYear int `yaml:"status_meetings_per_year,omitempty"`
}

// CrisisRole is a seat in the crisis group, held by a role at a partner.
type CrisisRole struct {
	ID      string   `yaml:"id"`
	Title   string   `yaml:"title"`
	Partner string   `yaml:"partner"`
	Deputy  string   `yaml:"deputy,omitempty"` // title of the deputy, if any
	Duties  []string `yaml:"duties,omitempty"`
}
