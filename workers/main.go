// Command workers runs helhed: the Temporal worker, the partner portal and
// operator API, and the metrics endpoint. With -dev it embeds Temporal,
// its UI and (unless REDIS_URL is set) Redis, so one command runs it all.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"helhed/app"
	"helhed/config"
)

func main() {
	dev := flag.Bool("dev", false, "embed Temporal (SQLite under DATA_DIR), its UI and Redis")
	flag.Parse()
	if err := run(*dev); err != nil {
		fmt.Fprintln(os.Stderr, "helhed:", err)
		os.Exit(1)
	}
}

func run(dev bool) error {
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	cfg, err := config.Load(ctx, nil, dev)
	if err != nil {
		return err
	}
	logger := newLogger(cfg.LogLevel)
	slog.SetDefault(logger)
	a, err := app.Start(ctx, app.Options{Config: cfg, Logger: logger, Dev: devStack()})
	if err != nil && ctx.Err() != nil {
		// Ctrl-C or SIGTERM during the start is a stop, not a failure;
		// app.Start has stopped what it had started.
		fmt.Fprintln(os.Stdout, "stopped while starting")
		return nil
	}
	if err != nil {
		return err
	}
	a.Banner(os.Stdout)
	<-ctx.Done()
	cancel() // a second Ctrl-C kills at once
	fmt.Fprintln(os.Stdout, "stopping…")
	stopCtx, stopCancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer stopCancel()
	return a.Stop(stopCtx)
}

func newLogger(level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: l}))
}
