package devserver

import (
	"path/filepath"

	serverlog "go.temporal.io/server/common/log"
	"io"
	"log/slog"

	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/workflowservice/v1"
	sdklog "go.temporal.io/sdk/log"
)

func describeNamespace(name string) *workflowservice.DescribeNamespaceRequest {
	return &workflowservice.DescribeNamespaceRequest{Namespace: name}
}

// quietSDKLogger drops the SDK client's retries while the server warms up.
func quietSDKLogger() sdklog.Logger {
	return sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
}

func listSearchAttributes(ns string) *operatorservice.ListSearchAttributesRequest {
	return &operatorservice.ListSearchAttributesRequest{Namespace: ns}
}

// serverLogger writes the server's log to DATA_DIR/temporal.log, where it
// helps when something goes wrong without burying helhed's own output.
func serverLogger(opts Options) serverlog.Logger {
	if opts.InMemory || opts.DataDir == "" {
		return serverlog.NewNoopLogger()
	}
	return serverlog.NewZapLogger(serverlog.BuildZapLogger(serverlog.Config{
		Level:      opts.LogLevel,
		Format:     "json",
		OutputFile: filepath.Join(opts.DataDir, "temporal.log"),
	}))
}
