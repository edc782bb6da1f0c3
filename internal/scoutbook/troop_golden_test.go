package scoutbook

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Run `go test ./internal/scoutbook -run TestTroopGolden -update` to rewrite
// the golden files after an intended change, then review the diff.
var updateGolden = flag.Bool("update", false, "rewrite testdata/troop/*.golden.json")

// troopGolden is what a golden file records for one crafted export: every
// result of Next in order (a row or an error), and the final counters.
type troopGolden struct {
	OpenError string              `json:"open_error,omitempty"`
	HasHeader bool                `json:"has_header"`
	Results   []troopGoldenResult `json:"results"`
	Stats     TroopStats          `json:"stats"`
}

type troopGoldenResult struct {
	Row   *TroopRow `json:"row,omitempty"`
	Error string    `json:"error,omitempty"`
	Fatal bool      `json:"fatal,omitempty"`
}

// readTroopGolden reads a whole file the way an importer would: collecting
// row errors and stopping at io.EOF or the first fatal error.
func readTroopGolden(t *testing.T, data []byte) troopGolden {
	t.Helper()
	tr, err := NewTroopReader(bytes.NewReader(data))
	if err != nil {
		var perr *ParseError
		require.ErrorAs(t, err, &perr)
		require.True(t, perr.Fatal, "errors from NewTroopReader are fatal")
		require.ErrorIs(t, err, ErrMalformed)
		return troopGolden{OpenError: err.Error(), Results: []troopGoldenResult{}}
	}

	got := troopGolden{HasHeader: tr.HasHeader(), Results: []troopGoldenResult{}}
	for range 10_000 {
		row, err := tr.Next()
		if errors.Is(err, io.EOF) {
			_, again := tr.Next()
			require.ErrorIs(t, again, io.EOF, "io.EOF is sticky")
			break
		}
		if err != nil {
			var perr *ParseError
			require.ErrorAs(t, err, &perr)
			got.Results = append(got.Results, troopGoldenResult{Error: err.Error(), Fatal: perr.Fatal})
			if perr.Fatal {
				require.ErrorIs(t, err, ErrMalformed)
				_, again := tr.Next()
				require.Same(t, perr, again, "a fatal error is returned again")
				break
			}
			require.Positive(t, perr.Line, "row errors name a line")
			require.Equal(t, perr.Line, row.Line, "the partial row carries the error's line")
			continue
		}
		got.Results = append(got.Results, troopGoldenResult{Row: &row})
	}
	got.Stats = tr.Stats()

	s := got.Stats
	require.Equal(t, s.TotalRows, s.RowErrors+s.RankRows+s.MeritBadgeRows+s.RankRequirementRows+
		s.MeritBadgeRequirementRows+s.OtherRows, "every row is counted once")
	return got
}

func TestTroopGolden(t *testing.T) {
	t.Parallel()
	inputs, err := filepath.Glob(filepath.Join("testdata", "troop", "*.csv"))
	require.NoError(t, err)
	require.NotEmpty(t, inputs)

	for _, input := range inputs {
		name := strings.TrimSuffix(filepath.Base(input), ".csv")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(input)
			require.NoError(t, err)
			got, err := json.MarshalIndent(readTroopGolden(t, data), "", "  ")
			require.NoError(t, err)
			got = append(got, '\n')

			goldenPath := strings.TrimSuffix(input, ".csv") + ".golden.json"
			if *updateGolden {
				require.NoError(t, os.WriteFile(goldenPath, got, 0o644))
				return
			}
			want, err := os.ReadFile(goldenPath)
			require.NoError(t, err, "missing golden file; run with -update and review it")
			require.Equal(t, string(want), string(got))
		})
	}
}
