package devserver

import (
	"fmt"
	"os"
	"path/filepath"

	"io"
	"log/slog"

	serverlog "go.temporal.io/server/common/log"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

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
// In memory the log is dropped. Either way a fatal entry (the server gives
// up, e.g. a port taken between choosing and binding it) is also written to
// stderr before the process exits, so the exit is never silent.
func serverLogger(opts Options) serverlog.Logger {
	// Only fatal entries pass, to reach the hook; they are written nowhere.
	base := zap.New(zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()), zapcore.AddSync(io.Discard), zapcore.FatalLevel))
	if !opts.InMemory && opts.DataDir != "" {
		base = serverlog.BuildZapLogger(serverlog.Config{
			Level:      opts.LogLevel,
			Format:     "json",
			OutputFile: filepath.Join(opts.DataDir, "temporal.log"),
		})
	}
	return serverlog.NewZapLogger(base.WithOptions(zap.WithFatalHook(fatalToStderr{})))
}

// fatalToStderr reports the server's fatal entry on stderr, then exits as
// zap's default hook does.
type fatalToStderr struct{}

func (fatalToStderr) OnWrite(entry *zapcore.CheckedEntry, fields []zapcore.Field) {
	enc := zapcore.NewMapObjectEncoder()
	for _, f := range fields {
		f.AddTo(enc)
	}
	delete(enc.Fields, "stacktrace")
	fmt.Fprintf(os.Stderr, "the embedded Temporal server stopped the process: %s %v\n", entry.Message, enc.Fields)
	os.Exit(1)
}
