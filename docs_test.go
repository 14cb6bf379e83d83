package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// packageDirs are where the packages SECURITY.md and the README name live.
var packageDirs = map[string]string{
	"api": "api", "oauthflow": "oauthflow", "ui": "ui", "e2e": "e2e",
	"setup": "internal/setup", "store": "internal/store", "redact": "internal/redact", "cli": "internal/cli",
	"plain": "internal/plain", "termsafe": "internal/termsafe", "privfile": "internal/privfile", "sandbox": "internal/sandbox",
	"events": "internal/events",
}

// testFunc finds the test or fuzz function name in package pkg.
func testFunc(t *testing.T, pkg, name string) *ast.FuncDecl {
	t.Helper()
	dir, ok := packageDirs[pkg]
	if !ok {
		t.Fatalf("the docs name a test of package %q, which this test does not know", pkg)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*_test.go"))
	fset := token.NewFileSet()
	for _, file := range files {
		f, err := parser.ParseFile(fset, file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil && fn.Name.Name == name {
				return fn
			}
		}
	}
	return nil
}

// TestSecurityDocNamesRealTests: every test SECURITY.md names as the proof
// of a promise exists, so the document cannot claim what no test backs.
func TestSecurityDocNamesRealTests(t *testing.T) {
	doc, err := os.ReadFile("SECURITY.md")
	if err != nil {
		t.Fatal(err)
	}
	names := regexp.MustCompile("`(?:([a-z0-9]+)\\.)?((?:Test|Fuzz)[A-Za-z0-9_]+)`").FindAllStringSubmatch(string(doc), -1)
	if len(names) < 40 {
		t.Fatalf("only %d tests named in SECURITY.md", len(names))
	}
	for _, n := range names {
		if n[1] == "" {
			if n[2] != "TestSecurityDocNamesRealTests" {
				t.Errorf("SECURITY.md names %s without its package", n[2])
			}
			continue
		}
		if testFunc(t, n[1], n[2]) == nil {
			t.Errorf("SECURITY.md names %s.%s, which does not exist", n[1], n[2])
		}
	}
}

// hostileSuites are the tests of hostile input the README counts: what
// their cases are, and the tables they range over that hold them ("" for
// every table ranged over).
var hostileSuites = []struct{ pkg, test, table, what string }{
	{"oauthflow", "TestHostileCallbacks", "", "hostile callbacks to the listener"},
	{"oauthflow", "TestParsePasteRefuses", "", "refused pastes"},
	{"oauthflow", "TestTheLinkRefusesWhatIsNotItsBrowser", "", "hostile requests to the browser's start link"},
	{"api", "TestNoErrorQuotesAnAnswer", "answers", "answers no error may quote"},
	{"api", "TestUnusableAnswersAreDecodeErrors", "", "answers hootwire cannot use"},
	{"api", "TestNormalizeBaseURLRefusesWhatItCannotUseAsIs", "", "refused base URLs"},
	{"setup", "TestURLChecksCheckTheValueAsSent", "bad", "refused URLs"},
	{"setup", "TestNameAndTagChecks", "hostile", "refused names and tags"},
	{"termsafe", "TestLineTakesOutWhatATerminalWouldActOn", "", "texts made inert for the terminal"},
	{"privfile", "TestRefused", "", "refused debug-log paths"},
	{"events", "TestReceiverHostileRequests", "cases", "hostile requests to the event receiver"},
	{"events", "TestVerifyRefuses", "", "refused signatures"},
}

// cases counts a test's cases: the elements of the tables (slice and map
// literals) it ranges over, directly or through a variable, or of the one
// named table.
func cases(fn *ast.FuncDecl, table string) int {
	tables := map[string]int{}
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		if as, ok := n.(*ast.AssignStmt); ok && len(as.Lhs) == 1 && len(as.Rhs) == 1 {
			if id, ok := as.Lhs[0].(*ast.Ident); ok {
				if lit, ok := as.Rhs[0].(*ast.CompositeLit); ok {
					tables[id.Name] = len(lit.Elts)
				}
			}
		}
		return true
	})
	if table != "" {
		return tables[table]
	}
	total := 0
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		r, ok := n.(*ast.RangeStmt)
		if !ok {
			return true
		}
		switch x := r.X.(type) {
		case *ast.CompositeLit:
			total += len(x.Elts)
		case *ast.Ident:
			total += tables[x.Name]
		}
		return true
	})
	return total
}

// TestReadmeCountsHostileInputs: the README's count of hostile inputs is
// the tests' own, so it cannot drift from them.
func TestReadmeCountsHostileInputs(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	flat := strings.Join(strings.Fields(string(readme)), " ")
	total := 0
	var parts []string
	for _, s := range hostileSuites {
		fn := testFunc(t, s.pkg, s.test)
		if fn == nil {
			t.Fatalf("%s.%s does not exist", s.pkg, s.test)
		}
		n := cases(fn, s.table)
		total += n
		part := fmt.Sprintf("%d %s (`%s.%s`)", n, s.what, s.pkg, s.test)
		parts = append(parts, part)
		if !strings.Contains(flat, part) {
			t.Errorf("the README should say: %s", part)
		}
	}
	if want := "**" + strconv.Itoa(total) + " hostile inputs**"; !strings.Contains(flat, want) {
		t.Errorf("the README should say %s; its list: %s", want, strings.Join(parts, ", "))
	}
}
