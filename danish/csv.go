package danish

import (
	"bytes"
	"encoding/csv"
	"errors"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Encodings Decode reports.
const (
	EncodingUTF8        = "utf-8"
	EncodingUTF8BOM     = "utf-8 (BOM)"
	EncodingWindows1252 = "windows-1252"
)

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// TextProblem is why Decode refuses a file.
type TextProblem int

// Text problems.
const (
	// UTF16: the file starts with a UTF-16 byte-order mark.
	UTF16 TextProblem = iota + 1
	// Binary: NUL bytes, a zip archive (an Excel .xlsx) or control
	// characters; not a text file.
	Binary
	// OtherEncoding: neither UTF-8 nor Windows-1252, e.g. an old DOS
	// export in IBM 850, whose Ø and Å are bytes Windows-1252 leaves
	// undefined.
	OtherEncoding
)

// TextError refuses a file that is not text Decode reads. Message is
// Danish, a clause in lower case for the caller's sentence.
type TextError struct {
	Problem TextProblem
	Message string
}

func (e *TextError) Error() string { return e.Message }

// Decode turns an uploaded file into text. UTF-8, with or without a
// byte-order mark, is taken as it is; anything that is not valid UTF-8 is
// read as Windows-1252 (after a BOM, too), which is what Excel and older
// ERP exports on Danish Windows write ("ANSI"). UTF-16, binary files, zip
// archives (.xlsx) and bytes Windows-1252 does not define are a
// *TextError, never text with U+FFFD in it. encoding is one of the
// Encoding constants.
func Decode(b []byte) (text, encoding string, err error) {
	switch {
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}) || bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return "", "", &TextError{UTF16, "filen er gemt som UTF-16; gem den som UTF-8 eller Windows-1252 (»CSV (semikolonsepareret)« i Excel)"}
	case bytes.IndexByte(b, 0) >= 0:
		return "", "", &TextError{Binary, "filen indeholder NUL-bytes og er ikke en CSV-tekstfil (en Excel-fil, .xlsx? Gem den som CSV)"}
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		return "", "", &TextError{Binary, "filen er et zip-arkiv og ikke en CSV-tekstfil (en Excel-fil, .xlsx? Gem den som CSV)"}
	}
	rest, bom := bytes.CutPrefix(b, utf8BOM)
	if utf8.Valid(rest) {
		if bom {
			return string(rest), EncodingUTF8BOM, nil
		}
		return string(rest), EncodingUTF8, nil
	}
	// The decoder turns the five bytes Windows-1252 leaves undefined into
	// U+FFFD; such a file is in another encoding and would be read wrong.
	if slices.ContainsFunc(rest, undefinedIn1252) {
		return "", "", &TextError{OtherEncoding, "filen er hverken UTF-8 eller Windows-1252 (måske en ældre DOS-tegnkodning); gem den som UTF-8 eller som »CSV (semikolonsepareret)« i Excel"}
	}
	out, err := charmap.Windows1252.NewDecoder().Bytes(rest)
	if err != nil {
		return "", "", &TextError{OtherEncoding, "filen er hverken UTF-8 eller Windows-1252"}
	}
	// Control characters other than tab, CR and LF mean it is not text.
	for _, c := range out {
		if c < 0x20 && c != '\t' && c != '\r' && c != '\n' {
			return "", "", &TextError{Binary, "filen indeholder styretegn og er ikke en CSV-tekstfil (en Excel-fil? Gem den som CSV)"}
		}
	}
	return string(out), EncodingWindows1252, nil
}

func undefinedIn1252(c byte) bool {
	return c == 0x81 || c == 0x8D || c == 0x8F || c == 0x90 || c == 0x9D
}

// EncodingName is how an Encoding constant is named to the person whose
// file it is: "Windows-1252", "UTF-8", "UTF-8 med BOM".
func EncodingName(encoding string) string {
	switch encoding {
	case EncodingUTF8:
		return "UTF-8"
	case EncodingUTF8BOM:
		return "UTF-8 med BOM"
	case EncodingWindows1252:
		return "Windows-1252"
	}
	return encoding
}

// ErrEmpty is a file with nothing in it but white space (and a "sep=" line).
var ErrEmpty = errors.New("filen er tom")

// SeparatorError is a file whose columns are separated by a character the
// caller does not accept, found in the header line or named by an Excel
// "sep=" line (Hint).
type SeparatorError struct {
	Sep  string
	Hint bool
}

// Error says it in Danish: "kolonnerne er adskilt af ',' (komma)".
func (e *SeparatorError) Error() string {
	return "kolonnerne er adskilt af " + separatorName(e.Sep)
}

func separatorName(sep string) string {
	switch sep {
	case ",":
		return "',' (komma)"
	case ";":
		return "';' (semikolon)"
	case "\t":
		return "tabulatorer"
	case "|":
		return "'|' (lodret streg)"
	case ":":
		return "':' (kolon)"
	}
	return quote(sep)
}

// separators are the characters sniffing recognises, most common first.
const separators = ",;\t|:"

// CSVFormat is what a CSV front end accepts.
type CSVFormat struct {
	// Separators are the accepted column separators, preferred first:
	// ";" (only semicolons) or ";," (either, sniffed from the header).
	Separators string
	// LazyQuotes is encoding/csv's: a quote in an unquoted field is kept.
	LazyQuotes bool
}

// CSVReader reads a decoded upload: the header, then the records, each
// with its line in the file.
type CSVReader struct {
	Encoding   string   // one of the Encoding constants
	Separator  rune     // the column separator in use
	Header     []string // as written
	HeaderLine int      // 1, or 2 after a "sep=" line

	cr     *csv.Reader
	offset int // lines before the CSV proper (the "sep=" line)
}

// NewCSVReader decodes b (Decode), skips Excel's "sep=;" first line,
// settles the separator and reads the header. The separator is the one a
// "sep=" line names, else the accepted one found most often in the header
// line (outside quotes), else the first accepted. Errors: *TextError,
// ErrEmpty, *SeparatorError (a "sep=" line naming, or a header line using
// only, a separator not accepted) and *csv.ParseError for an unreadable
// header (its lines count the "sep=" line).
func NewCSVReader(b []byte, f CSVFormat) (*CSVReader, error) {
	if f.Separators == "" {
		f.Separators = ";"
	}
	text, enc, err := Decode(b)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(text) == "" {
		return nil, ErrEmpty
	}
	r := &CSVReader{Encoding: enc, HeaderLine: 1}
	first, rest, _ := strings.Cut(text, "\n")
	if sep, ok := sepHint(first); ok {
		if len(sep) != 1 || !strings.Contains(f.Separators, sep) {
			return nil, &SeparatorError{Sep: sep, Hint: true}
		}
		if strings.TrimSpace(rest) == "" {
			return nil, ErrEmpty
		}
		r.Separator, r.offset, r.HeaderLine, text = rune(sep[0]), 1, 2, rest
	} else if r.Separator, err = sniff(first, f.Separators); err != nil {
		return nil, err
	}

	r.cr = csv.NewReader(strings.NewReader(text))
	r.cr.Comma = r.Separator
	r.cr.FieldsPerRecord = -1
	r.cr.LazyQuotes = f.LazyQuotes
	if r.Header, err = r.cr.Read(); err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			pe.StartLine += r.offset
			pe.Line += r.offset
		}
		return nil, err
	}
	if line, _ := r.cr.FieldPos(0); line > 0 {
		r.HeaderLine = line + r.offset
	}
	return r, nil
}

// Read returns the next record and its line in the file (1 is the first
// line, a "sep=" line included), or io.EOF after the last. A record that
// encoding/csv cannot read is a *csv.ParseError with the line it starts on;
// reading may go on with the next record.
func (r *CSVReader) Read() ([]string, int, error) {
	rec, err := r.cr.Read()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, pe.StartLine + r.offset, err
		}
		return nil, 0, err
	}
	line, _ := r.cr.FieldPos(0)
	return rec, line + r.offset, nil
}

// CSVProblem says in Danish why encoding/csv could not read a line; its
// own errors are English.
func CSVProblem(err error) string {
	if errors.Is(err, csv.ErrQuote) || errors.Is(err, csv.ErrBareQuote) {
		return "et anførselstegn (\") står forkert, eller et felt i anførselstegn er ikke afsluttet"
	}
	return "ugyldigt CSV-format"
}

// NormaliseHeader folds a column name to its key: lower case, å/ø/æ as
// aa/oe/ae, and spaces, dots, hyphens and underscores dropped, so
// "Lejemåls-nr." and "lejemaalsnr" are the same column.
func NormaliseHeader(s string) string {
	s = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(s, "\ufeff")))
	return headerFold.Replace(s)
}

var headerFold = strings.NewReplacer("å", "aa", "ø", "oe", "æ", "ae", " ", "", "\u00a0", "", ".", "", "-", "", "_", "")

// sepHint reads Excel's "sep=X" first line.
func sepHint(line string) (string, bool) {
	line = strings.TrimRight(line, "\r")
	trimmed := strings.TrimLeft(line, " ")
	if len(trimmed) < 4 || !strings.EqualFold(trimmed[:4], "sep=") {
		return "", false
	}
	return strings.TrimRight(trimmed[4:], " "), true
}

// sniff picks the separator of a header line: the accepted one found most
// often outside quotes (the first accepted on a tie, or when none is
// there); when only unaccepted ones are there, a *SeparatorError naming the
// most frequent.
func sniff(line, accepted string) (rune, error) {
	var count [256]int
	inQuote := false
	for i := 0; i < len(line); i++ {
		switch c := line[i]; {
		case c == '"':
			inQuote = !inQuote
		case !inQuote:
			count[c]++
		}
	}
	best := -1
	for i := 0; i < len(accepted); i++ {
		if c := accepted[i]; count[c] > 0 && (best < 0 || count[c] > count[accepted[best]]) {
			best = i
		}
	}
	if best >= 0 {
		return rune(accepted[best]), nil
	}
	other := -1
	for i := 0; i < len(separators); i++ {
		if c := separators[i]; !strings.ContainsRune(accepted, rune(c)) && count[c] > 0 && (other < 0 || count[c] > count[separators[other]]) {
			other = i
		}
	}
	if other >= 0 {
		return 0, &SeparatorError{Sep: separators[other : other+1]}
	}
	return rune(accepted[0]), nil
}
