// Package cycle holds what the plan's recurring cycles (meeting rounds,
// the absence follow-up) share: steering their data-request children
// through the contract's Updates, keeping rendered documents under
// DATA_DIR, rendering one template as HTML and Markdown, and collecting
// runs for their read-model reconcilers (Gather). Weekday arithmetic is
// package workdays, which workflow code calls directly.
package cycle

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	texttemplate "text/template"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"helhed/workflows/datarequest"
)

// RequestControl sends operator Updates to a running data request. A
// workflow cannot send an Update itself, so the cycles call it from the
// ExtendDataRequest and CancelDataRequest activities.
type RequestControl interface {
	Extend(ctx context.Context, updateID, requestID string, ext datarequest.Extension) error
	Cancel(ctx context.Context, updateID, requestID string, c datarequest.Cancellation) error
}

// TemporalRequests is the RequestControl of a running process.
type TemporalRequests struct{ Client client.Client }

// Extend sends the extend Update and waits for it to complete.
func (t TemporalRequests) Extend(ctx context.Context, updateID, requestID string, ext datarequest.Extension) error {
	return t.update(ctx, updateID, requestID, datarequest.UpdateExtend, ext)
}

// Cancel sends the cancel Update and waits for it to complete.
func (t TemporalRequests) Cancel(ctx context.Context, updateID, requestID string, c datarequest.Cancellation) error {
	return t.update(ctx, updateID, requestID, datarequest.UpdateCancel, c)
}

func (t TemporalRequests) update(ctx context.Context, updateID, requestID, name string, arg any) error {
	h, err := t.Client.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID:   datarequest.WorkflowID(requestID),
		UpdateID:     updateID, // a retried activity repeats the same Update
		UpdateName:   name,
		Args:         []any{arg},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err == nil {
		err = h.Get(ctx, nil)
	}
	return classify(err)
}

// ErrClosed marks an Update that found the request already closed
// (answered or cancelled): nothing left to steer.
var ErrClosed = errors.New("data request already closed")

// classify makes a closed request a non-retryable ErrClosed and a rejected
// Update non-retryable; transport errors stay retryable.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		return temporal.NewNonRetryableApplicationError(ErrClosed.Error(), "RequestClosed", err)
	}
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		return temporal.NewNonRetryableApplicationError(app.Error(), "RequestRejected", err)
	}
	return err
}

// IsClosed reports whether an activity error means the request had closed.
func IsClosed(err error) bool {
	var app *temporal.ApplicationError
	return errors.As(err, &app) && app.Type() == "RequestClosed"
}

// RequestUpdate is the argument of the two activities.
type RequestUpdate struct {
	UpdateID     string                    `json:"updateId"`
	RequestID    string                    `json:"requestId"`
	Extension    *datarequest.Extension    `json:"extension,omitempty"`
	Cancellation *datarequest.Cancellation `json:"cancellation,omitempty"`
}

// Requests holds the activities; register it on the worker once.
type Requests struct{ Control RequestControl }

// ExtendDataRequest moves an open request's due date.
func (r *Requests) ExtendDataRequest(ctx context.Context, u RequestUpdate) error {
	if u.Extension == nil {
		return temporal.NewNonRetryableApplicationError("no extension", "BadArgument", nil)
	}
	return r.Control.Extend(ctx, u.UpdateID, u.RequestID, *u.Extension)
}

// CancelDataRequest ends an open request without data.
func (r *Requests) CancelDataRequest(ctx context.Context, u RequestUpdate) error {
	if u.Cancellation == nil {
		return temporal.NewNonRetryableApplicationError("no cancellation", "BadArgument", nil)
	}
	return r.Control.Cancel(ctx, u.UpdateID, u.RequestID, *u.Cancellation)
}

// Doc is one rendered document.
type Doc struct {
	Markdown string `json:"markdown"`
	HTML     string `json:"html"`
	// Paths are the files written (Markdown, then HTML).
	Paths []string `json:"paths"`
}

// Templates pairs the HTML and Markdown rendering of the same documents:
// both sets define the same template names.
type Templates struct {
	HTML     *htmltemplate.Template
	Markdown *texttemplate.Template
}

// Render executes template name in both forms.
func (t Templates) Render(name string, data any) (Doc, error) {
	var md, html bytes.Buffer
	if err := t.Markdown.ExecuteTemplate(&md, name+".md", data); err != nil {
		return Doc{}, fmt.Errorf("render %s.md: %w", name, err)
	}
	if err := t.HTML.ExecuteTemplate(&html, name+".html", data); err != nil {
		return Doc{}, fmt.Errorf("render %s.html: %w", name, err)
	}
	return Doc{Markdown: md.String(), HTML: html.String()}, nil
}

// Keep writes the document as dir/base.md and dir/base.html, each
// atomically (write, then rename), so a retry rewrites the same content and
// a reader never sees half a file.
func Keep(dir, base string, d *Doc) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	d.Paths = nil
	for _, f := range []struct{ ext, body string }{{".md", d.Markdown}, {".html", d.HTML}} {
		path := filepath.Join(dir, base+f.ext)
		if err := writeAtomic(path, []byte(f.body)); err != nil {
			return err
		}
		d.Paths = append(d.Paths, path)
	}
	return nil
}

func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// funcs are the helpers every cycle template may use.
var funcs = map[string]any{
	"join": strings.Join,
	"inc":  func(i int) int { return i + 1 },
	// oneLine keeps free text inside a Markdown table cell.
	"oneLine": func(s string) string {
		return strings.ReplaceAll(strings.Join(strings.Fields(s), " "), "|", "/")
	},
}

// MustParse parses dir/*.html and dir/*.md of fsys with the shared helpers.
func MustParse(fsys fs.FS, dir string) Templates {
	return Templates{
		HTML:     htmltemplate.Must(htmltemplate.New("").Funcs(funcs).ParseFS(fsys, dir+"/*.html")),
		Markdown: texttemplate.Must(texttemplate.New("").Funcs(funcs).ParseFS(fsys, dir+"/*.md")),
	}
}
