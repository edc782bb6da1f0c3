package main

import (
	"strings"
	"testing"
)

// A split export keeps the header in every file, never separates a scout's rows, and loses
// nothing.
func TestSplitExportAtScoutBoundaries(t *testing.T) {
	var b strings.Builder
	b.WriteString("bsamemberid,firstname,advancement\n")
	for s := 0; s < 50; s++ {
		for r := 0; r < 7; r++ {
			b.WriteString(strings.Repeat("1", 3) + string(rune('a'+s%26)) + string(rune('a'+s/26)) + `,"Pat, Jr.",Req ` + string(rune('0'+r)) + "\n")
		}
	}
	export := b.String()
	parts, err := splitExport(export, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) < 2 {
		t.Fatalf("%d parts for %d bytes", len(parts), len(export))
	}
	header := "bsamemberid,firstname,advancement\n"
	var body strings.Builder
	lastOfPrev := ""
	for _, p := range parts {
		if !strings.HasPrefix(p, header) || len(p) > 1000 {
			t.Fatalf("bad part (%d bytes): %.60q", len(p), p)
		}
		lines := strings.Split(strings.TrimSuffix(strings.TrimPrefix(p, header), "\n"), "\n")
		first := strings.SplitN(lines[0], ",", 2)[0]
		if first == lastOfPrev {
			t.Fatalf("scout %s split across files", first)
		}
		lastOfPrev = strings.SplitN(lines[len(lines)-1], ",", 2)[0]
		body.WriteString(strings.TrimPrefix(p, header))
	}
	if header+body.String() != export {
		t.Fatal("the parts do not add up to the export")
	}
}
