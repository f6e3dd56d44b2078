package datarequest

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"helhed/danish"
)

// Limits of a table upload. MaxCSVBytes bounds the file as uploaded;
// what counts for Temporal is the size of what the workflow carries once
// the file is read (MaxPayloadBytes).
const (
	MaxCSVBytes     = 1 << 20 // 1 MiB
	DefaultMaxRows  = 100000
	maxReportErrors = 50
)

// Temporal refuses a payload over its blob size limit
// (limit.blobSize.error, 2 MiB by default) and logs a warning over
// limit.blobSize.warn (512 KiB). An accepted answer is carried as the
// submit Update's argument and as the workflow's result, which the
// parent's child-completed event repeats, and a parent may wrap the result
// in payloads of its own; so each of them, encoded (JSON, sealed by the
// payload codec), must stay at MaxPayloadBytes, half the error limit.
const (
	BlobSizeErrorLimit = 2 << 20
	MaxPayloadBytes    = BlobSizeErrorLimit / 2
)

// ReadCSV reads a table file where it arrives (the portal, the API): it
// decodes the bytes (UTF-8 with or without BOM, Windows-1252, through
// danish.NewCSVReader), parses the file and checks every line by the rules
// the workflow's validator applies to the rows, and returns the submission
// to send: the rows in canonical form and the encoding read. Errors are a
// *ValidationError naming lines and columns. The caller then measures what
// the workflow will carry, encoded, against MaxPayloadBytes.
func ReadCSV(in *Input, file []byte) (Submission, error) {
	if in.Table == nil {
		return Submission{}, &ValidationError{Errors: []FieldError{{Field: "csv", Message: notATable}}}
	}
	p := parseTable(in.Table, file)
	errs := p.errs
	if len(errs) == 0 {
		errs = screen(in, nil, Answer{Rows: p.rows}, p.lines)
	}
	if len(errs) > 0 {
		return Submission{}, &ValidationError{Errors: errs}
	}
	return Submission{Rows: p.rows, Encoding: p.encoding}, nil
}

// parsed is a table file read by parseTable.
type parsed struct {
	rows     []map[string]string
	lines    []int  // the file line of each row
	encoding string // danish.Encoding*
	errs     []FieldError
	// malformed is whether errs holds more than cells that look like a CPR
	// number. Refusing those is the validator's rule (Check, ReadCSV); the
	// submit handler, which takes what was accepted, fails only on
	// malformed files, so histories recorded before the rule replay as
	// they ran.
	malformed bool
}

// parseTable validates a CSV file against the table's columns and
// returns its rows keyed by column key. Header names match as
// danish.NormaliseHeader folds them (case, å/ø/æ, spaces and '_') and in
// any order; the delimiter is ';' or ',' (sniffed from the header, or named
// by Excel's "sep=" line); unknown extra columns are ignored. Every error
// names its line (1 = the first line) and, for a cell, its column.
func parseTable(t *Table, file []byte) parsed {
	fail := func(errs ...FieldError) parsed { return parsed{errs: errs, malformed: true} }
	if len(file) > MaxCSVBytes {
		return fail(FieldError{Field: "csv", Message: fmt.Sprintf("Filen er for stor (%s). Den må højst fylde %s.", sizeText(len(file)), sizeText(MaxCSVBytes))})
	}
	r, err := danish.NewCSVReader(file, danish.CSVFormat{Separators: ";,"})
	if err != nil {
		return fail(headerError(t, err))
	}
	index, matches := matchColumns(t.Columns, r.Header)
	if matches == 0 {
		return fail(FieldError{Field: "csv", Line: r.HeaderLine, Message: "Første linje skal være kolonnenavnene adskilt af semikolon (;) eller komma (,): " + columnList(t.Columns) + "."})
	}
	var errs []FieldError
	for i, c := range t.Columns {
		if index[i] < 0 && c.Required {
			errs = append(errs, FieldError{Field: "csv", Line: r.HeaderLine, Column: c.Key, Message: fmt.Sprintf("Kolonnen »%s« mangler i overskriftslinjen.", c.Key)})
		}
	}
	if len(errs) > 0 {
		return fail(errs...)
	}
	maxRows := maxRowsOf(t)

	p := parsed{encoding: r.Encoding}
	var out errorList
	cprCells := 0
	for {
		rec, line, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			out.add(FieldError{Field: "csv", Line: line, Message: "Linjen kan ikke læses: " + danish.CSVProblem(err) + "."})
			break // the reader cannot resynchronise after a quoting error
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(p.rows) >= maxRows {
			out.add(FieldError{Field: "csv", Line: line, Message: fmt.Sprintf("Filen har flere end %d rækker; del den op eller kontakt sekretariatet.", maxRows)})
			break
		}
		if len(rec) != len(r.Header) {
			msg := fmt.Sprintf("Linjen har %d felter, men overskriften har %d.", len(rec), len(r.Header))
			if r.Separator == ',' && len(rec) > len(r.Header) {
				msg += " Står der tal med decimalkomma? Brug semikolon (;) som skilletegn, eller sæt tallene i anførselstegn."
			}
			out.add(FieldError{Field: "csv", Line: line, Message: msg})
			continue
		}
		row := make(map[string]string, len(t.Columns))
		for i, c := range t.Columns {
			pos := index[i]
			if pos < 0 {
				continue
			}
			raw := strings.TrimSpace(rec[pos])
			if raw == "" {
				if c.Required {
					out.add(FieldError{Field: "csv", Line: line, Column: c.Key, Message: "Cellen er tom, men kolonnen skal udfyldes."})
				}
				continue
			}
			looksLikeCPR := danish.LooksLikeCPR(raw)
			if looksLikeCPR {
				cprCells++
				out.add(FieldError{Field: "csv", Line: line, Column: c.Key, Message: cprMessage})
			}
			v, msg := parseValue(c.Type, c.Choices, raw)
			if msg != "" {
				if !looksLikeCPR { // one error per cell; its value is not echoed
					out.add(FieldError{Field: "csv", Line: line, Column: c.Key, Message: msg})
				}
				continue
			}
			row[c.Key] = v
		}
		p.rows = append(p.rows, row)
		p.lines = append(p.lines, line)
	}
	if len(out.errs) == 0 && len(p.rows) == 0 {
		out.add(FieldError{Field: "csv", Line: r.HeaderLine + 1, Message: "Filen har kun overskriftslinjen; der er ingen rækker med data."})
	}
	p.malformed = len(out.errs)+out.dropped > cprCells
	p.errs = out.list()
	return p
}

func maxRowsOf(t *Table) int {
	if t.MaxRows <= 0 {
		return DefaultMaxRows
	}
	return t.MaxRows
}

// headerError says in Danish why the upload has no table to read.
func headerError(t *Table, err error) FieldError {
	var (
		te *danish.TextError
		se *danish.SeparatorError
		pe *csv.ParseError
	)
	switch {
	case errors.As(err, &te) && te.Problem == danish.Binary:
		return FieldError{Field: "csv", Message: "Filen er ikke en CSV-tekstfil. Gem regnearket som CSV (semikolonsepareret) og prøv igen."}
	case errors.As(err, &te):
		return FieldError{Field: "csv", Message: "Filen kan ikke læses: " + te.Message + "."}
	case errors.Is(err, danish.ErrEmpty):
		return FieldError{Field: "csv", Message: "Filen er tom. Første linje skal være kolonnenavnene: " + columnList(t.Columns) + "."}
	case errors.As(err, &se):
		name := map[string]string{"\t": "tabulator", "|": "lodret streg (|)", ":": "kolon (:)"}[se.Sep]
		if name == "" {
			name = "»" + clip(danish.RedactCPR(se.Sep)) + "«"
		}
		return FieldError{Field: "csv", Line: 1, Message: fmt.Sprintf(
			"Filen bruger %s som skilletegn. Brug semikolon (;) eller komma (,) – gem fx regnearket som »CSV (semikolonsepareret)«.", name)}
	case errors.As(err, &pe):
		return FieldError{Field: "csv", Line: pe.StartLine, Message: "Overskriftslinjen kan ikke læses: " + danish.CSVProblem(err) + "."}
	}
	return FieldError{Field: "csv", Message: "Filen kan ikke læses."}
}

func matchColumns(cols []Column, names []string) ([]int, int) {
	index := make([]int, len(cols))
	matches := 0
	for i, c := range cols {
		index[i] = -1
		key := danish.NormaliseHeader(c.Key)
		for j, n := range names {
			if danish.NormaliseHeader(n) == key {
				index[i] = j
				matches++
				break
			}
		}
	}
	return index, matches
}

func columnList(cols []Column) string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Key
	}
	return strings.Join(names, ";")
}

func sizeText(n int) string {
	switch {
	case n >= 1<<20:
		return danish.FormatNumber(float64(n)/(1<<20), 1) + " MB"
	case n >= 1<<10:
		return fmt.Sprintf("%d kB", n>>10)
	}
	return fmt.Sprintf("%d byte", n)
}

// errorList keeps the first maxReportErrors errors and counts the rest.
type errorList struct {
	errs    []FieldError
	dropped int
}

func (l *errorList) add(e FieldError) {
	if len(l.errs) >= maxReportErrors {
		l.dropped++
		return
	}
	l.errs = append(l.errs, e)
}

func (l *errorList) list() []FieldError {
	if l.dropped > 0 {
		return append(l.errs, FieldError{Field: "csv", Message: fmt.Sprintf("… og %d fejl mere. Ret de viste og indsend igen.", l.dropped)})
	}
	return l.errs
}
