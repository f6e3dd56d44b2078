package dst

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"helhed/danish"
)

// ValueColumn is the header of the value column in CSV and BULK answers.
const ValueColumn = "INDHOLD"

var bom = []byte{0xEF, 0xBB, 0xBF}

// Row is one observation of a BULK or CSV answer.
type Row struct {
	// Keys are the row's variable values in Header order (codes with
	// valuePresentation=Code). The slice is reused by the next call to
	// Reader.Next; copy it to keep it.
	Keys []string
	// Value is the observation; zero when Suppressed.
	Value float64
	// Suppressed is set for "..": the observation is missing,
	// discretioned or too uncertain to publish. It is not zero.
	Suppressed bool
	// Line is the 1-based line in the answer (1 is the header).
	Line int
}

// Reader parses a ';'-separated Statbank answer as a stream: one line in
// memory at a time.
type Reader struct {
	br           *bufio.Reader
	header       []string
	decimalComma bool
	line         int
	row          Row
	fields       []string
}

// NewReader reads the header row. decimalComma is true for lang=da answers
// ("12,5"), false for lang=en ("12.5").
func NewReader(r io.Reader, decimalComma bool) (*Reader, error) {
	br := bufio.NewReaderSize(r, 64*1024)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, bom) {
		_, _ = br.Discard(3)
	}
	rd := &Reader{br: br, decimalComma: decimalComma}
	line, err := rd.readLine()
	if err == io.EOF {
		return nil, fmt.Errorf("%w: empty answer, no header row", ErrTruncated)
	}
	if err != nil {
		return nil, err
	}
	header := splitFields(line, nil)
	if len(header) < 2 || !strings.EqualFold(header[len(header)-1], ValueColumn) {
		return nil, fmt.Errorf("statbank answer line 1: header %q does not end with %s", line, ValueColumn)
	}
	rd.header = make([]string, len(header))
	for i, h := range header {
		rd.header[i] = strings.ToUpper(strings.TrimSpace(h))
	}
	rd.row.Keys = make([]string, 0, len(header)-1)
	return rd, nil
}

// Header returns the variable codes (upper case) followed by INDHOLD.
func (r *Reader) Header() []string { return r.header }

// Next returns the next row, or io.EOF after the last. A last line with
// fewer fields than the header, or a connection that ends mid-body, is
// ErrTruncated.
func (r *Reader) Next() (*Row, error) {
	for {
		line, err := r.readLine()
		if err != nil {
			return nil, err
		}
		if len(line) == 0 {
			continue // blank trailing line
		}
		r.fields = splitFields(line, r.fields[:0])
		if len(r.fields) != len(r.header) {
			return nil, fmt.Errorf("%w: line %d has %d fields, header has %d", ErrTruncated, r.line, len(r.fields), len(r.header))
		}
		n := len(r.fields) - 1
		r.row.Keys = append(r.row.Keys[:0], r.fields[:n]...)
		r.row.Line = r.line
		r.row.Value, r.row.Suppressed = 0, false
		raw := strings.TrimSpace(r.fields[n])
		if raw == ".." || raw == "" {
			r.row.Suppressed = true
			return &r.row, nil
		}
		v, err := danish.ParseDecimal(raw, r.decimalComma)
		if err != nil {
			return nil, fmt.Errorf("statbank answer line %d: %s %q: %w", r.line, ValueColumn, raw, err)
		}
		r.row.Value = v
		return &r.row, nil
	}
}

// readLine returns the next line without its line ending. The returned
// string may share memory with the reader's buffer only until the next call
// (fields are copied by splitFields' string conversion).
func (r *Reader) readLine() (string, error) {
	b, err := r.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		// A line longer than the buffer: collect it.
		long := append([]byte(nil), b...)
		for err == bufio.ErrBufferFull {
			b, err = r.br.ReadSlice('\n')
			long = append(long, b...)
		}
		b = long
	}
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "", fmt.Errorf("%w: connection ended after line %d", ErrTruncated, r.line)
	case err == io.EOF && len(b) == 0:
		return "", io.EOF
	case err != nil && err != io.EOF:
		return "", fmt.Errorf("read statbank answer after line %d: %w", r.line, err)
	}
	r.line++
	// Trimmed by hand: bytes.TrimRight builds its cutset on every call.
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return string(b), nil
}

// splitFields splits a ';'-separated line, honouring double-quoted fields
// (a text value may contain ';').
func splitFields(line string, dst []string) []string {
	if strings.IndexByte(line, '"') < 0 {
		for {
			i := strings.IndexByte(line, ';')
			if i < 0 {
				return append(dst, line)
			}
			dst = append(dst, line[:i])
			line = line[i+1:]
		}
	}
	var b strings.Builder
	inQuote := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '"' && inQuote && i+1 < len(line) && line[i+1] == '"':
			b.WriteByte('"')
			i++
		case c == '"':
			inQuote = !inQuote
		case c == ';' && !inQuote:
			dst = append(dst, b.String())
			b.Reset()
		default:
			b.WriteByte(c)
		}
	}
	return append(dst, b.String())
}
