package migrate

import (
	"io/fs"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/supabase"
)

// Every migration of the project runs as one transaction: that is what lets a failed
// migration leave nothing behind and its dirty flag be cleared (see failed).
func TestEveryMigrationRunsAsOneTransaction(t *testing.T) {
	all, err := List(supabase.Migrations())
	require.NoError(t, err)
	for _, m := range all {
		text, err := fs.ReadFile(supabase.Migrations(), m.Name)
		require.NoError(t, err)
		require.True(t, runsAsOneTransaction(string(text)),
			"%s controls its own transactions or holds a statement that cannot run in one; split it so that each file runs as one transaction", m.Name)
	}
}

func TestRunsAsOneTransaction(t *testing.T) {
	for sql, want := range map[string]bool{
		"create table a (id int);":             true,
		"do $$\nbegin\n  perform 1;\nend\n$$;": true,
		"create function f() returns int language plpgsql as $$\nbegin\n  return 1;\nend;\n$$;": true,
		"-- runs concurrently with the app\ncreate table a (id int);":                           true,
		"begin;\ncreate table a (id int);\ncommit;":                                             false,
		"create table a (id int);\nCOMMIT;":                                                     false,
		"create index concurrently a_idx on a (id);":                                            false,
		"vacuum a;":          false,
		"start transaction;": false,
	} {
		require.Equal(t, want, runsAsOneTransaction(sql), sql)
	}
}
