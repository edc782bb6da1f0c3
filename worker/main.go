// Command worker is the background import service: it applies the database migrations,
// runs import jobs from public.import_jobs, generates synthetic Scoutbook exports and runs a
// local demo.
//
//	worker migrate [--with-local-stand-in]   apply migrations (idempotent)
//	worker run [flags]                       process jobs until SIGTERM
//	worker generate [--scouts N --seed S]    write a synthetic Troop Advancement export
//	worker demo                              local PostgreSQL + a realistic import with live progress
//	worker submit --unit ID --file F [--follow]  upload an export and create its job as a leader
//
// Configuration comes from environment variables, overridden by flags; see `worker run -h`.
// Every subcommand parses its flags the same way (cli.go): -h exits 0, a mistake exits 2.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	os.Exit(realMain(os.Args[1:]))
}

func realMain(args []string) int {
	if len(args) == 0 {
		printMainUsage(stderr)
		return 2
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printMainUsage(stdout)
		return 0
	}
	var cmd *command
	for i := range commands {
		if commands[i].name == args[0] {
			cmd = &commands[i]
		}
	}
	if cmd == nil {
		fmt.Fprintf(stderr, "worker: unknown command %q\n\n", args[0])
		printMainUsage(stderr)
		return 2
	}
	ctx, stop := signalContext()
	defer stop()
	return exitCode(cmd.name, cmd.run(ctx, args[1:]))
}

// exitCode reports err and turns it into the process's exit status: 0 for success and for
// -h, 2 for a usage mistake (already explained), 1 for anything else.
func exitCode(name string, err error) int {
	switch {
	case err == nil, errors.Is(err, errHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	default:
		fmt.Fprintf(stderr, "worker %s: %v\n", name, err)
		return 1
	}
}

// signalContext is cancelled by the first SIGTERM or SIGINT (graceful shutdown); a second
// signal exits at once with status 130 (the job's lease then expires and the reaper takes over).
func signalContext() (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		sig := <-sigs
		fmt.Fprintf(os.Stderr, "worker: %s received: shutting down gracefully (send it again to exit at once)\n", sig)
		cancel()
		<-sigs
		fmt.Fprintln(os.Stderr, "worker: second signal: exiting now")
		os.Exit(130)
	}()
	return ctx, func() { signal.Stop(sigs); cancel() }
}
