package devserver

import (
	"context"

	"github.com/alicebob/miniredis/v2"

	"helhed/app"
)

// Stack is app.DevStack: what `workers -dev` and the tests embed. Only the
// dev entry point and tests import this package, so the production build
// links neither the Temporal server, its UI nor miniredis.
type Stack struct{}

var _ app.DevStack = Stack{}

// StartRedis starts an in-process Redis (miniredis). It keeps nothing
// across restarts, which is fine because the read model is derived.
func (Stack) StartRedis() (string, func(), error) {
	m := miniredis.NewMiniRedis()
	if err := m.StartAddr("127.0.0.1:0"); err != nil {
		return "", nil, err
	}
	return "redis://" + m.Addr(), m.Close, nil
}

// StartTemporal starts the embedded server on a SQLite file under DataDir.
func (Stack) StartTemporal(ctx context.Context, o app.DevTemporal) (app.EmbeddedTemporal, error) {
	s, err := Start(ctx, Options{DataDir: o.DataDir, FrontendAddr: o.FrontendAddr, UIAddr: o.UIAddr,
		CodecEndpoint: o.CodecEndpoint, Namespace: o.Namespace, SearchAttributes: o.SearchAttributes})
	if err != nil {
		return nil, err
	}
	return s, nil
}
