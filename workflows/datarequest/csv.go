package datarequest

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"helhed/danish"
)

// Limits of a table upload. A submission travels as a Temporal Update and
// the rows come back in the workflow's result; both are payloads under the
// server's 2 MB blob limit, so the file and its parsed rows stay well
// below it.
const (
	MaxCSVBytes     = 1 << 20 // 1 MiB
	DefaultMaxRows  = 100000
	maxRowsJSON     = 1536 << 10
	maxReportErrors = 50
)

// parseTable validates a CSV upload against the table's columns and
// returns its rows keyed by column key. Header names match as
// danish.NormaliseHeader folds them (case, å/ø/æ, spaces and '_') and in
// any order; the delimiter is ';' or ',' (sniffed from the header, or named
// by Excel's "sep=" line); unknown extra columns are ignored. Every error
// names its line (1 = the first line) and, for a cell, its column.
func parseTable(t *Table, body string) ([]map[string]string, []FieldError) {
	if len(body) > MaxCSVBytes {
		return nil, []FieldError{{Field: "csv", Message: fmt.Sprintf("Filen er for stor (%s). Den må højst fylde %s.", sizeText(len(body)), sizeText(MaxCSVBytes))}}
	}
	r, err := danish.NewCSVReader([]byte(body), danish.CSVFormat{Separators: ";,"})
	if err != nil {
		return nil, []FieldError{headerError(t, err)}
	}
	index, matches := matchColumns(t.Columns, r.Header)
	if matches == 0 {
		return nil, []FieldError{{Field: "csv", Line: r.HeaderLine, Message: "Første linje skal være kolonnenavnene adskilt af semikolon (;) eller komma (,): " + columnList(t.Columns) + "."}}
	}
	var errs []FieldError
	for i, c := range t.Columns {
		if index[i] < 0 && c.Required {
			errs = append(errs, FieldError{Field: "csv", Line: r.HeaderLine, Column: c.Key, Message: fmt.Sprintf("Kolonnen »%s« mangler i overskriftslinjen.", c.Key)})
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	maxRows := t.MaxRows
	if maxRows <= 0 {
		maxRows = DefaultMaxRows
	}

	var rows []map[string]string
	var out errorList
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
		if len(rows) >= maxRows {
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
			v, msg := parseValue(c.Type, c.Choices, raw)
			if msg != "" {
				out.add(FieldError{Field: "csv", Line: line, Column: c.Key, Message: msg})
				continue
			}
			row[c.Key] = v
		}
		rows = append(rows, row)
	}
	if len(out.errs) == 0 && len(rows) == 0 {
		out.add(FieldError{Field: "csv", Line: r.HeaderLine + 1, Message: "Filen har kun overskriftslinjen; der er ingen rækker med data."})
	}
	if len(out.errs) == 0 {
		if b, err := json.Marshal(rows); err != nil || len(b) > maxRowsJSON {
			out.add(FieldError{Field: "csv", Message: "Tabellen er for stor til at blive modtaget i ét stykke; del den op eller kontakt sekretariatet."})
		}
	}
	if len(out.errs) > 0 {
		return nil, out.list()
	}
	return rows, nil
}

// headerError says in Danish why the upload has no table to read.
func headerError(t *Table, err error) FieldError {
	var (
		te *danish.TextError
		se *danish.SeparatorError
		pe *csv.ParseError
	)
	switch {
	case errors.As(err, &te):
		return FieldError{Field: "csv", Message: "Filen er ikke en CSV-tekstfil. Gem regnearket som CSV (semikolonsepareret) og prøv igen."}
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
