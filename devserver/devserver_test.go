package devserver

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"helhed/searchattr"
)

// TestStartRegistersNamespaceAndSearchAttributes also checks the namespace
// keeps closed runs past a plan year, since the read model is rebuilt from them.
func TestStartRegistersNamespaceAndSearchAttributes(t *testing.T) {
	ctx := context.Background()
	s, err := Start(ctx, Options{
		DataDir: t.TempDir(), FrontendAddr: "127.0.0.1:0", UIAddr: "127.0.0.1:0",
		SearchAttributes: searchattr.Definitions(),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	c, err := client.Dial(client.Options{HostPort: s.FrontendAddr(), Namespace: s.Namespace(), Logger: quietSDKLogger()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ns, err := c.WorkflowService().DescribeNamespace(ctx, describeNamespace(s.Namespace()))
	if err != nil {
		t.Fatal(err)
	}
	if got := ns.GetConfig().GetWorkflowExecutionRetentionTtl().AsDuration(); got != 400*24*time.Hour {
		t.Errorf("retention %v, want 400 days", got)
	}
	resp, err := c.OperatorService().ListSearchAttributes(ctx, listSearchAttributes(s.Namespace()))
	if err != nil {
		t.Fatal(err)
	}
	for name := range searchattr.Definitions() {
		if _, ok := resp.GetCustomAttributes()[name]; !ok {
			t.Errorf("search attribute %s not registered", name)
		}
	}
	// The UI answers on its port.
	deadline := time.Now().Add(10 * time.Second)
	for {
		r, err := http.Get("http://" + s.UIAddr() + "/")
		if err == nil {
			r.Body.Close()
			if r.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("temporal UI did not answer: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestPortInUseIsNamed(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, err = Start(context.Background(), Options{DataDir: t.TempDir(), FrontendAddr: ln.Addr().String()})
	if err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("want a port-in-use error, got %v", err)
	}
}
