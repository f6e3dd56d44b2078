package meeting

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"

	"helhed/docstore"
	"helhed/internal/testplan"
	"helhed/internal/testpostgres"
	"helhed/plan"
	"helhed/workflows/meeting"
)

func TestMain(m *testing.M) { testpostgres.Main(m) }

// TestDocumentServedByTheOtherReplica: the agenda report the compile
// activity keeps on one replica is served, byte for byte, by the document
// route of another replica sharing the PostgreSQL document store.
func TestDocumentServedByTheOtherReplica(t *testing.T) {
	ctx := context.Background()
	url := testpostgres.Database(t)
	open := func() docstore.Store {
		s, err := docstore.OpenPostgres(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	replicaA, replicaB := open(), open()

	p := testplan.Load(t, "randers-2021-25")
	a := &Activities{Plan: p, Docs: replicaA}
	in := example(p, p.DateOf(time.Now()))
	setup, err := a.MeetingPrepare(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	board, err := plan.ParseDate(in.BoardDate)
	if err != nil {
		t.Fatal(err)
	}
	var s testsuite.WorkflowTestSuite
	env := s.NewTestActivityEnvironment()
	env.RegisterActivity(a)
	val, err := env.ExecuteActivity(a.MeetingCompile, meeting.CompileInput{Doc: meeting.DocAgendaReport, Setup: setup,
		State: meeting.State{Input: in, Timeline: meeting.Derive(board, setup.OffsetDays)}, CompiledAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	var doc meeting.Document
	if err := val.Get(&doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Paths) != 2 || doc.Markdown == "" {
		t.Fatalf("compiled %+v", doc.Paths)
	}

	mux := http.NewServeMux()
	mux.Handle(docstore.HandlerPattern, docstore.Handler(replicaB, nil))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	for i, want := range []string{doc.Markdown, doc.HTML} {
		resp, err := http.Get(srv.URL + "/api/v1/documents/" + doc.Paths[i])
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || string(body) != want {
			t.Errorf("replica B served %s: %d, %d bytes, want the %d kept", doc.Paths[i], resp.StatusCode, len(body), len(want))
		}
	}
}
