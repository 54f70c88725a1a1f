package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/connectors-app/connectors/internal/version"
)

func main() {
	if len(os.Args) == 2 && os.Args[1] == "--version" {
		// What the root command prints for --version, without building
		// the command tree first.
		_, err := os.Stdout.WriteString(version.Line("connectorctl") + "\n")
		if err != nil {
			os.Exit(exitFailure)
		}
		os.Exit(exitOK)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], newFactory(systemIO()))
	stop()
	os.Exit(code)
}
