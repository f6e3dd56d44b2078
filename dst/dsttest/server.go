// Package dsttest is a Statbank stand-in for tests: an HTTP server that
// answers TABLEINFO and DATA (BULK, lang=da) from tables held in memory, in
// the API's documented format: UTF-8 BOM, ';', decimal comma, ".." for a
// suppressed cell, and HTTP 400 {"errorTypeCode","message"} errors. Point
// STATBANK_URL (or dst.New) at its URL.
package dsttest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"

	"helhed/dst"
)

// Table is one table: its variables (in column order, time last) and its
// rows (one key per variable, then the value as the API writes it, e.g.
// "12,5" or "..").
type Table struct {
	Info dst.TableInfo
	Rows [][]string
}

// Server is a running stand-in.
type Server struct {
	*httptest.Server
	mu     sync.Mutex
	tables map[string]Table
	// Fail answers every call for a table with this status and body.
	fail  map[string]failure
	calls map[string]int
}

type failure struct {
	status int
	body   string
}

// New starts a server with the given tables.
func New(tables ...Table) *Server {
	s := &Server{tables: map[string]Table{}, fail: map[string]failure{}, calls: map[string]int{}}
	for _, t := range tables {
		s.tables[strings.ToUpper(t.Info.ID)] = t
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /tableinfo", s.tableInfo)
	mux.HandleFunc("POST /data", s.data)
	s.Server = httptest.NewServer(mux)
	return s
}

// Fail makes every call for table answer status with body.
func (s *Server) Fail(table string, status int, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail[strings.ToUpper(table)] = failure{status, body}
}

// Calls counts the calls for a table (TABLEINFO and DATA).
func (s *Server) Calls(table string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[strings.ToUpper(table)]
}

func apiError(w http.ResponseWriter, code, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusBadRequest)
	_ = json.NewEncoder(w).Encode(map[string]string{"errorTypeCode": code, "message": msg})
}

// lookup finds the table and applies an injected failure.
func (s *Server) lookup(w http.ResponseWriter, name string) (Table, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	name = strings.ToUpper(name)
	s.calls[name]++
	if f, ok := s.fail[name]; ok {
		w.WriteHeader(f.status)
		_, _ = w.Write([]byte(f.body))
		return Table{}, false
	}
	t, ok := s.tables[name]
	if !ok {
		apiError(w, dst.CodeNotFound, "Tabellen blev ikke fundet: "+name)
	}
	return t, ok
}

func (s *Server) tableInfo(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Table string `json:"table"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Table == "" {
		apiError(w, dst.CodeMissing, "Der er ikke angivet nogen tabel-id.")
		return
	}
	t, ok := s.lookup(w, req.Table)
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(t.Info)
}

func (s *Server) data(w http.ResponseWriter, r *http.Request) {
	var req dst.DataRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Table == "" {
		apiError(w, dst.CodeMissing, "Der er ikke angivet nogen tabel-id.")
		return
	}
	t, ok := s.lookup(w, req.Table)
	if !ok {
		return
	}
	if req.Format != dst.FormatBulk {
		apiError(w, dst.CodeNotAllowed, "dsttest svarer kun i BULK")
		return
	}
	// Streaming formats allow no elimination: every variable is selected.
	sel := make([]map[string]bool, len(t.Info.Variables))
	for i, v := range t.Info.Variables {
		for _, rv := range req.Variables {
			if strings.EqualFold(rv.Code, v.ID) {
				sel[i] = map[string]bool{}
				for _, val := range rv.Values {
					if val != "*" && !v.Has(val) {
						apiError(w, dst.CodeNotFound, fmt.Sprintf("Værdien blev ikke fundet: %s (%s)", val, v.ID))
						return
					}
					sel[i][val] = true
				}
			}
		}
		if sel[i] == nil {
			apiError(w, dst.CodeNotAllowed, "Der skal vælges værdier for variabel: "+v.ID)
			return
		}
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	var b strings.Builder
	b.WriteString("\ufeff")
	for _, v := range t.Info.Variables {
		b.WriteString(strings.ToUpper(v.ID) + ";")
	}
	b.WriteString(dst.ValueColumn + "\r\n")
	for _, row := range t.Rows {
		keep := true
		for i := range t.Info.Variables {
			if !sel[i]["*"] && !sel[i][row[i]] {
				keep = false
			}
		}
		if keep {
			b.WriteString(strings.Join(row, ";") + "\r\n")
		}
	}
	_, _ = w.Write([]byte(b.String()))
}

// Recorded builds a table from a TABLEINFO answer (JSON) and a BULK
// answer with every value selected (lang=da: UTF-8 BOM, ';', CRLF, a
// header of the variable codes and INDHOLD, decimal comma, ".." for a
// suppressed cell), as the API gives them. The header must name the
// TABLEINFO variables in order and every key must be one of their values,
// so a recorded answer cannot drift from its metadata.
func Recorded(tableinfo, bulk []byte) (Table, error) {
	var t Table
	if err := json.Unmarshal(tableinfo, &t.Info); err != nil {
		return Table{}, fmt.Errorf("tableinfo: %w", err)
	}
	text := strings.TrimPrefix(string(bulk), "\ufeff")
	lines := strings.Split(strings.TrimRight(text, "\r\n"), "\r\n")
	var want []string
	for _, v := range t.Info.Variables {
		want = append(want, strings.ToUpper(v.ID))
	}
	if got := lines[0]; got != strings.Join(append(want, dst.ValueColumn), ";") {
		return Table{}, fmt.Errorf("%s: header %q, want the TABLEINFO variables %v and %s", t.Info.ID, got, want, dst.ValueColumn)
	}
	for i, line := range lines[1:] {
		row := strings.Split(line, ";")
		if len(row) != len(want)+1 {
			return Table{}, fmt.Errorf("%s line %d: %d fields, want %d", t.Info.ID, i+2, len(row), len(want)+1)
		}
		for j, v := range t.Info.Variables {
			if !v.Has(row[j]) {
				return Table{}, fmt.Errorf("%s line %d: %s is not a value of %s", t.Info.ID, i+2, row[j], v.ID)
			}
		}
		t.Rows = append(t.Rows, row)
	}
	return t, nil
}

// Var builds a variable with value ids (texts equal the ids).
func Var(id string, time bool, values ...string) dst.VariableInfo {
	v := dst.VariableInfo{ID: id, Text: strings.ToLower(id), Time: time, Elimination: !time}
	for _, x := range values {
		v.Values = append(v.Values, dst.Value{ID: x, Text: x})
	}
	return v
}
