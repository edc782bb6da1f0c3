package scoutgen

import (
	"math/rand/v2"
	"strconv"
)

// Scout is one youth of the synthetic troop, as the export names them, plus
// the roster facts a demo or test needs to seed the unit beforehand.
type Scout struct {
	// BSAMemberID is a unique 9-digit member ID.
	BSAMemberID string
	// FirstName, Nickname, MiddleName and LastName are as written in the
	// export; Nickname and MiddleName may be empty. With noise, one surname
	// contains a comma and one nickname contains double quotes.
	FirstName, Nickname, MiddleName, LastName string
	// OnRoster is false for about 5% of scouts: the unit does not know them
	// yet, so the importer has to create them.
	OnRoster bool
	// InactiveOnRoster is true for about 3% of scouts: they are on the
	// roster (OnRoster is true) but marked inactive.
	InactiveOnRoster bool
}

// Roster returns the scouts of the file WriteTroop writes for opts, in file
// order. It is deterministic and cheap, so a demo can seed the unit's roster
// (the scouts with OnRoster set) before importing the file. Invalid options
// give nil.
func Roster(opts TroopOptions) []Scout {
	o, err := opts.normalized()
	if err != nil {
		return nil
	}
	return buildRoster(o)
}

// buildRoster draws the roster for normalised options.
func buildRoster(o TroopOptions) []Scout {
	r := newRand(o.Seed, streamRoster)
	n := o.Scouts
	scouts := make([]Scout, n)
	usedIDs := make(map[string]bool, n)
	for i := range scouts {
		s := &scouts[i]
		s.BSAMemberID = uniqueMemberID(r, usedIDs)
		s.FirstName = pick(r, firstNames)
		s.LastName = pick(r, lastNames)
		switch x := r.Float64(); {
		case x < 0.55:
			s.MiddleName = pick(r, firstNames)
		case x < 0.75:
			s.MiddleName = string(rune('A' + r.IntN(26)))
		}
		if chance(r, 0.1) {
			s.Nickname = pick(r, nicknames)
		}
		s.OnRoster = true
	}

	// Exact counts, so that even a small troop has at least one scout of
	// each kind: about 5% not on the roster, about 3% inactive on it.
	order := r.Perm(n)
	off, inactive := rosterShare(n, 0.05, 2), rosterShare(n, 0.03, 3)
	for _, i := range order[:off] {
		scouts[i].OnRoster = false
	}
	for _, i := range order[off : off+inactive] {
		scouts[i].InactiveOnRoster = true
	}

	if o.Noise && n > 0 {
		nr := newRand(o.Seed, streamNoise^streamRoster)
		comma := nr.IntN(n)
		scouts[comma].LastName += nameWithComma
		quoted := nr.IntN(n)
		if n > 1 && quoted == comma {
			quoted = (quoted + 1) % n
		}
		scouts[quoted].Nickname = nameWithQuotes
	}
	return scouts
}

// rosterShare returns round(n*share), but at least 1 once n reaches minN.
func rosterShare(n int, share float64, minN int) int {
	k := int(float64(n)*share + 0.5)
	if k == 0 && n >= minN {
		k = 1
	}
	return k
}

// uniqueMemberID draws a 9-digit member ID not drawn before.
func uniqueMemberID(r *rand.Rand, used map[string]bool) string {
	for {
		id := strconv.Itoa(100_000_000 + r.IntN(900_000_000))
		if !used[id] {
			used[id] = true
			return id
		}
	}
}
