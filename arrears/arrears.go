// Package arrears reads the housing organisations' monthly arrears list
// (rykkerliste) in the CSV format of docs/interfaces.md: ';'-separated with a
// header row, UTF-8 (with or without BOM) or Windows-1252, Danish numbers
// and dates. It checks every line on its own, maps (organisation,
// department) to a plan area, gives each tenancy its pseudonymous id and
// marks repeats of a tenancy within the file.
//
// Parse never logs and its messages never echo a contact detail or a value
// that looks like a CPR number, so results may be stored and shown.
package arrears

import (
	"fmt"
	"log/slog"
	"strings"

	"helhed/plan"
	"helhed/pseudonym"
)

// Column names (header names are matched case-insensitively, with å/ø/æ
// folded to aa/oe/ae and spaces, dots, hyphens and underscores ignored).
const (
	ColTenancy      = "lejemaalsnr"
	ColOrganisation = "boligorganisation"
	ColDepartment   = "afdeling"
	ColName         = "navn"
	ColAddress      = "adresse"
	ColPhone        = "telefon"
	ColArrears      = "restance"
	ColDueDate      = "forfaldsdato"
	ColReminders    = "rykkere"
)

// RequiredColumns must all be in the header; telefon and rykkere may be
// left out (not every tenant has a phone; not every export counts
// reminders).
var RequiredColumns = []string{ColTenancy, ColOrganisation, ColDepartment, ColName, ColAddress, ColArrears, ColDueDate}

// PseudonymKind is the pseudonym namespace of tenancies.
const PseudonymKind = "tenancy"

// withheld replaces contact details wherever a value might be printed.
const withheld = "[contact withheld]"

// Contact is how the housing-social worker reaches the tenant. It travels
// only inside encrypted Temporal payloads; its String and LogValue withhold
// it, so printing or logging a struct that holds one shows nothing.
type Contact struct {
	Name    string `json:"name"`
	Address string `json:"address"`
	Phone   string `json:"phone,omitempty"`
}

// String withholds the contact.
func (Contact) String() string { return withheld }

// GoString withholds the contact from %#v.
func (Contact) GoString() string { return withheld }

// LogValue withholds the contact from slog.
func (Contact) LogValue() slog.Value { return slog.StringValue(withheld) }

// Entry is one accepted line.
type Entry struct {
	Line          int       `json:"line"`
	TenancyID     string    `json:"tenancyId"`    // pseudonymous: TenancyID(org, number)
	Organisation  string    `json:"organisation"` // plan housing organisation id
	Department    string    `json:"department"`   // as written, trimmed
	Area          string    `json:"area"`         // plan area id
	TenancyNumber string    `json:"tenancyNumber"`
	Contact       Contact   `json:"contact"`
	Arrears       Money     `json:"arrears"`
	DueDate       plan.Date `json:"dueDate"`
	Reminders     int       `json:"reminders"`
}

// LogValue shows only the line and the pseudonymous id.
func (e Entry) LogValue() slog.Value {
	return slog.GroupValue(slog.Int("line", e.Line), slog.String("tenancy", e.TenancyID))
}

// Rejection is one line that was not accepted, and why.
type Rejection struct {
	Line  int    `json:"line"`
	Error string `json:"error"`
}

// Duplicate is a line repeating a tenancy accepted on an earlier line of
// the same file; it is not imported.
type Duplicate struct {
	Line      int `json:"line"`
	FirstLine int `json:"firstLine"`
}

// Result is a parsed file.
type Result struct {
	Encoding   string      `json:"encoding"` // a danish.Encoding* constant
	Lines      int         `json:"lines"`    // data lines read, blank lines not counted
	Entries    []Entry     `json:"-"`
	Rejected   []Rejection `json:"rejected"`
	Duplicates []Duplicate `json:"duplicateLines"`
}

// FileError rejects a whole file: it cannot be read as an arrears list at
// all (empty, wrong separator, a required column missing). Column names the
// column at fault, if one is. Message is for the operator, in Danish;
// Reason is a short English code for logs, which are English and must not
// carry file contents.
type FileError struct {
	Column  string `json:"field,omitempty"`
	Message string `json:"error"`
	Reason  string `json:"-"`
}

func (e *FileError) Error() string { return e.Message }

// Reasons of file errors.
const (
	ReasonEncoding        = "encoding"
	ReasonNotText         = "not-text"
	ReasonEmpty           = "empty"
	ReasonSeparator       = "separator"
	ReasonHeader          = "unreadable-header"
	ReasonDuplicateColumn = "duplicate-column"
	ReasonMissingColumn   = "missing-column"
)

func fileErrorf(reason, column, format string, args ...any) *FileError {
	return &FileError{Column: column, Reason: reason, Message: fmt.Sprintf(format, args...)}
}

// NormaliseTenancyNumber is the form of a tenancy number that is hashed:
// trimmed, inner white space collapsed, upper case.
func NormaliseTenancyNumber(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), " "))
}

// TenancyID is the pseudonymous id of a tenancy: a keyed hash of the
// organisation's plan id and the normalised tenancy number (department
// numbers repeat across organisations, tenancy numbers within one do not).
func TenancyID(h *pseudonym.Hasher, organisationID, tenancyNumber string) string {
	return h.ID(PseudonymKind, organisationID, NormaliseTenancyNumber(tenancyNumber))
}
