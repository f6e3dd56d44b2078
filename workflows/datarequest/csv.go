package datarequest

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
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
// returns its rows keyed by column key. Header names match
// case-insensitively and in any order; the delimiter is ';' or ','
// (detected from the header); unknown extra columns are ignored. Every
// error names its line (1 = header) and, for a cell, its column.
func parseTable(t *Table, body string) ([]map[string]string, []FieldError) {
	if len(body) > MaxCSVBytes {
		return nil, []FieldError{{Field: "csv", Message: fmt.Sprintf("Filen er for stor (%s). Den må højst fylde %s.", sizeText(len(body)), sizeText(MaxCSVBytes))}}
	}
	text, ok := decodeText(body)
	if !ok {
		return nil, []FieldError{{Field: "csv", Message: "Filen er ikke en CSV-tekstfil. Gem regnearket som CSV (semikolonsepareret) og prøv igen."}}
	}
	if strings.TrimSpace(text) == "" {
		return nil, []FieldError{{Field: "csv", Message: "Filen er tom. Første linje skal være kolonnenavnene: " + columnList(t.Columns) + "."}}
	}
	header, _, _ := strings.Cut(text, "\n")
	header = strings.TrimRight(header, "\r")
	delim, index, errs := detectHeader(t, header)
	if len(errs) > 0 {
		return nil, errs
	}
	maxRows := t.MaxRows
	if maxRows <= 0 {
		maxRows = DefaultMaxRows
	}

	r := csv.NewReader(strings.NewReader(text))
	r.Comma = delim
	r.FieldsPerRecord = -1
	headerFields, err := r.Read()
	if err != nil {
		return nil, []FieldError{{Field: "csv", Line: 1, Message: "Overskriftslinjen kan ikke læses: " + csvProblem(err)}}
	}
	var rows []map[string]string
	var out errorList
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			line := 0
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			out.add(FieldError{Field: "csv", Line: line, Message: "Linjen kan ikke læses: " + csvProblem(err)})
			break // the reader cannot resynchronise after a quoting error
		}
		line, _ := r.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rows) >= maxRows {
			out.add(FieldError{Field: "csv", Line: line, Message: fmt.Sprintf("Filen har flere end %d rækker; del den op eller kontakt sekretariatet.", maxRows)})
			break
		}
		if len(rec) != len(headerFields) {
			msg := fmt.Sprintf("Linjen har %d felter, men overskriften har %d.", len(rec), len(headerFields))
			if delim == ',' && len(rec) > len(headerFields) {
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
		out.add(FieldError{Field: "csv", Line: 2, Message: "Filen har kun overskriftslinjen; der er ingen rækker med data."})
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

// detectHeader picks the delimiter under which the header names the most
// expected columns, and maps each column to its position (-1 if absent).
func detectHeader(t *Table, header string) (rune, []int, []FieldError) {
	best, bestMatches := ';', -1
	var bestIndex []int
	for _, d := range []rune{';', ','} {
		names := splitHeader(header, d)
		index, matches := matchColumns(t.Columns, names)
		if matches > bestMatches {
			best, bestMatches, bestIndex = d, matches, index
		}
	}
	if bestMatches == 0 {
		for _, other := range []struct {
			sep  string
			name string
		}{{"\t", "tabulator"}, {"|", "lodret streg (|)"}, {":", "kolon (:)"}} {
			if strings.Contains(header, other.sep) {
				return 0, nil, []FieldError{{Field: "csv", Line: 1, Message: fmt.Sprintf(
					"Filen bruger %s som skilletegn. Brug semikolon (;) eller komma (,) – gem fx regnearket som »CSV (semikolonsepareret)«.", other.name)}}
			}
		}
		return 0, nil, []FieldError{{Field: "csv", Line: 1, Message: "Første linje skal være kolonnenavnene adskilt af semikolon (;) eller komma (,): " + columnList(t.Columns) + "."}}
	}
	var errs []FieldError
	for i, c := range t.Columns {
		if bestIndex[i] < 0 && c.Required {
			errs = append(errs, FieldError{Field: "csv", Line: 1, Column: c.Key, Message: fmt.Sprintf("Kolonnen »%s« mangler i overskriftslinjen.", c.Key)})
		}
	}
	return best, bestIndex, errs
}

func splitHeader(header string, d rune) []string {
	r := csv.NewReader(strings.NewReader(header))
	r.Comma = d
	r.LazyQuotes = true
	rec, err := r.Read()
	if err != nil {
		return nil
	}
	return rec
}

func matchColumns(cols []Column, names []string) ([]int, int) {
	index := make([]int, len(cols))
	matches := 0
	for i, c := range cols {
		index[i] = -1
		for j, n := range names {
			if strings.EqualFold(strings.TrimSpace(n), c.Key) {
				index[i] = j
				matches++
				break
			}
		}
	}
	return index, matches
}

// decodeText strips a UTF-8 byte-order mark and reads Windows-1252 (what
// Danish Excel exports) when the bytes are not UTF-8. Binary data is
// refused.
func decodeText(body string) (string, bool) {
	b := bytes.TrimPrefix([]byte(body), []byte("\xef\xbb\xbf"))
	if bytes.IndexByte(b, 0) >= 0 {
		return "", false
	}
	if utf8.Valid(b) {
		return string(b), true
	}
	out, err := charmap.Windows1252.NewDecoder().Bytes(b)
	if err != nil {
		return "", false
	}
	// Control characters other than tab, CR and LF mean it is not text.
	for _, c := range out {
		if c < 0x20 && c != '\t' && c != '\r' && c != '\n' {
			return "", false
		}
	}
	return string(out), true
}

func csvProblem(err error) string {
	switch {
	case errors.Is(err, csv.ErrQuote), errors.Is(err, csv.ErrBareQuote):
		return "et anførselstegn (\") står forkert."
	default:
		return "ugyldigt CSV-format."
	}
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
		return strings.ReplaceAll(fmt.Sprintf("%.1f MB", float64(n)/(1<<20)), ".", ",")
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
