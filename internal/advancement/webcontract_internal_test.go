package advancement

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// webContract lists what the web kit's hand-written TypeScript types must cover: the JSON
// field names of every struct stored in import_jobs.result (keyed by the name of its
// TypeScript interface), the warning kinds, the phases and the statuses. The kit's test
// (web/test/contract.test.ts) compares it with the interfaces and constants of
// web/src/results.ts, field by field, in both directions.
type webContract struct {
	Interfaces   map[string][]string `json:"interfaces"`
	WarningKinds []string            `json:"warningKinds"`
	Phases       []string            `json:"phases"`
	Statuses     []string            `json:"statuses"`
}

// TestWebContract builds the contract from the Go code (reflection over the result structs,
// the issue code constants and phase names in the source, the status check of the migration)
// and compares it with web/test/fixtures/go-contract.json. UPDATE_FIXTURES=1 rewrites the
// file; then the kit's test says which TypeScript type lacks what.
func TestWebContract(t *testing.T) {
	root := filepath.Join("..", "..")
	c := webContract{Interfaces: map[string][]string{}}
	for name, v := range map[string]any{
		"TroopImportResult":     Result{},
		"ImportWarning":         ImportWarning{},
		"WarningGroup":          WarningGroup{},
		"FileRowStats":          fileStats{},
		"TroopPreview":          Preview{},
		"TroopPreviewSummary":   PreviewSummary{},
		"TroopPreviewScout":     PreviewScout{},
		"HistoryImportResult":   HistoryResult{},
		"HistoryNote":           HistoryNote{},
		"HistoryPreview":        HistoryPreview{},
		"HistoryPreviewSummary": HistoryPreviewSummary{},
		"HistoryPreviewItem":    HistoryPreviewItem{},
		"TroopJobOptions":       Options{},
		"HistoryJobOptions":     HistoryOptions{},
	} {
		c.Interfaces[name] = jsonFields(t, reflect.TypeOf(v))
	}
	// Every struct reachable from a result must be listed above.
	for _, v := range []any{Result{}, HistoryResult{}} {
		assertStructsListed(t, reflect.TypeOf(v), c.Interfaces)
	}

	c.WarningKinds = issueCodes(t)
	c.Phases = phases(t, root)
	c.Statuses = statuses(t, root)

	raw, err := json.MarshalIndent(c, "", "  ")
	require.NoError(t, err)
	raw = append(raw, '\n')
	path := filepath.Join(root, "web", "test", "fixtures", "go-contract.json")
	if os.Getenv("UPDATE_FIXTURES") == "1" {
		require.NoError(t, os.WriteFile(path, raw, 0o644))
		return
	}
	committed, err := os.ReadFile(path)
	require.NoError(t, err, "read %s (write it with `make types`)", path)
	require.Equal(t, string(committed), string(raw),
		"the Go result types, issue codes, phases or statuses changed: run `make types` and update web/src/results.ts")
}

// jsonFields returns the JSON names of a struct's fields, sorted.
func jsonFields(t *testing.T, typ reflect.Type) []string {
	t.Helper()
	require.Equal(t, reflect.Struct, typ.Kind())
	var out []string
	for f := range typ.Fields() {
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		require.NotEmpty(t, name, "%s.%s has no json name", typ.Name(), f.Name)
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// assertStructsListed fails when a struct type reachable from typ has no interface in listed.
func assertStructsListed(t *testing.T, typ reflect.Type, listed map[string][]string) {
	t.Helper()
	for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice || typ.Kind() == reflect.Map {
		typ = typ.Elem()
	}
	if typ.Kind() != reflect.Struct {
		return
	}
	want := jsonFields(t, typ)
	found := false
	for _, fields := range listed {
		if slices.Equal(fields, want) {
			found = true
		}
	}
	require.True(t, found, "struct %s is part of a result but has no TypeScript interface in the contract", typ.Name())
	for f := range typ.Fields() {
		assertStructsListed(t, f.Type, listed)
	}
}

// issueCodes returns the values of the package's code* string constants: the warning and
// error kinds stored in import_job_issues.code and result.warnings[].type.
func issueCodes(t *testing.T) []string {
	t.Helper()
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	var out []string
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		require.NoError(t, err)
		ast.Inspect(f, func(n ast.Node) bool {
			vs, ok := n.(*ast.ValueSpec)
			if !ok {
				return true
			}
			for i, id := range vs.Names {
				if !strings.HasPrefix(id.Name, "code") || i >= len(vs.Values) {
					continue
				}
				if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					v, err := strconv.Unquote(lit.Value)
					require.NoError(t, err)
					out = append(out, v)
				}
			}
			return true
		})
	}
	require.NotEmpty(t, out)
	slices.Sort(out)
	return slices.Compact(out)
}

var (
	phaseLiteral  = regexp.MustCompile(`Phase: "(\w+)"|Phase = "(\w+)"|store\.finish\([^)]*?"(\w+)"`)
	sqlPhase      = regexp.MustCompile(`current_phase\s*:?=\s*'(\w+)'`)
	sqlPhaseCase  = regexp.MustCompile(`(?s)current_phase\s*=\s*case(.*?)end`)
	quotedWord    = regexp.MustCompile(`'(\w+)'`)
	statusesCheck = regexp.MustCompile(`import_jobs_status_check\s+check \(status in \(([^)]*)\)\)`)
)

// phases returns every value current_phase can take: the write steps of both handlers, the
// phase literals of the handlers and the queue, and the phases the SQL writes.
func phases(t *testing.T, root string) []string {
	t.Helper()
	out := append(slices.Clone(steps), historySteps...)
	var sources []string
	for _, glob := range []string{"*.go", filepath.Join(root, "internal", "jobs", "*.go"),
		filepath.Join(root, "sql", "queries", "*.sql"), filepath.Join(root, "supabase", "migrations", "*.sql")} {
		files, err := filepath.Glob(glob)
		require.NoError(t, err)
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, err := os.ReadFile(f)
			require.NoError(t, err)
			sources = append(sources, string(b))
		}
	}
	for _, src := range sources {
		for _, m := range phaseLiteral.FindAllStringSubmatch(src, -1) {
			out = append(out, m[1]+m[2]+m[3])
		}
		for _, m := range sqlPhase.FindAllStringSubmatch(src, -1) {
			out = append(out, m[1])
		}
		for _, m := range sqlPhaseCase.FindAllStringSubmatch(src, -1) {
			for _, q := range quotedWord.FindAllStringSubmatch(m[1], -1) {
				out = append(out, q[1])
			}
		}
	}
	// The worker marks a claimed job "starting" before its handler runs.
	out = append(out, "starting")
	slices.Sort(out)
	return slices.Compact(out)
}

// statuses returns the statuses allowed by import_jobs' check constraint.
func statuses(t *testing.T, root string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "supabase", "migrations", "20261129000400_import_jobs.sql"))
	require.NoError(t, err)
	m := statusesCheck.FindStringSubmatch(string(b))
	require.NotNil(t, m, "the status check constraint of import_jobs")
	var out []string
	for _, q := range quotedWord.FindAllStringSubmatch(m[1], -1) {
		out = append(out, q[1])
	}
	return out
}
