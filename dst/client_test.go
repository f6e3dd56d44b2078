package dst

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// step is one recorded answer the replay server gives.
type step struct {
	status   int
	file     string        // testdata file
	delay    time.Duration // before answering (a timeout)
	truncate bool          // announce the full length, send half, hang up
}

// replay serves the steps in order (the last one repeats) and records the
// request bodies.
type replay struct {
	*httptest.Server
	calls  atomic.Int32
	bodies chan map[string]any
}

func newReplay(t *testing.T, steps ...step) *replay {
	t.Helper()
	r := &replay{bodies: make(chan map[string]any, 16)}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		n := int(r.calls.Add(1)) - 1
		s := steps[min(n, len(steps)-1)]
		var body map[string]any
		_ = json.NewDecoder(req.Body).Decode(&body)
		body["_path"] = req.URL.Path
		select {
		case r.bodies <- body:
		default:
		}
		if s.delay > 0 {
			select {
			case <-time.After(s.delay):
			case <-req.Context().Done():
				return
			}
		}
		data, err := os.ReadFile(filepath.Join("testdata", s.file))
		if err != nil {
			t.Errorf("testdata: %v", err)
			return
		}
		if s.truncate {
			w.Header().Set("Content-Length", strconv.Itoa(len(data)))
			w.WriteHeader(s.status)
			_, _ = w.Write(data[:len(data)/2])
			return // the server closes the connection short of Content-Length
		}
		w.WriteHeader(s.status)
		_, _ = w.Write(data)
	}))
	t.Cleanup(r.Close)
	return r
}

func testClient(url string) *Client {
	c := New(url, nil)
	c.Backoff = time.Millisecond
	c.Timeout = 2 * time.Second
	c.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	return c
}

var incomeRequest = DataRequest{
	Table: "INDKP101", Format: FormatBulk, Lang: "da", ValuePresentation: "Code",
	Variables: []Variable{{"OMRÅDE", []string{"000", "730", "082", "411"}}, {"ENHED", []string{"116"}},
		{"KOEN", []string{"MOK"}}, {"INDKOMSTTYPE", []string{"105"}}, {"Tid", []string{"2023"}}},
}

type got struct {
	header []string
	rows   []Row
}

func collect(c *Client, req DataRequest) (*got, error) {
	g := &got{}
	err := c.Data(context.Background(), req, func(h []string) { g.header, g.rows = append([]string(nil), h...), nil },
		func(r *Row) error {
			cp := *r
			cp.Keys = append([]string(nil), r.Keys...)
			g.rows = append(g.rows, cp)
			return nil
		})
	return g, err
}

func checkIncome(t *testing.T, g *got) {
	t.Helper()
	if fmt.Sprint(g.header) != "[OMRÅDE ENHED KOEN INDKOMSTTYPE TID INDHOLD]" {
		t.Fatalf("header %q (BOM not stripped?)", g.header)
	}
	want := []struct {
		area       string
		value      float64
		suppressed bool
		line       int
	}{{"000", 354123.5, false, 2}, {"730", 321456.25, false, 3}, {"082", 338900.75, false, 4}, {"411", 0, true, 5}}
	if len(g.rows) != len(want) {
		t.Fatalf("%d rows: %+v", len(g.rows), g.rows)
	}
	for i, w := range want {
		r := g.rows[i]
		if r.Keys[0] != w.area || r.Value != w.value || r.Suppressed != w.suppressed || r.Line != w.line || r.Keys[4] != "2023" {
			t.Errorf("row %d = %+v, want %+v", i, r, w)
		}
	}
}

func TestBulkAnswerParsed(t *testing.T) {
	s := newReplay(t, step{status: 200, file: "data_indkp101_bulk_da.csv"})
	g, err := collect(testClient(s.URL), incomeRequest)
	if err != nil {
		t.Fatal(err)
	}
	checkIncome(t, g)
	body := <-s.bodies
	if body["_path"] != "/data" || body["table"] != "INDKP101" || body["format"] != "BULK" || body["lang"] != "da" || body["valuePresentation"] != "Code" {
		t.Fatalf("request body %v", body)
	}
	vars, _ := body["variables"].([]any)
	if len(vars) != 5 || fmt.Sprint(vars[0]) != "map[code:OMRÅDE values:[000 730 082 411]]" {
		t.Fatalf("variables %v", body["variables"])
	}
}

func TestTableInfo(t *testing.T) {
	s := newReplay(t, step{status: 200, file: "tableinfo_folk1a.json"})
	info, err := testClient(s.URL).TableInfo(context.Background(), "FOLK1A", "da")
	if err != nil {
		t.Fatal(err)
	}
	tid, ok := info.Variable("tid")
	if !ok || !tid.Time || len(tid.Values) != 3 || tid.Values[2].ID != "2025K2" {
		t.Fatalf("Tid %+v", tid)
	}
	area, _ := info.Variable("OMRÅDE")
	if !area.Has("730") || area.Has("999") || info.SuppressedDataValue != "0" || info.Unit != "Antal" {
		t.Fatalf("info %+v", info)
	}
	if b := <-s.bodies; b["_path"] != "/tableinfo" || b["table"] != "FOLK1A" {
		t.Fatalf("body %v", b)
	}
}

func TestAPIErrorsAreTypedAndNotRetried(t *testing.T) {
	cases := []struct {
		file     string
		sentinel error
		kind     string
	}{
		{"error_extract_notfound.json", ErrNotFound, CodeNotFound},
		{"error_request_limit.json", ErrRequestLimit, CodeRequestLimit},
		{"error_extract_notallowed.json", ErrNotAllowed, CodeNotAllowed},
		{"error_request_missing.json", ErrMissing, CodeMissing},
	}
	for _, c := range cases {
		t.Run(c.kind, func(t *testing.T) {
			s := newReplay(t, step{status: 400, file: c.file})
			_, err := collect(testClient(s.URL), incomeRequest)
			var api *APIError
			if !errors.Is(err, c.sentinel) || !errors.As(err, &api) || api.Status != 400 || api.Message == "" {
				t.Fatalf("error %v", err)
			}
			if Kind(err) != c.kind || !Permanent(err) {
				t.Fatalf("kind %q permanent %v", Kind(err), Permanent(err))
			}
			if n := s.calls.Load(); n != 1 {
				t.Fatalf("%d calls; a 400 must not be retried", n)
			}
		})
	}
}

func TestServerErrorThenSuccess(t *testing.T) {
	s := newReplay(t, step{status: 500, file: "error_500.html"}, step{status: 503, file: "error_500.html"},
		step{status: 200, file: "data_indkp101_bulk_da.csv"})
	g, err := collect(testClient(s.URL), incomeRequest)
	if err != nil {
		t.Fatal(err)
	}
	checkIncome(t, g)
	if n := s.calls.Load(); n != 3 {
		t.Fatalf("%d calls", n)
	}
}

func TestServerErrorEveryTime(t *testing.T) {
	s := newReplay(t, step{status: 500, file: "error_500.html"})
	_, err := collect(testClient(s.URL), incomeRequest)
	if !errors.Is(err, ErrUnavailable) || Kind(err) != "HTTP-500" || s.calls.Load() != 4 {
		t.Fatalf("err %v kind %s calls %d", err, Kind(err), s.calls.Load())
	}
}

func TestTimeout(t *testing.T) {
	t.Run("then success", func(t *testing.T) {
		s := newReplay(t, step{status: 200, file: "data_indkp101_bulk_da.csv", delay: time.Second}, step{status: 200, file: "data_indkp101_bulk_da.csv"})
		c := testClient(s.URL)
		c.Timeout = 100 * time.Millisecond
		g, err := collect(c, incomeRequest)
		if err != nil {
			t.Fatal(err)
		}
		checkIncome(t, g)
	})
	t.Run("every time", func(t *testing.T) {
		s := newReplay(t, step{status: 200, file: "data_indkp101_bulk_da.csv", delay: time.Second})
		c := testClient(s.URL)
		c.Timeout, c.Attempts = 50*time.Millisecond, 2
		_, err := collect(c, incomeRequest)
		if !errors.Is(err, ErrTimeout) || Kind(err) != "TIMEOUT" {
			t.Fatalf("err %v", err)
		}
	})
}

func TestTruncatedBody(t *testing.T) {
	t.Run("detected", func(t *testing.T) {
		s := newReplay(t, step{status: 200, file: "data_indkp101_bulk_da.csv", truncate: true})
		_, err := collect(testClient(s.URL), incomeRequest)
		if !errors.Is(err, ErrTruncated) || Kind(err) != "TRUNCATED" || s.calls.Load() != 4 {
			t.Fatalf("err %v calls %d", err, s.calls.Load())
		}
	})
	t.Run("then whole", func(t *testing.T) {
		s := newReplay(t, step{status: 200, file: "data_indkp101_bulk_da.csv", truncate: true}, step{status: 200, file: "data_indkp101_bulk_da.csv"})
		g, err := collect(testClient(s.URL), incomeRequest)
		if err != nil {
			t.Fatal(err)
		}
		checkIncome(t, g) // the rows of the cut attempt were reset, not doubled
	})
	t.Run("tableinfo", func(t *testing.T) {
		s := newReplay(t, step{status: 200, file: "tableinfo_folk1a.json", truncate: true})
		_, err := testClient(s.URL).TableInfo(context.Background(), "FOLK1A", "da")
		if !errors.Is(err, ErrTruncated) {
			t.Fatalf("err %v", err)
		}
	})
}

func TestReaderLastLineCut(t *testing.T) {
	// A body cut at a line end is indistinguishable; cut inside a line
	// leaves too few fields.
	rd, err := NewReader(stringsReader("A;B;INDHOLD\n1;2;3\n4;5"), true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rd.Next(); err != nil {
		t.Fatal(err)
	}
	if _, err := rd.Next(); !errors.Is(err, ErrTruncated) {
		t.Fatalf("err %v", err)
	}
}

// Numbers are danish.ParseDecimal's (tested there); the reader picks the
// decimal mark by the answer's language.
func TestNumbersAndQuotes(t *testing.T) {
	for _, c := range []struct {
		body         string
		decimalComma bool
		want         float64
	}{{"A;INDHOLD\n1;1.234,5\n", true, 1234.5}, {"A;INDHOLD\n1;0,001\n", true, 0.001}, {"A;INDHOLD\n1;1,234.5\n", false, 1234.5}, {"A;INDHOLD\n1;-3\n", true, -3}} {
		rd, err := NewReader(stringsReader(c.body), c.decimalComma)
		if err != nil {
			t.Fatal(err)
		}
		if r, err := rd.Next(); err != nil || r.Value != c.want {
			t.Errorf("%q: %+v %v", c.body, r, err)
		}
	}
	rd, err := NewReader(stringsReader("A;INDHOLD\n1;abc\n"), true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rd.Next(); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("abc: %v", err)
	}
	rd, err = NewReader(stringsReader("OMRÅDE;INDHOLD\n\"Sum (0-4;5-9)\";7\n"), true)
	if err != nil {
		t.Fatal(err)
	}
	r, err := rd.Next()
	if err != nil || r.Keys[0] != "Sum (0-4;5-9)" || r.Value != 7 {
		t.Fatalf("%+v %v", r, err)
	}
	if _, err := NewReader(stringsReader("A;B\n"), true); err == nil {
		t.Fatal("header without INDHOLD accepted")
	}
}
