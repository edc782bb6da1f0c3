package history

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// historyUpdateGolden rewrites the golden files of TestHistoryGolden:
//
//	go test ./internal/scoutbook/history -run TestHistoryGolden -update-history
//
// Review the diff before committing: a golden file is only as right as the
// person who accepted it.
var historyUpdateGolden = flag.Bool("update-history", false, "rewrite testdata/*.golden.json")

// historyGoldenResult is what a golden file holds: the parsed report, or
// the error for files that must be rejected.
type historyGoldenResult struct {
	Error     string  `json:"error,omitempty"`
	ErrorLine int     `json:"errorLine,omitempty"`
	Report    *Report `json:"report,omitempty"`
}

// TestHistoryGolden parses every testdata/*.csv file and compares
// the result, as indented JSON, with the .golden.json file next to it.
func TestHistoryGolden(t *testing.T) {
	t.Parallel()
	inputs, err := filepath.Glob(filepath.Join("testdata", "*.csv"))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(inputs), 10, "the golden inputs are missing")

	for _, input := range inputs {
		name := strings.TrimSuffix(filepath.Base(input), ".csv")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got := historyGoldenJSON(t, input)
			golden := strings.TrimSuffix(input, ".csv") + ".golden.json"
			if *historyUpdateGolden {
				require.NoError(t, os.WriteFile(golden, got, 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "no golden file; run with -update-history and review it")
			require.Equal(t, string(want), string(got))
		})
	}
}

// historyGoldenJSON parses the file at path and returns the golden JSON.
func historyGoldenJSON(t *testing.T, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()

	var res historyGoldenResult
	rep, err := Parse(f)
	if err != nil {
		var perr *ParseError
		require.True(t, errors.As(err, &perr), "unexpected error type %T: %v", err, err)
		res.Error, res.ErrorLine = perr.Msg, perr.Line
	} else {
		res.Report = rep
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	require.NoError(t, enc.Encode(res))
	return buf.Bytes()
}
