package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// command is one `worker` subcommand. Adding a subcommand is one entry in commands.
type command struct {
	name    string
	summary string // one line, shown by `worker -h`
	run     func(ctx context.Context, args []string) error
}

// commands are the subcommands, in the order `worker -h` lists them.
var commands = []command{
	{"migrate", "apply the database migrations (--with-local-stand-in for a local PostgreSQL)", migrateCommand},
	{"run", "process import jobs until SIGTERM/SIGINT (or until idle with --exit-when-idle)", runCommand},
	{"generate", "write a synthetic Scoutbook export to stdout or --out", generateCommand},
	{"demo", "start a local PostgreSQL and run a realistic import with live progress", demoCommand},
	{"submit", "upload an export to Supabase Storage and create its import job as a leader", submitCommand},
}

// Command-line outcomes every subcommand shares: help was asked for (exit 0), or a usage
// mistake that has been explained on stderr already (exit 2).
var (
	errHelp  = errors.New("help requested")
	errUsage = errors.New("usage")
)

// Output streams, replaced by tests.
var (
	stdout io.Writer = os.Stdout
	stderr io.Writer = os.Stderr
)

// flagSet is the flag set of one subcommand, with its usage text.
type flagSet struct {
	*flag.FlagSet
	synopsis string // follows the command name in the usage line, e.g. "[--scouts N] [--out FILE]"
	about    string // a sentence or two on what the command does
}

// newFlags returns the flag set of `worker <name>`.
func newFlags(name, synopsis, about string) *flagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // parse reports errors and prints the usage itself
	return &flagSet{FlagSet: fs, synopsis: synopsis, about: about}
}

// parse parses args, the same way for every subcommand: -h/--help prints the usage on
// stdout (errHelp, exit 0); an unknown flag, a bad value or a positional argument is
// reported with the usage on stderr (errUsage, exit 2).
func (fs *flagSet) parse(args []string) error {
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		printUsage(stdout, fs)
		return errHelp
	}
	if err == nil && fs.NArg() > 0 {
		err = fmt.Errorf("unexpected argument %q: this command takes flags only", fs.Arg(0))
	}
	if err != nil {
		fmt.Fprintf(stderr, "worker %s: %v\n\n", fs.Name(), err)
		printUsage(stderr, fs)
		return errUsage
	}
	return nil
}

// printUsage prints the usage of a subcommand: its usage line, what it does, and its flags
// (`--name VALUE  meaning (default ...)`).
func printUsage(w io.Writer, fs *flagSet) {
	fmt.Fprintf(w, "usage: worker %s %s\n\n%s\n", fs.Name(), fs.synopsis, fs.about)
	var b strings.Builder
	fs.VisitAll(func(f *flag.Flag) {
		kind, meaning := flag.UnquoteUsage(f)
		name := "--" + f.Name
		if len(f.Name) == 1 {
			name = "-" + f.Name
		}
		if kind != "" {
			name += " " + kind
		}
		fmt.Fprintf(&b, "  %-30s %s", name, meaning)
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			fmt.Fprintf(&b, " (default %s)", f.DefValue)
		}
		b.WriteString("\n")
	})
	if b.Len() > 0 {
		fmt.Fprintf(w, "\nFlags:\n%s", b.String())
	}
}

// printMainUsage prints `worker -h`.
func printMainUsage(w io.Writer) {
	fmt.Fprint(w, "usage: worker <command> [flags]\n\nBackground import service for Scoutbook exports on Supabase.\n\nCommands:\n")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, "\nRun \"worker <command> -h\" for the command's flags. Documentation: README.md and docs/.\n")
}
