package scoutbook

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestParseDate(t *testing.T) {
	t.Parallel()

	t.Run("AcceptedForms", func(t *testing.T) {
		t.Parallel()
		for input, want := range map[string]string{
			"03/14/2024":                     "2024-03-14",
			"3/4/2024":                       "2024-03-04",
			"3/14/2024":                      "2024-03-14",
			"12/5/2024":                      "2024-12-05",
			" 3/4/2024 ":                     "2024-03-04",
			"3/4/2024 12:00:00 AM":           "2024-03-04",
			"3/4/2024 12:00:00 am":           "2024-03-04",
			"3/4/2024 1:05 PM":               "2024-03-04",
			"3/4/2024 13:05":                 "2024-03-04",
			"3/4/2024 13:05:59":              "2024-03-04",
			"3/4/2024 13:05:59.123":          "2024-03-04",
			"3/4/2024\t12:00:00AM":           "2024-03-04",
			"2/29/2024":                      "2024-02-29",
			"2/29/2000":                      "2000-02-29",
			"12/31/1999":                     "1999-12-31",
			"2024-03-04":                     "2024-03-04",
			"2024-03-04T10:00:00Z":           "2024-03-04",
			"2024-03-04t10:00":               "2024-03-04",
			"2024-03-04T23:30:00-05:00":      "2024-03-04", // taken as written, no zone shift
			"2024-03-04T10:00:00.123+0530":   "2024-03-04",
			"2024-03-04 10:00:00":            "2024-03-04",
			"2024-03-04 10:00:00 UTC":        "2024-03-04",
			"2024-03-04T00:00:00.000000000Z": "2024-03-04",
		} {
			got, err := ParseDate(input)
			require.NoError(t, err, input)
			require.Equal(t, want, got.String(), input)
			require.False(t, got.IsZero(), input)
		}
	})

	t.Run("EmptyForms", func(t *testing.T) {
		t.Parallel()
		for _, input := range []string{"", " ", "\t", "/  /", "/ /", "//", "/\t/", " /  / ", "__________", "__/__/____", "_", "/"} {
			got, err := ParseDate(input)
			require.NoError(t, err, "%q", input)
			require.True(t, got.IsZero(), "%q", input)
			require.Empty(t, got.String(), "%q", input)
		}
	})

	t.Run("Errors", func(t *testing.T) {
		t.Parallel()
		for input, wantMsg := range map[string]string{
			"13/45/2024":        "the month must be 1 to 12",
			"2/30/2024":         "February 2024 has 29 days",
			"2/29/2023":         "February 2023 has 28 days",
			"2/29/1900":         "February 1900 has 28 days",
			"4/31/2024":         "April 2024 has 30 days",
			"1/0/2024":          "the day must be at least 1",
			"1/1/0000":          "the year must be between 1 and 9999",
			"3/4/24":            "is not a date",
			"2024/03/04":        "is not a date",
			"March 4, 2024":     "is not a date",
			"2024-3-4":          "is not a date",
			"3/4/2024T10:00":    "is not a date",
			"3/4/20245":         "is not a date",
			"03-14-2024":        "is not a date",
			"123/4/2024":        "is not a date",
			"__/__/2024":        "is not a date",
			"2024-03-04T":       "is not a date",
			"3/4/2024 noon":     "cannot be read",
			"3/4/2024 25:00":    "cannot be read",
			"3/4/2024 13:00 PM": "cannot be read",
			"3/4/2024 12:60":    "cannot be read",
			"3/4/2024 12:00 XM": "cannot be read",
			"2024-03-04T10":     "cannot be read",
			"2024-03-04T10:00+": "cannot be read",
		} {
			got, err := ParseDate(input)
			require.Error(t, err, input)
			require.ErrorIs(t, err, errBadDate)
			require.Contains(t, err.Error(), strconv.Quote(strings.TrimSpace(input)), "the message quotes the value")
			require.Contains(t, err.Error(), wantMsg, input)
			require.True(t, got.IsZero())
		}
	})
}

func TestDate(t *testing.T) {
	t.Parallel()

	t.Run("ZeroValue", func(t *testing.T) {
		t.Parallel()
		var d Date
		require.True(t, d.IsZero())
		require.Empty(t, d.String())
		require.True(t, d.Time().IsZero())
	})

	t.Run("NewDate", func(t *testing.T) {
		t.Parallel()
		d, err := NewDate(2024, time.March, 4)
		require.NoError(t, err)
		require.Equal(t, "2024-03-04", d.String())
		require.Equal(t, time.Date(2024, time.March, 4, 0, 0, 0, 0, time.UTC), d.Time())

		parsed, err := ParseDate("3/4/2024 12:00:00 AM")
		require.NoError(t, err)
		require.Equal(t, d, parsed, "dates compare with ==")

		_, err = NewDate(2023, time.February, 29)
		require.ErrorContains(t, err, "February 2023 has 28 days")
		_, err = NewDate(2024, 13, 1)
		require.ErrorContains(t, err, "the month must be 1 to 12")
	})

	t.Run("Compare", func(t *testing.T) {
		t.Parallel()
		early, err := NewDate(2023, time.December, 31)
		require.NoError(t, err)
		late, err := NewDate(2024, time.January, 1)
		require.NoError(t, err)
		require.Equal(t, -1, early.Compare(late))
		require.Equal(t, 1, late.Compare(early))
		require.Equal(t, 0, late.Compare(late))
		require.Equal(t, -1, Date{}.Compare(early), "no date sorts first")
	})

	t.Run("JSON", func(t *testing.T) {
		t.Parallel()
		type doc struct {
			A Date `json:"a"`
			B Date `json:"b,omitzero"`
		}
		a, err := NewDate(2025, time.June, 30)
		require.NoError(t, err)
		out, err := json.Marshal(doc{A: a})
		require.NoError(t, err)
		require.JSONEq(t, `{"a":"2025-06-30"}`, string(out))

		var back doc
		require.NoError(t, json.Unmarshal([]byte(`{"a":"6/30/2025","b":""}`), &back))
		require.Equal(t, a, back.A)
		require.True(t, back.B.IsZero())
		require.Error(t, json.Unmarshal([]byte(`{"a":"30/6/2025"}`), &back))
	})
}

// FuzzParseDate checks that ParseDate never panics, that every date it
// returns exists and survives a round trip through its ISO form, and that
// errors quote the input.
func FuzzParseDate(f *testing.F) {
	for _, seed := range []string{
		"3/4/2024", "03/14/2024 12:00:00 AM", "2024-03-04T10:00:00Z", "/  /", "__/__/____",
		"2/30/2024", "13/45/2024", "3/4/2024 25:00", "", "9999-12-31", "1/1/0001 0:00 am +05:30",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, input string) {
		d, err := ParseDate(input)
		if err != nil {
			require.True(t, d.IsZero())
			require.ErrorIs(t, err, errBadDate)
			require.Contains(t, err.Error(), strconv.Quote(strings.TrimSpace(input)))
			return
		}
		if d.IsZero() {
			require.Empty(t, d.String())
			return
		}
		iso := d.String()
		require.Len(t, iso, 10)
		again, err := ParseDate(iso)
		require.NoError(t, err)
		require.Equal(t, d, again)
		require.Equal(t, iso, d.Time().Format(time.DateOnly), "Time agrees with String")
	})
}
