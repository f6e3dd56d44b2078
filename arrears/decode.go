package arrears

import (
	"bytes"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Encodings Parse reports.
const (
	EncodingUTF8        = "utf-8"
	EncodingUTF8BOM     = "utf-8 (BOM)"
	EncodingWindows1252 = "windows-1252"
)

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// decode turns the raw file into text. UTF-8 with or without BOM is taken as
// it is; anything that is not valid UTF-8 is read as Windows-1252, which is
// what Excel and older ERP exports on Danish Windows write ("ANSI"). Every
// byte sequence is valid Windows-1252 (its five undefined bytes decode to
// U+FFFD), so the fallback cannot fail; a file in another 8-bit charset
// would show wrong letters in names, which never reach a rule or a log.
func decode(b []byte) (text, encoding string, err error) {
	if bytes.HasPrefix(b, []byte{0xFF, 0xFE}) || bytes.HasPrefix(b, []byte{0xFE, 0xFF}) {
		return "", "", fileErrorf(ReasonEncoding, "", "filen er gemt som UTF-16; gem den som UTF-8 eller Windows-1252 (»CSV (semikolonsepareret)« i Excel)")
	}
	if bytes.IndexByte(b, 0) >= 0 {
		return "", "", fileErrorf(ReasonNotText, "", "filen indeholder NUL-bytes og er ikke en CSV-tekstfil (en Excel-fil, .xlsx? Gem den som CSV)")
	}
	if rest, ok := bytes.CutPrefix(b, utf8BOM); ok {
		if !utf8.Valid(rest) {
			return "", "", fileErrorf(ReasonEncoding, "", "filen begynder med et UTF-8-byteordensmærke (BOM), men er ikke gyldig UTF-8")
		}
		return string(rest), EncodingUTF8BOM, nil
	}
	if utf8.Valid(b) {
		return string(b), EncodingUTF8, nil
	}
	out, err := charmap.Windows1252.NewDecoder().Bytes(b)
	if err != nil {
		return "", "", fileErrorf(ReasonEncoding, "", "filen er hverken UTF-8 eller Windows-1252")
	}
	return string(out), EncodingWindows1252, nil
}
