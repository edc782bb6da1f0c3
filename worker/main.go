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

// usage is printed for -h and unknown commands.
const usage = `worker: background import service for Scoutbook exports on Supabase

Commands:
  migrate    apply the database migrations (use --with-local-stand-in for a local PostgreSQL)
  run        process import jobs until SIGTERM/SIGINT
  generate   write a synthetic Scoutbook export to stdout or --out
  demo       start a local PostgreSQL and run a realistic import with live progress
  submit     upload an export to Supabase Storage and create its import job as a leader

Run "worker <command> -h" for the command's flags.
`

func realMain(args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(os.Stderr, usage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	ctx, stop := signalContext()
	defer stop()

	var err error
	switch args[0] {
	case "migrate":
		err = migrateCommand(ctx, args[1:])
	case "run":
		err = runCommand(ctx, args[1:])
	case "generate":
		err = generateCommand(args[1:])
	case "demo":
		err = demoCommand(ctx, args[1:])
	case "submit":
		err = submitCommand(ctx, args[1:])
	default:
		fmt.Fprintf(os.Stderr, "worker: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	if err != nil {
		if errors.Is(err, errUsage) {
			return 2
		}
		fmt.Fprintf(os.Stderr, "worker %s: %v\n", args[0], err)
		return 1
	}
	return 0
}

// errUsage reports a command-line mistake already explained to the user.
var errUsage = errors.New("usage")

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
