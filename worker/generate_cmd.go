package main

import (
	"bufio"
	"context"
	"fmt"
	"os"

	"github.com/chuckbox/importworker/internal/scoutgen"
)

// maxScouts bounds --scouts: 5,000 scouts is a file of about 1 GB.
const maxScouts = 5000

// generateCommand is `worker generate`: a realistic synthetic Scoutbook export, deterministic
// for a seed.
func generateCommand(_ context.Context, args []string) error {
	fs := newFlags("generate", "[--scouts N] [--seed S] [--out FILE] [--history]",
		"Write a realistic synthetic Scoutbook export (Troop Advancement, or with --history a single scout's\n"+
			"Scouts BSA History Report). The same seed gives the same file.")
	scouts := fs.Int("scouts", scoutgen.DefaultScouts, "number of scouts in a Troop Advancement export (about 1,000 rows each)")
	seed := fs.Int64("seed", 1, "seed: the same seed gives the same file")
	out := fs.String("out", "", "output file (default: standard output)")
	crlf := fs.Bool("crlf", false, "end lines with CRLF, as Windows tools do")
	bom := fs.Bool("bom", false, "start with a UTF-8 byte order mark")
	noNoise := fs.Bool("no-noise", false, "leave out the quirks of real exports (odd dates, duplicates, historical badges...)")
	history := fs.Bool("history", false, "write a single-scout Scouts BSA History Report instead")
	bsaID := fs.String("bsa-id", "", "history report: the scout's BSA member id (default: drawn from the seed)")
	if err := fs.parse(args); err != nil {
		return err
	}
	if *scouts < 1 || *scouts > maxScouts {
		fmt.Fprintf(stderr, "worker generate: --scouts must be between 1 and %d, got %d\n", maxScouts, *scouts)
		return errUsage
	}

	var w = stdout
	var file *os.File
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return fmt.Errorf("create %s: %w", *out, err)
		}
		file = f
		w = f
	}
	buf := bufio.NewWriterSize(w, 1<<16)

	if *history {
		if err := scoutgen.WriteHistory(buf, scoutgen.HistoryOptions{Seed: *seed, BSAMemberID: *bsaID}); err != nil {
			return err
		}
	} else {
		stats, err := scoutgen.WriteTroop(buf, scoutgen.TroopOptions{Scouts: *scouts, Seed: *seed, CRLF: *crlf, BOM: *bom, Noise: !*noNoise})
		if err != nil {
			return err
		}
		defer fmt.Fprintf(stderr, "wrote %d rows for %d scouts (%d completed requirement rows)\n",
			stats.Rows, stats.Scouts, stats.CompletedRequirements)
	}
	if err := buf.Flush(); err != nil {
		return fmt.Errorf("write export: %w", err)
	}
	if file != nil {
		if err := file.Close(); err != nil {
			return fmt.Errorf("close %s: %w", *out, err)
		}
	}
	return nil
}
