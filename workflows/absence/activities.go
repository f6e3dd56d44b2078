package absence

import "time"

// The round's own activities (adapters/absence), called by name. The names
// are the adapter's method names; they must not change, or running rounds
// no longer replay.
const (
	// ActivityPrepare takes the Input and returns the Setup (BuildSetup).
	ActivityPrepare = "AbsencePrepare"
	// ActivityPrevious takes the preceding quarter's workflow ID
	// (Setup.Previous) and returns its Carry.
	ActivityPrevious = "AbsencePrevious"
	// ActivityCompile takes a NoteInput and returns the note's Document.
	ActivityCompile = "AbsenceCompile"
	// ActivityRecord takes the Record.
	ActivityRecord = "AbsenceRecord"
)

// NoteInput is what the quarterly note is rendered from.
type NoteInput struct {
	Setup      Setup          `json:"setup"`
	Outcome    Outcome        `json:"outcome"`
	Schools    []SchoolStatus `json:"schools"`
	CompiledAt time.Time      `json:"compiledAt"`
}

// Document is the compiled note: its text for the e-mail and the files
// kept in the document store, absence/<plan>/<quarter>/runs/<run>/ (keys: Markdown, then HTML).
type Document struct {
	Markdown string   `json:"markdown"`
	HTML     string   `json:"html"`
	Paths    []string `json:"paths"`
}

// Entry names a quarter's read-model entry and holds what ActivityRecord
// writes besides the figures.
type Entry struct {
	Plan           string `json:"plan"`
	Quarter        string `json:"quarter"`
	Year           string `json:"year"`
	Threshold      int    `json:"threshold"`
	MissingSchools int    `json:"missingSchools"`
}

// Record is what ActivityRecord writes: the quarter's figures, published
// with counts below the discretion threshold suppressed.
type Record struct {
	Entry
	Outcome Outcome `json:"outcome"`
}
