package dst

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"
)

// DefaultURL is the public Statbank API.
const DefaultURL = "https://api.statbank.dk/v1"

// Formats of the DATA call this client parses.
const (
	FormatBulk = "BULK" // streaming, ';'-separated; every variable must be selected
	FormatCSV  = "CSV"  // ';'-separated; at most 1,000,000 cells
)

// Variable selects values of one variable ("*" for all; "(1)" for the
// newest period).
type Variable struct {
	Code   string   `json:"code"`
	Values []string `json:"values"`
}

// DataRequest is the body of a DATA call.
type DataRequest struct {
	Table             string     `json:"table"`
	Format            string     `json:"format"`
	Lang              string     `json:"lang"`
	ValuePresentation string     `json:"valuePresentation,omitempty"`
	Variables         []Variable `json:"variables"`
}

// TableInfo is the TABLEINFO answer (the fields this client uses).
type TableInfo struct {
	ID          string `json:"id"`
	Text        string `json:"text"`
	Description string `json:"description"`
	Unit        string `json:"unit"`
	// SuppressedDataValue is what a missing row stands for in streaming
	// formats (usually "0").
	SuppressedDataValue string         `json:"suppressedDataValue"`
	Updated             string         `json:"updated"`
	Active              bool           `json:"active"`
	Variables           []VariableInfo `json:"variables"`
}

// VariableInfo describes one variable of a table.
type VariableInfo struct {
	ID          string  `json:"id"`
	Text        string  `json:"text"`
	Elimination bool    `json:"elimination"`
	Time        bool    `json:"time"`
	Values      []Value `json:"values"`
}

// Value is one value of a variable.
type Value struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// Variable returns the variable with the given code (case-insensitive).
func (t *TableInfo) Variable(code string) (VariableInfo, bool) {
	for _, v := range t.Variables {
		if strings.EqualFold(v.ID, code) {
			return v, true
		}
	}
	return VariableInfo{}, false
}

// Has reports whether the variable offers the value id.
func (v VariableInfo) Has(id string) bool {
	for _, x := range v.Values {
		if x.ID == id {
			return true
		}
	}
	return false
}

// Cache stores answers by key (see RedisCache).
type Cache interface {
	Get(ctx context.Context, key string) ([]byte, bool, error)
	Set(ctx context.Context, key string, value []byte, ttl time.Duration) error
}

// Client calls the API. The zero value is not usable; use New.
type Client struct {
	BaseURL string
	HTTP    *http.Client
	Cache   Cache // nil: no caching
	// CacheTTL is how long answers stay cached (default 24 h).
	CacheTTL time.Duration
	// CacheMax is the largest body cached; bigger answers stream uncached
	// (default 8 MiB).
	CacheMax int
	// Attempts is the number of tries for retryable failures (default 4).
	Attempts int
	// Backoff is the wait before the second try; it doubles per try
	// (default 1 s).
	Backoff time.Duration
	// Timeout bounds one attempt, body included (default 60 s).
	Timeout time.Duration
	Log     *slog.Logger
}

// New returns a client for baseURL ("" means DefaultURL).
func New(baseURL string, cache Cache) *Client {
	if baseURL == "" {
		baseURL = DefaultURL
	}
	return &Client{BaseURL: strings.TrimRight(baseURL, "/"), HTTP: &http.Client{}, Cache: cache,
		CacheTTL: 24 * time.Hour, CacheMax: 8 << 20, Attempts: 4, Backoff: time.Second, Timeout: 60 * time.Second,
		Log: slog.Default()}
}

// TableInfo fetches a table's metadata.
func (c *Client) TableInfo(ctx context.Context, table, lang string) (*TableInfo, error) {
	body := map[string]string{"table": table, "format": "JSON", "lang": lang}
	var info TableInfo
	err := c.do(ctx, "tableinfo", table, body, func(r io.Reader) error {
		dec := json.NewDecoder(r)
		if err := dec.Decode(&info); err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) {
				return fmt.Errorf("%w: tableinfo %s: %v", ErrTruncated, table, err)
			}
			return fmt.Errorf("tableinfo %s: decode: %w", table, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &info, nil
}

// Data streams a BULK or CSV answer to fn, row by row. fn may be called
// again from the start if an attempt fails part-way (a retry), so it must
// start over when reset is called; reset is called before each attempt.
func (c *Client) Data(ctx context.Context, req DataRequest, reset func(header []string), fn func(*Row) error) error {
	if req.Format != FormatBulk && req.Format != FormatCSV {
		return fmt.Errorf("statbank data %s: format %q: this client parses BULK and CSV", req.Table, req.Format)
	}
	if req.Lang == "" {
		req.Lang = "da"
	}
	return c.do(ctx, "data", req.Table, req, func(r io.Reader) error {
		rd, err := NewReader(r, req.Lang == "da")
		if err != nil {
			return fmt.Errorf("data %s: %w", req.Table, err)
		}
		if reset != nil {
			reset(rd.Header())
		}
		for {
			row, err := rd.Next()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return fmt.Errorf("data %s: %w", req.Table, err)
			}
			if err := fn(row); err != nil {
				return errStop{err}
			}
		}
	})
}

// errStop carries an error from the caller's callback: never retried.
type errStop struct{ err error }

func (e errStop) Error() string { return e.err.Error() }
func (e errStop) Unwrap() error { return e.err }

// CacheKey is the Redis key of a request's cached answer.
func CacheKey(endpoint string, body any) string {
	b, _ := json.Marshal(body)
	sum := sha256.Sum256(append([]byte(endpoint+"\n"), b...))
	return "helhed:dst:" + endpoint + ":" + hex.EncodeToString(sum[:16])
}

// do posts body to endpoint and hands the answer to parse, with retries and
// the cache.
func (c *Client) do(ctx context.Context, endpoint, table string, body any, parse func(io.Reader) error) error {
	key := CacheKey(endpoint, body)
	if c.Cache != nil {
		if b, ok, err := c.Cache.Get(ctx, key); err != nil {
			c.Log.Warn("statbank cache read failed; calling the API", "err", err)
		} else if ok {
			if err := parse(bytes.NewReader(b)); err == nil {
				return nil
			}
			c.Log.Warn("statbank cached answer unreadable; calling the API", "table", table, "endpoint", endpoint)
		}
	}
	payload, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("statbank %s %s: encode request: %w", endpoint, table, err)
	}
	attempts := max(c.Attempts, 1)
	wait := c.Backoff
	var last error
	for i := 0; i < attempts; i++ {
		if i > 0 {
			c.Log.Info("statbank retry", "endpoint", endpoint, "table", table, "attempt", i+1, "after", wait, "err", Kind(last))
			select {
			case <-ctx.Done():
				return fmt.Errorf("statbank %s %s: %w (last error: %v)", endpoint, table, ctx.Err(), last)
			case <-time.After(wait):
			}
			wait *= 2
		}
		var captured []byte
		last = c.attempt(ctx, endpoint, table, payload, func(r io.Reader) error {
			buf := &limitedBuffer{max: c.CacheMax}
			err := parse(io.TeeReader(r, buf))
			if !buf.over {
				captured = buf.Bytes()
			}
			return err
		})
		if last == nil {
			if c.Cache != nil && captured != nil {
				if err := c.Cache.Set(ctx, key, captured, c.CacheTTL); err != nil {
					c.Log.Warn("statbank cache write failed", "err", err)
				}
			}
			return nil
		}
		var stop errStop
		if errors.As(last, &stop) {
			return stop.err
		}
		if Permanent(last) || ctx.Err() != nil {
			return last
		}
	}
	switch {
	case errors.Is(last, ErrTimeout), errors.Is(last, ErrTruncated):
		return fmt.Errorf("statbank %s %s: %d attempts: %w", endpoint, table, attempts, last)
	}
	return fmt.Errorf("%w: %s %s: %d attempts: %w", ErrUnavailable, endpoint, table, attempts, last)
}

// attempt is one HTTP call.
func (c *Client) attempt(ctx context.Context, endpoint, table string, payload []byte, parse func(io.Reader) error) error {
	if c.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.Timeout)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.BaseURL+"/"+endpoint, bytes.NewReader(payload))
	if err != nil {
		return fmt.Errorf("statbank %s: %w", endpoint, err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return classify(ctx, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return apiError(resp, table)
	}
	if err := parse(resp.Body); err != nil {
		var stop errStop
		if errors.As(err, &stop) {
			return err
		}
		if errors.Is(err, ErrTruncated) {
			return err
		}
		return classify(ctx, err)
	}
	return nil
}

// classify turns transport failures into ErrTimeout or a retryable error.
func classify(ctx context.Context, err error) error {
	var ne net.Error
	if errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return fmt.Errorf("%w: %v", ErrTimeout, err)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: %v", ErrTruncated, err)
	}
	return err
}

// apiError reads an error answer.
func apiError(resp *http.Response, table string) error {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64*1024))
	e := &APIError{Status: resp.StatusCode, Table: table, Code: fmt.Sprintf("HTTP-%d", resp.StatusCode)}
	var body struct {
		ErrorTypeCode string `json:"errorTypeCode"`
		Message       string `json:"message"`
	}
	b = bytes.TrimPrefix(b, bom)
	if json.Unmarshal(b, &body) == nil && body.ErrorTypeCode != "" {
		e.Code, e.Message = body.ErrorTypeCode, body.Message
	} else {
		e.Message = strings.TrimSpace(string(b))
		if len(e.Message) > 200 {
			e.Message = e.Message[:200]
		}
	}
	return e
}

// limitedBuffer keeps up to max bytes and notes when more came.
type limitedBuffer struct {
	bytes.Buffer
	max  int
	over bool
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if !b.over && b.Len()+len(p) <= b.max {
		b.Buffer.Write(p)
	} else if !b.over {
		b.over = true
		b.Buffer = bytes.Buffer{}
	}
	return len(p), nil
}
