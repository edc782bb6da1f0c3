package pgtest

import (
	"context"
	"testing"

	"github.com/google/uuid"
)

// Person is a signed-up user with a profile.
type Person struct {
	UserID    uuid.UUID
	ProfileID uuid.UUID
	Email     string
}

// Claims returns the person's JWT claims.
func (p Person) Claims() Claims { return UserClaims(p.UserID, p.Email) }

// CreatePerson inserts an auth user and a linked profile.
func (d *DB) CreatePerson(t testing.TB, email string) Person {
	t.Helper()
	ctx := context.Background()
	p := Person{UserID: uuid.New(), Email: email}
	if _, err := d.Pool.Exec(ctx, `insert into auth.users (id, email, role, aud) values ($1, $2, 'authenticated', 'authenticated')`,
		p.UserID, email); err != nil {
		t.Fatalf("create auth user: %v", err)
	}
	if err := d.Pool.QueryRow(ctx, `insert into public.profiles (user_id, email, first_name, last_name, full_name)
		values ($1, $2, 'Test', $2, 'Test ' || $2) returning id`, p.UserID, email).Scan(&p.ProfileID); err != nil {
		t.Fatalf("create profile: %v", err)
	}
	return p
}

// CreateUnit inserts a troop.
func (d *DB) CreateUnit(t testing.TB, name string) uuid.UUID {
	t.Helper()
	var id uuid.UUID
	if err := d.Pool.QueryRow(context.Background(),
		`insert into public.units (name, unit_number, unit_type) values ($1, '123', 'troop') returning id`, name).Scan(&id); err != nil {
		t.Fatalf("create unit: %v", err)
	}
	return id
}

// AddMember gives person a membership of unit with role and status.
func (d *DB) AddMember(t testing.TB, unit uuid.UUID, p Person, role, status string) {
	t.Helper()
	if _, err := d.Pool.Exec(context.Background(),
		`insert into public.unit_memberships (unit_id, profile_id, role, status) values ($1, $2, $3, $4)`,
		unit, p.ProfileID, role, status); err != nil {
		t.Fatalf("add member: %v", err)
	}
}

// Leader creates a person with an active leader membership of unit.
func (d *DB) Leader(t testing.TB, unit uuid.UUID, email string) Person {
	t.Helper()
	p := d.CreatePerson(t, email)
	d.AddMember(t, unit, p, "leader", "active")
	return p
}
