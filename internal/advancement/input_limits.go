package advancement

import "fmt"

// MaxTroopInputBytes is the largest troop_advancement input (input_csv, or staged_data as JSON
// text) the worker loads. A real export is about 0.2 MB per scout; the database refuses a
// larger upload at insert with the same default limit (import_private.import_job_types), and
// the worker measures the size in SQL before reading anything, so an input that got past a
// raised database limit still never reaches the worker's memory.
const MaxTroopInputBytes = 128 << 20

// inputTooLarge is the leader's message for an input over limit.
func inputTooLarge(what string, size, limit int64) error {
	return fmt.Errorf("the uploaded file is too large: %.1f MB for a %s (at most %d MB); export fewer scouts at a time and upload each file; nothing was imported",
		float64(size)/(1<<20), what, limit>>20)
}
