package scoutgen

import "testing"

// The reference catalogue lists each badge version's requirement ids once, none empty, and
// covers every badge version the generator uses.
func TestReferenceRequirementsCoverGeneratorIDs(t *testing.T) {
	defs := ReferenceRequirements()
	if len(defs) == 0 {
		t.Fatal("no definitions")
	}
	type key struct {
		badge string
		year  int
		id    string
	}
	seen := map[key]bool{}
	versions := map[string]map[int]bool{}
	for _, d := range defs {
		if d.ID == "" {
			t.Fatalf("empty id in %+v", d)
		}
		k := key{d.BadgeCode, d.VersionYear, d.ID}
		if seen[k] {
			t.Fatalf("duplicate definition %+v", d)
		}
		seen[k] = true
		if versions[d.BadgeCode] == nil {
			versions[d.BadgeCode] = map[int]bool{}
		}
		versions[d.BadgeCode][d.VersionYear] = true
	}
	g := newGenerator(TroopOptions{Scouts: 1, Seed: 1})
	for code, years := range versions {
		for _, v := range g.versions(code) {
			if !years[v] {
				t.Errorf("%s version %d has no definitions", code, v)
			}
			for _, id := range g.requirements(code, v) {
				if id != "" && !seen[key{code, v, id}] {
					t.Errorf("%s %d requirement %q missing", code, v, id)
				}
			}
		}
	}
}
