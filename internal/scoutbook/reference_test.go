package scoutbook

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// updateReferenceSQL rewrites the seed migration from the Go lists instead of
// comparing them. It has its own name so that it cannot clash with other
// golden-file flags of this package.
var updateReferenceSQL = flag.Bool("update-reference-sql", false,
	"rewrite supabase/migrations/"+referenceSQLFile+" from Ranks and MeritBadges")

// referenceSQLFile is the seed migration generated from Ranks and MeritBadges.
const referenceSQLFile = "20261129000300_bsa_reference_data.sql"

func TestRanksMatchTheReferenceData(t *testing.T) {
	wantCounts := map[string]int{
		"scout": 18, "tenderfoot": 27, "second_class": 37, "first_class": 38,
		"star": 9, "life": 8, "eagle": 7,
	}
	wantNames := []string{"Scout", "Tenderfoot", "Second Class", "First Class", "Star", "Life", "Eagle"}
	wantCodes := []string{"scout", "tenderfoot", "second_class", "first_class", "star", "life", "eagle"}
	wantVersions := []int{2024, 2024, 2024, 2024, 2024, 2016, 2022}

	require.Len(t, Ranks, 7)
	total := 0
	for i, r := range Ranks {
		require.Equal(t, wantCodes[i], r.Code)
		require.Equal(t, wantNames[i], r.Name)
		require.Equal(t, i+1, r.Order)
		require.Equal(t, wantVersions[i], r.VersionYear, r.Code)
		require.Len(t, r.RequirementIDs, wantCounts[r.Code], r.Code)
		seen := map[string]bool{}
		for _, id := range r.RequirementIDs {
			require.False(t, seen[id], "duplicate requirement %s in %s", id, r.Code)
			seen[id] = true
		}
		total += len(r.RequirementIDs)
	}
	require.Equal(t, 144, total)

	// Spot-check the expanded ranges of domain.md 6.2.
	second, ok := RankByCode("second_class")
	require.True(t, ok)
	require.Equal(t, []string{"2a", "2b", "2c", "2d", "2e", "2f", "2g"}, second.RequirementIDs[3:10])
	first, ok := RankByCode("first_class")
	require.True(t, ok)
	require.Equal(t, "13", first.RequirementIDs[len(first.RequirementIDs)-1])
}

func TestRankByCodeRejectsUnknownCodes(t *testing.T) {
	r, ok := RankByCode("eagle")
	require.True(t, ok)
	require.Equal(t, "Eagle", r.Name)

	_, ok = RankByCode("Eagle Scout Rank")
	require.False(t, ok, "RankByCode matches codes, not names")
}

func TestMeritBadgesMatchTheReferenceData(t *testing.T) {
	require.Len(t, MeritBadges, 141)

	codes := map[string]bool{}
	names := map[string]bool{}
	var eagle []string
	for _, b := range MeritBadges {
		require.False(t, codes[b.Code], "duplicate code %s", b.Code)
		require.False(t, names[b.Name], "duplicate name %s", b.Name)
		codes[b.Code], names[b.Name] = true, true
		if b.EagleRequired {
			eagle = append(eagle, b.Name)
		}
		if b.Name == "American Indian Lore" {
			require.Equal(t, "american_indian_culture", b.Code, "documented exception")
			continue
		}
		require.Equal(t, refCodeRule(b.Name), b.Code, "code of %q", b.Name)
	}
	require.ElementsMatch(t, []string{
		"Camping", "Citizenship in Society", "Citizenship in the Community", "Citizenship in the Nation",
		"Citizenship in the World", "Communication", "Cooking", "Cycling", "Emergency Preparedness",
		"Environmental Science", "Family Life", "First Aid", "Hiking", "Lifesaving", "Personal Fitness",
		"Personal Management", "Sustainability", "Swimming",
	}, eagle)

	// The DB spellings that differ from the CSV ones.
	for _, name := range []string{"Fish & Wildlife Management", "Signs, Signals, and Codes", "Small-Boat Sailing"} {
		require.True(t, names[name], name)
	}
	require.True(t, codes["fish_wildlife_management"])
	require.True(t, codes["signs_signals_and_codes"])
}

func TestMeritBadgeByCode(t *testing.T) {
	b, ok := MeritBadgeByCode("fish_wildlife_management")
	require.True(t, ok)
	require.Equal(t, "Fish & Wildlife Management", b.Name)
	require.False(t, b.EagleRequired)

	_, ok = MeritBadgeByCode("underwater_basket_weaving")
	require.False(t, ok)
}

// TestReferenceSQLUpToDate regenerates the seed migration from Ranks and
// MeritBadges and compares it with the committed file, so the SQL seed and
// the Go lists never drift. After changing the lists, run
//
//	go test ./internal/scoutbook -run TestReferenceSQLUpToDate -update-reference-sql
func TestReferenceSQLUpToDate(t *testing.T) {
	path := filepath.Join("..", "..", "supabase", "migrations", referenceSQLFile)
	want := renderReferenceSQL()
	if *updateReferenceSQL {
		require.NoError(t, os.WriteFile(path, []byte(want), 0o644))
	}
	got, err := os.ReadFile(path)
	require.NoError(t, err, "run with -update-reference-sql to create it")
	require.Equal(t, want, string(got), "seed migration is stale: run with -update-reference-sql")
}

// refCodeRule is the code rule of domain.md 6.3: lowercase, every run
// of characters other than [a-z0-9] becomes "_", leading and trailing "_"
// trimmed.
func refCodeRule(name string) string {
	var b strings.Builder
	pendingSep := false
	for _, c := range strings.ToLower(name) {
		if (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') {
			if pendingSep && b.Len() > 0 {
				b.WriteByte('_')
			}
			pendingSep = false
			b.WriteRune(c)
			continue
		}
		pendingSep = true
	}
	return b.String()
}

// refSQLString quotes s as a SQL string literal.
func refSQLString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// renderReferenceSQL renders the seed migration from Ranks and MeritBadges.
// The statements are idempotent: existing rows (by code, or by rank, version
// and requirement number) are left untouched.
func renderReferenceSQL() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }

	p("-- BSA reference data: the 7 ranks, their %d current requirements and the %d merit badges.\n",
		refCountRankRequirements(), len(MeritBadges))
	p("--\n")
	p("-- GENERATED from internal/scoutbook/reference.go by TestReferenceSQLUpToDate; do not edit by hand.\n")
	p("-- After changing the Go lists, regenerate with:\n")
	p("--   go test ./internal/scoutbook -run TestReferenceSQLUpToDate -update-reference-sql\n")
	p("--\n")
	p("-- Idempotent: applying it to a database that already holds these rows changes nothing.\n")
	p("-- Ranks and badges are skipped on a code conflict; a rank requirement is inserted only\n")
	p("-- when no row with the same (rank, version_year, requirement_number) exists yet.\n")
	p("-- No transaction statements: the migration runner wraps the file in one.\n\n")

	p("-- Ranks, in order. Every rank is on the path to Eagle, hence is_eagle_required = true\n")
	p("-- (as in the reference data file). requirement_version_year is the current version.\n")
	p("insert into public.bsa_ranks (code, name, display_order, is_eagle_required, requirement_version_year)\n")
	p("values\n")
	for i, r := range Ranks {
		p("    (%s, %s, %d, true, %d)%s\n", refSQLString(r.Code), refSQLString(r.Name), r.Order, r.VersionYear,
			refListSep(i, len(Ranks)))
	}
	p("on conflict (code) do nothing;\n")

	for _, r := range Ranks {
		p("\n-- %s requirements, version %d (%d rows), with placeholder descriptions and\n",
			r.Name, r.VersionYear, len(r.RequirementIDs))
		p("-- display_order by position. Rows already present for (rank, version, number) are skipped.\n")
		p("insert into public.bsa_rank_requirements\n")
		p("    (rank_id, version_year, requirement_number, description, display_order)\n")
		p("select r.id, v.version_year, v.requirement_number, v.description, v.display_order\n")
		p("from (values\n")
		for i, id := range r.RequirementIDs {
			p("    (%s, %d, %s, %s, %d)%s\n", refSQLString(r.Code), r.VersionYear, refSQLString(id),
				refSQLString(fmt.Sprintf("%s requirement %s", r.Name, id)), i+1, refListSep(i, len(r.RequirementIDs)))
		}
		p(") as v (rank_code, version_year, requirement_number, description, display_order)\n")
		p("join public.bsa_ranks r on r.code = v.rank_code\n")
		p("where not exists (\n")
		p("    select 1 from public.bsa_rank_requirements x\n")
		p("    where x.rank_id = r.id\n")
		p("      and x.version_year = v.version_year\n")
		p("      and x.requirement_number = v.requirement_number\n")
		p(")\n")
		p("on conflict do nothing;\n")
	}

	p("\n-- Merit badges (all active). The id is given explicitly so the insert does not depend\n")
	p("-- on a column default. category and requirement_version_year stay NULL: the current\n")
	p("-- version of each badge is not part of this seed.\n")
	p("insert into public.bsa_merit_badges\n")
	p("    (id, code, name, is_eagle_required, category, requirement_version_year, is_active)\n")
	p("select gen_random_uuid(), v.code, v.name, v.is_eagle_required, null::text, null::integer, true\n")
	p("from (values\n")
	for i, mb := range MeritBadges {
		p("    (%s, %s, %t)%s\n", refSQLString(mb.Code), refSQLString(mb.Name), mb.EagleRequired, refListSep(i, len(MeritBadges)))
	}
	p(") as v (code, name, is_eagle_required)\n")
	p("on conflict (code) do nothing;\n")
	return b.String()
}

// refListSep returns the separator after item i of n in a VALUES list.
func refListSep(i, n int) string {
	if i == n-1 {
		return ""
	}
	return ","
}

// refCountRankRequirements sums the requirement IDs of all ranks.
func refCountRankRequirements() int {
	n := 0
	for _, r := range Ranks {
		n += len(r.RequirementIDs)
	}
	return n
}
