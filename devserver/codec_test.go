package devserver_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/proto"

	datarequestadapter "helhed/adapters/datarequest"
	"helhed/codec"
	"helhed/internal/testbrowser"
	"helhed/internal/teststack"
	"helhed/runs"
	"helhed/workflows/datarequest"
)

// stack is a -dev process with the embedded Temporal UI on, wired to the
// process's codec server.
var stack *teststack.Stack

func TestMain(m *testing.M) {
	os.Exit(teststack.Main(m, teststack.Options{
		Name: "devserver-ui",
		Env:  map[string]string{"TEMPORAL_UI_ADDR": "127.0.0.1:0"},
	}, func(s *teststack.Stack) error {
		stack = s
		return nil
	}))
}

func codecURL() string { return "http://" + stack.HTTPAddr() + codec.HTTPPath }

// TestCodecEndpoint: with the operator token the route speaks the codec
// protocol (the temporal CLI's --codec-endpoint and --codec-auth); without
// it the answer is 401, readable by the UI's origin; the UI's preflight
// passes, another origin's does not.
func TestCodecEndpoint(t *testing.T) {
	uiOrigin := "http://" + stack.TemporalUIAddr()
	remote := converter.NewRemotePayloadCodec(converter.RemotePayloadCodecOptions{
		Endpoint: codecURL(),
		ModifyRequest: func(r *http.Request) error {
			r.Header.Set("Authorization", "Bearer "+stack.Config.OperatorToken)
			return nil
		},
	})
	original, err := converter.GetDefaultDataConverter().ToPayload(map[string]string{"partner": "skole-x"})
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := remote.Encode([]*commonpb.Payload{original})
	if err != nil {
		t.Fatal(err)
	}
	if len(sealed) != 1 || string(sealed[0].GetMetadata()[converter.MetadataEncoding]) != codec.Encoding {
		t.Fatalf("encode did not seal: %v", sealed)
	}
	opened, err := remote.Decode(sealed)
	if err != nil {
		t.Fatal(err)
	}
	if len(opened) != 1 || !proto.Equal(opened[0], original) {
		t.Fatalf("decode gave %v, want %v", opened, original)
	}

	body, err := json.Marshal(&commonpb.Payloads{Payloads: sealed})
	if err != nil {
		t.Fatal(err)
	}
	resp, _ := send(t, http.MethodPost, codecURL()+"/decode", string(body), map[string]string{"Origin": uiOrigin, "Content-Type": "application/json"})
	if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("Access-Control-Allow-Origin") != uiOrigin {
		t.Errorf("decode without authentication: %d %v, want 401 readable by %s", resp.StatusCode, resp.Header, uiOrigin)
	}

	ask := map[string]string{"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type,x-namespace"}
	ask["Origin"] = uiOrigin
	if resp, _ := send(t, http.MethodOptions, codecURL()+"/decode", "", ask); resp.StatusCode != http.StatusNoContent ||
		resp.Header.Get("Access-Control-Allow-Origin") != uiOrigin || resp.Header.Get("Access-Control-Allow-Credentials") != "true" {
		t.Errorf("preflight from the UI: %d %v", resp.StatusCode, resp.Header)
	}
	ask["Origin"] = "http://" + stack.HTTPAddr()
	if resp, _ := send(t, http.MethodOptions, codecURL()+"/decode", "", ask); resp.StatusCode != http.StatusForbidden ||
		resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight from another origin: %d %v", resp.StatusCode, resp.Header)
	}
}

// send sends body with header and returns the answer and its body.
func send(t *testing.T, method, url, body string, header map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// TestTemporalUIShowsDecodedInput: an operator logs in on the operator
// pages, opens a data request's history in the embedded Temporal UI and
// reads the request's title, which is only in the encrypted input.
func TestTemporalUIShowsDecodedInput(t *testing.T) {
	in := datarequestadapter.Example(stack.Plan).(*datarequest.Input)
	marker := make([]byte, 6)
	if _, err := rand.Read(marker); err != nil {
		t.Fatal(err)
	}
	in.Title = "Kodekprøve " + hex.EncodeToString(marker)
	in.RequestID = "kodekproeve/" + hex.EncodeToString(marker)
	input, err := json.Marshal(map[string]any{"kind": datarequest.Kind, "input": in})
	if err != nil {
		t.Fatal(err)
	}
	resp, answer := send(t, http.MethodPost, "http://"+stack.HTTPAddr()+"/api/v1/runs", string(input),
		map[string]string{"Authorization": "Bearer " + stack.Config.OperatorToken, "Content-Type": "application/json"})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("start: %d %s", resp.StatusCode, answer)
	}
	var started runs.Started
	if err := json.Unmarshal([]byte(answer), &started); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = stack.Temporal.TerminateWorkflow(context.Background(), started.WorkflowID, "", "test over")
	})

	ctx := testbrowser.New(t)
	history := fmt.Sprintf("http://%s/namespaces/%s/workflows/%s/%s/history", stack.TemporalUIAddr(),
		url.PathEscape(stack.Config.TemporalNamespace), url.PathEscape(started.WorkflowID), url.PathEscape(started.RunID))
	err = chromedp.Do(ctx,
		chromedp.Navigate("http://"+stack.HTTPAddr()+"/operator/login"),
		chromedp.WaitVisible(chromedp.ID("token")),
		chromedp.SendKeys(chromedp.ID("token"), stack.Config.OperatorToken),
		chromedp.Click(chromedp.ID("login")),
		chromedp.WaitNotPresent(chromedp.ID("token")),
		chromedp.Navigate(history),
	)
	if err != nil {
		t.Fatal(err)
	}
	teststack.Eventually(t, "the decoded title in the UI", func() error {
		page, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
		if err != nil {
			return err
		}
		if !strings.Contains(page, in.Title) {
			return fmt.Errorf("the page does not show %q", in.Title)
		}
		return nil
	})
}
