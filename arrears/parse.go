package arrears

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"helhed/danish"
	"helhed/plan"
	"helhed/pseudonym"
)

// Options are what Parse checks lines against.
type Options struct {
	Plan   *plan.Plan
	Hasher *pseudonym.Hasher
	// ListDate is the list's date; a due date after it is an error.
	ListDate plan.Date
}

// Parse reads a whole arrears list. A *FileError means the file as a whole
// cannot be read; otherwise every line is either an Entry, a Rejection or a
// Duplicate, each on its own.
func Parse(r io.Reader, opts Options) (*Result, error) {
	if opts.Plan == nil || opts.Hasher == nil {
		return nil, errors.New("arrears: Parse needs a plan and a pseudonym hasher")
	}
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read arrears list: %w", err)
	}
	cr, err := danish.NewCSVReader(raw, danish.CSVFormat{Separators: ";", LazyQuotes: true})
	if err != nil {
		return nil, fileError(err)
	}
	header := cr.Header
	cols, err := columns(header)
	if err != nil {
		return nil, err
	}

	res := &Result{Encoding: cr.Encoding}
	p := parser{opts: opts, cols: cols, header: header, seen: map[string]int{}}
	for {
		rec, line, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			res.Lines++
			res.Rejected = append(res.Rejected, Rejection{Line: line, Error: "linjen kan ikke læses som CSV: " + danish.CSVProblem(err)})
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read arrears list: %w", err)
		}
		if blank(rec) {
			continue
		}
		res.Lines++
		entry, problems := p.line(rec)
		switch {
		case len(problems) > 0:
			res.Rejected = append(res.Rejected, Rejection{Line: line, Error: strings.Join(problems, "; ")})
		case p.seen[entry.TenancyID] > 0:
			res.Duplicates = append(res.Duplicates, Duplicate{Line: line, FirstLine: p.seen[entry.TenancyID]})
		default:
			entry.Line = line
			p.seen[entry.TenancyID] = line
			res.Entries = append(res.Entries, entry)
		}
	}
	return res, nil
}

// fileError turns the CSV front end's refusal of the whole file into a
// FileError with the list's own wording.
func fileError(err error) error {
	var (
		te *danish.TextError
		se *danish.SeparatorError
		pe *csv.ParseError
	)
	switch {
	case errors.As(err, &te) && te.Problem == danish.UTF16:
		return fileErrorf(ReasonEncoding, "", "%s", te.Message)
	case errors.As(err, &te):
		return fileErrorf(ReasonNotText, "", "%s", te.Message)
	case errors.Is(err, danish.ErrEmpty):
		return fileErrorf(ReasonEmpty, "", "filen er tom: en restanceliste skal have en overskriftslinje og mindst én linje med data")
	case errors.As(err, &se):
		return fileErrorf(ReasonSeparator, "", "%s, men restancelisten bruger ';' (semikolon): eksportér listen igen med ';' som skilletegn (»CSV (semikolonsepareret)«)", se.Error())
	case errors.As(err, &pe):
		return fileErrorf(ReasonHeader, "", "overskriftslinjen kan ikke læses: %s", danish.CSVProblem(err))
	}
	return fmt.Errorf("read arrears list: %w", err)
}

// columns maps column keys to their index and checks the required ones.
func columns(header []string) (map[string]int, error) {
	cols := map[string]int{}
	var dup *FileError
	for i, h := range header {
		k := danish.NormaliseHeader(h)
		if k == "" {
			continue
		}
		if j, seen := cols[k]; seen {
			if dup == nil {
				k = danish.RedactCPR(k)
				dup = fileErrorf(ReasonDuplicateColumn, k, "kolonnen »%s« står to gange i overskriftslinjen (kolonne %d og %d)", k, j+1, i+1)
			}
			continue
		}
		cols[k] = i
	}
	var missing []string
	for _, c := range RequiredColumns {
		if _, ok := cols[c]; !ok {
			missing = append(missing, c)
		}
	}
	if !knownColumn(cols) {
		// Not one column name: the first line is most likely data, whose
		// values (names, addresses) must not be echoed.
		return nil, fileErrorf(ReasonMissingColumn, missing[0], "første linje indeholder ingen af restancelistens kolonnenavne (%s): mangler overskriftslinjen?",
			strings.Join(RequiredColumns, ", "))
	}
	if dup != nil {
		return nil, dup
	}
	if len(missing) == 0 {
		return cols, nil
	}
	found := make([]string, 0, len(header))
	for _, h := range header {
		found = append(found, Quote(strings.TrimSpace(h)))
	}
	what := "kolonnen »" + missing[0] + "« mangler"
	if len(missing) > 1 {
		what = "kolonnerne »" + strings.Join(missing, "«, »") + "« mangler"
	}
	return nil, fileErrorf(ReasonMissingColumn, missing[0], "%s i overskriftslinjen; den har %s", what, strings.Join(found, ", "))
}

// knownColumn reports whether the header names any column of the list.
func knownColumn(cols map[string]int) bool {
	for _, c := range []string{ColTenancy, ColOrganisation, ColDepartment, ColName, ColAddress, ColPhone, ColArrears, ColDueDate, ColReminders} {
		if _, ok := cols[c]; ok {
			return true
		}
	}
	return false
}

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

type parser struct {
	opts   Options
	cols   map[string]int
	header []string
	seen   map[string]int // tenancy id → line of its accepted entry
}

// field returns a column's trimmed value ("" when the column is absent or
// the line is short).
func (p *parser) field(rec []string, col string) string {
	i, ok := p.cols[col]
	if !ok || i >= len(rec) {
		return ""
	}
	return strings.TrimSpace(rec[i])
}

// columnName names the column of field i for messages.
func (p *parser) columnName(i int) string {
	if i < len(p.header) {
		if k := danish.NormaliseHeader(p.header[i]); k != "" {
			return k
		}
	}
	return fmt.Sprintf("felt %d", i+1)
}

// line checks one record. Problems never quote a contact detail or a
// CPR-like value.
func (p *parser) line(rec []string) (Entry, []string) {
	// CPR first, over every field, known columns or not: such a line is
	// dropped whole before any other message could quote a value.
	for i, f := range rec {
		if danish.LooksLikeCPR(f) {
			return Entry{}, []string{cprMessage(p.columnName(i))}
		}
	}
	if len(rec) != len(p.header) {
		if msg := p.shape(rec); msg != "" {
			return Entry{}, []string{msg}
		}
	}

	var e Entry
	var problems []string
	add := func(ps ...Problem) {
		for _, x := range ps {
			problems = append(problems, x.Message)
		}
	}
	e.TenancyNumber = NormaliseTenancyNumber(p.field(rec, ColTenancy))
	e.Department = p.field(rec, ColDepartment)
	var tp []Problem
	e.Organisation, e.Area, tp = CheckTenancy(p.opts.Plan, p.field(rec, ColOrganisation), e.Department, e.TenancyNumber)
	add(tp...)
	e.Contact = Contact{Name: p.field(rec, ColName), Address: p.field(rec, ColAddress), Phone: p.field(rec, ColPhone)}
	add(CheckContact(e.Contact)...)

	if s := p.field(rec, ColArrears); s == "" {
		add(Problem{ColArrears, ColArrears + " er ikke udfyldt"})
	} else if ore, err := danish.ParseAmount(s); err != nil {
		add(Problem{ColArrears, fmt.Sprintf("%s %s er ikke et beløb: %v", ColArrears, Quote(s), err)})
	} else if pr := CheckArrears(Money(ore)); pr != nil {
		add(*pr)
	} else {
		e.Arrears = Money(ore)
	}

	if s := p.field(rec, ColDueDate); s == "" {
		add(Problem{ColDueDate, ColDueDate + " er ikke udfyldt"})
	} else if d, err := danish.ParseDate(s); err != nil {
		add(Problem{ColDueDate, fmt.Sprintf("%s: %v", ColDueDate, err)})
	} else if pr := CheckDueDate(d, p.opts.ListDate); pr != nil {
		add(*pr)
	} else {
		e.DueDate = d
	}

	if s := p.field(rec, ColReminders); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			add(Problem{ColReminders, fmt.Sprintf("%s %s skal være et helt tal, 0 eller mere", ColReminders, Quote(s))})
		}
		e.Reminders = n
	}

	if len(problems) > 0 {
		return Entry{}, problems
	}
	e.TenancyID = TenancyID(p.opts.Hasher, e.Organisation, e.TenancyNumber)
	return e, nil
}

// shape explains a record whose field count differs from the header's, or
// returns "" when the difference is only empty trailing fields.
func (p *parser) shape(rec []string) string {
	if len(rec) == 1 && strings.Count(rec[0], ",") >= 2 {
		return "linjen er adskilt af ',' (komma); restancelisten bruger ';' (semikolon)"
	}
	if len(rec) > len(p.header) && blank(rec[len(p.header):]) {
		return ""
	}
	if len(rec) < len(p.header) {
		return fmt.Sprintf("linjen har %s, overskriftslinjen %d", fields(len(rec)), len(p.header))
	}
	return fmt.Sprintf("linjen har %s, overskriftslinjen %d (sæt en værdi, der indeholder ';', i anførselstegn)", fields(len(rec)), len(p.header))
}

// fields is "1 felt" or "n felter".
func fields(n int) string {
	if n == 1 {
		return "1 felt"
	}
	return fmt.Sprintf("%d felter", n)
}
